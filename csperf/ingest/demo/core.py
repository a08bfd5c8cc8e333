"""What every part of the demo generator shares: the world (days, months, roster, rota, the
records made so far), deterministic random streams, and Arrow column builders.

Each concern draws from its own random stream (:meth:`World.rng`), seeded from the demo seed and
the concern's name, so the same seed, size and last month give the same records byte for byte,
and a change to one concern does not reshuffle the others.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from csperf.ingest.importer import write_typed
from csperf.ingest.lake import ARROW_TYPES
from csperf.ingest.schema import RECORD_TYPES
from csperf.ingest.store import Store
from csperf.kernel.periods import Period, parse_period
from csperf.kernel.workdays import Workdays

if TYPE_CHECKING:
    from csperf.ingest.demo.attendance import Rota
    from csperf.ingest.demo.organisation import Roster

NAT = np.datetime64("NaT")
FAR = np.datetime64("2999-12-31")


def month_label(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def add_months(d: date, n: int) -> date:
    y, m = divmod(d.year * 12 + d.month - 1 + n, 12)
    return date(y, m + 1, 1)


class Interactions:
    """Calls or tickets made so far, for the streams built on them (surveys, QC, sales,
    attendance): per record its number (``no``; the id is prefix + number), employee (-1: none),
    day index, time and whatever else a stream needs."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.parts: list[dict[str, np.ndarray]] = []
        self.count = 0

    def add(self, **cols: np.ndarray) -> None:
        self.parts.append({k: np.asarray(v) for k, v in cols.items()})
        self.count += len(cols["no"])

    def col(self, name: str) -> np.ndarray:
        return np.concatenate([p[name] for p in self.parts]) if self.parts else np.array([])

    def names(self, idx: np.ndarray) -> np.ndarray:
        return np.char.add(self.prefix, self.col("no")[idx].astype(str))


@dataclass
class World:
    """The demo centre being generated."""

    store: Store
    seed: int
    agents: int
    first: date  # first day, inclusive
    end: date  # the day after the last day
    say: Callable[[str], None]
    rows: dict[str, int] = field(default_factory=dict)
    overrides: dict[date, bool] = field(default_factory=dict)  # the centre's calendar days
    roster: Roster | None = None
    rota: Rota | None = None
    calls: Interactions = field(default_factory=lambda: Interactions("C"))
    tickets: Interactions = field(default_factory=lambda: Interactions("W"))
    customers: dict[str, np.ndarray] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)  # figures one concern leaves another

    def __post_init__(self) -> None:
        self.days = np.arange(
            np.datetime64(self.first), np.datetime64(self.end), dtype="datetime64[D]"
        )
        self.weekday = ((self.days.astype("int64") + 3) % 7).astype(int)  # 1970-01-01: Thursday
        self.months: list[Period] = []
        d = self.first
        while d < self.end:
            self.months.append(parse_period(month_label(d)))
            d = add_months(d, 1)
        self.month_of_day = (
            np.searchsorted(
                np.array([np.datetime64(p.start) for p in self.months]), self.days, side="right"
            )
            - 1
        )
        self._workdays: np.ndarray | None = None
        self._pending: dict[str, list[pa.Table]] = {}

    # -- calendar ---------------------------------------------------------------------------

    @property
    def n_days(self) -> int:
        return len(self.days)

    def workdays(self) -> Workdays:
        return Workdays(dict(self.overrides))

    def workday_mask(self, extra_days: int = 0) -> np.ndarray:
        """Working days (national 调休 calendar plus the centre's own) from the first day on,
        ``extra_days`` beyond the last day included."""
        wd = self.workdays()
        return np.array(
            [wd.is_workday(self.first + timedelta(days=i)) for i in range(self.n_days + extra_days)]
        )

    @property
    def workday(self) -> np.ndarray:
        if self._workdays is None:
            self._workdays = self.workday_mask()
        return self._workdays

    def periods(self, kind: str) -> list[Period]:
        """The full quarters or years inside the generated range (calendar months)."""
        out = []
        for p in self.months:
            y, m = p.start.year, p.start.month
            if kind == "quarter" and m % 3 == 1:
                label = f"{y:04d}-Q{(m + 2) // 3}"
            elif kind == "year" and m == 1:
                label = f"{y:04d}"
            else:
                continue
            per = parse_period(label)
            if per.end <= self.end:
                out.append(per)
        return out

    def labels(self) -> list[Period]:
        """Every period a figure is kept for: the months, full quarters and full years."""
        return [*self.months, *self.periods("quarter"), *self.periods("year")]

    def day_index(self, d: date) -> int:
        return (d - self.first).days

    # -- randomness and output ----------------------------------------------------------------

    def rng(self, name: str) -> np.random.Generator:
        return np.random.default_rng([self.seed, zlib.crc32(name.encode("utf-8"))])

    def put(self, kind: str, tbl: pa.Table) -> None:
        """Keep rows of ``kind`` to be written (each record type is written once, at the end:
        a second write of the same type would have to look for keys to replace)."""
        if tbl.num_rows:
            self.say(f"{kind}: {tbl.num_rows} rows")
            self._pending.setdefault(kind, []).append(tbl)

    def flush(self) -> None:
        """Write every record type kept, in one import each, through the importer."""
        for kind, parts in self._pending.items():
            rt = RECORD_TYPES[kind]
            names = [c.name for c in rt.stored_columns]
            parts = [_complete(p, rt, names) for p in parts]
            tbl = pa.concat_tables(parts, promote_options="none")
            write_typed(self.store, rt, [tbl], source=f"demo-data seed={self.seed}")
            self.rows[kind] = self.rows.get(kind, 0) + tbl.num_rows
        self._pending.clear()

    # -- people and days ----------------------------------------------------------------------

    def active(self, emp: np.ndarray, day: np.ndarray) -> np.ndarray:
        r = self.roster
        d = self.days[day]
        return (r.hired[emp] <= d) & (r.left[emp] >= d)

    def day_times(
        self, rng: np.random.Generator, day: np.ndarray, lo_h: float = 9, hi_h: float = 18
    ) -> np.ndarray:
        """A time of day between lo_h and hi_h o'clock on each day index (datetime64[s])."""
        secs = rng.integers(int(lo_h * 3600), int(hi_h * 3600), size=len(day))
        return self.days[day].astype("datetime64[s]") + secs.astype("timedelta64[s]")

    def end_ts(self) -> np.datetime64:
        return np.datetime64(self.end).astype("datetime64[s]") - np.timedelta64(1, "s")


