"""The inspector workflow: plan, draw, assign, save, submit, disputes, rechecks, calibration,
and the rows written to the records store."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from csperf.core.errors import InvalidInput, InvalidTransition, NotAllowed
from csperf.core.models import AuditEvent
from csperf.qc import actions
from csperf.qc.access import get_review_for_user, reviews_for_user
from csperf.qc.models import Dispute, PlanStatus, Review, ReviewKind, ReviewStatus
from csperf.qc.sampling import Interaction
from tests.qc.conftest import FULL_HOTLINE

pytestmark = pytest.mark.django_db


def population():
    out = []
    for code, n in (("E001", 40), ("E002", 30), ("E003", 20)):
        for i in range(n):
            out.append(
                Interaction(
                    f"{code}-C{i:03d}",
                    code,
                    queue="vip" if i % 5 == 0 else "normal",
                    rated=i % 3 != 0,
                )
            )
    out.append(Interaction("E004-C000", "E004"))  # other department: never sampled
    return out


@pytest.fixture
def plan(qc):
    return actions.create_plan(
        qc.users["inspector"],
        name="三月录音抽检",
        period="2026-03",
        department=qc.departments["D1"],
        form=qc.forms["hotline-call"],
        params={
            "mode": "count",
            "count": 6,
            "stratify": "queue",
            "seed": "2026-03",
            "rules": [{"match": {"rated": False}, "share": 0.5, "label": "未评价"}],
        },
    )


@pytest.fixture
def drawn(qc, plan):
    return actions.draw(qc.users["inspector"], plan, interactions=population())


def test_plan_needs_an_inspector_and_valid_rules(qc):
    d1 = qc.departments["D1"]
    form = qc.forms["hotline-call"]
    with pytest.raises(NotAllowed):
        actions.create_plan(
            qc.users["agent"],
            name="x",
            period="2026-03",
            department=d1,
            form=form,
            params={"mode": "count", "count": 5},
        )
    with pytest.raises(NotAllowed):  # an inspector of D1 cannot plan for D2
        actions.create_plan(
            qc.users["inspector"],
            name="x",
            period="2026-03",
            department=qc.departments["D2"],
            form=form,
            params={"mode": "count", "count": 5},
        )
    with pytest.raises(InvalidInput) as exc:
        actions.create_plan(
            qc.users["inspector"],
            name="x",
            period="2026-3x",
            department=d1,
            form=form,
            params={"mode": "count", "count": 5},
        )
    assert exc.value.field == "period"
    with pytest.raises(InvalidInput) as exc:
        actions.create_plan(
            qc.users["inspector"],
            name="x",
            period="2026-03",
            department=d1,
            form=form,
            params={"mode": "share", "share": 2},
        )
    assert exc.value.field == "params.share"


def test_draw_samples_department_agents_and_balances_inspectors(qc, plan, drawn):
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAWN
    assert len(drawn) == 18  # 6 for each of E001, E002, E003; E004 is in D2
    assert {r.agent.code for r in drawn} == {"E001", "E002", "E003"}
    by_agent = {}
    for r in drawn:
        by_agent.setdefault(r.agent.code, []).append(r)
    for rows in by_agent.values():
        assert sum(1 for r in rows if r.pick_reason.startswith("rule:未评价")) == 3
        assert len({r.inspector_id for r in rows}) == 1  # one inspector per agent
    load = {}
    for r in drawn:
        load[r.inspector.username] = load.get(r.inspector.username, 0) + 1
    assert sorted(load.values()) == [6, 6, 6]
    with pytest.raises(InvalidTransition):
        actions.draw(qc.users["inspector"], plan, interactions=population())
    assert AuditEvent.objects.filter(action="draw_qc_sample").count() == 1


def test_same_seed_same_sample(qc, plan, drawn):
    again = actions.create_plan(
        qc.users["inspector"],
        name="again",
        period="2026-03",
        department=qc.departments["D1"],
        form=qc.forms["hotline-call"],
        params=plan.params,
    )
    second = actions.draw(qc.users["inspector"], again, interactions=list(reversed(population())))
    assert sorted(r.interaction_id for r in second) == sorted(r.interaction_id for r in drawn)


def test_save_submit_and_store_row(qc, drawn, store_dir, django_capture_on_commit_callbacks):
    r = next(x for x in drawn if x.agent.code == "E001")
    me = r.inspector
    other = next(
        u for u in (qc.users["inspector"], qc.users["inspector2"], qc.users["expert"]) if u != me
    )
    with pytest.raises(NotAllowed):
        actions.save(other, r, {"greeting": 5})
    with pytest.raises(InvalidInput) as exc:
        actions.save(me, r, {"greeting": 4})
    assert exc.value.field == "answers.greeting"
    actions.save(me, r, {"greeting": 5, "listening": 10}, comments={"greeting": "规范"})
    # two of thirteen items scored: no total, no verdict (issue 13: not "100.00 合格")
    assert r.status == ReviewStatus.IN_PROGRESS and (r.score, r.passed) == (None, None)
    with pytest.raises(InvalidInput, match=r"Not every item|尚未评分"):
        actions.submit(me, r)
    # the agent does not see a review in progress
    assert not reviews_for_user(qc.users["agent"]).filter(pk=r.pk).exists()
    actions.save(me, r, {**FULL_HOTLINE, "accuracy": 5})
    with django_capture_on_commit_callbacks(execute=True):
        actions.submit(me, r)
    assert (r.status, r.score, r.passed) == (ReviewStatus.SUBMITTED, D("88.89"), True)  # 80/90
    assert reviews_for_user(qc.users["agent"]).filter(pk=r.pk).exists()
    assert not reviews_for_user(qc.users["colleague"]).filter(pk=r.pk).exists()
    from csperf.ingest.store import open_store

    with open_store(store_dir) as store:
        rows = store.table("qc_reviews").to_pyarrow().to_pylist()
    assert len(rows) == 1
    row = rows[0]
    assert (row["review_id"], row["agent_id"], row["score"], row["max_score"], row["fatal"]) == (
        f"QC{r.pk}",
        "E001",
        D("88.890"),
        D("100.000"),
        False,
    )
    with pytest.raises(InvalidTransition):
        actions.submit(me, r)


def _submit(review, answers=None):
    actions.save(review.inspector, review, answers or FULL_HOTLINE)
    actions.submit(review.inspector, review)
    return review


def test_dispute_per_item_and_resolution(qc, drawn, store_dir, django_capture_on_commit_callbacks):
    r = next(x for x in drawn if x.agent.code == "E001")
    _submit(r, {**FULL_HOTLINE, "accuracy": 5})
    agent = qc.users["agent"]
    with pytest.raises(NotAllowed):
        actions.file_dispute(qc.users["colleague"], r, [{"item": "accuracy", "reason": "x"}])
    with pytest.raises(InvalidInput) as exc:
        actions.file_dispute(agent, r, [{"item": "nope", "reason": "x"}])
    assert exc.value.field == "items[0].item"
    (d,) = actions.file_dispute(
        agent, r, [{"item": "accuracy", "reason": "政策当月已调整, 解答无误"}]
    )
    assert r.status == ReviewStatus.DISPUTED and d.old_value == 5
    with pytest.raises(NotAllowed):  # the inspector who scored does not judge their own review
        actions.resolve_dispute(r.inspector, d, accept=True, resolution="ok", new_value=15)
    judge = next(
        u
        for u in (qc.users["inspector"], qc.users["inspector2"], qc.users["expert"])
        if u != r.inspector
    )
    with pytest.raises(InvalidInput):
        actions.resolve_dispute(judge, d, accept=True, resolution="")
    with django_capture_on_commit_callbacks(execute=True):
        actions.resolve_dispute(
            judge, d, accept=True, resolution="核实属实, 改为满分", new_value=15
        )
    r.refresh_from_db()
    assert (r.status, r.score, r.answers["accuracy"]) == (ReviewStatus.SUBMITTED, D(100), 15)
    assert Dispute.objects.get(pk=d.pk).status == "accepted"
    with pytest.raises(InvalidTransition):
        actions.resolve_dispute(judge, d, accept=False, resolution="again")
    from csperf.ingest.store import open_store

    with open_store(store_dir) as store:
        assert store.table("qc_reviews").score.max().to_pyarrow().as_py() == D(100)


def test_recheck_by_another_inspector_feeds_recheck_score(
    qc, drawn, store_dir, django_capture_on_commit_callbacks
):
    r = next(x for x in drawn if x.agent.code == "E002")
    _submit(r)
    with pytest.raises(InvalidInput):
        actions.request_recheck(qc.users["inspector"], r, r.inspector)
    other = next(
        u
        for u in (qc.users["inspector"], qc.users["inspector2"], qc.users["expert"])
        if u != r.inspector
    )
    rc = actions.request_recheck(qc.users["inspector"], r, other)
    assert rc.kind == ReviewKind.RECHECK and rc.parent_id == r.pk
    with pytest.raises(InvalidTransition):
        actions.request_recheck(qc.users["inspector"], r, other)
    # the agent never sees the recheck itself
    assert not reviews_for_user(qc.users["colleague"]).filter(pk=rc.pk).exists()
    actions.save(other, rc, {**FULL_HOTLINE, "tone": 0, "empathy": 0})
    with django_capture_on_commit_callbacks(execute=True):
        actions.submit(other, rc)
    r.refresh_from_db()
    assert r.recheck_score == D("83.33")  # 75 / 90
    from csperf.ingest.store import open_store

    with open_store(store_dir) as store:
        rows = store.table("qc_reviews").to_pyarrow().to_pylist()
    assert [(x["review_id"], x["recheck_score"]) for x in rows] == [(f"QC{r.pk}", D("83.330"))]


def test_recheck_sample(qc, drawn):
    for r in drawn[:9]:
        _submit(r)
    made = actions.recheck_sample(
        qc.users["inspector"], "2026-03", qc.departments["D1"], D("0.5"), seed="s"
    )
    assert made and all(m.inspector_id != m.parent.inspector_id for m in made)
    assert len({m.parent_id for m in made}) == len(made)


def test_calibration_compares_with_expert(qc, client):
    s = actions.create_calibration(
        qc.users["inspector"],
        title="三月校准",
        period="2026-03",
        form=qc.forms["hotline-call"],
        agent=qc.employees["agent"],
        interaction_id="E001-C900",
        expert=qc.users["expert"],
        inspectors=[qc.users["inspector"], qc.users["inspector2"]],
    )
    entries = {r.inspector.username: r for r in s.reviews.all()}
    assert set(entries) == {"expert", "inspector", "inspector2"}
    assert actions.calibration_result(s) is None
    with pytest.raises(InvalidTransition):
        actions.close_calibration(qc.users["inspector"], s)
    _submit(entries["inspector"], {**FULL_HOTLINE, "accuracy": 10, "empathy": 3})  # 83/90 = 92.22
    # Blind until the expert submits: a fellow inspector sees only their own entry.
    seen = set(
        reviews_for_user(qc.users["inspector2"]).filter(session=s).values_list("pk", flat=True)
    )
    assert seen == {entries["inspector2"].pk}
    assert reviews_for_user(qc.users["expert"]).filter(session=s).count() == 3
    _submit(entries["expert"], {**FULL_HOTLINE, "accuracy": 10})  # 85/90 = 94.44
    assert reviews_for_user(qc.users["inspector2"]).filter(session=s).count() == 3
    _submit(
        entries["inspector2"], {**FULL_HOTLINE, "accuracy": 0, "tone": 5, "empathy": 0}
    )  # 65/90 = 72.22
    res = actions.calibration_result(s)
    rows = {x.inspector: x for x in res.rows}
    assert rows["inspector"].gap == D("2.22") and rows["inspector"].within
    assert rows["inspector"].differing_items == ("empathy",)
    assert not rows["inspector2"].within and rows["inspector2"].differing_items == (
        "accuracy",
        "tone",
        "empathy",
    )
    from csperf.qc.reports import calibration_history_rows

    assert calibration_history_rows(qc.users["hr"]) == []  # only closed sessions count
    actions.close_calibration(qc.users["inspector"], s)
    # calibration entries never reach the store nor the agent
    assert not reviews_for_user(qc.users["agent"]).filter(session=s).exists()
    # The history across sessions: same figures as the session, for those who may see it.
    history = {h.inspector: h for h in calibration_history_rows(qc.users["hr"])}
    assert history["inspector"].gaps == (D("2.22"),) and history["inspector"].within == 1
    assert history["inspector2"].within == 0 and set(history) == {"inspector", "inspector2"}
    assert calibration_history_rows(qc.users["outsider"]) == []
    client.force_login(qc.users["hr"])
    page = client.get("/qc/results/").content.decode()
    assert 'id="calibration-history"' in page and "2.2" in page


def test_access_scoping(qc, drawn):
    r = drawn[0]
    assert get_review_for_user(qc.users["inspector2"], r.pk)  # same department
    assert get_review_for_user(qc.users["hr"], r.pk)
    from django.http import Http404

    for who in ("outsider", "other_team_agent"):
        with pytest.raises(Http404):
            get_review_for_user(qc.users[who], r.pk)
    # the supervisor of T1 sees T1's submitted reviews only
    t1 = next(x for x in drawn if x.team.code == "T1")
    _submit(t1)
    assert reviews_for_user(qc.users["supervisor"]).filter(pk=t1.pk).exists()
    assert (
        not reviews_for_user(qc.users["supervisor"]).exclude(status=ReviewStatus.SUBMITTED).exists()
    )
    assert Review.objects.count() == 18


def test_reassign(qc, drawn):
    r = drawn[0]
    other = next(
        u
        for u in (qc.users["inspector"], qc.users["inspector2"], qc.users["expert"])
        if u != r.inspector
    )
    with pytest.raises(InvalidInput):
        actions.reassign(qc.users["inspector"], r, qc.users["agent"])
    actions.reassign(qc.users["inspector"], r, other, "休假")
    assert r.inspector == other


def test_forms_are_versioned(qc):
    from csperf.qc.forms import builtin_text

    text = builtin_text("hotline-call")
    assert actions.add_form(qc.users["hr"], text).pk == qc.forms["hotline-call"].pk  # same content
    changed = text.replace("pass_score: 80", "pass_score: 85")
    with pytest.raises(InvalidInput, match=r"raise the version|提高版本号"):
        actions.add_form(qc.users["hr"], changed)
    v2 = actions.add_form(qc.users["hr"], changed.replace("version: 1", "version: 2"))
    assert v2.version == 2 and v2.parsed.pass_score == 85
    with pytest.raises(InvalidInput) as exc:
        actions.add_form(qc.users["hr"], "code: x\nversion: 1\nname: y\nsections: []")
    assert "sections" in exc.value.message
    with pytest.raises(NotAllowed):
        actions.add_form(qc.users["agent"], text)


def test_indicators_compute_from_submitted_reviews(
    qc, drawn, store_dir, django_capture_on_commit_callbacks
):
    """The indicator engine reads the rows the workflow wrote: E001's six reviews, one with a
    fatal error (privacy leak -> 0) and five at 80/90 = 88.89; mean (5 × 88.89 + 0) / 6 = 74.075,
    pass rate 5/6, one fatal error, six reviews."""
    import pyarrow as pa

    from csperf import metrics
    from csperf.ingest.importer import write_typed
    from csperf.ingest.schema import EMPLOYEES
    from csperf.ingest.store import open_store

    with open_store(store_dir) as store:  # the roster is imported like any record file
        roster = {
            "id": ["E001"],
            "name": ["张三"],
            "team": ["一组"],
            "department": ["客服一部"],
            "position": ["客服专员"],
        }
        write_typed(store, EMPLOYEES, [pa.table(roster)], source="roster")
    mine = [r for r in drawn if r.agent.code == "E001"]
    with django_capture_on_commit_callbacks(execute=True):
        for i, r in enumerate(mine):
            answers = {**FULL_HOTLINE, "accuracy": 5}
            if i == 0:
                answers["privacy_leak"] = "是"
            _submit(r, answers)
    (row,) = metrics.compute(
        "2026-03",
        "employee",
        ["qc_score_mean", "qc_pass_rate", "fatal_errors", "qc_count"],
        {"qc_count": {"by": "agent"}},  # qc_count is the inspector's volume by default
        subjects=["E001"],
        data_dir=store_dir,
    )
    assert row["qc_count"] == 6 and row["fatal_errors"] == 1
    assert round(row["qc_score_mean"], 3) == D("74.075")
    assert round(row["qc_pass_rate"], 4) == D("0.8333")
