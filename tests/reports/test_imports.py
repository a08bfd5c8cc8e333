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
    # the job's words in the language of the one who started it (the client's: zh-hans)
    assert job.status == "failed" and "未导入任何记录" in job.error
    problems = job.result["problems"]
    assert {(p["row"], p["file"]) for p in problems} >= {(2, "bad.csv"), (3, "bad.csv")}
    assert all(str(tmp_path) not in p["message"] for p in problems)
    r = client.get(f"/records/imports/{job.pk}/")
    shown = r.context["problems"]
    assert r.status_code == 200 and [{k: p[k] for k in problems[0]} for p in shown] == problems
    assert "缺少必填值" in {p["text"] for p in shown}
    report = client.get(f"/records/imports/{job.pk}/problems.csv").content.decode("utf-8-sig")
    assert report.splitlines()[1].startswith("bad.csv,2,")
    from csperf import metrics

    with metrics.Engine.open(tmp_path) as eng:
        assert set(eng.roster()) == {"E9001", "E9002"}
    # Wrong type or no file: a message, no job.
    n = Job.objects.count()
    client.post("/records/", {"kind": "nope"})
    assert Job.objects.count() == n


# -- bounded imports: problem lines on the job page, never a traceback (issue 14.1) ----------


import pytest  # noqa: E402


@pytest.fixture
def hr(personas):
    """An HR performance admin (the organisation of ``world`` is not needed here)."""
    from csperf.org.models import Membership, Role

    Membership.objects.create(user=personas["hr"], role=Role.HR)
    return personas["hr"]


def _upload(client, name: str, content: bytes, kind: str = "employees"):
    from csperf.core import jobs
    from csperf.core.models import Job

    r = client.post("/records/", {"kind": kind, "file": SimpleUploadedFile(name, content)})
    assert r.status_code == 302
    jobs.run_pending()
    return Job.objects.filter(kind="records.import").first()


def test_an_unexpected_failure_shows_a_reference_and_logs_the_traceback(
    client, hr, settings, tmp_path, monkeypatch, caplog
):
    import csperf.ingest.importer as importer

    settings.DATA_DIR = tmp_path

    def boom(*args, **kwargs):
        raise RuntimeError(f"exploded in {tmp_path}/csperf/ingest/secret.py")

    monkeypatch.setattr(importer, "import_file", boom)
    client.force_login(hr)
    job = _upload(client, "roster.csv", "工号,姓名\nE1,甲\n".encode())
    assert job.status == "failed"
    assert job.error == (
        f"roster.csv：无法导入：发生意外错误（RuntimeError）；参考编号：任务 {job.pk}。未导入任何记录。"
    )
    for page in (f"/records/imports/{job.pk}/", f"/jobs/{job.pk}/"):
        html = client.get(page).content.decode()
        assert f"任务 {job.pk}" in html
        assert "Traceback" not in html and str(tmp_path) not in html and "secret.py" not in html
    assert "Traceback" in caplog.text and "secret.py" in caplog.text  # the log keeps it all


def test_any_job_that_fails_unexpectedly_keeps_no_traceback(hr, client, caplog):
    from csperf.core import jobs

    @jobs.job_handler("test.unexpected")
    def explode(job, progress):
        raise KeyError("/srv/csperf/venv/lib/python3.11/site-packages/x.py")

    job = jobs.run_job(jobs.enqueue("test.unexpected", user=hr))
    assert job.status == "failed"
    assert job.error == (
        f"Unexpected error (KeyError); reference: job {job.pk}. The details are in the server log."
    )
    client.force_login(hr)
    html = client.get(f"/jobs/{job.pk}/").content.decode()
    assert "site-packages" not in html and "Traceback" not in html and f"job {job.pk}" in html
    assert "site-packages" in caplog.text


def test_bad_files_show_their_problem_lines_on_the_job_page(client, hr, settings, tmp_path):
    import random
    from html import unescape

    from tests.ingest.bounded_files import far_cell_xlsx

    settings.DATA_DIR = tmp_path
    client.force_login(hr)
    rnd = random.Random(5)
    cases = [
        (
            "scan.csv",
            bytes(rnd.randrange(256) for _ in range(3000)),
            None,
            "not a text table: binary data",
            "不是文本表格，而是二进制数据",
        ),
        (
            "roster.csv",
            "工号,姓名,班组,部门,岗位\nE1,甲,T1,D1,话务员\nE2,乙,T1\n".encode(),
            3,
            "expected 5 fields, found 3",
            "应有 5 个字段，实际为 3 个",
        ),
        (
            "far.xlsx",
            far_cell_xlsx(tmp_path / "far.xlsx").read_bytes(),
            None,
            "the first sheet's used range reaches cell XFD1048576",
            "第一个工作表的已用区域延伸到单元格 XFD1048576",
        ),
    ]
    for name, content, row, message, chinese in cases:
        job = _upload(client, name, content)
        assert job.status == "failed" and "未导入任何记录" in job.error, name
        (problem,) = job.result["problems"]
        assert (problem["file"], problem["row"]) == (name, row)
        assert problem["message"].startswith(message), problem
        page = unescape(client.get(f"/records/imports/{job.pk}/").content.decode())
        assert "Traceback" not in page and str(tmp_path) not in page
        assert chinese in page


def test_a_header_only_file_is_done_with_a_warning(client, hr, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    client.force_login(hr)
    job = _upload(client, "roster.csv", "工号,姓名,班组,部门,岗位\n".encode())
    assert job.status == "done" and job.result["rows"] == 0
    assert job.result["warnings"] == [
        "roster.csv: the file has a header but no rows; 0 rows imported"
    ]
    html = client.get(f"/records/imports/{job.pk}/").content.decode()
    assert "文件只有表头,没有数据行:未导入任何记录。" in html


def test_an_upload_larger_than_the_limit_is_refused_and_not_kept(
    client, api_client, hr, settings, tmp_path
):
    from csperf.core.models import Job

    settings.DATA_DIR = tmp_path
    settings.CSPERF_IMPORT_MAX_UPLOAD_MB = 1
    big = b"id,name\n" + b"E1,x\n" * 300_000  # 1.4 MB
    client.force_login(hr)
    r = client.post(
        "/records/", {"kind": "employees", "file": SimpleUploadedFile("big.csv", big)}, follow=True
    )
    assert "big.csv:文件大于 1 MB,超过了单次导入可上传的上限。" in r.content.decode()
    assert Job.objects.count() == 0
    assert not any((tmp_path / "uploads").glob("*/*"))
    assert "最大 1 MB" in client.get("/records/").content.decode()
    api_client.login("hr")
    r = client.post(
        "/api/imports",
        {"kind": "employees", "file": SimpleUploadedFile("big.csv", big)},
        HTTP_AUTHORIZATION=f"Bearer {api_client.token}",
    )
    assert r.status_code == 422 and "big.csv" in r.content.decode()
    assert Job.objects.count() == 0
    # within the limit, the same handler passes the file on whole
    r = client.post(
        "/api/imports",
        {"kind": "employees", "file": SimpleUploadedFile("ok.csv", big[:500_000])},
        HTTP_AUTHORIZATION=f"Bearer {api_client.token}",
    )
    assert r.status_code == 202
    upload = Job.objects.get().params["path"]
    from pathlib import Path

    assert Path(upload).read_bytes() == big[:500_000]
