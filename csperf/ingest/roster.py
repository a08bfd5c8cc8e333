"""The imported roster (record type ``employees``): who works where, from when, on what terms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when used: the compiled-SQL cache reads a roster without Ibis
    import ibis

    from csperf.ingest.store import Store


@dataclass(frozen=True)
class Person:
    """One row of the roster."""

    id: str
    name: str
    team: str
    department: str
    position: str
    supervisor: str | None = None
    hired_at: date | None = None
    left_at: date | None = None
    pay_base: Decimal | None = None
    tier: str | None = None
    probation_end: date | None = None

    def active(self, first: date, after: date) -> bool:
        """On the roster at some time from ``first`` up to (not including) ``after``."""
        return (self.hired_at is None or self.hired_at < after) and (
            self.left_at is None or self.left_at >= first
        )

    def on_probation(self, last: date) -> bool:
        """Still on probation on ``last`` (the period's last day): 未满试用期."""
        return self.probation_end is not None and self.probation_end > last


FIELDS = tuple(Person.__dataclass_fields__)


def read_roster(store: Store) -> dict[str, Person]:
    """Every person of the imported roster, by employee id."""
    from csperf.ingest.store import fetch_rows

    return roster_of(fetch_rows(roster_query(store)))


def roster_query(store: Store) -> ibis.Table:
    """The query of the roster's rows (:data:`FIELDS`)."""
    return store.table("employees").select(*FIELDS)


def roster_of(rows: list[dict[str, Any]]) -> dict[str, Person]:
    return {r["id"]: Person(**r) for r in rows}
