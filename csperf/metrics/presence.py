"""Whether a record type delivered anything for a period: for the centre, and per person.

A count of 0 means "nothing happened" only when the records of the period are there at all: no
attendance rows for a person is no data, not a perfect month. :class:`Presence` answers both
questions with one small query per record type, on demand.
"""

from __future__ import annotations

from typing import Any

from csperf.ingest.schema import RECORD_TYPES
from csperf.ingest.store import Store
from csperf.kernel.periods import Period


class Presence:
    def __init__(self, store: Store, per: Period) -> None:
        self.store = store
        self.per = per
        self._people: dict[str, set[str]] = {}
        self._any: dict[str, bool] = {}  # asked once per person and input: one query per record

    def people(self, record: str) -> set[str]:
        """The subjects (employee ids) with rows of ``record`` in the period."""
        if record not in self._people:
            rt = RECORD_TYPES.get(record)
            if rt is None or rt.subject is None:
                self._people[record] = set()
            else:
                t = self._rows(record)
                rows = t.select(rt.subject).distinct().to_pyarrow().column(0).to_pylist()
                self._people[record] = {str(x) for x in rows if x is not None}
        return self._people[record]

    def person(self, record: str, emp: str) -> bool:
        return emp in self.people(record)

    def any(self, record: str) -> bool:
        """Any row of ``record`` in the period (records without a time: any row at all)."""
        rt = RECORD_TYPES.get(record)
        if rt is None:
            return True  # not a record type (e.g. other cards): not ours to judge
        if record not in self._any:
            self._any[record] = self._rows(record).limit(1).count().to_pyarrow().as_py() > 0
        return self._any[record]

    def _rows(self, record: str) -> Any:
        t = self.store.table(record)
        rt = RECORD_TYPES[record]
        if rt.time is None:
            return t
        col = t[rt.time]
        if rt.time == "period":
            return t.filter(
                t.period_start >= self.per.calendar().start, t.period_end <= self.per.calendar().end
            )
        if col.type().is_date():
            return t.filter(col >= self.per.start, col < self.per.end)
        return t.filter(col >= self.per.start_ts, col < self.per.end_ts)
