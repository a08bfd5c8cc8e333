"""奖惩/事件 (incidents): what supervisors, QC and HR record about people, and the declaration
that a unit's events of a period are complete.

Each person gets the kinds their own card reads (:data:`KINDS_BY_POSITION`, kept in step with the
built-in templates and the feed registry by the demo coverage test) plus a few that every
register has (表扬信, 一般投诉, 工作差错). A row carries the count its kind counts (a day
of 交接班不清 is a count of days), the points of a points kind (审计纠错 2–10 分) or the amount of
an amount kind (申告加重扣罚 元), what shows it happened and who recorded it. Every department
declares its events of every month, quarter and year complete (``values`` ``events_recorded`` =
1), which is what makes an events-fed card input count as delivered.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from csperf.ingest.demo.core import (
    World,
    dec,
    money,
    per_present_day,
    period_columns,
    spread,
    strs,
    ts,
)
from csperf.ingest.events import event_kinds

COMMON = ("praise_letter", "complaint_general", "work_error")
RATES = {  # per person and month; kinds not listed: by group below
    "praise_letter": 0.12, "praise_department": 0.06, "praise_company": 0.03, "praise_media": 0.01,
    "praise_special": 0.08, "suggestion_adopted": 0.08, "suggestion_submitted": 0.25,
    "extra_duty": 0.1, "submission": 0.1, "article_city": 0.2, "article_province": 0.06,
    "experience_accepted": 0.35, "complaint_valid": 0.08, "complaint_general": 0.1,
    "complaint_repeat": 0.03, "service_error": 0.08, "work_error": 0.08, "handover_primary": 0.04,
    "handover_secondary": 0.05, "audit_correction": 0.1, "basic_deduction": 0.3, "dispute": 0.15,
    "duty_qc_inspector": 0.3, "duty_mobile_trading": 0.2, "duty_complaint_handler": 0.25,
    "duty_attendance_clerk": 0.3, "duty_asset_keeper": 0.2, "major_loss": 0.01,
    "attitude_severe": 0.01, "confidentiality_breach": 0.01,
}  # fmt: skip
GROUP_RATE = {"表扬与加分": 0.1, "投诉与差错": 0.06, "纪律与规范": 0.05, "项目管理人员日常纪律": 0.04,
              "物业管理公司检查": 0.2}  # fmt: skip
POINTS = {"audit_correction": (2, 10), "basic_deduction": (1, 5)}
AMOUNTS = {"complaint_extra_fine": (50, 300), "dissatisfaction_fine": (20, 100)}
DAYS = {"handover_primary", "handover_secondary", "duty_absent"}  # the count is days
EVIDENCE = {
    "表扬与加分": "表扬/加分登记表 {}",
    "投诉与差错": "投诉工单及核实记录 {}",
    "纪律与规范": "现场检查记录 {}",
    "项目管理人员日常纪律": "现场管理检查表 {}",
    "物业管理公司检查": "公司月度检查记录 {}",
}


# The event kinds each position's built-in card reads (templates × feed registry; the demo
# coverage test keeps this table in step with them).
# fmt: off
KINDS_BY_POSITION: dict[str, tuple[str, ...]] = {
    "呼叫中心项目管理人员": (
        "major_loss", "pm_absence", "pm_break_overrun", "pm_dress_code", "pm_eating_on_floor",
        "pm_idle_chat", "pm_late_early_leave", "pm_leave_or_swap_unannounced",
        "pm_management_failure", "pm_meal_overrun", "pm_no_clock_in", "pm_private_outing",
        "pm_shouting", "pm_unrelated_browsing", "pm_unrelated_reading", "pm_untidy_environment",
        "pm_unverified_news", "pm_waste"
    ),
    "坐席": (
        "complaint_valid", "duty_absent", "duty_asset_keeper", "duty_attendance_clerk",
        "duty_complaint_handler", "duty_mobile_trading", "duty_qc_inspector", "meeting_absent",
        "meeting_late", "ticket_entry_error", "ticket_entry_missing", "training_absent",
        "training_failed"
    ),
    "安全处": (
        "control_major", "control_minor", "order_major", "order_minor",
        "order_theft_or_complaint", "process_major", "process_minor", "process_owner_complaint"
    ),
    "客户服务专员": (
        "audit_correction", "praise_company", "praise_department", "praise_letter",
        "praise_media", "untrue_report"
    ),
    "客户服务中心": (
        "cleaning_major", "cleaning_minor", "cleaning_owner_complaint", "control_major",
        "control_minor", "order_major", "order_minor", "order_theft_or_complaint",
        "process_major", "process_minor", "process_owner_complaint"
    ),
    "客户经理": ("article_city", "article_province", "info_collected"),
    "客服专员": (
        "basic_deduction", "bonus_cover_shift", "bonus_exam_full_marks", "bonus_extra_task",
        "bonus_management_suggestion", "bonus_top_of_team"
    ),
    "客服人员(拟稿)": (
        "attitude_severe", "callback_failure", "complaint_valid", "confidentiality_breach"
    ),
    "客服代表": (
        "complaint_valid", "duty_absent", "duty_asset_keeper", "duty_attendance_clerk",
        "duty_complaint_handler", "duty_mobile_trading", "duty_qc_inspector", "meeting_absent",
        "meeting_late", "ticket_entry_error", "ticket_entry_missing", "training_absent",
        "training_failed"
    ),
    "客服处": (
        "control_major", "control_minor", "process_major", "process_minor",
        "process_owner_complaint"
    ),
    "快递客服": ("call_quality_violation", "task_duty_violation", "work_conduct_violation"),
    "物业客服员": (
        "appearance_violation", "attitude_incident", "building_violation",
        "discipline_violation", "facility_violation"
    ),
    "物业客服员(扣分罚款制)": (
        "complaint_followup_missed", "complaint_form_missing", "customer_quarrel",
        "dress_badge", "fee_record_incomplete", "key_loan_unrecorded", "leave_form_missing",
        "notify_followup_complaint", "notify_followup_missed", "own_error_complaint",
        "parcel_unverified", "phone_answer_late", "phone_record_missing", "smile_service",
        "training_miss", "unrelated_work"
    ),
    "环境处": (
        "cleaning_major", "cleaning_minor", "cleaning_owner_complaint", "control_major",
        "control_minor", "process_major", "process_minor", "process_owner_complaint"
    ),
    "电商客服": ("experience_accepted",),
    "电商销售客服": ("complaint_valid", "dispute"),
    "电话经理": ("article_city", "article_province", "info_collected"),
    "行政人资部": (
        "control_major", "control_minor", "duty_major", "duty_minor", "duty_serious",
        "process_major", "process_minor", "process_owner_complaint"
    ),
    "话务员": (
        "complaint_extra_fine", "complaint_general", "complaint_repeat", "complaint_valid",
        "dissatisfaction_fine", "dissatisfied_subjective", "handover_primary",
        "handover_secondary", "improper_leave", "service_error", "work_error"
    ),
    "质检员": (
        "praise_special", "suggestion_submitted", "violation_dress_lodging",
        "violation_reporting", "violation_room_discipline"
    ),
}
# fmt: on


def _rate(kind: str) -> float:
    return RATES.get(kind, GROUP_RATE.get(event_kinds()[kind].group, 0.05))


def _draw(world: World, rng) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(employee, month, kind) of every event: Poisson counts per person, month and kind, in
    the months the person is on the roster."""
    r = world.roster
    starts = np.array([np.datetime64(p.start) for p in world.months])
    ends = np.array([np.datetime64(p.end) for p in world.months])
    on = (r.hired[:, None] < ends[None, :]) & (r.left[:, None] >= starts[None, :])
    es, ms, ks = [], [], []
    for pos in np.unique(r.position):
        pool = r.idx(pos)
        kinds = sorted(set(KINDS_BY_POSITION.get(str(pos), ())) | set(COMMON) - {"info_collected"})
        for kind in kinds:
            counts = rng.poisson(_rate(kind), size=(len(pool), len(world.months))) * on[pool]
            p, m = np.nonzero(counts)
            reps = counts[p, m]
            es.append(np.repeat(pool[p], reps))
            ms.append(np.repeat(m, reps))
            ks.append(np.full(int(reps.sum()), kind))
    return np.concatenate(es), np.concatenate(ms), np.concatenate(ks)


