"""POST /api/imports: a record file as a background job, through the same action as the page."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile


def _post_file(client, api_client, kind, name, content):
    return client.post(
        "/api/imports",
        {"kind": kind, "file": SimpleUploadedFile(name, content)},
        **api_client._headers(),
    )


def test_import_through_the_api(client, api_client, world, settings, tmp_path):
    from csperf.core import jobs

    settings.DATA_DIR = tmp_path
    api_client.login("hr")
    roster = "工号,姓名,班组,部门,岗位\nE9001,甲,T1,D1,话务员\n".encode()
    r = _post_file(client, api_client, "employees", "roster.csv", roster)
    assert r.status_code == 202, r.content
    job_id = r.json()["id"]
    jobs.run_pending()
    job = api_client.get(f"/api/jobs/{job_id}").json()
    assert job["status"] == "done" and job["result"]["rows"] == 1

    bad = "工号,姓名,班组,部门,岗位,入职日期\nE9003,丙,T1,D1,话务员,2026-02-30\n".encode()
    r = _post_file(client, api_client, "employees", "bad.csv", bad)
    jobs.run_pending()
    job = api_client.get(f"/api/jobs/{r.json()['id']}").json()
    assert job["status"] == "failed"
    assert job["result"]["problems"][0]["file"] == "bad.csv"
    assert job["result"]["problems"][0]["row"] == 2


def test_bad_import_requests_answer_422_with_the_field(
    client, api_client, world, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    api_client.login("hr")
    r = _post_file(client, api_client, "nope", "x.csv", b"a\n")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "kind"]
    r = _post_file(client, api_client, "calls", "x.pdf", b"a\n")
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "file"]


def test_only_hr_imports(client, api_client, world, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    from tests.api.test_role_matrix import P

    for who in (p for p in P if p != "hr"):
        api_client.login(who)
        r = _post_file(client, api_client, "employees", "r.csv", b"a\n")
        assert r.status_code == 403, who
