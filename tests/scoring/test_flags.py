"""A card's flags read back as code + params and said in the reader's language (issue 16)."""

from __future__ import annotations

import pytest

from csperf.scoring import flags as F
from tests.scoring.helpers import run, template


def _linear(code: str, points: int, **kw):
    return {
        "code": code,
        "name": {"a": "通话量", "b": "一次解决率", "c": "系数项"}.get(code, code),
        "value": code,
        "points": points,
        "rule": {"type": "linear", "points": [[0, 0], [points, points]]},
        **kw,
    }


def _flags_of_a_run():
    t = template(
        [
            {"code": "k", "name": "基础", "items": [_linear("a", 60), _linear("b", 40)]},
            {"code": "m", "kind": "multiplier", "items": [_linear("c", 10)]},
        ],
        grades=[{"grade": "A", "gte": 90}],
    )
    result = run(t, {"values": {"a": 30}}).results[0]
    return t, result.flags


def test_engine_flags_render_in_chinese_with_the_template_names():
    t, flags = _flags_of_a_run()
    shown = F.render_all(flags, "zh-hans", F.names_of(t))
    assert "一次解决率无数据，本项不计分" in shown
    assert "系数项无数据，本项不计分" in shown
    assert any(s.startswith("总分 ") and "不在任何等级范围内" in s for s in shown)
    assert not any("excluded" in s or "no grade" in s for s in shown)


def test_engine_flags_render_in_english():
    t, flags = _flags_of_a_run()
    shown = F.render_all(flags, "en", F.names_of(t))
    assert "一次解决率: no data; not scored" in shown
    assert any(s.startswith("no grade matches total") for s in shown)
    assert not any("无数据" in s for s in shown)


@pytest.mark.parametrize(
    ("stored", "zh", "en"),
    [
        (
            "k.b: peer median is 0",
            "k.b：同组中位数为 0，无法比较",
            "k.b: the peers' median is 0, nothing to compare with",
        ),
        (
            "aht: 1.3 is outside 0–1 (share); not scored",
            "aht：1.3 超出取值范围 0–1（占比），未计分",
            "aht: 1.3 is outside 0–1 (share); not scored",
        ),
        (
            "late: a: 1.5 is not a whole number (count); not scored",
            "late：a：1.5 不是整数（计数），未计分",
            "late: a: 1.5 is not a whole number (count); not scored",
        ),
        (
            "k: every item excluded, section scores 0",
            "k：全部项目不计分，本部分记 0 分",
            "k: every item excluded, the section scores 0",
        ),
        ("not ranked: the card has input errors", "未参与排名：本卡有输入错误", None),
        ("pay: no band matches total 41.50", "绩效工资：总分 41.50 不在任何档位内", None),
        (
            "k.c: kinds not in the rule ignored: x, y",
            "k.c：模板未列出的类别已忽略：x、y",
            "k.c: kinds not in the rule ignored: x, y",
        ),
        (
            "k.b: no data (话务记录(calls): 呼叫放弃率) -> excluded",
            "k.b无数据（话务记录(calls): 呼叫放弃率），本项不计分",
            "k.b: no data (话务记录(calls): 呼叫放弃率); not scored",
        ),
    ],
)
def test_stored_english_flags_display_in_both_languages(stored, zh, en):
    assert F.render(stored, "zh-hans") == zh
    assert F.render(stored, "en") == (en or stored)


def test_a_vetos_own_words_and_unknown_text_are_shown_as_written():
    assert F.parse("出现重大投诉，一票否决") == {"code": "other", "text": "出现重大投诉，一票否决"}
    assert F.render("出现重大投诉，一票否决", "en") == "出现重大投诉，一票否决"
    assert F.render("k.b: something new", "zh-hans") == "k.b：something new"


def test_parse_gives_the_machine_form():
    assert F.parse("k.b: no data for v.calls -> excluded") == {
        "code": "item",
        "where": "k.b",
        "flag": {"code": "excluded", "why": "no_input", "input": "calls"},
    }
    assert F.parse("no grade matches total 50.00") == {"code": "no_grade", "total": "50.00"}
    parsed = F.parse("days_worked missing: eligibility (min_days_worked) not checked")
    assert F.render(parsed, "zh-hans").startswith("缺少出勤天数")


def test_a_quoted_feed_label_is_said_by_the_callers_words():
    stored = "k.b: no data (其他考核表) -> excluded"
    words = {"其他考核表": "other scorecards"}

    def feeds(label: str, lang: str) -> str:
        return words.get(label, label) if lang == "en" else label

    assert F.render(stored, "en", feeds=feeds) == "k.b: no data (other scorecards); not scored"
    assert F.render(stored, "zh-hans", feeds=feeds) == "k.b无数据（其他考核表），本项不计分"
