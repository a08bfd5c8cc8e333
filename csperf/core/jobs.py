"""Jobs: long work (imports, cycle computes) run outside the web process, with visible progress.

A :class:`~csperf.core.models.Job` is the record people see (status, progress, result, error).
:func:`enqueue` stores it and, in the same transaction, enqueues the task
``csperf.core.tasks.run_job`` on django-tasks' database backend (``TASKS``), so a job is never
queued without its task nor the other way round. ``csperf worker`` (the ``run_jobs`` management
command, django-tasks' ``db_worker`` with a sweep of dead jobs) runs the tasks: each job runs in
a child process with a memory limit (``CSPERF_JOB_MAX_MB`` of address space beyond the worker's
own, RLIMIT_AS) and a time limit (``CSPERF_JOB_MAX_SECONDS``). A job whose process runs out of
memory, is killed or runs too long is marked failed with the reason, never left running; a job
whose worker died (no heartbeat for ``STALE_AFTER``) is marked failed by the next worker's sweep.

:func:`run_pending` runs the queued jobs in the calling process (tests, ``run_jobs --once``, the
demo's first compute). A job is claimed with a conditional UPDATE (status queued -> running),
atomic on SQLite and PostgreSQL alike, so a job never runs twice.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from csperf.core.errors import ActionError
from csperf.core.models import Job

if TYPE_CHECKING:
    from django.contrib.auth.models import User

log = logging.getLogger("csperf.jobs")

Handler = Callable[[Job, "Progress"], Any]
_HANDLERS: dict[str, Handler] = {}
# A running job's heartbeat is renewed every HEARTBEAT_SECONDS by the worker that watches it;
# one without a heartbeat for STALE_AFTER lost its worker.
HEARTBEAT_SECONDS = 5.0
STALE_AFTER = timedelta(minutes=2)
TASK_PATH = "csperf.core.tasks.run_job"
MB = 1024 * 1024
# Held while the worker forks a job's process and while the sweeper thread works, so that a
# child is never forked in the middle of the sweeper's database call.
_FORK_LOCK = threading.Lock()


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

    def __call__(
        self,
        done: int,
        total: int | None = None,
        message: str | None = None,
        params: dict[str, Any] | None = None,
    ) -> None:
        """``message``: a msgid (marked with gettext_noop) and its ``params``, stored as such and
        translated when shown (:attr:`Job.message_text`), in the reader's language."""
        now = time.monotonic()
        finished = total is not None and done >= total
        if not finished and now - self._last < 0.3 and message is None:
            return
        self._last = now
        fields: dict[str, Any] = {"progress": done, "heartbeat_at": timezone.now()}
        if total is not None:
            fields["total"] = total
        if message is not None:
            fields["message"] = stored_message(message, params)
        Job.objects.filter(pk=self.job.pk).update(**fields)


def stored_message(msgid: str, params: dict[str, Any] | None = None) -> str:
    """A job message as stored: JSON of the msgid and its params (``Job.message`` holds 300
    characters: a message that does not fit is kept untranslated, cut)."""
    text = json.dumps({"msgid": msgid, "params": params or {}}, ensure_ascii=False, default=str)
    if len(text) <= 300:
        return text
    return (msgid % params if params else msgid)[:300]


def enqueue(
    kind: str, params: dict | None = None, *, user: User | None = None, cycle_id: int | None = None
) -> Job:
    """Store the job and enqueue its task, both or neither."""
    if kind not in _HANDLERS:
        raise ValueError(f"unknown job kind {kind!r}")
    from csperf.core.tasks import run_job as run_job_task

    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            params=params or {},
            created_by=user if getattr(user, "is_authenticated", False) else None,
            cycle_id=cycle_id,
        )
        run_job_task.enqueue(job.pk)
    return job


def claim(job_id: int) -> bool:
    """queued -> running, for one caller only."""
    now = timezone.now()
    return (
        Job.objects.filter(pk=job_id, status=Job.Status.QUEUED).update(
            status=Job.Status.RUNNING, started_at=now, heartbeat_at=now
        )
        == 1
    )


