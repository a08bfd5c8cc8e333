"""Jobs run outside the web process, through django-tasks, under limits (issue 14, item 2).

A job is stored with its django-tasks task; the worker (``csperf worker`` = ``run_jobs``) runs
each in a child process with a memory and a time limit; whatever kills the job, it ends failed
with the reason, never "running". The child needs committed data and its own connections, so
these tests use transactional databases and are skipped on the in-memory SQLite database
(where a forked child cannot write back).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django.utils.translation import override

from csperf.core import jobs
from csperf.core.models import Job

needs_shared_db = pytest.mark.skipif(
    getattr(settings, "CSPERF_TEST_DB_ENGINE", "sqlite") == "sqlite",
    reason="a forked job process cannot write to the in-memory SQLite test database",
)


@jobs.job_handler("test.hog")
def _hog(job, progress):
    """Allocates twice the memory a job may use."""
    data = bytearray(2 * settings.CSPERF_JOB_MAX_MB * jobs.MB)
    return {"bytes": len(data)}


@jobs.job_handler("test.sleep")
def _sleep(job, progress):
    progress(0, 1, "sleeping")
    time.sleep(600)
    return {}


@jobs.job_handler("test.raise")
def _raise(job, progress):
    raise ValueError("/srv/secret/path.py went wrong")


@jobs.job_handler("test.killed")
def _killed(job, progress):
    os.kill(os.getpid(), signal.SIGKILL)


@jobs.job_handler("test.ok")
def _ok(job, progress):
    progress(1, 1)
    return {"pid": os.getpid()}


def _run(kind: str) -> Job:
    from csperf.core.tasks import run_job

    job = jobs.enqueue(kind)
    outcome = run_job.call(job.pk)
    job.refresh_from_db()
    assert outcome == {"job": job.pk, "status": job.status}
    return job


def test_enqueue_stores_the_job_and_its_task_together(db):
    from django_tasks_db.models import DBTaskResult

    job = jobs.enqueue("test.ok")
    task = DBTaskResult.objects.get()
    assert task.task_path == jobs.TASK_PATH == "csperf.core.tasks.run_job"
    assert task.args_kwargs == {"args": [job.pk], "kwargs": {}}
    assert job.status == Job.Status.QUEUED
    # The tests (and `run_jobs --once`) still run queued jobs in this process.
    assert jobs.run_pending() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.DONE and job.result == {"pid": os.getpid()}


@needs_shared_db
@pytest.mark.django_db(transaction=True)
def test_a_job_runs_in_its_own_process(settings):
    job = _run("test.ok")
    assert job.status == Job.Status.DONE and job.result["pid"] != os.getpid()
    assert job.finished_at and job.progress == job.total == 1


@needs_shared_db
@pytest.mark.django_db(transaction=True)
def test_a_job_over_the_memory_limit_fails_with_the_reason(settings):
    settings.CSPERF_JOB_MAX_MB = 64
    with override("en"):
        job = _run("test.hog")
    assert job.status == Job.Status.FAILED
    assert "ran out of memory" in job.error and "64 MB" in job.error
    assert "CSPERF_JOB_MAX_MB" in job.error and f"job {job.pk}" in job.error


@needs_shared_db
@pytest.mark.django_db(transaction=True)
def test_a_job_over_the_time_limit_is_stopped_and_fails_with_the_reason(settings):
    settings.CSPERF_JOB_MAX_SECONDS = 1
    with override("en"):
        job = _run("test.sleep")
    assert job.status == Job.Status.FAILED
    assert "stopped after 1 seconds" in job.error and "CSPERF_JOB_MAX_SECONDS" in job.error


@needs_shared_db
@pytest.mark.django_db(transaction=True)
def test_a_job_that_raises_fails_without_a_traceback():
    job = _run("test.raise")
    assert job.status == Job.Status.FAILED
    assert job.error == (
        f"Unexpected error (ValueError); reference: job {job.pk}. The details are in the server log."
    )


@needs_shared_db
@pytest.mark.django_db(transaction=True)
def test_a_killed_job_fails_with_the_reason():
    with override("en"):
        job = _run("test.killed")
    assert job.status == Job.Status.FAILED
    assert "was killed (SIGKILL)" in job.error and f"job {job.pk}" in job.error


def test_a_job_whose_worker_died_is_failed_by_the_sweep(db):
    job = jobs.enqueue("test.ok")
    assert jobs.claim(job.pk) and not jobs.claim(job.pk)
    assert jobs.fail_stale_jobs() == 0  # its worker is alive (fresh heartbeat)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=30))
    with override("en"):
        assert jobs.fail_stale_jobs() == 1
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "worker running the job stopped" in job.error


def test_a_queued_job_without_a_task_gets_one(db):
    from django_tasks_db.models import DBTaskResult

    job = jobs.enqueue("test.ok")
    DBTaskResult.objects.all().delete()
    assert jobs.requeue_orphans() == 1 and jobs.requeue_orphans() == 0
    assert DBTaskResult.objects.get().args_kwargs["args"] == [job.pk]


def _worker_environment(data_dir) -> dict[str, str]:
    """`csperf worker` in a process of its own on the test database (as in a deployment)."""
    from django.db import connection

    db = connection.settings_dict
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")
    }
    environment.update(
        SECRET_KEY="csperf-tests-only-not-secret",
        DATABASE_URL=(
            f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}"
            f"/{db['NAME']}"
        ),
        CSPERF_DATA=str(data_dir),
        CSPERF_INPUT_PROVIDER=settings.CSPERF_INPUT_PROVIDER,
    )
    return environment


@pytest.mark.skipif(
    getattr(settings, "CSPERF_TEST_DB_ENGINE", "sqlite") != "postgres",
    reason="a worker process needs a database server (the test database on PostgreSQL)",
)
@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_a_queued_import_and_a_cycle_compute(world, client, tmp_path, settings):
    from csperf.cycles import actions as cycle_actions

    settings.DATA_DIR = tmp_path
    hr = world.users["hr"]
    client.force_login(hr)
    roster = "工号,姓名,班组,部门,岗位\nE9001,甲,T1,D1,话务员\nE9002,乙,T1,D1,话务员\n"
    r = client.post(
        "/records/",
        {"kind": "employees", "file": SimpleUploadedFile("roster.csv", roster.encode())},
    )
    assert r.status_code == 302
    compute = cycle_actions.request_compute(hr, world.cycle)
    # A job whose worker died while it ran: the worker's sweep on start fails it.
    stale = jobs.enqueue("cycle.compute", {"cycle": world.cycle.pk})
    Job.objects.filter(pk=stale.pk).update(
        status=Job.Status.RUNNING, heartbeat_at=timezone.now() - timedelta(hours=1)
    )

    r = subprocess.run(
        [sys.executable, "-m", "csperf.cli.main", "worker", "--batch", "--interval", "0"],
        cwd=tmp_path,
        env=_worker_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]

    imported = Job.objects.get(kind="records.import")
    assert imported.status == Job.Status.DONE, imported.error
    assert imported.result["rows"] == 2
    compute.refresh_from_db()
    assert compute.status == Job.Status.DONE, compute.error
    assert compute.result["cards"] == 4
    stale.refresh_from_db()
    assert stale.status == Job.Status.FAILED
    assert not Job.objects.filter(status__in=[Job.Status.QUEUED, Job.Status.RUNNING]).exists()


def test_csperf_worker_runs_from_the_command_line(tmp_path):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "SECRET_KEY", "DJANGO_SETTINGS_MODULE")
    }
    environment["CSPERF_DATA"] = str(tmp_path / "data")

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "csperf.cli.main", *args],
            cwd=tmp_path,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
        )

    r = run("manage", "migrate", "-v", "0")
    assert r.returncode == 0, r.stderr
    r = run("worker", "--batch")
    assert r.returncode == 0, r.stderr
    assert "No more tasks to run" in r.stdout + r.stderr
    r = run("worker", "--interval", "-1")
    assert r.returncode == 2 and "--interval" in r.stderr and "Traceback" not in r.stderr
