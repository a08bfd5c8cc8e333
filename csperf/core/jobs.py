"""A small job runner with progress kept in the database.

The embedded default needs no extra server: `csperf serve` / `csperf demo` start a worker thread
in the web process that polls the job table; `csperf manage run_jobs` runs the same loop on its own.
A job is claimed with a conditional UPDATE (status queued -> running), which is atomic on SQLite
and PostgreSQL alike, so several workers never run the same job.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import close_old_connections, connection
from django.utils import timezone

from csperf.core.errors import ActionError
from csperf.core.models import Job

log = logging.getLogger("csperf.jobs")

Handler = Callable[[Job, "Progress"], Any]
_HANDLERS: dict[str, Handler] = {}
STALE_AFTER = timedelta(minutes=10)


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    """Register the function that runs jobs of ``kind``."""

    def register(func: Handler) -> Handler:
        _HANDLERS[kind] = func
        return func

    return register


class Progress:
    """Reports progress of a running job; throttled so a tight loop does not hammer the DB."""

    def __init__(self, job: Job) -> None:
        self.job = job
        self._last = 0.0

    def __call__(self, done: int, total: int | None = None, message: str | None = None) -> None:
        now = time.monotonic()
        finished = total is not None and done >= total
        if not finished and now - self._last < 0.3 and message is None:
            return
        self._last = now
        fields: dict[str, Any] = {"progress": done, "heartbeat_at": timezone.now()}
        if total is not None:
            fields["total"] = total
        if message is not None:
            fields["message"] = message[:300]
        Job.objects.filter(pk=self.job.pk).update(**fields)


def enqueue(
    kind: str, params: dict | None = None, *, user: Any = None, cycle_id: int | None = None
) -> Job:
    if kind not in _HANDLERS:
        raise ValueError(f"unknown job kind {kind!r}")
    return Job.objects.create(
        kind=kind,
        params=params or {},
        created_by=user if getattr(user, "is_authenticated", False) else None,
        cycle_id=cycle_id,
    )


def claim_next() -> Job | None:
    for pk in (
        Job.objects.filter(status=Job.Status.QUEUED).order_by("id").values_list("id", flat=True)[:5]
    ):
        now = timezone.now()
        claimed = Job.objects.filter(pk=pk, status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING, started_at=now, heartbeat_at=now
        )
        if claimed == 1:
            return Job.objects.get(pk=pk)
    return None


def run_job(job: Job) -> Job:
    """Run one claimed job to the end; failures are stored on the job, never raised."""
    handler = _HANDLERS.get(job.kind)
    try:
        if handler is None:
            raise ActionError(f"unknown job kind {job.kind!r}")
        result = handler(job, Progress(job))
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.DONE,
            finished_at=timezone.now(),
            result=result,
            heartbeat_at=timezone.now(),
        )
    except ActionError as exc:
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED, finished_at=timezone.now(), error=exc.message
        )
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # a job must never take the worker down (nor a Rust panic)
        # The traceback (with the server's paths) goes to the log only; the job keeps a short
        # message and its id, the reference to look it up by.
        log.exception("job %s (%s) failed", job.pk, job.kind)
        Job.objects.filter(pk=job.pk).update(
            status=Job.Status.FAILED,
            finished_at=timezone.now(),
            error=unexpected_error(job, exc),
        )
    job.refresh_from_db()
    return job


def unexpected_error(job: Job, exc: BaseException) -> str:
    """What a job that failed unexpectedly shows: no traceback, no paths, a reference."""
    return (
        f"Unexpected error ({type(exc).__name__}); reference: job {job.pk}."
        " The details are in the server log."
    )


def fail_stale_jobs() -> int:
    """Jobs whose worker died (no heartbeat for a while) are marked failed so they can be rerun."""
    limit = timezone.now() - STALE_AFTER
    return Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=limit).update(
        status=Job.Status.FAILED,
        finished_at=timezone.now(),
        error="interrupted: the worker stopped",
    )


def run_pending(limit: int | None = None) -> int:
    """Run queued jobs now, in this thread (tests, `run_jobs --once`, the demo's first compute)."""
    count = 0
    while limit is None or count < limit:
        job = claim_next()
        if job is None:
            break
        run_job(job)
        count += 1
    return count


class Worker(threading.Thread):
    def __init__(self, poll_seconds: float = 1.0) -> None:
        super().__init__(name="csperf-jobs", daemon=True)
        self.poll_seconds = poll_seconds
        self.stop_event = threading.Event()

    def run(self) -> None:
        fail_stale_jobs()
        while not self.stop_event.is_set():
            try:
                close_old_connections()
                job = claim_next()
                if job is not None:
                    run_job(job)
                    continue
            except Exception:
                log.exception("job worker loop")
            finally:
                connection.close()
            self.stop_event.wait(self.poll_seconds)


_worker: Worker | None = None
_worker_lock = threading.Lock()


def start_embedded_worker() -> Worker:
    """Start (once per process) the worker thread that runs jobs next to the web server."""
    global _worker
    with _worker_lock:
        if _worker is None or not _worker.is_alive():
            _worker = Worker()
            _worker.start()
        return _worker
