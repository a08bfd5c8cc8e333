"""Asterisk queue_log -> call rows, on a hand-written log that uses every event."""

from __future__ import annotations

from datetime import datetime

import pytest

from csperf.ingest.importer import ImportFailed, import_file
from csperf.ingest.store import open_store

# Ibis 12 still calls DuckDB's deprecated fetch_arrow_table(); not ours to fix
pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")

T0 = 1772442000  # 2026-03-02 09:00:00 UTC

# app_queue's fields: see csperf/ingest/queue_log.py
LOG = f"""\
{T0 - 100}|NONE|NONE|NONE|QUEUESTART|
{T0 - 50}|NONE|support|SIP/1001|ADDMEMBER|
{T0}|1001.1|support||ENTERQUEUE||13800000001|1
{T0 + 4}|1001.1|support|SIP/1001|RINGNOANSWER|4000
{T0 + 12}|1001.1|support|SIP/1002|CONNECT|12|1001.2|3
{T0 + 132}|1001.1|support|SIP/1002|COMPLETEAGENT|12|120|1
{T0 + 10}|1002.1|support||ENTERQUEUE||13800000002|2
{T0 + 15}|1002.1|support|Agent/E1|CONNECT|5|1002.2|2
{T0 + 75}|1002.1|support|Agent/E1|COMPLETECALLER|5|60|2
{T0 + 20}|1003.1|support||ENTERQUEUE||13800000003|1
{T0 + 45}|1003.1|support|NONE|ABANDON|1|1|25
{T0 + 30}|1004.1|support||ENTERQUEUE||13800000004|1
{T0 + 330}|1004.1|support|NONE|EXITWITHTIMEOUT|1|1|300
{T0 + 40}|1005.1|support||ENTERQUEUE||13800000005|1
{T0 + 40}|1005.1|support|NONE|EXITEMPTY|1|1|0
{T0 + 50}|1006.1|support||ENTERQUEUE||13800000006|1
{T0 + 58}|1006.1|support|NONE|EXITWITHKEY|5|1|1|8
{T0 + 60}|1007.1|support||ENTERQUEUE||13800000007|1
{T0 + 63}|1007.1|support|SIP/1001|CONNECT|3|1007.2|1
{T0 + 93}|1007.1|support|SIP/1001|TRANSFER|8001|from-internal|3|30|1
{T0 + 100}|1007.1|sales||ENTERQUEUE||13800000007|1
{T0 + 106}|1007.1|sales|SIP/1002|CONNECT|6|1007.3|1
{T0 + 166}|1007.1|sales|SIP/1002|COMPLETEAGENT|6|60|1
{T0 + 200}|1008.1|support||ENTERQUEUE||13800000008|1
{T0 + 210}|1008.1|support|SIP/1001|BLINDTRANSFER|8002|from-internal|10|0|1
{T0 + 300}|1009.1|support||ENTERQUEUE||13800000009|1
"""


@pytest.fixture
def store(tmp_path, monkeypatch):
    monkeypatch.setenv("CSPERF_TIMEZONE", "UTC")
    s = open_store(tmp_path / "d")
    emp = tmp_path / "emp.csv"
    emp.write_text(
        "id,name,team,department,position\n1001,甲,T,D,agent\nE2,乙,T,D,agent\nE1,丙,T,D,agent\n"
    )
    import_file("employees", emp, store=s)
    yield s
    s.close()


