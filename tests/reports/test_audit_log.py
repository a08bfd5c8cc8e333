"""The centre-wide audit log page: HR and the auditor only, filters, paging, words, Excel."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

URL = "/reports/audit/"


def _rate_self_twice(world):
    """The agent rates 服务态度 3, then changes it to 4 (two audit rows of the agent's card)."""
    from csperf.reviews import actions

    card = world.card("agent")
    actions.save_ratings(world.users["agent"], card, [{"item": "attitude", "value": 3}])
    actions.save_ratings(
        world.users["agent"], card, [{"item": "attitude", "value": 4, "comment": "电话多"}]
    )
    return card


def _changes(response) -> list[str]:
    return [r.change for r in response.context["rows"]]


@pytest.mark.parametrize("who", ["supervisor", "agent", "reviewer", "inspector", "outsider"])
def test_only_hr_and_the_auditor_see_the_audit_log(client, world, who):
    client.force_login(world.users[who])
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"format": "xlsx"}).status_code == 403
    assert "/reports/audit/" not in client.get("/").content.decode()


@pytest.mark.parametrize("who", ["hr", "auditor"])
def test_hr_and_the_auditor_see_it_linked_from_the_menu(client, world, who):
    client.force_login(world.users[who])
    assert client.get(URL).status_code == 200
    assert 'href="/reports/audit/"' in client.get("/").content.decode()


def test_a_rating_change_reads_as_words_not_a_dict(client, world):
    card = _rate_self_twice(world)
    client.force_login(world.users["auditor"])
    r = client.get(URL, {"card": card.pk, "action": "rate"})
    changes = _changes(r)
    assert "张三 的 服务态度 由 3 改为 4（自评；备注：电话多）" in changes
    assert "张三 的 服务态度 评为 3（自评）" in changes
    html = r.content.decode()
    assert "{&#x27;value&#x27;" not in html and "{'value'" not in html
    assert all(row.action == "评分" for row in r.context["rows"])
    # A status change reads with the statuses' labels.
    r = client.get(URL, {"card": card.pk, "action": "start_rating"})
    assert any("由 草稿 改为" in c for c in _changes(r)), _changes(r)


def test_filters_person_card_cycle_action_and_dates(client, world):
    from csperf.core.models import AuditEvent

    card = _rate_self_twice(world)
    other = world.card("colleague")
    client.force_login(world.users["hr"])
    # By person: the actor's login or name, or the employee the rows are about.
    for person in ("agent", "张三", "E001"):
        rows = client.get(URL, {"person": person, "action": "rate"}).context["rows"]
        assert len(rows) == 2, person
    assert client.get(URL, {"person": "李四", "action": "rate"}).context["rows"] == []
    by_hr = client.get(URL, {"person": "hr"}).context["rows"]
    assert by_hr and all(r.event.actor_id == world.users["hr"].pk for r in by_hr)
    # By card and by cycle.
    assert client.get(URL, {"card": other.pk, "action": "rate"}).context["rows"] == []
    rows = client.get(URL, {"cycle": world.cycle.pk, "action": "rate"}).context["rows"]
    assert {r.card_id for r in rows} == {card.pk}
    assert client.get(URL, {"cycle": world.cycle.pk + 999}).context["rows"] == []
    # By action and kind.
    rows = client.get(URL, {"action": "open_cycle"}).context["rows"]
    assert rows and {r.event.action for r in rows} == {"open_cycle"}
    assert rows[0].action == "开放周期评分"
    # By date: today holds the rows, tomorrow and yesterday none.
    today = timezone.localdate()
    day = dt.timedelta(days=1)
    total = AuditEvent.objects.count()
    r = client.get(URL, {"from": today.isoformat(), "to": today.isoformat()})
    assert r.context["page"].paginator.count == total
    assert client.get(URL, {"from": (today + day).isoformat()}).context["rows"] == []
    assert client.get(URL, {"to": (today - day).isoformat()}).context["rows"] == []


@pytest.mark.parametrize(
    "params,field",
    [
        ({"from": "2026-13-01"}, "开始日期"),
        ({"card": "abc"}, "考核表编号"),
        ({"from": "2026-03-02", "to": "2026-03-01"}, "结束日期"),
    ],
)
def test_a_bad_filter_is_named_not_a_traceback(client, world, params, field):
    client.force_login(world.users["hr"])
    r = client.get(URL, params)
    assert r.status_code == 422
    assert field in r.context["error"].message


def test_paging_keeps_the_filters(client, world, monkeypatch):
    from csperf.reports import audit_log

    _rate_self_twice(world)
    monkeypatch.setattr(audit_log, "PAGE_SIZE", 1)
    client.force_login(world.users["hr"])
    first = client.get(URL, {"action": "rate"})
    assert first.context["page"].paginator.num_pages == 2
    assert "action=rate" in first.content.decode().split("pager", 1)[1]
    second = client.get(URL, {"action": "rate", "page": 2})
    assert second.context["rows"][0].event.pk != first.context["rows"][0].event.pk
    assert second.context["rows"][0].event.action == "rate"


def test_excel_export_holds_words_and_is_audited(client, world):
    from csperf.core import audit
    from csperf.core.models import AuditEvent

    card = _rate_self_twice(world)
    audit.record(world.users["hr"], "exclude_card", card, reason='=HYPERLINK("http://x")')
    client.force_login(world.users["auditor"])
    r = client.get(URL, {"card": card.pk, "format": "xlsx"})
    assert r.status_code == 200
    ws = openpyxl.load_workbook(io.BytesIO(r.content)).active
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    texts = [str(c.value) for c in cells]
    assert "审计日志" in texts[0]
    assert "张三 的 服务态度 由 3 改为 4（自评；备注：电话多）" in texts
    assert "评分" in texts and "排除考核表" in texts
    assert not any("{'" in t for t in texts)
    formula = next(c for c in cells if str(c.value).startswith("=HYPERLINK"))
    assert formula.data_type == "s"  # text, never a formula
    assert AuditEvent.objects.filter(
        kind="export", actor=world.users["auditor"], reason__startswith="audit log"
    ).exists()


def test_a_job_is_named_by_its_kind_not_its_code(client, world):
    from csperf.core import audit, jobs

    job = jobs.enqueue("records.import", {"kind": "calls"}, user=world.users["hr"])
    audit.record(world.users["hr"], "import_records", job, new={"type": "calls", "file": "a.csv"})
    client.force_login(world.users["auditor"])
    subjects = [r.subject for r in client.get(URL, {"action": "import_records"}).context["rows"]]
    assert subjects == [f"记录导入（编号 {job.pk}）"]
    assert "records.import" not in client.get(URL).content.decode()
