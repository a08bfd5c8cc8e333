"""`csperf manage run_jobs`: run background jobs outside the web process."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from csperf.core import jobs


class Command(BaseCommand):
    help = "Run queued background jobs (compute cycles, imports); --once stops when the queue is empty."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--once", action="store_true")

    def handle(self, *args: Any, once: bool = False, **options: Any) -> None:
        if once:
            n = jobs.run_pending()
            self.stdout.write(f"{n} jobs run")
            return
        worker = jobs.Worker()
        self.stdout.write("running jobs; Ctrl+C stops")
        try:
            worker.run()
        except KeyboardInterrupt:
            worker.stop_event.set()
