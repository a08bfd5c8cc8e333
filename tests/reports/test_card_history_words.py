"""The card page's history in words (issue 16): each action by its name, what changed without
braces, quotes or codes (a status by its label, a total as a number), as the audit log page
(csperf.reports.audit_log) words them; the reports app adds it to the card page
(csperf.reports.parts)."""

from __future__ import annotations

import re
from html import unescape

import pytest

from csperf.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def _history_table(html: str) -> str:
    start = html.index("<h2>变更记录</h2>")
    return unescape(html[start : html.index("</table>", start)])


def test_card_history_reads_in_words(client, world, rate_through):
    card = rate_through("agent")
    client.force_login(world.users["hr"])
    r = client.get(f"/cards/{card.pk}/")
    table = _history_table(r.content.decode())
    codes = {e.action for e in AuditEvent.objects.filter(card_id=card.pk)}
    assert {"rate", "submit"} <= codes
    words = re.findall(r"[A-Za-z_]{3,}", table)
    assert [w for w in words if w in codes] == []  # an action by its name, not its code
    assert "{" not in table and "'" not in table and "E+" not in table
    assert "状态 由 自评 改为 主管初评" in table and "张三 的 服务态度 评为 4（自评）" in table
    assert "总分 由 5E+1" not in table and "总分 由 50 改为 66.67" in table