# -------------------------------------------------------------------------- Arrow columns


def _complete(tbl: pa.Table, rt, names: list[str]) -> pa.Table:
    """The table with every stored column of the record type, in order (absent ones null)."""
    cols = {}
    for name in names:
        if name in tbl.column_names:
            cols[name] = tbl.column(name)
        else:
            kind = rt.column(name).kind
            cols[name] = pa.nulls(tbl.num_rows, ARROW_TYPES[kind])
    return pa.table(cols)


def ts(values: np.ndarray) -> pa.Array:
    """datetime64 -> Arrow timestamp (whole seconds); NaT becomes null."""
    v = np.asarray(values).astype("datetime64[s]")
    return pa.array(v, type=pa.timestamp("us"), mask=np.isnat(v))


def days32(values: np.ndarray) -> pa.Array:
    v = np.asarray(values).astype("datetime64[D]")
    return pa.array(v, type=pa.date32(), mask=np.isnat(v))


def dec(
    values: Any, scale: int = 3, precision: int = 18, mask: np.ndarray | None = None
) -> pa.Array:
    """Real values -> an exact Arrow decimal of the given scale (rounded half away from zero)."""
    x = np.asarray(values, dtype=np.float64) * 10.0**scale
    ints = (np.sign(x) * np.floor(np.abs(x) + 0.5)).astype(np.int64)
    a = pa.array(ints, type=pa.int64(), mask=mask).cast(pa.decimal128(19, 0))
    factor = pa.scalar(Decimal(1).scaleb(-scale), pa.decimal128(scale + 1, scale))
    return pc.multiply(a, factor).cast(pa.decimal128(precision, scale))


def duration(values: Any, mask: np.ndarray | None = None) -> pa.Array:
    return dec(values, 3, 14, mask)


def money(values: Any, mask: np.ndarray | None = None) -> pa.Array:
    return dec(values, 2, 18, mask)


