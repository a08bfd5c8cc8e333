"""Asterisk ``queue_log`` -> call rows.

Each line is ``time|callid|queue|agent|event|data1|data2|...``, written by app_queue. A call's
events (same ``callid``) become one row of ``calls`` per pass through a queue:

============== =========================================== =====================================
event          data fields (app_queue)                     effect on the call row
============== =========================================== =====================================
ENTERQUEUE     url, callerid[, position]                   offered_at = time, customer_id = callerid
RINGNOANSWER   ringtime (ms)                               ring_no_answer += 1 (the agent rang, no answer)
CONNECT        holdtime, bridged channel uniqueid, ringtime answered_at = time, wait_s = holdtime,
                                                           agent_id = agent
COMPLETEAGENT  holdtime, calltime, origposition            outcome answered, talk_s = calltime,
                                                           ended_at = time (agent hung up)
COMPLETECALLER holdtime, calltime, origposition            same, the caller hung up
TRANSFER       extension, context, holdtime, calltime,     outcome answered, transferred, talk_s =
               origposition                                calltime, ended_at = time
               (BLINDTRANSFER and ATTENDEDTRANSFER alike)
ABANDON        position, origposition, waittime            outcome abandoned, wait_s = waittime
EXITWITHTIMEOUT position[, origposition, waittime]         outcome timeout (queue timeout reached)
EXITEMPTY      position, origposition, waittime            outcome blocked (no agent could take it)
EXITWITHKEY    key, position[, origposition, waittime]     outcome exited (caller left with a key)
============== =========================================== =====================================

``time`` is Unix time (converted to local time in ``$CSPERF_TIMEZONE`` or the machine's zone) or,
in realtime/database logs, ``YYYY-MM-DD HH:MM:SS``. Lines whose callid is ``NONE`` (ADDMEMBER,
PAUSE, QUEUESTART …) and other events are ignored. A call that enters a queue again (after a
transfer to another queue) gives a second row ``callid#2``. Calls still in progress at the end of
the log are skipped and reported. The agent (a member name such as ``SIP/1001``) becomes the
employee id through ``--map NAME=ID``; without a mapping, the name itself or its part after the
last ``/`` (``SIP/1001`` -> ``1001``) when that is an employee id.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pyarrow as pa

from csperf.ingest.importer import ImportFailed, ImportResult, Plan, Problem, run_import
from csperf.ingest.readers import RawBatch, Source
from csperf.ingest.roster import read_roster
from csperf.ingest.schema import CALLS
from csperf.ingest.store import Store
from csperf.kernel.i18n import Message, gettext_noop

EVENTS = {
    "ENTERQUEUE",
    "RINGNOANSWER",
    "CONNECT",
    "COMPLETEAGENT",
    "COMPLETECALLER",
    "TRANSFER",
    "BLINDTRANSFER",
    "ATTENDEDTRANSFER",
    "ABANDON",
    "EXITWITHTIMEOUT",
    "EXITEMPTY",
    "EXITWITHKEY",
}
TRANSFERS = {"TRANSFER", "BLINDTRANSFER", "ATTENDEDTRANSFER"}
EXITS = {
    "ABANDON": "abandoned",
    "EXITWITHTIMEOUT": "timeout",
    "EXITEMPTY": "blocked",
    "EXITWITHKEY": "exited",
}

FIELDS = [
    "call_id",
    "direction",
    "queue",
    "agent_id",
    "customer_id",
    "offered_at",
    "answered_at",
    "ended_at",
    "wait_s",
    "talk_s",
    "outcome",
    "transferred",
    "ring_no_answer",
]
# how problems name the columns: as queue_log calls them
LABELS = [
    "callid",
    "direction",
    "queue",
    "agent",
    "callerid",
    "time",
    "time",
    "time",
    "holdtime",
    "calltime",
    "event",
    "event",
    "event",
]


@dataclass
class Call:
    call_id: str
    line: int
    queue: str = ""
    offered_at: datetime | None = None
    customer_id: str = ""
    agent: str = ""
    answered_at: datetime | None = None
    ended_at: datetime | None = None
    wait_s: Decimal | None = None
    talk_s: Decimal | None = None
    outcome: str | None = None
    transferred: bool = False
    rna: int = 0
    agent_line: int | None = None
    notes: list[str] = field(default_factory=list)


def _tz() -> ZoneInfo | None:
    name = os.environ.get("CSPERF_TIMEZONE", "").strip()
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ImportFailed(
            [
                Problem(
                    path="",
                    file="CSPERF_TIMEZONE",
                    row=None,
                    column=None,
                    message=Message(gettext_noop("unknown time zone %(name)r"), {"name": name}),
                )
            ]
        ) from None


def parse_queue_log(path: str | Path) -> tuple[list[Call], list[Problem], list[str]]:
    """Read a queue_log into finished call segments, problems, and notes."""
    p = Path(path)
    fname = str(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise ImportFailed(
            [Problem(path="", file=fname, message=Message(gettext_noop("no such file")))]
        ) from None
    except IsADirectoryError:
        why = Message(gettext_noop("is a directory, not a file"))
        raise ImportFailed([Problem(path="", file=fname, message=why)]) from None
    log = _LogReader(fname, _tz())
    for line_no, line in enumerate(raw.decode("utf-8", errors="replace").splitlines(), start=1):
        if line.strip():
            log.line(line_no, line)
    return log.done, log.problems, log.end_notes()


def _data(parts: list[str], i: int) -> str:
    return parts[5 + i] if len(parts) > 5 + i else ""


class _LogReader:
    """The calls of a queue_log as its lines are read: open calls by id, finished segments."""

    def __init__(self, fname: str, tz: ZoneInfo | None) -> None:
        self.fname = fname
        self.tz = tz
        self.problems: list[Problem] = []
        self.open_calls: dict[str, Call] = {}
        self.seen: dict[str, int] = {}
        self.done: list[Call] = []
        self.notes: list[str] = []
        self.orphan = 0

    def num(self, v: str, line: int, col: str, what: str) -> Decimal | None:
        v = v.strip()
        if not v:
            return None
        try:
            d = Decimal(v)
        except InvalidOperation:
            self.problems.append(
                Problem(
                    path="",
                    file=self.fname,
                    row=line,
                    column=col,
                    message=Message(
                        gettext_noop("%(what)s %(value)r is not a number"),
                        {"what": what, "value": v},
                    ),
                )
            )
            return None
        if d < 0:
            self.problems.append(
                Problem(
                    path="",
                    file=self.fname,
                    row=line,
                    column=col,
                    message=Message(
                        gettext_noop("%(what)s %(value)s is negative"), {"what": what, "value": v}
                    ),
                )
            )
            return None
        return d

    def new_segment(self, callid: str, line: int) -> Call:
        n = self.seen.get(callid, 0) + 1
        self.seen[callid] = n
        c = Call(callid if n == 1 else f"{callid}#{n}", line)
        self.open_calls[callid] = c
        return c

    def time(self, ts_s: str, line_no: int) -> datetime | None:
        try:
            if ts_s.replace(".", "", 1).isdigit():
                ts = datetime.fromtimestamp(float(ts_s), self.tz)
                return ts.replace(tzinfo=None, microsecond=0)
            return datetime.fromisoformat(ts_s).replace(microsecond=0)
        except ValueError:
            msg = Message(
                gettext_noop("%(value)r is not a Unix time or a date and time"), {"value": ts_s}
            )
            self.problems.append(
                Problem(path="", file=self.fname, row=line_no, column="time", message=msg)
            )
            return None

    def line(self, line_no: int, line: str) -> None:
        parts = line.rstrip("\r").split("|")
        if len(parts) < 5:
            msg = Message(
                gettext_noop(
                    "expected time|callid|queue|agent|event|data…, found %(count)s fields"
                ),
                {"count": len(parts)},
            )
            self.problems.append(
                Problem(path="", file=self.fname, row=line_no, column=None, message=msg)
            )
            return
        ts_s, callid, queue, agent, event = (x.strip() for x in parts[:5])
        if callid in ("", "NONE") or event not in EVENTS:
            return
        ts = self.time(ts_s, line_no)
        if ts is None:
            return
        call = self.open_calls.get(callid)
        if event == "ENTERQUEUE":
            if call is not None:  # entered again without an end: the earlier pass is unfinished
                again = gettext_noop("%(where)s: call %(call)s entered a queue again before ending")
                self.notes.append(
                    Message(again, {"where": f"{self.fname}:{call.line}", "call": call.call_id})
                )
            call = self.new_segment(callid, line_no)
            call.queue, call.offered_at, call.customer_id = queue, ts, _data(parts, 1).strip()
            return
        if call is None:
            # the log starts in the middle of this call: rebuild what the event tells
            call = self.new_segment(callid, line_no)
            call.queue = queue
            self.orphan += 1
        self.event(call, callid, event, parts, ts, line_no, agent)

    def event(
        self, call: Call, callid: str, event: str, parts: list[str], ts, line_no: int, agent: str
    ) -> None:
        if event == "RINGNOANSWER":
            call.rna += 1
        elif event == "CONNECT":
            call.answered_at = ts
            call.wait_s = self.num(_data(parts, 0), line_no, "data1", "holdtime")
            call.agent, call.agent_line = agent, line_no
        elif event in ("COMPLETEAGENT", "COMPLETECALLER") or event in TRANSFERS:
            off = 2 if event in TRANSFERS else 0
            hold = self.num(_data(parts, off), line_no, f"data{off + 1}", "holdtime")
            talk = self.num(_data(parts, off + 1), line_no, f"data{off + 2}", "calltime")
            call.outcome, call.ended_at, call.talk_s = "answered", ts, talk
            call.transferred = event in TRANSFERS
            if call.wait_s is None:
                call.wait_s = hold
            if not call.agent:
                call.agent, call.agent_line = agent, line_no
            _finish(call, self.open_calls, callid, self.done)
        elif event in EXITS:
            idx = {"ABANDON": 2, "EXITWITHTIMEOUT": 2, "EXITEMPTY": 2, "EXITWITHKEY": 3}[event]
            wait = self.num(_data(parts, idx), line_no, f"data{idx + 1}", "waittime")
            call.outcome, call.ended_at = EXITS[event], ts
            call.wait_s = wait
            _finish(call, self.open_calls, callid, self.done)

    def end_notes(self) -> list[str]:
        """The notes, with the calls the log leaves unfinished or began before its start."""
        for call in self.open_calls.values():
            open_call = gettext_noop("%(where)s: call %(call)s has not ended in this log; skipped")
            self.notes.append(
                Message(open_call, {"where": f"{self.fname}:{call.line}", "call": call.call_id})
            )
        if self.orphan:
            orphans = gettext_noop(
                "%(count)s call(s) began before the start of the log; rebuilt from their later"
                " events"
            )
            self.notes.append(Message(orphans, {"count": self.orphan}))
        return self.notes


def _finish(call: Call, open_calls: dict[str, Call], callid: str, done: list[Call]) -> None:
    if call.offered_at is None:  # no ENTERQUEUE in this log
        back = (call.wait_s or 0) + (call.talk_s or 0 if call.outcome == "answered" else 0)
        end = call.ended_at
        call.offered_at = datetime.fromtimestamp(end.timestamp() - float(back)) if end else None
    if (
        call.outcome == "answered"
        and call.answered_at is None
        and call.offered_at
        and call.wait_s is not None
    ):
        call.answered_at = datetime.fromtimestamp(call.offered_at.timestamp() + float(call.wait_s))
    done.append(call)
    open_calls.pop(callid, None)


def _agent_id(name: str, mapping: dict[str, str], roster: set[str]) -> str:
    if not name:
        return ""
    if name in mapping:
        return mapping[name]
    if name in roster:
        return name
    tail = name.rsplit("/", 1)[-1].split("@", 1)[0]
    return tail if tail in roster else name


def import_queue_log(
    path: str | Path,
    *,
    store: Store,
    agent_map: dict[str, str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportResult:
    calls, problems, notes = parse_queue_log(path)
    fname = str(path)
    if problems:
        raise ImportFailed(problems[:100], len(problems))
    roster = set(read_roster(store))
    mapping = {k.strip(): v.strip() for k, v in (agent_map or {}).items()}

    def text(v) -> str:
        if v is None:
            return ""
        if isinstance(v, datetime):
            return v.isoformat(sep=" ")
        if isinstance(v, bool):
            return "true" if v else "false"
        return str(v)

    def source() -> Source:
        cols: list[list[str]] = [[] for _ in FIELDS]
        rows: list[int] = []
        for c in calls:
            vals = [
                c.call_id,
                "inbound",
                c.queue,
                _agent_id(c.agent, mapping, roster),
                c.customer_id,
                c.offered_at,
                c.answered_at,
                c.ended_at,
                c.wait_s,
                c.talk_s,
                c.outcome,
                c.transferred,
                c.rna,
            ]
            for i, v in enumerate(vals):
                cols[i].append(text(v))
            rows.append(c.agent_line or c.line)
        tbl = pa.table(
            {
                **{f"c{i}": pa.array(cols[i], pa.string()) for i in range(len(FIELDS))},
                "_row": pa.array(rows, pa.int64()),
            }
        )
        src = Source(path=Path(path), header=list(LABELS), total=1, unit="rows")
        src._batches = iter([RawBatch(tbl, 1)])
        return src

    plan = Plan(CALLS, {f: i for i, f in enumerate(FIELDS)}, list(LABELS))
    res = run_import(
        plan, source(), store=store, source_name=fname, progress=progress, ignored=[], reopen=source
    )
    res.notes.extend(notes)
    return res
