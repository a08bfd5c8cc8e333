"""Issue 13, item 7: the plan page after a draw, reviews in progress, bonus items, errors that
name the item, rechecks with a single inspector, links to the recording or transcript."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.utils import translation

from csperf.core.errors import InvalidInput
from csperf.qc import actions
from csperf.qc.engine import score_review
from csperf.qc.forms import load_builtin
from csperf.qc.models import Review, ReviewKind, ReviewStatus
from csperf.qc.sampling import Interaction
from tests.qc.conftest import FULL_HOTLINE
from tests.qc.test_workflow import population

pytestmark = pytest.mark.django_db

SCORED_ONLY = {k: v for k, v in FULL_HOTLINE.items() if k not in ("praise", "retention")}


def _plan(world, count=2, name="三月"):
    return actions.create_plan(
        world.users["inspector"],
        name=name,
        period="2026-03",
        department=world.departments["D1"],
        form=world.forms["hotline-call"],
        params={"mode": "count", "count": count},
    )


def _one_review(qc, interactions=None) -> Review:
    plan = _plan(qc, count=1)
    actions.draw(
        qc.users["inspector"],
        plan,
        interactions=interactions or population(),
        inspectors=[qc.users["inspector"]],
    )
    return Review.objects.filter(plan=plan).order_by("id").first()


# -- the plan page after a draw ---------------------------------------------------------------


def test_plan_page_after_draw_shows_the_workload(qc, client):
    plan = _plan(qc)
    actions.draw(qc.users["inspector"], plan, interactions=population())
    client.force_login(qc.users["inspector"])
    r = client.get(f"/qc/plans/{plan.pk}/")
    assert r.status_code == 200
    # a disputed review counts as submitted in the workload
    review = Review.objects.filter(plan=plan, agent=qc.employees["agent"]).first()
    actions.save(review.inspector, review, FULL_HOTLINE)
    actions.submit(review.inspector, review)
    actions.file_dispute(qc.users["agent"], review, [{"item": "accuracy", "reason": "无误"}])
    r = client.get(f"/qc/plans/{plan.pk}/")
    assert r.status_code == 200
    page = r.content.decode()
    row = next(w for w in r.context["workload"] if w["inspector"] == review.inspector.username)
    assert (row["done"], row["disputed"], row["assigned"], row["in_progress"]) == (1, 1, 1, 0)
    assert f"<td>{review.inspector.username}</td>" in page


# -- reviews in progress ---------------------------------------------------------------------


def test_partly_scored_review_has_no_total_or_verdict(qc, client, api_client):
    review = _one_review(qc)
    actions.save(qc.users["inspector"], review, {"greeting": 5})
    review.refresh_from_db()
    assert review.status == ReviewStatus.IN_PROGRESS
    assert (review.score, review.passed) == (None, None)
    client.force_login(qc.users["inspector"])
    page = client.get(f"/qc/reviews/{review.pk}/").content.decode()
    assert "100.00" not in page and "<dd>合格</dd>" not in page
    assert "已评 1/13 项" in page
    plan_page = client.get(f"/qc/plans/{review.plan_id}/").content.decode()
    assert "1/13" in plan_page
    api_client.login("inspector")
    out = api_client.get(f"/api/qc/reviews/{review.pk}").json()
    assert (out["score"], out["passed"], out["answered"], out["required"]) == (None, None, 1, 13)
    # a draft saved before this rule kept its partial score: it is not shown either
    Review.objects.filter(pk=review.pk).update(score=D(100), passed=True)
    page = client.get(f"/qc/reviews/{review.pk}/").content.decode()
    assert "100.00" not in page and "已评 1/13 项" in page
    assert api_client.get(f"/api/qc/reviews/{review.pk}").json()["score"] is None
    # once every item is scored the total and the verdict are there
    actions.save(qc.users["inspector"], review, FULL_HOTLINE)
    review.refresh_from_db()
    assert (review.score, review.passed) == (D(100), True)
    assert "已评" not in client.get(f"/qc/reviews/{review.pk}/").content.decode()


# -- bonus items -----------------------------------------------------------------------------


def test_bonus_items_default_to_zero():
    form = load_builtin("hotline-call")
    result = score_review(form, SCORED_ONLY, complete=True)
    assert (result.bonus, result.score, result.missing) == (D(0), D(100), ())
    lower = {**SCORED_ONLY, "accuracy": 5}  # 80/90 = 88.89, no bonus unless scored
    assert score_review(form, lower).score == D("88.89")
    assert score_review(form, {**lower, "praise": 2}).score == D("90.89")  # 88.89 + 2


def test_review_submits_without_bonus_answers(qc, client):
    review = _one_review(qc)
    client.force_login(qc.users["inspector"])
    page = client.get(f"/qc/reviews/{review.pk}/").content.decode()
    assert 'name="a:praise" value="0"' in page
    actions.save(qc.users["inspector"], review, {**SCORED_ONLY, "accuracy": 5})
    actions.submit(qc.users["inspector"], review)
    review.refresh_from_db()
    assert (review.status, review.score) == (ReviewStatus.SUBMITTED, D("88.89"))


# -- errors name the item --------------------------------------------------------------------


def test_errors_name_the_item(qc):
    review = _one_review(qc)
    me = qc.users["inspector"]
    with pytest.raises(InvalidInput) as exc:
        actions.save(me, review, {"identity_check": "7"})
    assert exc.value.message == "第2项 客户身份核实: 7 不在 0–5 内"
    assert exc.value.field == "answers.identity_check"
    with pytest.raises(InvalidInput) as exc:
        actions.save(me, review, {"greeting": "4"})
    assert exc.value.message == "第1项 标准开场白 (问候、报工号): 4 不在可选分值 0、3、5 中"
    with pytest.raises(InvalidInput) as exc:
        actions.save(me, review, {"greeting": "好"})
    assert exc.value.message == "第1项 标准开场白 (问候、报工号): 好 不是分数"
    with pytest.raises(InvalidInput) as exc:
        actions.save(me, review, {"listening": "na"})
    assert exc.value.message == "第3项 耐心倾听, 不打断客户: 不可记为不适用"
    with pytest.raises(InvalidInput) as exc:
        actions.save(me, review, {"abuse": "也许"})
    assert exc.value.message == "第12项 辱骂、讽刺或与客户争吵: 也许 不是“是/否”"
    with translation.override("en"), pytest.raises(InvalidInput) as exc:
        actions.save(me, review, {"identity_check": "7"})
    assert exc.value.message == "Item 2 客户身份核实: 7 is not within 0–5"
    actions.save(me, review, {"greeting": 5})
    with pytest.raises(InvalidInput) as exc:
        actions.submit(me, review)
    assert exc.value.message.startswith("以下考核项尚未评分：第2项 客户身份核实; 第3项 耐心倾听")
    assert exc.value.field == "answers.identity_check"


def test_error_on_the_page_names_the_item(qc, client):
    review = _one_review(qc)
    client.force_login(qc.users["inspector"])
    r = client.post(
        f"/qc/reviews/{review.pk}/save/",
        {"a:identity_check": "7", "then": "save"},
        HTTP_REFERER=f"/qc/reviews/{review.pk}/",
        follow=True,
    )
    assert "第2项 客户身份核实: 7 不在 0–5 内" in r.content.decode()


def test_dispute_resolution_error_names_the_item(qc):
    review = _one_review(qc)
    actions.save(review.inspector, review, FULL_HOTLINE)
    actions.submit(review.inspector, review)
    (d,) = actions.file_dispute(qc.users["agent"], review, [{"item": "accuracy", "reason": "x"}])
    with pytest.raises(InvalidInput) as exc:
        actions.resolve_dispute(
            qc.users["inspector2"], d, accept=True, resolution="改分", new_value="12"
        )
    assert exc.value.message == "第5项 解答准确完整: 12 不在可选分值 0、5、10、15 中"


# -- rechecks with a single inspector --------------------------------------------------------


@pytest.fixture
def single(world, store_dir):
    """D1 has one inspector; D2 has its own."""
    from django.contrib.auth import get_user_model

    from csperf.org.models import Membership, Role

    u = get_user_model().objects.create_user(username="d2_inspector", password="pw")
    Membership.objects.create(user=u, role=Role.INSPECTOR, department=world.departments["D2"])
    world.users["d2_inspector"] = u
    world.forms = {f.code: f for f in actions.ensure_builtin_forms()}
    plan = _plan(world, count=1)
    actions.draw(world.users["inspector"], plan, interactions=population())
    for r in Review.objects.filter(plan=plan):
        actions.save(r.inspector, r, FULL_HOTLINE)
        actions.submit(r.inspector, r)
    return world


def test_recheck_with_a_single_inspector(single, client):
    review = Review.objects.filter(kind=ReviewKind.INSPECTION).order_by("id").first()
    client.force_login(single.users["inspector"])
    page = client.get(f"/qc/reviews/{review.pk}/").content.decode()
    assert "分派复检" in page
    assert f'value="{single.users["hr"].pk}"' in page
    assert f'value="{single.users["d2_inspector"].pk}"' in page
    rc = actions.request_recheck(single.users["inspector"], review, single.users["d2_inspector"])
    assert rc.kind == ReviewKind.RECHECK and rc.inspector == single.users["d2_inspector"]
    # the outside inspector works the recheck like any other
    client.force_login(single.users["d2_inspector"])
    assert client.get(f"/qc/reviews/{rc.pk}/").status_code == 200
    actions.save(single.users["d2_inspector"], rc, {**FULL_HOTLINE, "tone": 0, "empathy": 0})
    actions.submit(single.users["d2_inspector"], rc)
    review.refresh_from_db()
    assert review.recheck_score == D("83.33")
    # nobody who is neither HR nor an inspector
    other = Review.objects.filter(kind=ReviewKind.INSPECTION, rechecks__isnull=True).first()
    with pytest.raises(InvalidInput):
        actions.request_recheck(single.users["inspector"], other, single.users["supervisor"])


def test_recheck_sample_with_a_single_inspector(single):
    made = actions.recheck_sample(
        single.users["inspector"], "2026-03", single.departments["D1"], D("1"), seed="s"
    )
    assert len(made) == Review.objects.filter(kind=ReviewKind.INSPECTION).count()
    experts = {m.inspector.username for m in made}
    assert experts <= {"hr", "d2_inspector"} and "inspector" not in experts


# -- the recording or transcript ------------------------------------------------------------


def test_review_links_the_recording_and_transcript(qc, client, api_client):
    calls = [
        Interaction(
            "E001-C001",
            "E001",
            attrs={
                "recording_url": "https://rec.example.com/E001-C001.wav",
                "transcript_url": "https://asr.example.com/E001-C001",
            },
        ),
        Interaction("E001-C002", "E001", attrs={"recording_url": "javascript:alert(1)"}),
    ]
    plan = _plan(qc, count=2)
    actions.draw(qc.users["inspector"], plan, interactions=calls)
    linked = Review.objects.get(interaction_id="E001-C001")
    unsafe = Review.objects.get(interaction_id="E001-C002")
    assert linked.recording_url == "https://rec.example.com/E001-C001.wav"
    assert linked.transcript_url == "https://asr.example.com/E001-C001"
    assert (unsafe.recording_url, unsafe.transcript_url) == ("", "")
    client.force_login(linked.inspector)
    page = client.get(f"/qc/reviews/{linked.pk}/").content.decode()
    assert 'href="https://rec.example.com/E001-C001.wav"' in page and "录音" in page
    assert 'href="https://asr.example.com/E001-C001"' in page and "文字记录" in page
    client.force_login(unsafe.inspector)
    assert "javascript:" not in client.get(f"/qc/reviews/{unsafe.pk}/").content.decode()
    # a recheck keeps the links
    actions.save(linked.inspector, linked, FULL_HOTLINE)
    actions.submit(linked.inspector, linked)
    other = next(u for u in (qc.users["inspector2"], qc.users["expert"]) if u != linked.inspector)
    rc = actions.request_recheck(qc.users["inspector"], linked, other)
    assert rc.recording_url == linked.recording_url
    api_client.login(linked.inspector.username)
    out = api_client.get(f"/api/qc/reviews/{linked.pk}").json()
    assert out["recording_url"] == linked.recording_url


def test_links_come_from_the_records_store(qc, store_dir):
    """A calls table that carries recording_url (and transcript_url) fills the links."""
    import datetime as dt

    import pyarrow as pa

    from csperf.ingest.importer import write_typed
    from csperf.ingest.schema import CALLS
    from csperf.ingest.store import open_store

    with open_store(store_dir) as store:
        calls = {
            "call_id": ["C1", "C2"],
            "agent_id": ["E001", "E001"],
            "queue": ["q", "q"],
            "direction": ["inbound", "inbound"],
            "offered_at": [dt.datetime(2026, 3, 2, 9), dt.datetime(2026, 3, 2, 10)],
            "wait_s": [D(3), D(3)],
            "outcome": ["answered", "answered"],
            "recording_url": ["https://rec.example.com/C1.wav", None],
        }
        write_typed(store, CALLS, [pa.table(calls)], source="cdr")
    plan = _plan(qc, count=2)
    actions.draw(qc.users["inspector"], plan)
    got = dict(Review.objects.filter(plan=plan).values_list("interaction_id", "recording_url"))
    assert got == {"C1": "https://rec.example.com/C1.wav", "C2": ""}
