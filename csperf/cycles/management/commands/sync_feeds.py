"""`csperf manage sync_feeds`: write QC reviews and survey responses to the records store again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from csperf.cycles import feeds


class Command(BaseCommand):
    help = (
        "Write the QC reviews, survey responses and callback plans whose last write to the records "
        "store failed; --all rewrites every one (e.g. after restoring the store)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--all", action="store_true", dest="everything")

    def handle(self, *args: Any, everything: bool = False, **options: Any) -> None:
        before = feeds.pending()
        try:
            done = feeds.sync(everything=everything)
        except Exception as exc:  # the store is still unavailable: say so, change nothing
            raise CommandError(f"the records store refused the write: {exc}") from None
        self.stdout.write(
            "pending before: {}; written: {}".format(
                ", ".join(f"{k} {v}" for k, v in before.items()),
                ", ".join(f"{k} {v}" for k, v in done.items()),
            )
        )
