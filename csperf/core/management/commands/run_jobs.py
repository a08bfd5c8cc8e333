"""`csperf worker` (`csperf manage run_jobs`): run background jobs outside the web process.

django-tasks' ``db_worker`` with what csperf adds: jobs whose worker died are marked failed on
start and every ``--sweep-seconds`` while it runs, queued jobs without a task get one, and no
autoreload (it would kill running jobs). ``--once`` runs the queued jobs in this process
(without the limits) and stops: for scripts and tests.
"""

from __future__ import annotations

from typing import Any

from django_tasks_db.management.commands.db_worker import Command as DbWorkerCommand

from csperf.core import jobs


class Command(DbWorkerCommand):
    help = (
        "Run background jobs (imports, cycle computes), each in a child process with the memory"
        " and time limits CSPERF_JOB_MAX_MB / CSPERF_JOB_MAX_SECONDS. --batch stops when the"
        " queue is empty; --once runs the queued jobs in this process, without limits."
    )

    def add_arguments(self, parser: Any) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--once",
            action="store_true",
            help="run the queued jobs in this process (no limits, no tasks worker), then stop",
        )
        parser.add_argument(
            "--sweep-seconds",
            type=float,
            default=30.0,
            help="how often to mark failed the jobs whose worker died (default: %(default)s)",
        )
        parser.set_defaults(reload=False)

    def handle(self, *args: Any, once: bool = False, sweep_seconds: float = 30.0, **options: Any):
        if once:
            n = jobs.run_pending()
            self.stdout.write(f"{n} jobs run")
            return
        stale = jobs.fail_stale_jobs()
        orphans = jobs.requeue_orphans()
        if options.get("verbosity", 1) >= 1 and (stale or orphans):
            self.stdout.write(
                f"{stale} stale job(s) marked failed, {orphans} queued job(s) requeued"
            )
        sweeper = jobs.Sweeper(sweep_seconds)
        sweeper.start()
        try:
            super().handle(*args, **options)
        finally:
            sweeper.stop_event.set()
