"""QC forms: loading, validation paths, scoring (N/A, fatal, bonus), the built-in forms."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from csperf.qc.engine import AnswerError, FormError, item_differences, load_form, score_review
from csperf.qc.forms import builtin_codes, load_builtin

SMALL = """\
code: small
version: 2
name: 小表
pass_score: 80
sections:
  - code: a
    name: A
    items:
      - {code: a1, name: A1, points: 30}
      - {code: a2, name: A2, points: 20, na: true}
      - {code: a_fatal, name: A 致命, kind: fatal, fails: section}
  - code: b
    name: B
    items:
      - {code: b1, name: B1, points: 50, options: [0, 25, 50]}
      - {code: b_fatal, name: B 致命, kind: fatal}
  - code: x
    name: 加分
    items:
      - {code: bonus, name: 加分, kind: bonus, points: 10}
"""


def small():
    return load_form(SMALL, source="small.yaml")


def test_full_marks():
    r = score_review(small(), {"a1": 30, "a2": 20, "b1": 50, "bonus": 0})
    assert r.score == D("100.00") and r.passed and not r.fatal
    assert r.version == 2 and r.max_score == 100


def test_na_leaves_the_denominator():
    # 25 + 25 of 30 + 50 possible (a2 N/A) = 50/80 = 62.5
    r = score_review(small(), {"a1": 25, "a2": "na", "b1": 25, "bonus": 0})
    assert r.possible == 80 and r.earned == 50
    assert r.score == D("62.50") and not r.passed
    assert [i.na for i in r.items if i.code == "a2"] == [True]


def test_na_refused_where_not_allowed():
    with pytest.raises(AnswerError, match=r"answers.a1: item a1 \(A1\) cannot be N/A"):
        score_review(small(), {"a1": "na", "a2": 20, "b1": 50, "bonus": 0})


def test_chinese_na_word():
    r = score_review(small(), {"a1": 30, "a2": "不适用", "b1": 50, "bonus": 0})
    assert r.score == 100


def test_everything_na_is_full_marks():
    form = load_form(
        "code: n\nversion: 1\nname: N\nsections:\n  - code: s\n    name: S\n    items:\n"
        "      - {code: i, name: I, points: 10, na: true}\n"
    )
    assert score_review(form, {"i": "na"}).score == 100


def test_section_fatal_zeroes_its_section_only():
    # a zeroed (0 of 50), b 50 of 50 -> 50; a fatal error always fails the review
    r = score_review(small(), {"a1": 30, "a2": 20, "a_fatal": "是", "b1": 50, "bonus": 0})
    assert r.score == 50 and r.fatal and not r.review_fatal and not r.passed
    assert r.fatal_count == 1
    assert [s.fatal for s in r.sections] == [True, False, False]


def test_review_fatal_zeroes_everything_even_bonus():
    r = score_review(small(), {"a1": 30, "a2": 20, "b1": 50, "b_fatal": True, "bonus": 10})
    assert r.score == 0 and r.review_fatal and r.bonus == 0 and not r.passed


def test_two_fatal_errors_are_counted():
    r = score_review(
        small(), {"a1": 1, "a2": 1, "a_fatal": "yes", "b1": 0, "b_fatal": "1", "bonus": 0}
    )
    assert r.fatal_count == 2 and r.score == 0


def test_fatal_blank_means_no_error():
    r = score_review(small(), {"a1": 30, "a2": 20, "b1": 50, "a_fatal": "", "bonus": 0})
    assert not r.fatal


def test_bonus_added_but_capped_at_scale():
    r = score_review(small(), {"a1": 30, "a2": 0, "b1": 50, "bonus": 10})
    # 80 + 10 = 90
    assert r.score == 90 and r.bonus == 10
    r = score_review(small(), {"a1": 30, "a2": 15, "b1": 50, "bonus": 10})
    # 95 + 10 capped at 100: only 5 counted
    assert r.score == 100 and r.bonus == 5


def test_options_enforced():
    with pytest.raises(AnswerError, match="b1: 30 is not one of the allowed scores 0, 25, 50"):
        score_review(small(), {"a1": 30, "a2": 20, "b1": 30, "bonus": 0})


@pytest.mark.parametrize("bad", [31, -1, "abc", True, "NaN"])
def test_out_of_range_or_not_a_number(bad):
    with pytest.raises(AnswerError) as exc:
        score_review(small(), {"a1": bad, "a2": 20, "b1": 50, "bonus": 0})
    assert "answers.a1" in str(exc.value)


def test_unknown_item_and_missing_answers_all_reported():
    with pytest.raises(AnswerError) as exc:
        score_review(small(), {"zz": 1, "a1": 30})
    text = str(exc.value)
    assert "no item 'zz'" in text and "A2: no answer" in text and "B1: no answer" in text


def test_draft_lists_missing():
    r = score_review(small(), {"a1": 30}, complete=False)
    # a blank bonus earns 0 and is not missing; the partial score is no result
    assert r.missing == ("a2", "b1") and not r.complete and r.bonus == 0


def test_bad_fatal_word():
    with pytest.raises(AnswerError, match="not yes/no"):
        score_review(small(), {"a1": 30, "a2": 20, "b1": 50, "bonus": 0, "a_fatal": "maybe"})


def test_rounding_half_up():
    form = load_form(
        "code: r\nversion: 1\nname: R\nsections:\n  - code: s\n    name: S\n    items:\n"
        "      - {code: i, name: I, points: 3}\n      - {code: j, name: J, points: 3}\n"
    )
    # 2/6 = 33.333.. -> 33.33; 5/6 = 83.333 -> 83.33; 1/6 = 16.666 -> 16.67
    assert score_review(form, {"i": 1, "j": 1}).score == D("33.33")
    assert score_review(form, {"i": 1, "j": 0}).score == D("16.67")


def test_other_scale():
    form = load_form(
        "code: t\nversion: 1\nname: T\nscale: 10\npass_score: 8.5\nsections:\n  - code: s\n"
        "    name: S\n    items:\n      - {code: i, name: I, points: 20}\n"
    )
    r = score_review(form, {"i": 17})
    assert r.score == D("8.50") and r.passed and r.percent == 85


# -- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1, 2]", "must be a mapping"),
        (
            "code: Bad Code\nversion: 1\nname: x\nsections: []",
            "code: 'Bad Code' must be lower-case",
        ),
        ("code: a\nversion: 0\nname: x\nsections: []", "version: must be a whole number >= 1"),
        ("code: a\nversion: 1\nname: x\nsections: []", "sections: must be a non-empty list"),
        ("code: a\nversion: 1\nname: x\nfoo: 1\nsections: []", "foo: unknown key"),
        ("code: a\nversion: 1\nname: x\nchannel: fax\nsections: []", "channel: must be one of"),
        (
            "code: a\nversion: 1\nname: x\nsections:\n  - {code: s, name: S, items: [{code: i, name: I}]}",
            "sections[0].items[0].points: is required",
        ),
        (
            "code: a\nversion: 1\nname: x\nsections:\n  - {code: s, name: S, items: [{code: i, name: I, points: 5, options: [0, 6]}]}",
            "sections[0].items[0].options[1]: must be between 0 and the item's points 5",
        ),
        (
            "code: a\nversion: 1\nname: x\nsections:\n  - {code: s, name: S, items: [{code: i, name: I, kind: fatal, points: 5}]}",
            "a fatal item has no points",
        ),
        (
            "code: a\nversion: 1\nname: x\nsections:\n  - {code: s, name: S, items: [{code: i, name: I, kind: fatal, fails: team}]}",
            "fails: must be section or review",
        ),
        (
            "code: a\nversion: 1\nname: x\nsections:\n  - {code: s, name: S, items: [{code: i, name: I, points: 5, fails: section}]}",
            "only fatal items have fails",
        ),
        (
            "code: a\nversion: 1\nname: x\nsections:\n  - {code: s, name: S, items: [{code: i, name: I, kind: bonus, points: 5, na: true}]}",
            "only scored items can be N/A",
        ),
        (
            "code: a\nversion: 1\nname: x\nsections:\n  - {code: s, name: S, items: [{code: i, name: I, points: 5}, {code: i, name: J, points: 5}]}",
            "item 'i' is defined twice",
        ),
        (
            "code: a\nversion: 1\nname: x\nsections:\n  - {code: s, name: S, items: [{code: i, name: I, kind: bonus, points: 5}]}",
            "no scored item",
        ),
        (
            "code: a\nversion: 1\nname: x\npass_score: 120\nsections: []",
            "pass_score: is above the scale",
        ),
        ("code: a\n  bad: [", "invalid YAML"),
    ],
)
def test_validation_messages(text, message):
    with pytest.raises(FormError) as exc:
        load_form(text, source="f.yaml")
    assert message in str(exc.value), str(exc.value)
    assert str(exc.value).startswith("f.yaml")


def test_validation_reports_line_numbers():
    text = "code: a\nversion: 1\nname: x\nsections:\n  - code: s\n    name: S\n    items:\n      - {code: i, name: I, points: -1}\n"
    with pytest.raises(FormError) as exc:
        load_form(text, source="f.yaml")
    assert str(exc.value).startswith("f.yaml:8: sections[0].items[0].points")


# -- built-in forms ----------------------------------------------------------------------------


def test_builtins_load_and_sum_to_100():
    assert builtin_codes() == ["ecommerce-chat", "hotline-call"]
    for code in builtin_codes():
        form = load_builtin(code)
        assert form.full == 100 and form.scale == 100


def test_hotline_worked_example():
    """A hotline call scored by hand.

    greeting 3, identity N/A, listening 10, clarify 5, accuracy 10, process 10, first_resolution
    10, tone 10, empathy 3, hold N/A, summary 5, closing 5, record 3.
    Possible = 100 − 5 (identity) − 5 (hold) = 90; earned = 3+10+5+10+10+10+10+3+5+5+3 = 74.
    Score = 74 / 90 × 100 = 82.222… -> 82.22, passes (>= 80). With the 2-point praise bonus
    84.22. With wrong_answer_loss (fatal for 业务处理): the section's 30 points go, 44 / 90 × 100
    = 48.89, failed. With privacy_leak: 0.
    """
    form = load_builtin("hotline-call")
    answers = {
        "greeting": 3,
        "identity_check": "na",
        "listening": 10,
        "clarify": 5,
        "accuracy": 10,
        "process": 10,
        "first_resolution": 10,
        "tone": 10,
        "empathy": 3,
        "hold_etiquette": "na",
        "summary": 5,
        "closing_phrase": 5,
        "record": 3,
        "praise": 0,
        "retention": 0,
    }
    r = score_review(form, answers)
    assert (r.earned, r.possible, r.score, r.passed) == (74, 90, D("82.22"), True)
    assert score_review(form, {**answers, "praise": 2}).score == D("84.22")
    r = score_review(form, {**answers, "wrong_answer_loss": "是"})
    assert (r.score, r.passed, r.fatal, r.review_fatal) == (D("48.89"), False, True, False)
    r = score_review(form, {**answers, "privacy_leak": "是"})
    assert (r.score, r.review_fatal) == (0, True)


def test_ecommerce_chat_na_sales_items():
    """A pure after-sales chat: closing_sale and cross_sell N/A (15 points leave), everything
    else full except product_knowledge 10 of 15: 80 / 85 × 100 = 94.12 (pass mark 85)."""
    form = load_builtin("ecommerce-chat")
    answers = {it.code: it.points for _s, it in form.items() if it.kind == "scored"}
    answers.update(closing_sale="na", cross_sell="na", product_knowledge=10, praise=0)
    r = score_review(form, answers)
    assert (r.earned, r.possible, r.score, r.passed) == (80, 85, D("94.12"), True)


def test_item_differences():
    form = small()
    a = {"a1": 30, "a2": "na", "b1": 50, "bonus": 0}
    b = {"a1": 30, "a2": 20, "b1": 50, "bonus": 0, "b_fatal": "是"}
    assert item_differences(form, a, b) == ["a2", "b_fatal"]
    assert item_differences(form, a, dict(a)) == []