def test_every_event(store, tmp_path):
    log = tmp_path / "queue_log"
    log.write_text(LOG)
    res = import_file("queue_log", log, store=store, mapping={"SIP/1002": "E2"})
    assert res.rows == 9
    assert any("1009.1 has not ended" in n for n in res.notes)
    rows = {r["call_id"]: r for r in store.table("calls").to_pyarrow().to_pylist()}
    at = lambda s: datetime.utcfromtimestamp(T0 + s)  # noqa: E731

    c = rows["1001.1"]  # RINGNOANSWER on 1001, then answered by 1002 -> E2 (mapped)
    assert (c["outcome"], c["agent_id"], c["wait_s"], c["talk_s"], c["ring_no_answer"]) == (
        "answered",
        "E2",
        12,
        120,
        1,
    )
    assert (c["offered_at"], c["answered_at"], c["ended_at"]) == (at(0), at(12), at(132))
    assert c["customer_id"] == "13800000001" and c["queue"] == "support"
    c = rows["1002.1"]  # COMPLETECALLER; Agent/E1 -> E1 (part after the slash)
    assert (c["outcome"], c["agent_id"], c["wait_s"], c["talk_s"]) == ("answered", "E1", 5, 60)
    c = rows["1003.1"]
    assert (c["outcome"], c["agent_id"], c["wait_s"], c["ended_at"]) == (
        "abandoned",
        None,
        25,
        at(45),
    )
    assert (rows["1004.1"]["outcome"], rows["1004.1"]["wait_s"]) == ("timeout", 300)
    assert (rows["1005.1"]["outcome"], rows["1005.1"]["wait_s"]) == ("blocked", 0)
    assert (rows["1006.1"]["outcome"], rows["1006.1"]["wait_s"]) == ("exited", 8)
    c = rows["1007.1"]  # TRANSFER by SIP/1001 -> employee 1001
    assert (c["outcome"], c["transferred"], c["agent_id"], c["talk_s"], c["wait_s"]) == (
        "answered",
        True,
        "1001",
        30,
        3,
    )
    c = rows["1007.1#2"]  # the same call entering the sales queue again
    assert (c["queue"], c["agent_id"], c["wait_s"], c["talk_s"], c["transferred"]) == (
        "sales",
        "E2",
        6,
        60,
        False,
    )
    c = rows["1008.1"]  # BLINDTRANSFER without CONNECT: the transferring agent is named
    assert (c["transferred"], c["agent_id"], c["wait_s"]) == (True, "1001", 10)
    assert "1009.1" not in rows
    # importing the same log again replaces, never duplicates
    import_file("queue_log", log, store=store, mapping={"SIP/1002": "E2"})
    assert store.count("calls") == 9


def test_unknown_agents_and_bad_lines_are_reported(store, tmp_path):
    log = tmp_path / "queue_log"
    log.write_text(LOG)
    with pytest.raises(ImportFailed) as ei:
        import_file("queue_log", log, store=store)  # SIP/1002 is nobody on the roster
    msgs = [str(p) for p in ei.value.problems]
    assert (
        msgs[0]
        == f"{log}:5:agent: 'SIP/1002' is not an employee id of the roster (import employees first)"
    )
    assert store.count("calls") == 0
    bad = tmp_path / "bad_log"
    bad.write_text(
        f"{T0}|1.1|q||ENTERQUEUE||1|1\nyesterday|1.1|q|SIP/1|CONNECT|x|1|1\n{T0}|short\n"
    )
    with pytest.raises(ImportFailed) as ei:
        import_file("queue_log", bad, store=store)
    assert [str(p) for p in ei.value.problems] == [
        f"{bad}:2:time: 'yesterday' is not a Unix time or a date and time",
        f"{bad}:3: expected time|callid|queue|agent|event|data…, found 2 fields",
    ]


def test_log_starting_mid_call(store, tmp_path):
    log = tmp_path / "queue_log"
    log.write_text(f"{T0 + 100}|77.1|support|SIP/1001|COMPLETEAGENT|20|80|1\n")
    res = import_file("queue_log", log, store=store)
    (c,) = store.table("calls").to_pyarrow().to_pylist()
    assert (
        c["offered_at"] == datetime.utcfromtimestamp(T0) and c["wait_s"] == 20 and c["talk_s"] == 80
    )
    assert any("began before the start" in n for n in res.notes)


def test_problems_and_notes_keep_msgid_and_params_for_a_page_in_chinese(store, tmp_path):
    """queue_log words its problems and notes like the rest of the importer (kernel.i18n): the
    English text for the command line, a msgid and params a page translates."""
    from django.utils import translation

    from csperf.ingest.queue_log import parse_queue_log

    bad = tmp_path / "bad_log"
    bad.write_text(
        f"{T0}|1.1|q||ENTERQUEUE||1|1\n{T0 + 5}|1.1|q|SIP/1|CONNECT|-3|1|1\n{T0}|short\n"
        f"{T0 + 9}|2.1|q|SIP/1|COMPLETEAGENT|x|1|1\n"
    )
    _calls, problems, notes = parse_queue_log(bad)
    assert [str(p) for p in problems] == [
        f"{bad}:2:data1: holdtime -3 is negative",
        f"{bad}:3: expected time|callid|queue|agent|event|data…, found 2 fields",
        f"{bad}:4:data1: holdtime 'x' is not a number",
    ]
    assert all(p.msgid and p.params for p in problems)
    with translation.override("zh-hans"):
        chinese = [translation.gettext(m.msgid) % m.params for m in [*problems, *notes]]
    assert chinese == [
        "holdtime -3 是负数",
        "应为 time|callid|queue|agent|event|data… 格式，实际只有 2 个字段",
        "holdtime 'x' 不是数字",
        f"{bad}:1：呼叫 1.1 在本日志中未结束，已跳过",
        "1 通呼叫开始于日志起点之前，已按其后续事件重建",
    ]
