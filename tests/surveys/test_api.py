"""Survey API: import a file, read figures and follow-ups, close one."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.surveys.conftest import write_csv
from tests.surveys.test_import import HEADER, ROWS

pytestmark = pytest.mark.django_db


def test_import_and_figures(sv, api_client, client, tmp_path):
    s = sv.surveys["dealer-sales"]
    api_client.login("reviewer")
    path = write_csv(tmp_path / "sales.csv", HEADER, ROWS)
    r = client.post(
        f"/api/surveys/{s.pk}/responses",
        {"file": SimpleUploadedFile("sales.csv", path.read_bytes())},
        HTTP_AUTHORIZATION=f"Bearer {api_client.token}",
    )
    assert r.status_code == 201 and r.json() == {"rows": 8, "replaced": 0}
    bad = write_csv(
        tmp_path / "bad.csv",
        HEADER,
        [["Z", "2026-03-01", "完成", "", "E404", "很好", "很好", "很好", "很好"]],
    )
    r = client.post(
        f"/api/surveys/{s.pk}/responses",
        {"file": SimpleUploadedFile("bad.csv", bad.read_bytes())},
        HTTP_AUTHORIZATION=f"Bearer {api_client.token}",
    )
    assert r.status_code == 422 and "bad.csv:2:销售顾问: 不存在员工 E404" in r.json()["detail"][0]
    rows = api_client.get(f"/api/surveys/{s.pk}/figures?grain=year").json()
    e001 = next(x for x in rows if x["subject"] == "E001")
    assert float(e001["cs_mean"]) == 81.25
    assert api_client.get(f"/api/surveys/{s.pk}/figures?grain=week").status_code == 422
    tasks = api_client.get("/api/surveys/followups?status=open").json()
    assert {t["response"] for t in tasks} == {"B", "E"}
    api_client.login("supervisor")
    r = api_client.post(
        f"/api/surveys/followups/{tasks[0]['id']}/close", {"outcome": "resolved", "notes": "已处理"}
    )
    assert r.json()["status"] == "closed"
    api_client.login("other_team_agent")
    assert api_client.get("/api/surveys/followups").json() == []
