"""`csperf score TEMPLATE --period P`: a card scored straight from imported records."""

import json

import pytest

from csperf.cli.main import main


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    data = tmp_path_factory.mktemp("records")
    assert (
        main(
            [
                "demo-data",
                "--agents",
                "12",
                "--months",
                "1",
                "--until",
                "2026-03",
                "--data",
                str(data),
            ]
        )
        == 0
    )
    return data


def test_scores_every_employee_of_the_position_from_records(demo_dir, capsys):
    capsys.readouterr()
    assert (
        main(["score", "ecommerce-cs-monthly", "--period", "2026-03", "--data", str(demo_dir)]) == 0
    )
    out = json.loads(capsys.readouterr().out)
    assert out["period"] == "2026-03"
    assert out["results"], "the demo centre has e-commerce agents"
    first = out["results"][0]
    items = {i["code"]: i for s in first["sections"] for i in s["items"]}
    # the conversion rate comes from the sales records, not from an input file
    assert items["inquiry_conversion"]["value"] is not None
    assert 0 <= items["inquiry_conversion"]["value"] <= 1


def test_employees_option_limits_the_run(demo_dir, capsys):
    capsys.readouterr()
    assert (
        main(["score", "ecommerce-cs-monthly", "--period", "2026-03", "--data", str(demo_dir)]) == 0
    )
    ids = [r["id"] for r in json.loads(capsys.readouterr().out)["results"]]
    assert (
        main(
            [
                "score",
                "ecommerce-cs-monthly",
                "--period",
                "2026-03",
                "--data",
                str(demo_dir),
                "--employees",
                ids[0],
            ]
        )
        == 0
    )
    assert [r["id"] for r in json.loads(capsys.readouterr().out)["results"]] == ids[:1]


def test_wrong_period_kind_is_an_error(demo_dir, capsys):
    assert (
        main(["score", "ecommerce-cs-monthly", "--period", "2026-Q1", "--data", str(demo_dir)]) == 2
    )
    assert "quarter" in capsys.readouterr().err
