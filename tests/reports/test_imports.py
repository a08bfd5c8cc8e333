"""Record imports from the browser: blank templates, background job, error report."""

from __future__ import annotations

import io

import openpyxl
from django.core.files.uploadedfile import SimpleUploadedFile


def test_blank_templates_have_the_importers_headers(client, world):
    from csperf.ingest.importer import resolve_header
    from csperf.ingest.schema import RECORD_TYPES

    client.force_login(world.users["hr"])
    for kind, rt in RECORD_TYPES.items():
        r = client.get(f"/records/blank/{kind}.xlsx")
        wb = openpyxl.load_workbook(io.BytesIO(r.content))
        header = [c.value for c in wb.worksheets[0][1]]
        colmap, ignored = resolve_header(rt, header, None, f"{kind}.xlsx")
        assert not ignored, kind
        assert {c.name for c in rt.columns if c.required} <= set(colmap), kind
    csv_r = client.get("/records/blank/calls.csv")
    assert csv_r.content.decode("utf-8").startswith("\ufeff")
    client.force_login(world.users["supervisor"])
    assert client.get("/records/").status_code == 404


def test_import_job_reports_rows_and_columns_and_stores_nothing_on_error(
    client, world, settings, tmp_path
):
    from csperf.core import jobs
    from csperf.core.models import Job

    settings.DATA_DIR = tmp_path
    client.force_login(world.users["hr"])
    roster = "工号,姓名,班组,部门,岗位\nE9001,甲,T1,D1,话务员\nE9002,乙,T1,D1,话务员\n"
    r = client.post(
        "/records/",
        {"kind": "employees", "file": SimpleUploadedFile("roster.csv", roster.encode())},
    )
    assert r.status_code == 302
    jobs.run_pending()
    job = Job.objects.filter(kind="records.import").first()
    assert job.status == "done" and job.result["rows"] == 2
    page = client.get(f"/records/imports/{job.pk}/").content.decode()
    assert "2" in page and "roster.csv" in page

    bad = "工号,姓名,班组,部门,岗位,入职日期\nE9003,丙,T1,D1,话务员,2026-02-30\nE9004,,T1,D1,话务员,\n"
    client.post(
        "/records/", {"kind": "employees", "file": SimpleUploadedFile("bad.csv", bad.encode())}
    )
    jobs.run_pending()
    job = Job.objects.filter(kind="records.import").first()
    assert job.status == "failed" and "nothing was imported" in job.error
    problems = job.result["problems"]
    assert {(p["row"], p["file"]) for p in problems} >= {(2, "bad.csv"), (3, "bad.csv")}
    assert all(str(tmp_path) not in p["message"] for p in problems)
    r = client.get(f"/records/imports/{job.pk}/")
    assert r.status_code == 200 and r.context["problems"] == problems
    report = client.get(f"/records/imports/{job.pk}/problems.csv").content.decode("utf-8-sig")
    assert report.splitlines()[1].startswith("bad.csv,2,")
    from csperf import metrics

    with metrics.Engine.open(tmp_path) as eng:
        assert set(eng.roster()) == {"E9001", "E9002"}
    # Wrong type or no file: a message, no job.
    n = Job.objects.count()
    client.post("/records/", {"kind": "nope"})
    assert Job.objects.count() == n