def strs(values: Any, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(np.asarray(values, dtype=str), type=pa.string(), mask=mask)


def ints(values: Any, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(np.asarray(values, dtype=np.int64), type=pa.int64(), mask=mask)


def bools(values: Any, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(np.asarray(values, dtype=bool), type=pa.bool_(), mask=mask)


def pick(labels: Any, codes: Any, mask: np.ndarray | None = None) -> pa.Array:
    """labels[codes] as an Arrow string array, built from the codes (fast for long columns)."""
    idx = pa.array(np.asarray(codes, dtype=np.int32), type=pa.int32(), mask=mask)
    return pa.DictionaryArray.from_arrays(idx, pa.array(list(labels), pa.string())).cast(
        pa.string()
    )


def prefixed(prefix: str, nums: Any, mask: np.ndarray | None = None) -> pa.Array:
    """prefix + number as an Arrow string array (C1, C2 …)."""
    digits = pa.array(np.asarray(nums, dtype=np.int64), mask=mask).cast(pa.string())
    return pc.binary_join_element_wise(prefix, digits, "")


def period_columns(labels: list[str]) -> dict[str, pa.Array]:
    """period, period_start, period_end (exclusive) of period labels, as an import stores them."""
    pers = [parse_period(x) for x in labels]
    return {
        "period": pa.array([p.label for p in pers], pa.string()),
        "period_start": pa.array([p.start for p in pers], pa.date32()),
        "period_end": pa.array([p.end for p in pers], pa.date32()),
    }


def spread(
    world: World,
    rng: np.random.Generator,
    emp: np.ndarray,
    month: np.ndarray,
    days_ok: np.ndarray,
) -> np.ndarray:
    """A day index in month ``month`` for each employee, among the days ``days_ok`` allows
    ([employee × day] bool), else any day of that month the employee is on the roster."""
    out = np.empty(len(emp), dtype=np.int64)
    for i, (e, m) in enumerate(zip(emp, month, strict=True)):
        in_month = np.nonzero(world.month_of_day == m)[0]
        ok = in_month[days_ok[e, in_month]]
        if not len(ok):
            ok = in_month[world.active(np.full(len(in_month), e), in_month)]
        if not len(ok):
            ok = in_month
        out[i] = ok[rng.integers(len(ok))]
    return out


def top_up(
    world: World,
    rng: np.random.Generator,
    pool: np.ndarray,
    emp: np.ndarray,
    day: np.ndarray,
    need: int,
    days_ok: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Extra (employee, day) pairs so that every person of ``pool`` has at least ``need``
    records in every month they are on the roster: a count nobody recorded is no data."""
    n_m = len(world.months)
    have = np.zeros((len(world.roster.ids), n_m), dtype=np.int64)
    if len(emp):
        np.add.at(have, (emp, world.month_of_day[day]), 1)
    add_e, add_m = [], []
    for m, per in enumerate(world.months):
        lo, hi = world.day_index(per.start), world.day_index(per.end) - 1
        on = pool[
            (world.roster.hired[pool] <= world.days[hi])
            & (world.roster.left[pool] >= world.days[lo])
        ]
        short = np.maximum(0, need - have[on, m])
        add_e.append(np.repeat(on, short))
        add_m.append(np.full(int(short.sum()), m))
    e = np.concatenate(add_e) if add_e else np.array([], dtype=np.int64)
    m = np.concatenate(add_m) if add_m else np.array([], dtype=np.int64)
    return e.astype(np.int64), spread(world, rng, e, m, days_ok)


def per_present_day(
    world: World, rng: np.random.Generator, pool: np.ndarray, rate: np.ndarray | float
) -> tuple[np.ndarray, np.ndarray]:
    """Poisson(rate) events on every day each person of ``pool`` is at work."""
    present = world.rota.present[pool]
    e, d = np.nonzero(present)
    lam = np.broadcast_to(np.asarray(rate, dtype=float), (len(pool),))[e]
    k = rng.poisson(lam)
    return np.repeat(pool[e], k), np.repeat(d, k)


def choose(rng, w: np.ndarray, day: np.ndarray) -> np.ndarray:
    """For each event on day ``day``, a row of ``w`` ([person × day] weights), drawn by weight."""
    p, nd = w.shape
    flat = np.cumsum(w.T.ravel())
    lo = np.concatenate([[0.0], flat])[np.arange(nd) * p]
    tot = w.sum(axis=0)
    u = lo[day] + rng.random(len(day)) * tot[day]
    idx = np.searchsorted(flat, u, side="right") - day * p
    return np.clip(idx, 0, p - 1)
