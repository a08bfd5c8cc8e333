"""docs/scorecards.md stays true: every template in it loads, every worked result is the engine's.

Blocks are found by their first line:

- ```yaml ``# example: NAME``  a complete template; must load;
- ```yaml ``# invalid: NAME``  a template that must be refused;
- ```yaml ``# excerpt: NAME``  a fragment copied verbatim from example NAME;
- ```json ``// input: NAME``   the input scored with template NAME (``NAME/variant``: another
  input for the same template);
- ```text ``# result: NAME``   the result of that run, as :func:`render` prints it;
- ```text ``# error: NAME``    the error of an invalid template, or of an input that fails;
- ```json ``// output: NAME``  the JSON output (``csperf score --format json``) of input NAME.

Every ```yaml block must carry one of the yaml markers, so no example escapes the check.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import pytest

from csperf.kernel.decimals import jsonable
from csperf.scoring import (
    ScoreRun,
    ScoringError,
    Template,
    TemplateError,
    load_input,
    load_template,
    score,
)
from csperf.scoring.formula import FormulaSyntaxError, compile_formula
from csperf.scoring.numbers import plain, round2

DOC = Path(__file__).resolve().parents[2] / "docs" / "scorecards.md"
TEMPLATE_SOURCE = "card.yaml"
INPUT_SOURCE = "input.json"

_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
_MARKER = re.compile(r"^(?:#|//) (example|invalid|excerpt|input|result|error|output): (\S+)\s*$")


def doc_blocks(text: str) -> list[tuple[str, str | None, str | None, str]]:
    """(language, marker kind, name, body) of every fenced block, in document order."""
    out = []
    for m in _FENCE.finditer(text):
        lang, body = m.group(1), m.group(2)
        first = body.partition("\n")[0]
        mark = _MARKER.match(first)
        if mark:
            out.append((lang, mark.group(1), mark.group(2), body))
        else:
            out.append((lang, None, None, body))
    return out


def named(kind: str) -> dict[str, str]:
    """Bodies of the blocks of one marker kind, by name (names are unique per kind)."""
    found: dict[str, str] = {}
    for _, k, name, body in BLOCKS:
        if k == kind:
            assert name not in found, f"two '{kind}: {name}' blocks in {DOC.name}"
            found[name] = body  # type: ignore[index]
    return found


def strip_marker(body: str) -> str:
    """The block without its marker line (a JSON input is not valid JSON with it)."""
    return body.partition("\n")[2]


def marked_body(body: str) -> str:
    """The lines after the marker line, without the trailing newline (for result blocks)."""
    return strip_marker(body).rstrip("\n")


def render(run: ScoreRun) -> str:
    """One line per employee, then each section and item explanation, pay, flags and alerts."""
    lines: list[str] = []
    for r in run.results:
        head = f"{r.id} {r.name}" if r.name else r.id
        head += f"  total {r.total:f}"
        if r.grade is not None:
            head += f"  grade {r.grade}"
        if r.rank is not None:
            head += f"  rank {r.rank} (from bottom {r.rank_from_bottom})"
        if r.rank_label is not None:
            head += f"  {r.rank_label}"
        lines.append(head)
        for s in r.sections:
            lines.append(f"  [{s.code}] {round2(s.score):f} / {plain(s.full)}")
            for i in s.items:
                lines.append(f"    {i.code}: {i.explain}")
        if r.pay_explain is not None:
            lines.append(f"  pay: {r.pay_explain}")
        lines.extend(f"  flag: {f}" for f in r.flags)
        lines.extend(f"  alert: {a}" for a in r.alerts)
    return "\n".join(lines)


def template_name(input_name: str) -> str:
    """``step/lower`` is an input of the template ``step``."""
    return input_name.split("/")[0]


def load(name: str) -> Template:
    return load_template(EXAMPLES[name], source=TEMPLATE_SOURCE)


def run_example(input_name: str) -> ScoreRun:
    data = load_input(strip_marker(INPUTS[input_name]), source=INPUT_SOURCE)
    return score(
        load(template_name(input_name)),
        data,
        source=INPUT_SOURCE,
        template_source=TEMPLATE_SOURCE,
    )


BLOCKS = doc_blocks(DOC.read_text(encoding="utf-8"))
EXAMPLES = named("example")
INVALID = named("invalid")
INPUTS = named("input")
RESULTS = named("result")
ERRORS = named("error")
OUTPUTS = named("output")


def test_the_doc_has_examples_of_every_kind() -> None:
    assert len(EXAMPLES) >= 15
    assert INVALID and INPUTS and RESULTS and ERRORS
    rule_types = {item.rule.type for name in EXAMPLES for _, item in load(name).items}
    assert rule_types == {
        "tiers",
        "linear",
        "step",
        "per_count",
        "ratio",
        "levels",
        "manual",
        "relative",
        "formula",
    }


def test_every_yaml_block_is_marked() -> None:
    unmarked = [body[:60] for lang, kind, _, body in BLOCKS if lang == "yaml" and kind is None]
    assert unmarked == [], "mark each yaml block '# example:', '# invalid:' or '# excerpt: NAME'"
    stray = [
        (lang, kind, name)
        for lang, kind, name, _ in BLOCKS
        if kind is not None
        and (lang, kind)
        not in {
            ("yaml", "example"),
            ("yaml", "invalid"),
            ("yaml", "excerpt"),
            ("json", "input"),
            ("json", "output"),
            ("text", "result"),
            ("text", "error"),
        }
    ]
    assert stray == []


def test_every_input_result_and_error_has_its_template() -> None:
    for name in INPUTS:
        assert template_name(name) in EXAMPLES, f"input {name!r} has no example template"
    for name in RESULTS:
        assert name in INPUTS, f"result {name!r} has no '// input: {name}' block"
    for name in ERRORS:
        assert name in INVALID or name in INPUTS, f"error {name!r} has nothing to run"
        assert name not in RESULTS
    for name in OUTPUTS:
        assert name in RESULTS, f"output {name!r} has no input that scores"


def test_excerpts_are_copied_from_their_example() -> None:
    excerpts = [(name, body) for lang, kind, name, body in BLOCKS if kind == "excerpt"]
    assert excerpts
    for name, body in excerpts:
        assert name in EXAMPLES, f"excerpt of unknown example {name!r}"
        assert strip_marker(body) in EXAMPLES[name], f"excerpt differs from example {name!r}"


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_template_loads(name: str) -> None:
    template = load(name)
    assert template.sections


@pytest.mark.parametrize("name", sorted(INVALID))
def test_invalid_template_is_refused_with_the_documented_message(name: str) -> None:
    with pytest.raises(TemplateError) as exc:
        load_template(INVALID[name], source=TEMPLATE_SOURCE)
    assert name in ERRORS, f"document the error of invalid template {name!r}"
    assert exc.value.render() == marked_body(ERRORS[name])


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_input_scores_as_documented(name: str) -> None:
    json.loads(strip_marker(INPUTS[name]))  # the block is plain JSON once the marker is gone
    if name in ERRORS:
        with pytest.raises(ScoringError) as exc:
            run_example(name)
        assert exc.value.render() == marked_body(ERRORS[name])
        return
    assert name in RESULTS, f"document the result of input {name!r}"
    assert render(run_example(name)) == marked_body(RESULTS[name])


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_json_output_is_the_engines(name: str) -> None:
    text = strip_marker(OUTPUTS[name])
    shown = json.loads(text)
    assert shown == json.loads(json.dumps(jsonable(run_example(name).to_dict())))
    # the CLI writes rounded figures with their 2 decimals; the doc shows them that way
    for result in run_example(name).results:
        assert f'"total": {result.total},' in text


def formula_error_rows() -> list[tuple[str, str]]:
    """The ``| `expr` | `message` |`` rows of the table after ``<!-- formula-errors -->``."""
    text = DOC.read_text(encoding="utf-8")
    table = text.split("<!-- formula-errors -->", 1)[1].strip().split("\n\n", 1)[0]
    return re.findall(r"^\| `(.+?)` \| `(.+?)` \|$", table, re.M)


def test_formula_error_table_is_the_engines() -> None:
    rows = formula_error_rows()
    assert len(rows) >= 10
    for expr, message in rows:
        with pytest.raises(FormulaSyntaxError) as exc:
            compile_formula(expr)
        assert str(exc.value) == message, expr


# -- the key worked results, stated as numbers ------------------------------------------------

D = Decimal


def test_overview_card_totals_grades_ranks_and_pay() -> None:
    run = run_example("overview")
    zhang, li, wang = (run.result(e) for e in ("E001", "E002", "E003"))
    # 询单转化率 0.70 -> 80/100 x 35 = 28
    assert zhang.item("inquiry_conversion").contribution == D(28)
    # 28 + 20 + 17 + 9.2 + 8, +1 praise, -2 late
    assert (zhang.total, zhang.grade, zhang.rank, zhang.pay) == (D("81.20"), "良好", 2, D(600))
    # 100 + 4 praise, capped by total.max
    assert (li.total, li.grade, li.rank_label) == (D("100.00"), "优秀", "奖励")
    # 严重违规 1 起: 一票否决 -> 0, 不合格, and the pay floor
    assert (wang.total, wang.grade) == (D("0.00"), "不合格")
    assert "一票否决" in wang.flags
    assert wang.pay == D("562.50")


def test_step_deduction_every_one_percent_short_costs_two_points() -> None:
    run = run_example("step")
    # 0.855 vs 0.90: 4.5 steps short x 2 = 9 -> 20 - 9 = 11
    assert run.result("E001").item("satisfaction").score == D(11)
    # far below target: 扣完为止, never below 0
    assert run.result("E003").item("satisfaction").score == D(0)


def test_missing_value_is_excluded_and_the_section_renormalised() -> None:
    run = run_example("missing")
    r = run.result("E002")
    assert r.item("first_contact_resolution").contribution is None
    # (40 + 20 full + 0 zero) x 100/70, rounded once at the total
    assert r.sections[0].score.quantize(D("1e-12")) == D("85.714285714286")
    assert r.total == D("85.71")
    assert "quality.first_contact_resolution: no data -> excluded" in r.flags


def test_relative_call_volume_against_the_mean_of_all_agents() -> None:
    run = run_example("relative")
    # mean of 1200, 1000, 800 = 1000; 800 / 1000 = 0.8 -> 5
    assert run.result("E003").item("call_volume").score == D(5)
    assert run.result("E001").item("call_volume").score == D(10)


def test_alert_after_three_failing_months_in_a_row() -> None:
    run = run_example("alerts")
    assert run.result("E001").alerts == ["连续三个月不合格，考虑调整岗位"]
    # 2026-01 is missing: the 不合格 streak is only 2 long, but 2 totals < 35 in a row
    assert run.result("E002").alerts == ["连续两次低于35分"]
    assert run.result("E003").alerts == ["连续三次第一"]


# -- regenerating the documented results --------------------------------------------------------


def _regenerate(text: str) -> str:
    """``text`` with every ``# result:``/``# error:`` block replaced by what the engine prints now."""

    def block(m: re.Match[str]) -> str:
        lang, body = m.group(1), m.group(2)
        first = body.partition("\n")[0]
        mark = _MARKER.match(first)
        if lang != "text" or not mark or mark.group(1) not in ("result", "error"):
            return m.group(0)
        kind, name = mark.group(1), mark.group(2)
        try:
            if name in INVALID:
                load_template(INVALID[name], source=TEMPLATE_SOURCE)
                out = "(no error: the test will fail until the example is fixed)"
            else:
                out = render(run_example(name))
                if kind == "error":
                    out = f"(no error: the test will fail until the example is fixed)\n{out}"
        except ScoringError as exc:
            out = exc.render()
        return f"```{lang}\n{first}\n{out}\n```"

    return _FENCE.sub(block, text)


if __name__ == "__main__":
    # After an intended change of the engine's explanations or messages:
    #   python -m tests.docs.test_scorecards_doc && git diff docs/scorecards.md
    # then check that the prose around each changed block still says the same.
    DOC.write_text(_regenerate(DOC.read_text(encoding="utf-8")), encoding="utf-8")