def claim_next() -> Job | None:
    for pk in (
        Job.objects.filter(status=Job.Status.QUEUED).order_by("id").values_list("id", flat=True)[:5]
    ):
        if claim(pk):
            return Job.objects.get(pk=pk)
    return None


def run_job(job: Job) -> Job:
    """Run one claimed job to the end; failures are stored on the job, never raised."""
    handler = _HANDLERS.get(job.kind)
    out_of_memory = False
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
        _fail(job.pk, exc.message)
    except MemoryError:
        # Handled below, once the frames (and whatever they allocated) are released.
        out_of_memory = True
    except (KeyboardInterrupt, SystemExit):
        raise
    except BaseException as exc:  # a job must never take the worker down (nor a Rust panic)
        # The traceback (with the server's paths) goes to the log only; the job keeps a short
        # message and its id, the reference to look it up by.
        log.exception("job %s (%s) failed", job.pk, job.kind)
        if "OutOfMemory" in type(exc).__name__:  # DuckDB's own out-of-memory error
            out_of_memory = True
        else:
            _fail(job.pk, unexpected_error(job, exc))
    if out_of_memory:
        log.error("job %s (%s) ran out of memory", job.pk, job.kind)
        _fail(job.pk, memory_error(job.pk))
    job.refresh_from_db()
    return job


def _fail(job_id: int, error: str, *, only_running: bool = False) -> int:
    jobs = Job.objects.filter(pk=job_id)
    if only_running:
        jobs = jobs.filter(status=Job.Status.RUNNING)
    return jobs.update(status=Job.Status.FAILED, finished_at=timezone.now(), error=error)


def unexpected_error(job: Job, exc: BaseException) -> str:
    """What a job that failed unexpectedly shows: no traceback, no paths, a reference."""
    return (
        f"Unexpected error ({type(exc).__name__}); reference: job {job.pk}."
        " The details are in the server log."
    )


def memory_error(job_id: int) -> str:
    return _(
        "The job ran out of memory: a job may use at most %(mb)s MB (CSPERF_JOB_MAX_MB);"
        " reference: job %(job)s. Nothing more was done."
    ) % {"mb": settings.CSPERF_JOB_MAX_MB, "job": job_id}


def timeout_error(job_id: int) -> str:
    return _(
        "The job was stopped after %(seconds)s seconds, the time a job may take"
        " (CSPERF_JOB_MAX_SECONDS); reference: job %(job)s."
    ) % {"seconds": settings.CSPERF_JOB_MAX_SECONDS, "job": job_id}


def died_error(job_id: int, exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        try:
            name = signal.Signals(-exitcode).name
        except ValueError:
            name = str(-exitcode)
        return _(
            "The job's process was killed (%(signal)s), for example by the system when memory"
            " ran out; reference: job %(job)s."
        ) % {"signal": name, "job": job_id}
    return _(
        "The job's process ended unexpectedly (exit code %(code)s); reference: job %(job)s."
        " The details are in the server log."
    ) % {"code": exitcode, "job": job_id}


def interrupted_error() -> str:
    return _("Interrupted: the worker running the job stopped. Start the job again.")


def fail_stale_jobs() -> int:
    """Jobs whose worker died (no heartbeat for a while) are marked failed so they can be rerun."""
    limit = timezone.now() - STALE_AFTER
    n = Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__lt=limit).update(
        status=Job.Status.FAILED, finished_at=timezone.now(), error=interrupted_error()
    )
    n += Job.objects.filter(status=Job.Status.RUNNING, heartbeat_at__isnull=True).update(
        status=Job.Status.FAILED, finished_at=timezone.now(), error=interrupted_error()
    )
    if n:
        log.warning("%s job(s) marked failed: their worker stopped", n)
    return n


def requeue_orphans() -> int:
    """Queued jobs without a task (queued before the tasks backend, or whose task row was pruned)
    get one, so a worker runs them."""
    from django_tasks_db.models import DBTaskResult

    from csperf.core.tasks import run_job as run_job_task

    queued = set(Job.objects.filter(status=Job.Status.QUEUED).values_list("pk", flat=True))
    if not queued:
        return 0
    pending = DBTaskResult.objects.filter(task_path=TASK_PATH, finished_at__isnull=True)
    have = {(row.get("args") or [None])[0] for row in pending.values_list("args_kwargs", flat=True)}
    missing = sorted(queued - have)
    for pk in missing:
        run_job_task.enqueue(pk)
    return len(missing)


