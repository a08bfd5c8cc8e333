"""Every built-in template loads, has an example, and `csperf score` runs it in every format."""

import json

import openpyxl
import pytest

from csperf.cli.main import main
from csperf.templates import builtin_codes, example_input_path, load_builtin

CODES = builtin_codes()


def test_the_library_is_not_empty():
    assert len(CODES) >= 10


@pytest.mark.parametrize("code", CODES)
def test_builtin_template_scores_its_example(code, capsys, tmp_path):
    template = load_builtin(code)
    assert template.code == code, "the file name is the template's code"
    assert template.name, "a built-in template has a Chinese name"
    assert template.positions, "a built-in template names the positions that use it (x-positions)"
    example = example_input_path(code)
    assert example.is_file(), f"missing example input {example}"

    assert main(["score", code, "--input", str(example)]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["template"] == {"code": code, "version": template.version}
    assert out["results"], "the example scores at least one employee"
    for result in out["results"]:
        assert isinstance(result["total"], (int, float))

    assert main(["score", code, "--input", str(example), "--format", "table"]) == 0
    assert template.name in capsys.readouterr().out

    xlsx = tmp_path / f"{code}.xlsx"
    assert main(["score", code, "--input", str(example), "--format", "xlsx", "-o", str(xlsx)]) == 0
    wb = openpyxl.load_workbook(xlsx)
    assert len(wb.sheetnames) == 1 + len(out["results"])


def test_templates_list_names_every_builtin(capsys):
    assert main(["templates", "list"]) == 0
    out = capsys.readouterr().out
    for code in CODES:
        assert code in out


def test_each_position_has_one_default_template():
    owners: dict[str, str] = {}
    for code in CODES:
        for position in load_builtin(code).positions:
            assert position not in owners, f"{position} is claimed by {owners[position]} and {code}"
            owners[position] = code


# -- provenance: every built-in item cites its source or names our choice ---------------------

import re  # noqa: E402
from pathlib import Path  # noqa: E402

from csperf.templates.catalogue import catalogue_markdown, provenance  # noqa: E402

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
CATALOGUE = {  # schemes.md §2: the 37 template codes of the build list
    "cs-phone-specialist-monthly", "callcenter-agent-scheme", "callcenter-qc-inspector-monthly",
    "telecom-operator-piecework", "pbc-callcenter-division", "cs-staff-scheme", "cs-manager-kpi",
    "callcenter-manager", "callcenter-project-manager", "securities-callcenter-agent",
    "mobile-account-manager", "cs-management-post", "dealer-sales-advisor",
    "dealer-service-advisor", "dealer-workshop-quality", "cs-service-conduct",
    "ob-satisfaction-monthly", "ecommerce-cs-monthly", "ecommerce-cs-sales", "property-cs-staff",
    "cs-department-quarterly", "cs-draft-scheme", "property-company-centre",
    "property-company-cs-office", "property-company-environment", "property-company-security",
    "property-company-admin", "property-company-centre-rollup", "express-cs", "game-cs-bonus",
    "pay-bands-standard", "pay-bands-supervisor", "property-tieyuan-cs", "cs-department-standard",
    "cs-stage-launch", "cs-stage-mature", "cs-bank-case",
}  # fmt: skip


def test_the_library_is_exactly_the_build_list():
    assert set(CODES) == CATALOGUE and len(CODES) == 37


@pytest.mark.parametrize("code", CODES)
def test_every_item_cites_a_source_or_names_a_choice(code):
    t = load_builtin(code)
    cited = {p.path for p in provenance(code)}
    for s_idx, section in enumerate(t.sections):
        for i_idx, item in enumerate(section.items):
            path = f"sections[{s_idx}].items[{i_idx}]"
            assert path in cited, f"{code}: {item.code} has neither x-source nor x-choice"


def _collapse(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the source documents are not beside the checkout")
@pytest.mark.parametrize("code", CODES)
def test_every_quote_is_verbatim_in_its_source(code):
    seeds = {p.name: _collapse(p.read_text(encoding="utf-8")) for p in SEEDS.glob("*.txt")}
    for place in provenance(code):
        for q in place.sources:
            assert q.file in seeds, f"{code} {place.path}: unknown source file {q.file!r}"
            assert _collapse(q.quote) in seeds[q.file], f"{code} {place.path}: {q.quote!r}"


@pytest.mark.parametrize("code", CODES)
def test_every_input_has_a_unit(code):
    t = load_builtin(code)
    specs = t.input_specs()
    for _, item in t.items:
        if item.value is not None:
            assert item.unit is not None, f"{code}: {item.code} has no x-unit"
    undeclared = sorted(t.value_names() - set(specs))
    assert undeclared == [], f"{code}: declare these inputs in x-inputs: {undeclared}"


def test_the_docs_list_every_builtin_scheme_with_its_choices():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "scorecards.md").read_text("utf-8")
    section = doc.split("## 21. 内置考核方案", 1)[1].split("\n## ", 1)[0]
    listed = section.split("<!-- catalogue -->\n", 1)[1].split("<!-- /catalogue -->", 1)[0]
    assert listed == catalogue_markdown(), "regenerate: python -m csperf.templates.catalogue"
