"""Audit actions are ``AuditEvent.Action`` members, each with a translated label (issue 17 item 5,
issue 16 item 2); reasons the code writes read in the reader's language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.utils import translation

import csperf
from csperf.core import audit
from csperf.core.models import AuditEvent
from csperf.reports.audit_log import reason_words

PACKAGE = Path(csperf.__file__).parent
# audit.record(actor, "literal", …): the action is the second argument.
CALL = re.compile(r'audit\.record\(\s*[^,()]+,\s*(f?"[^"]*")', re.S)
CJK = re.compile(r"[\u4e00-\u9fff]")


def _written_actions() -> dict[str, str]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        for m in CALL.finditer(path.read_text(encoding="utf-8")):
            found[m.group(1)] = str(path.relative_to(PACKAGE))
    return found


def test_every_literal_action_written_is_a_member():
    written = _written_actions()
    assert len(written) > 60  # the scan finds the call sites
    bulk = {f"bulk_{s}" for s in ("approve", "close", "publish", "submit")}
    unknown = {}
    for literal, where in written.items():
        if literal.startswith('f"'):  # board's bulk_{step}
            assert bulk <= set(AuditEvent.Action.values), where
            continue
        if literal.strip('"') not in AuditEvent.Action.values:
            unknown[literal] = where
    assert unknown == {}


def test_every_action_has_a_chinese_label():
    with translation.override("zh-hans"):
        missing = [v for v, label in AuditEvent.Action.choices if not CJK.search(str(label))]
    assert missing == []


def test_an_unknown_action_is_refused_before_anything_is_written():
    with pytest.raises(ValueError, match="no_such_action"):
        audit.record(None, "no_such_action", AuditEvent())


@pytest.mark.parametrize(
    ("reason", "zh"),
    [
        ("card list (12)", "12"),
        ("disclosed results (3)", "3"),
        ("roster", "花名册"),
        ("score 87.5", "87.5"),
        ("4 interactions; qc1: 2, qc2: 2", "qc1: 2, qc2: 2"),
        ("2 entries not submitted", "2"),
        ("summary (40)", "40"),
        ("pay sheet (40)", "40"),
        ("audit log (7) action=rate", "action=rate"),
    ],
)
def test_reasons_the_code_writes_read_in_chinese(reason, zh):
    with translation.override("zh-hans"):
        text = reason_words(reason)
    assert zh in text and CJK.search(text), text
    with translation.override("en"):
        assert not CJK.search(reason_words(reason))


def test_a_persons_own_reason_is_shown_as_written():
    with translation.override("zh-hans"):
        assert reason_words("roster was wrong") == "roster was wrong"
        assert reason_words("迟到三次") == "迟到三次"


def test_codes_stored_as_values_read_as_their_labels():
    from csperf.reports.audit_log import _words

    with translation.override("zh-hans"):
        text = _words({"type": "calls", "file": "calls.csv"})
        assert text == "类型：话务记录；文件：calls.csv"
        assert _words({"code": "dealer-sales", "kind": "dealer"}).endswith("经销商客户满意度指数")
    with translation.override("en"):
        assert _words({"type": "calls"}) == "Type：Call records"


def _rows(ids) -> list[dict]:
    skip = {"id", "at"}  # the new rows' own; everything else must be what record() stores
    fields = [f.attname for f in AuditEvent._meta.concrete_fields if f.name not in skip]
    return list(AuditEvent.objects.filter(pk__in=ids).order_by("object_id").values(*fields))


def test_record_many_stores_the_rows_record_stores(world):
    from decimal import Decimal

    cards = list(world.cycle.cards.select_related("employee").order_by("pk"))
    actor = world.users["hr"]
    new = {"template": str(world.template), "at": Decimal("12.50"), "n": [1, "二"]}
    before = set(AuditEvent.objects.values_list("pk", flat=True))
    one_by_one = [audit.record(actor, "create_card", c, new=new).pk for c in cards]
    audit.record_many(actor, "create_card", cards, new=new)
    many = set(AuditEvent.objects.values_list("pk", flat=True)) - before - set(one_by_one)
    assert len(many) == len(cards) > 1
    assert _rows(many) == _rows(one_by_one)
    stored = AuditEvent.objects.filter(pk__in=many)
    assert all(e.at is not None and e.new["at"] == "12.50" for e in stored)


def test_record_many_refuses_an_unknown_action_before_anything_is_written(world):
    count = AuditEvent.objects.count()
    with pytest.raises(ValueError, match="no_such_action"):
        audit.record_many(None, "no_such_action", list(world.cycle.cards.all()), new=None)
    assert AuditEvent.objects.count() == count
