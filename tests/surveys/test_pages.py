"""Survey pages: upload a file, see the figures, work and close a follow-up."""

from __future__ import annotations

import pytest

from csperf.surveys.models import FollowUp, Response
from tests.surveys.conftest import write_csv
from tests.surveys.test_import import HEADER, ROWS

pytestmark = pytest.mark.django_db


def test_upload_figures_and_followup(sv, client, tmp_path):
    s = sv.surveys["dealer-sales"]
    client.force_login(sv.users["reviewer"])
    assert client.get("/surveys/").status_code == 200
    path = write_csv(tmp_path / "sales.csv", HEADER, ROWS)
    with path.open("rb") as f:
        r = client.post(f"/surveys/{s.pk}/import/", {"file": f})
    assert r.status_code == 302 and Response.objects.count() == 8
    page = client.get(f"/surveys/{s.pk}/?grain=quarter").content.decode()
    assert "76.56" in page  # S01's Q1 CS
    bad = write_csv(
        tmp_path / "bad.csv",
        HEADER,
        [["Z", "x", "完成", "", "E001", "很好", "很好", "很好", "很好"]],
    )
    with bad.open("rb") as f:
        page = client.post(f"/surveys/{s.pk}/import/", {"file": f}, follow=True).content.decode()
    assert "bad.csv:2:回访时间" in page
    client.force_login(sv.users["supervisor"])
    f = FollowUp.objects.get(response__response_id="E")
    assert client.get("/surveys/followups/").status_code == 200
    r = client.post(
        f"/surveys/followups/{f.pk}/step/",
        {"step": "close", "outcome": "resolved", "notes": "已上门致歉"},
    )
    f.refresh_from_db()
    assert f.status == "closed"
    client.force_login(sv.users["other_team_agent"])
    assert client.get(f"/surveys/followups/{f.pk}/").status_code == 404
    client.force_login(sv.users["agent"])
    page = client.get(f"/surveys/{s.pk}/").content.decode()
    assert "E001" in page and "E002" not in page
