"""Dashboards: buckets, scope of units per role, chart = table = download."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from csperf.core.errors import InvalidInput
from csperf.reports.dashboards import buckets


def test_buckets_clip_to_the_range_and_follow_the_grain():
    d = dt.date
    assert buckets(d(2026, 3, 1), d(2026, 3, 3), "day") == [
        ("2026-03-01", "2026-03-01..2026-03-01"),
        ("2026-03-02", "2026-03-02..2026-03-02"),
        ("2026-03-03", "2026-03-03..2026-03-03"),
    ]
    weeks = buckets(d(2026, 3, 1), d(2026, 3, 16), "week")  # 1 March 2026 is a Sunday
    assert weeks[0] == ("2026-W09", "2026-03-01..2026-03-01")
    assert weeks[1] == ("2026-W10", "2026-03-02..2026-03-08")
    assert weeks[-1] == ("2026-W12", "2026-03-16..2026-03-16")
    assert buckets(d(2026, 1, 15), d(2026, 3, 31), "month") == [
        ("2026-01", "2026-01-15..2026-01-31"),
        ("2026-02", "2026-02-01..2026-02-28"),
        ("2026-03", "2026-03-01..2026-03-31"),
    ]
    assert [b[0] for b in buckets(d(2025, 11, 1), d(2026, 4, 30), "quarter")] == [
        "2025-Q4",
        "2026-Q1",
        "2026-Q2",
    ]
    with pytest.raises(InvalidInput):
        buckets(d(2026, 3, 2), d(2026, 3, 1), "day")
    with pytest.raises(InvalidInput):
        buckets(d(2020, 1, 1), d(2026, 1, 1), "day")  # too many points
    with pytest.raises(InvalidInput):
        buckets(d(2026, 1, 1), d(2026, 2, 1), "fortnight")


def _login(client, username: str) -> None:
    assert client.login(username=username, password="demo")


def test_units_per_role_and_downloads_match_the_table(client, demo):
    import openpyxl

    from csperf import metrics
    from csperf.org.models import Membership, Role

    _login(client, "hr")
    r = client.get("/reports/", {"level": "center", "indicator": "answer_rate", "grain": "month"})
    assert r.status_code == 200
    table = r.context["table"]
    assert table.columns[1:] and len(table.rows) == 3
    # The table's figures are the engine's: the last month of the centre.
    period = demo["cycle"].period
    row = next(x for x in table.rows if x[0] == period)
    want = metrics.compute(period, "center", ["answer_rate"], data_dir=demo_dir(demo))[0]
    assert row[1] == want["answer_rate"]
    assert r.context["chart"]["series"][0]["data"][-1] == pytest.approx(float(row[1]))
    csv_r = client.get(
        "/reports/", {"level": "center", "indicator": "answer_rate", "format": "csv"}
    )
    text = csv_r.content.decode("utf-8-sig").splitlines()
    assert len(text) == 1 + len(table.rows) and text[1].startswith(table.rows[0][0])
    x = client.get("/reports/", {"level": "team", "grain": "week", "format": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(x.content)).active
    assert ws.cell(3, 1).value and ws.max_row > 4

    # A supervisor sees their own team only; another team is a 404, the centre too.
    client.logout()
    _login(client, "supervisor1")
    team = Membership.objects.get(user__username="supervisor1", role=Role.SUPERVISOR).team
    r = client.get("/reports/")
    assert [u.code for u in r.context["all_units"]] == [team.code]
    assert r.context["level"] == "team"
    other = "T02" if team.code != "T02" else "T01"
    assert client.get("/reports/", {"level": "team", "unit": other}).status_code == 404
    assert client.get("/reports/", {"level": "center"}).status_code == 404
    assert client.get("/reports/intraday/", {"level": "team", "unit": other}).status_code == 404
    r = client.get("/reports/intraday/", {"level": "team", "unit": team.code, "minutes": 60})
    assert r.status_code == 200 and len(r.context["table"].rows) == 24

    # An agent gets their own trend instead of unit figures.
    client.logout()
    _login(client, "agent1")
    r = client.get("/reports/")
    assert r.status_code == 200 and "reports/my_trend.html" in [t.name for t in r.templates]
    assert client.get("/reports/intraday/").status_code == 404
    # Asking for a team's figures still gives only their own trend.
    r = client.get("/reports/", {"level": "team", "unit": team.code})
    assert r.status_code == 200 and "reports/my_trend.html" in [t.name for t in r.templates]
    assert "units" not in r.context and "unit" not in r.context
    assert r.context["chart"]["title"] == "我的历月总分"  # own trend, not the team's


def demo_dir(demo):
    from django.conf import settings

    return settings.DATA_DIR


def test_bad_filters_are_named_not_crashes(client, demo):
    _login(client, "hr")
    r = client.get("/reports/", {"from": "2026-13-01"})
    assert r.status_code == 200 and r.context["error"].field == "from"
    r = client.get("/reports/", {"indicator": "no_such_thing"})
    assert r.context["error"].field == "indicator"
    r = client.get("/reports/intraday/", {"minutes": "7"})
    assert r.context["error"].field == "minutes"
