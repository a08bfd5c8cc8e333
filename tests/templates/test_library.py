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