def write_events(world: World) -> None:
    r, rng = world.roster, world.rng("events")
    emp, month, kind = _draw(world, rng)
    day = spread(world, rng, emp, month, world.rota.present)
    # 信息收集: the account managers' items of the day (about one and a half a working day)
    ie, idays = per_present_day(world, rng, r.idx("电话经理", "客户经理"), 1.0)
    emp, day = np.concatenate([emp, ie]), np.concatenate([day, idays])
    kind = np.concatenate([kind, np.full(len(ie), "info_collected")])
    n = len(emp)
    cat = event_kinds()
    measure = np.array([cat[k].measure for k in kind])
    group = np.array([cat[k].group for k in kind])
    count = np.where(np.isin(kind, list(DAYS)), rng.choice([1, 1, 2], size=n), 1)
    count = np.where(
        kind == "info_collected", rng.choice([1, 2, 3], size=n, p=[0.5, 0.35, 0.15]), count
    )
    lo = np.array([POINTS.get(k, (0, 0))[0] for k in kind])
    hi = np.array([POINTS.get(k, (0, 0))[1] for k in kind])
    points = np.where(measure == "points", rng.integers(lo, hi + 1), 0)
    alo = np.array([AMOUNTS.get(k, (0, 0))[0] for k in kind])
    ahi = np.array([AMOUNTS.get(k, (0, 0))[1] for k in kind])
    amount = np.where(measure == "amount", np.round(rng.uniform(alo, ahi + 1) / 10) * 10, 0)
    at = world.day_times(rng, day, 8.5, 19)
    order = np.argsort(at, kind="stable")
    emp, kind, at, count, points, amount, measure, group = (
        x[order] for x in (emp, kind, at, count, points, amount, measure, group)
    )
    ids = np.char.add("I", np.arange(1, n + 1).astype(str))
    stamp = np.datetime_as_string(at.astype("datetime64[D]")).astype(str)
    evidence = np.array(
        [
            EVIDENCE.get(g, "登记记录 {}").format(f"{s}-{i}")
            for g, s, i in zip(group, stamp, ids, strict=True)
        ]
    )
    sup = r.supervisor[emp]
    world.put(
        "incidents",
        pa.table(
            {
                "incident_id": strs(ids),
                "employee_id": strs(r.ids[emp]),
                "occurred_at": ts(at),
                "kind": strs(kind),
                "count": dec(count),
                "points": dec(points, mask=measure != "points"),
                "amount": money(amount, mask=measure != "amount"),
                "evidence": strs(evidence),
                "recorded_by": strs(np.where(sup == "", "人力资源部", sup)),
                "note": strs(np.array([cat[k].name for k in kind])),
            }
        ),
    )
    _recorded(world)


def _recorded(world: World) -> None:
    """``events_recorded`` = 1: every department's events of every period are complete."""
    depts = sorted(set(world.roster.dept))
    labels = [p.label for p in world.labels()]
    subject = [d for _ in labels for d in depts]
    period = [x for x in labels for _ in depts]
    n = len(subject)
    world.put(
        "values",
        pa.table(
            {
                "subject": pa.array(subject, pa.string()),
                "name": pa.array(["events_recorded"] * n, pa.string()),
                "value": dec(np.ones(n)),
                "target": pa.array([False] * n, pa.bool_()),
                "note": pa.array(["本期事件已登记完毕"] * n, pa.string()),
                **period_columns(period),
            }
        ),
    )
