"""An inspector works a month's sample in the browser; the agent sees the result and disputes."""

from __future__ import annotations

import pytest

from csperf.qc import actions
from csperf.qc.models import Review, ReviewStatus, SamplingPlan
from tests.qc.conftest import FULL_HOTLINE
from tests.qc.test_workflow import population

pytestmark = pytest.mark.django_db


def post_answers(client, review, answers, then="submit"):
    data = {f"a:{k}": v for k, v in answers.items()}
    data["fatal_items"] = [it.code for _s, it in review.form.parsed.items() if it.kind == "fatal"]
    data["then"] = then
    return client.post(f"/qc/reviews/{review.pk}/save/", data)


def test_plan_page_creates_a_plan(qc, client):
    client.force_login(qc.users["inspector"])
    r = client.get("/qc/plans/")
    assert r.status_code == 200 and "热线通话质检表" in r.content.decode()
    r = client.post(
        "/qc/plans/",
        {
            "name": "三月",
            "period": "2026-03",
            "department": qc.departments["D1"].pk,
            "form": qc.forms["hotline-call"].pk,
            "mode": "count",
            "count": "4",
            "unrated_share": "30%",
            "stratify": "queue",
            "source": "calls",
        },
    )
    plan = SamplingPlan.objects.get()
    assert r.status_code == 302 and plan.params["rules"][0]["share"] == "30%"
    # drawing from an empty records store says why instead of failing
    r = client.post(f"/qc/plans/{plan.pk}/draw/", follow=True)
    assert "2026-03 内没有本部门坐席的服务记录可供抽样。" in r.content.decode()
    client.force_login(qc.users["agent"])
    assert client.get("/qc/plans/").status_code == 404


def test_inspector_works_the_sample_in_the_browser(qc, client):
    plan = actions.create_plan(
        qc.users["inspector"],
        name="三月",
        period="2026-03",
        department=qc.departments["D1"],
        form=qc.forms["hotline-call"],
        params={"mode": "count", "count": 2},
    )
    actions.draw(
        qc.users["inspector"], plan, interactions=population(), inspectors=[qc.users["inspector"]]
    )
    client.force_login(qc.users["inspector"])
    page = client.get("/qc/").content.decode()
    mine = list(Review.objects.filter(inspector=qc.users["inspector"]).order_by("period", "id"))
    assert len(mine) == 6 and all(r.interaction_id in page for r in mine)
    first = mine[0]
    page = client.get(f"/qc/reviews/{first.pk}/").content.decode()
    assert "标准开场白" in page and 'name="a:greeting"' in page
    # a wrong value is refused with a message, nothing saved
    r = post_answers(client, first, {"greeting": "4"}, then="save")
    first.refresh_from_db()
    assert r.status_code == 302 and first.status == ReviewStatus.ASSIGNED
    for review in mine:
        r = post_answers(client, review, {**FULL_HOTLINE, "accuracy": 10})
        assert r.status_code == 302
    assert set(Review.objects.values_list("status", flat=True)) == {ReviewStatus.SUBMITTED}
    assert Review.objects.filter(score="94.44").count() == 6
    page = client.get("/qc/results/?period=2026-03").content.decode()
    assert "94.44" in page
    # the agent sees the result and disputes one item
    mine_as_agent = Review.objects.filter(agent=qc.employees["agent"]).first()
    client.force_login(qc.users["agent"])
    page = client.get("/qc/").content.decode()
    assert mine_as_agent.interaction_id in page
    r = client.post(f"/qc/reviews/{mine_as_agent.pk}/dispute/", {"dispute:accuracy": "解答无误"})
    assert r.status_code == 302
    mine_as_agent.refresh_from_db()
    assert mine_as_agent.status == ReviewStatus.DISPUTED
    # a colleague cannot open it
    client.force_login(qc.users["colleague"])
    assert client.get(f"/qc/reviews/{mine_as_agent.pk}/").status_code == 404
    # another inspector decides the dispute on the page
    client.force_login(qc.users["inspector2"])
    d = mine_as_agent.disputes.get()
    r = client.post(
        f"/qc/disputes/{d.pk}/resolve/",
        {"decision": "accept", "new_value": "15", "resolution": "属实"},
    )
    mine_as_agent.refresh_from_db()
    assert mine_as_agent.score == 100 and mine_as_agent.status == ReviewStatus.SUBMITTED


def test_calibration_pages(qc, client):
    client.force_login(qc.users["inspector"])
    assert client.get("/qc/calibrations/new/").status_code == 200
    r = client.post(
        "/qc/calibrations/new/",
        {
            "title": "校准",
            "period": "2026-03",
            "form": qc.forms["ecommerce-chat"].pk,
            "agent": qc.employees["agent"].pk,
            "interaction_id": "CHAT-1",
            "expert": qc.users["expert"].pk,
            "inspectors": [qc.users["inspector"].pk, qc.users["inspector2"].pk],
        },
    )
    assert r.status_code == 302
    page = client.get(r["Location"]).content.decode()
    assert "CHAT-1" in page
    # No closed session yet: the history table is not shown.
    r = client.get("/qc/results/")
    assert r.status_code == 200 and 'id="calibration-history"' not in r.content.decode()
    assert client.get(f"/qc/forms/{qc.forms['ecommerce-chat'].pk}/").status_code == 200