def run_pending(limit: int | None = None) -> int:
    """Run queued jobs now, in this process, without the limits (tests, `run_jobs --once`, the
    demo's first compute)."""
    count = 0
    while limit is None or count < limit:
        job = claim_next()
        if job is None:
            break
        run_job(job)
        count += 1
    return count


# -- one job in a child process with limits (the worker) -----------------------------------------


def _address_space() -> int | None:
    """This process's address space in bytes (Linux), or None where it cannot be read."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return None


def _die_with_parent() -> None:
    """Linux: this process gets SIGKILL when its parent dies (a killed worker leaves no job)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def _child(job_id: int, limit_bytes: int | None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C stops the worker after this job
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _die_with_parent()
    if limit_bytes is not None:
        import resource

        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit_bytes = min(limit_bytes, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, hard))
    try:
        run_job(Job.objects.get(pk=job_id))
    finally:
        connections.close_all()


def run_limited(job_id: int) -> dict[str, Any]:
    """Claim the job and run it in a child process under the memory and time limits; whatever
    happens to the child, the job ends done or failed (with the reason).

    The child is forked: the worker process itself must never open the records store (DuckDB's
    threads and deltalake's tokio runtime do not survive a fork); only its children do.
    """
    import multiprocessing

    if connection.in_atomic_block:
        raise RuntimeError("run_limited needs its own transactions (it forks)")
    if not claim(job_id):
        status = Job.objects.filter(pk=job_id).values_list("status", flat=True).first()
        return {"job": job_id, "skipped": status or "gone"}
    max_seconds = settings.CSPERF_JOB_MAX_SECONDS
    base = _address_space()
    limit = None if base is None else base + settings.CSPERF_JOB_MAX_MB * MB
    # The child opens its own connections: none of ours may be shared across the fork.
    connections.close_all()
    proc = multiprocessing.get_context("fork").Process(
        target=_child, args=(job_id, limit), name=f"csperf-job-{job_id}"
    )
    with _FORK_LOCK:
        proc.start()
    deadline = time.monotonic() + max_seconds
    reason = None
    try:
        while True:
            proc.join(max(0.0, min(HEARTBEAT_SECONDS, deadline - time.monotonic())))
            if not proc.is_alive():
                break
            if time.monotonic() >= deadline:
                reason = timeout_error(job_id)
                _stop(proc)
                break
            Job.objects.filter(pk=job_id, status=Job.Status.RUNNING).update(
                heartbeat_at=timezone.now()
            )
    except BaseException:  # the worker itself is told to stop: so is the job
        _stop(proc)
        _fail(job_id, interrupted_error(), only_running=True)
        raise
    if reason is None:  # the child ended; a job it left running died with it
        reason = died_error(job_id, proc.exitcode)
    if _fail(job_id, reason, only_running=True):
        log.error("job %s failed: %s", job_id, reason)
    job = Job.objects.get(pk=job_id)
    return {"job": job_id, "status": job.status}


def _stop(proc: Any) -> None:
    proc.terminate()
    proc.join(5)
    if proc.is_alive():
        proc.kill()
        proc.join()


# -- the worker's sweeper --------------------------------------------------------------------------


class Sweeper(threading.Thread):
    """Marks failed, every ``seconds``, the jobs whose worker died (beside ``db_worker``'s poll)."""

    def __init__(self, seconds: float = 30.0) -> None:
        super().__init__(name="csperf-job-sweeper", daemon=True)
        self.seconds = seconds
        self.stop_event = threading.Event()

    def run(self) -> None:
        while not self.stop_event.wait(self.seconds):
            with _FORK_LOCK:
                try:
                    fail_stale_jobs()
                except Exception:
                    log.exception("job sweep")
                finally:
                    connection.close()
