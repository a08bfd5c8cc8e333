"""The /events/ page as each persona, in Chinese: what they see, which forms they get, and what
their POSTs answer (the auditor and plain employees: 403; out of scope: 403/404)."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from csperf.events.models import Event, EventsClosed
from tests.events.conftest import record

pytestmark = pytest.mark.django_db

PERSONAS = (
    "agent",
    "colleague",
    "other_team_agent",
    "supervisor",
    "reviewer",
    "inspector",
    "hr",
    "auditor",
    "outsider",
)


@pytest.fixture
def seeded(ev):
    """Events of E001 (T1), E003 (T2) and E004 (T3) recorded by HR."""
    return {
        key: record(ev, "hr", key, evidence=f"依据-{key}")
        for key in ("agent", "other_team_agent", "other_dept")
    }


VISIBLE = {
    "agent": {"agent"},
    "colleague": set(),
    "other_team_agent": {"other_team_agent"},
    "supervisor": {"agent"},
    "reviewer": {"agent", "other_team_agent"},
    "inspector": {"agent", "other_team_agent"},
    "hr": {"agent", "other_team_agent", "other_dept"},
    "auditor": {"agent", "other_team_agent", "other_dept"},
}
RECORDS_FOR = {  # the names in the person select
    "supervisor": {"张三", "李四"},
    "reviewer": {"张三", "李四", "王五"},
    "inspector": {"张三", "李四", "王五"},
    "hr": {"张三", "李四", "王五", "赵六"},
}
CLOSES = {  # the units with a close button
    "supervisor": {"客服一部 / 一组"},
    "reviewer": {"客服一部", "客服一部 / 一组", "客服一部 / 二组"},
    "hr": {
        "全中心",
        "客服一部",
        "客服二部",
        "客服一部 / 一组",
        "客服一部 / 二组",
        "客服二部 / 三组",
    },
}


def _select_names(page: str, name: str) -> set[str]:
    m = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S)
    if not m:
        return set()
    return {re.sub(r" \(E\d+\)$", "", o) for o in re.findall(r">([^<>]+)</option>", m.group(1))} - {
        "—"
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_page_as_each_persona(ev, seeded, client, persona):
    client.force_login(ev.users[persona])
    r = client.get("/events/?close_period=2026-03")
    if persona == "outsider":
        assert r.status_code == 404
        return
    assert r.status_code == 200
    page = r.content.decode()
    staff = persona not in ("agent", "colleague", "other_team_agent")
    assert ("我的奖惩/事件" in page) is not staff
    assert "奖惩/事件" in page and "Rewards" not in page and "Record an event" not in page
    for key in seeded:
        assert (f"依据-{key}" in page) is (key in VISIBLE[persona]), (persona, key)
    assert ('action="/events/record/"' in page) is (persona in RECORDS_FOR)
    assert _select_names(page, "employee") == RECORDS_FOR.get(persona, set())
    voids = set(re.findall(r'action="/events/(\d+)/void/"', page))
    may_void = {"supervisor": {"agent"}, "reviewer": {"agent", "other_team_agent"}}
    may_void["inspector"] = may_void["reviewer"]
    may_void["hr"] = VISIBLE["hr"]
    assert voids == {str(seeded[k].pk) for k in may_void.get(persona, set())}
    closes = re.findall(
        r"<td data-label=\"[^\"]+\">([^<]+)</td>\s*<td[^>]*>.*?</td>\s*<td><form method=\"post\" "
        r"action=\"/events/close/\"",
        page,
        re.S,
    )
    assert set(closes) == CLOSES.get(persona, set())
    if persona == "auditor":  # sees every unit's state, acts on none
        assert (
            "全中心" in page
            and "客服二部 / 三组" in page
            and '<form method="post"' not in (page.split("<main>")[1])
        )


def test_menu_entry(ev, client):
    for persona, label in [
        ("supervisor", ">奖惩/事件</a>"),
        ("auditor", ">奖惩/事件</a>"),
        ("agent", ">我的奖惩/事件</a>"),
    ]:
        client.force_login(ev.users[persona])
        assert label in client.get("/").content.decode(), persona
    client.force_login(ev.users["outsider"])
    assert "/events/" not in client.get("/").content.decode()


def test_the_kind_select_is_grouped_and_the_measure_field_follows_the_kind(ev, client):
    client.force_login(ev.users["supervisor"])
    page = client.get("/events/").content.decode()
    assert '<optgroup label="纪律与规范">' in page and '<optgroup label="表扬与加分">' in page
    assert '<option value="appearance_violation">仪容仪表违规</option>' in page
    assert 'hx-get="/events/measure/"' in page and 'name="points"' not in page
    assert 'name="points"' in client.get("/events/measure/?kind=audit_correction").content.decode()
    amount = client.get("/events/measure/?kind=dissatisfaction_fine").content.decode()
    assert 'name="amount"' in amount and "金额（元）" in amount
    plain = client.get("/events/measure/?kind=violation").content.decode()
    assert "name=" not in plain
    client.force_login(ev.users["auditor"])
    assert client.get("/events/measure/?kind=violation").status_code == 404


def _post_record(client, ev, emp="agent", **kw):
    data = {
        "employee": ev.employees[emp].pk,
        "kind": "appearance_violation",
        "occurred_on": "2026-03-10",
        "count": "1",
        "evidence": "巡检 XJ-1",
        "note": "",
    }
    data.update(kw)
    return client.post("/events/record/", data)


def test_recording_in_the_browser(ev, client):
    client.force_login(ev.users["supervisor"])
    r = _post_record(client, ev)
    assert r.status_code == 302
    e = Event.objects.get()
    assert e.employee == ev.employees["agent"] and e.recorded_by == ev.users["supervisor"]
    page = client.get(r.url).content.decode()
    assert "已登记" in page and "巡检 XJ-1" in page
    # a refused value: the form comes back with what was typed and the reason, nothing saved
    r = _post_record(client, ev, kind="audit_correction", evidence="审计通报 SJ-9")
    page = r.content.decode()
    assert r.status_code == 200 and "分值：" in page and "请填写分值" in page
    assert 'value="审计通报 SJ-9"' in page and 'name="points"' in page
    assert Event.objects.count() == 1
    r = _post_record(client, ev, occurred_on="2099-01-01")
    assert "日期：2099-01-01 在今天之后。" in r.content.decode()
    r = _post_record(client, ev, kind="no_such_kind")
    assert "类别：no_such_kind 不是已定义的事件类别。" in r.content.decode()
    assert Event.objects.count() == 1


@pytest.mark.parametrize(
    ("persona", "emp", "status"),
    [
        ("auditor", "agent", 403),
        ("agent", "agent", 403),
        ("agent", "colleague", 403),
        ("outsider", "agent", 403),
        ("supervisor", "other_team_agent", 403),
        ("inspector", "other_dept", 403),
        ("reviewer", "other_dept", 403),
    ],
)
def test_recording_out_of_scope_is_forbidden(ev, client, persona, emp, status):
    client.force_login(ev.users[persona])
    assert _post_record(client, ev, emp=emp).status_code == status
    assert not Event.objects.exists()


def test_void_in_the_browser(ev, seeded, client):
    e = seeded["agent"]
    for persona, status in [
        ("auditor", 403),
        ("agent", 403),
        ("colleague", 403),
        ("outsider", 403),
    ]:
        client.force_login(ev.users[persona])
        assert client.post(f"/events/{e.pk}/void/", {"reason": "x"}).status_code == status
    client.force_login(ev.users["supervisor"])
    # outside the supervisor's scope: not found
    other = seeded["other_dept"]
    assert client.post(f"/events/{other.pk}/void/", {"reason": "x"}).status_code == 404
    assert client.post("/events/999999/void/", {"reason": "x"}).status_code == 404
    # visible (recorded by them) but no longer theirs to void: forbidden
    mine = record(ev, "supervisor", "colleague")
    Event.objects.filter(pk=mine.pk).update(team=ev.teams["T3"], department=ev.departments["D2"])
    mine.employee.assignments.update(team=ev.teams["T3"])
    assert client.post(f"/events/{mine.pk}/void/", {"reason": "x"}).status_code == 403
    # no reason: refused with a message
    r = client.post(f"/events/{e.pk}/void/", {"reason": ""}, follow=True)
    assert "原因" in r.content.decode()
    r = client.post(f"/events/{e.pk}/void/", {"reason": "登记错人"}, follow=True)
    assert "事件已作废" in r.content.decode()
    assert set(Event.objects.filter(status="void").values_list("pk", flat=True)) == {e.pk}
    page = client.get("/events/").content.decode()
    assert "登记错人" in page and 'class="void"' in page
    # an employee sees their voided event read-only
    client.force_login(ev.users["agent"])
    page = client.get("/events/").content.decode()
    assert (
        "登记错人" in page
        and "作废" in page
        and '<form method="post"' not in (page.split("<main>")[1])
    )


def test_close_and_reopen_in_the_browser(ev, client):
    t1, t2 = ev.teams["T1"], ev.teams["T2"]
    for persona in ("auditor", "agent", "inspector"):
        client.force_login(ev.users[persona])
        r = client.post("/events/close/", {"unit": f"team:{t1.pk}", "period": "2026-03"})
        assert r.status_code == 403, persona
    client.force_login(ev.users["supervisor"])
    r = client.post("/events/close/", {"unit": f"team:{t2.pk}", "period": "2026-03"})
    assert r.status_code == 403
    assert client.post("/events/close/", {"unit": "center", "period": "2026-03"}).status_code == 403
    assert not EventsClosed.objects.exists()
    r = client.post("/events/close/", {"unit": f"team:{t1.pk}", "period": "2026-03"}, follow=True)
    page = r.content.decode()
    assert "已确认 客服一部 / 一组 2026-03 的事件登记完毕。" in page
    assert "已登记完毕" in page and "supervisor 于" in page
    c = EventsClosed.objects.get()
    # recording into the closed period is refused with the reason
    r = _post_record(client, ev)
    assert "请先重新打开该期" in r.content.decode() and not Event.objects.exists()
    for persona, status in [("auditor", 403), ("agent", 403), ("other_team_agent", 403)]:
        client.force_login(ev.users[persona])
        assert (
            client.post(f"/events/closings/{c.pk}/reopen/", {"reason": "x"}).status_code == status
        )
    client.force_login(ev.users["reviewer"])  # manager of D1: may reopen T1
    r = client.post(f"/events/closings/{c.pk}/reopen/", {"reason": "补录表扬信"}, follow=True)
    page = r.content.decode()
    assert "已重新打开" in page and "补录表扬信" in page and "未确认" in page
    c.refresh_from_db()
    assert c.reopened and c.reopened_by == ev.users["reviewer"]


def test_hr_closing_outside_a_managers_scope_is_not_found(ev, client):
    from csperf.events import actions

    c = actions.close_period(ev.users["hr"], scope="team", unit=ev.teams["T3"], period="2026-03")
    client.force_login(ev.users["reviewer"])
    assert client.post(f"/events/closings/{c.pk}/reopen/", {"reason": "x"}).status_code == 404


def test_filters_and_paging(ev, client):
    for day in range(1, 28):
        record(ev, occurred_on=dt.date(2026, 3, day), evidence=f"三月-{day}")
    for day in range(1, 28):
        record(
            ev, emp="other_team_agent", occurred_on=dt.date(2026, 2, day), evidence=f"二月-{day}"
        )
    record(ev, kind="praise_letter", occurred_on=dt.date(2026, 3, 5), evidence="表扬信-1")
    client.force_login(ev.users["hr"])
    page = client.get("/events/").content.decode()
    assert "55 条" in page and "第 1 页，共 2 页" in page and "?page=2" in page
    page2 = client.get("/events/?page=2").content.decode()
    assert "第 2 页，共 2 页" in page2
    page = client.get("/events/?group=表扬与加分").content.decode()
    assert "表扬信-1" in page and "三月-1<" not in page and "1 条" in page
    page = client.get("/events/?period=2026-02").content.decode()
    assert "27 条" in page and "三月-" not in page
    page = client.get(f"/events/?team={ev.teams['T1'].pk}&period=2026-03").content.decode()
    assert "28 条" in page and "二月-" not in page
    page = client.get("/events/?employee=E003&period=2026-02&page=2").content.decode()
    assert "27 条" in page  # past the last page: the last page
    page = client.get("/events/?employee=王五").content.decode()
    assert "27 条" in page
    # paging keeps the filters
    page = client.get("/events/?period=2026").content.decode()
    assert "55 条" in page and "period=2026&amp;page=2" in page


def test_phone_layout(ev, seeded, client):
    """The list is a table that collapses into labelled cards under 700 px (events.css)."""
    from django.contrib.staticfiles import finders

    client.force_login(ev.users["hr"])
    page = client.get("/events/").content.decode()
    assert "events/events.css" in page
    assert '<table class="cards events">' in page and 'data-label="日期"' in page
    from pathlib import Path

    css = Path(finders.find("events/events.css")).read_text(encoding="utf-8")
    assert "@media (max-width: 700px)" in css and "attr(data-label)" in css
    assert "header.top nav { flex-wrap: wrap" in css


def test_a_team_shows_the_wider_closing_that_covers_it(ev, client):
    from csperf.events import actions

    actions.close_period(
        ev.users["hr"], scope="department", unit=ev.departments["D1"], period="2026-03"
    )
    client.force_login(ev.users["supervisor"])
    page = client.get("/events/?close_period=2026-03").content.decode()
    assert "已由 hr 确认 客服一部 整体登记完毕" in page
    # and recording into it is refused with the reason
    r = _post_record(client, ev)
    assert "客服一部 2026-03 的事件已由 hr 确认登记完毕" in r.content.decode()
    page = client.get("/events/?close_period=2026-04").content.decode()
    assert "整体登记完毕" not in page
