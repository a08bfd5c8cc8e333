"""Record types: the columns each imported file may carry, their types, checks and Chinese headers.

One :class:`RecordType` per table. The column names are those of the indicator spec
(``shared/spec/indicators.md``); each column also accepts the Chinese headers listed in
``aliases`` (and any header mapped with ``--map``). ``docs/records.md`` is generated from the same
definitions in spirit: keep both in step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import ibis
import ibis.expr.datatypes as dt

from csperf.ingest.events import kind_choices
from csperf.kernel.i18n import gettext_noop

# Column kinds and their storage types. Durations and amounts are exact decimals so that sums,
# and therefore every indicator, are identical on DuckDB, PostgreSQL and the distributed engines.
KIND_TYPES: dict[str, dt.DataType] = {
    "str": dt.String(),
    "int": dt.Int64(),
    "duration": dt.Decimal(14, 3),  # seconds, millisecond precision; HH:MM:SS accepted
    "decimal": dt.Decimal(18, 3),  # scores, counts that may be fractional (leave days)
    "money": dt.Decimal(18, 2),
    "bool": dt.Boolean(),
    "timestamp": dt.Timestamp(),  # local wall-clock time of the centre, whole seconds
    "date": dt.Date(),
    "enum": dt.String(),
    "period": dt.String(),  # a period label: 2026-03, 2026-Q1, 2026-H2, 2026
}


SQL_TYPES = {
    "str": "VARCHAR",
    "enum": "VARCHAR",
    "period": "VARCHAR",
    "int": "BIGINT",
    "duration": "DECIMAL(14,3)",
    "decimal": "DECIMAL(18,3)",
    "money": "DECIMAL(18,2)",
    "bool": "BOOLEAN",
    "timestamp": "TIMESTAMP",
    "date": "DATE",
}  # the same types on DuckDB and PostgreSQL


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    # enum: canonical value -> accepted spellings (matched case-insensitively, trimmed)
    choices: dict[str, tuple[str, ...]] | None = None
    min: Decimal | int | None = None
    max: Decimal | int | None = None
    ref: str | None = None  # "employees": the value must be an employee id of the roster
    default: object = None  # value stored when the column is absent or the cell is empty
    doc: str = ""

    @property
    def dtype(self) -> dt.DataType:
        return KIND_TYPES[self.kind]

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.kind]


@dataclass(frozen=True)
class RecordType:
    name: str
    label_zh: str
    one_row_is: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]
    subject: str | None  # column holding the employee the row is about
    time: str | None  # column that places the row in a period
    checks: tuple[tuple[str, str, str], ...] = ()  # (column, SQL condition that is wrong, message)
    extra: tuple[Column, ...] = field(default=())  # derived columns stored but not imported

    def column(self, name: str) -> Column:
        for c in self.columns + self.extra:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def stored_columns(self) -> tuple[Column, ...]:
        return self.columns + self.extra

    def ibis_schema(self) -> ibis.Schema:
        cols = {c.name: c.dtype for c in self.stored_columns}
        cols["_import"] = dt.Int64()
        return ibis.schema(cols)


def _c(name, kind, *aliases, **kw) -> Column:
    return Column(name=name, kind=kind, aliases=tuple(aliases), **kw)


EMP = {"ref": "employees"}

TIERS_DOC = "customer tier, free text such as vip / normal (lower-cased on import)"

EMPLOYEES = RecordType(
    name="employees",
    label_zh="员工花名册",
    one_row_is="one employee",
    key=("id",),
    subject="id",
    time=None,
    columns=(
        _c("id", "str", "工号", "员工编号", "员工工号", required=True),
        _c("name", "str", "姓名", "员工姓名", required=True),
        _c("team", "str", "班组", "小组", "团队", required=True),
        _c("department", "str", "部门", required=True),
        _c("position", "str", "岗位", "职位", required=True),
        _c("supervisor", "str", "上级", "直接上级", "主管", ref="employees"),
        _c("hired_at", "date", "入职日期", "入职时间"),
        _c("left_at", "date", "离职日期", "离职时间"),
        _c("pay_base", "money", "绩效工资基数", "绩效基数", min=0, doc="performance pay base (元)"),
        _c("tier", "str", "客服分级", "职级", "级别", doc="初级 / 中级 / 高级 / 资深 …"),
        _c(
            "probation_end",
            "date",
            "试用期截止",
            "转正日期",
            doc="on probation until this day (not assessed while on probation)",
        ),
    ),
    checks=(("left_at", "left_at < hired_at", gettext_noop("left_at is before hired_at")),),
)

CALL_OUTCOMES = {
    "answered": ("answered", "接通", "已接通", "应答", "已应答"),
    "abandoned": ("abandoned", "放弃", "呼损", "未接通", "客户放弃"),
    "blocked": ("blocked", "阻塞", "拒接", "忙线拒绝"),
    "timeout": ("timeout", "超时", "排队超时"),
    "exited": ("exited", "按键退出", "exit_key"),
    "connected": ("connected", "外呼接通", "已联系"),
    "no_answer": ("no_answer", "无人接听", "未接听"),
    "busy": ("busy", "占线", "忙"),
}

CALLS = RecordType(
    name="calls",
    label_zh="话务记录",
    one_row_is="one call offered to the centre, inbound or outbound",
    key=("call_id",),
    subject="agent_id",
    time="offered_at",
    columns=(
        _c("call_id", "str", "呼叫编号", "通话编号", "通话ID", "流水号", required=True),
        _c(
            "direction",
            "enum",
            "呼叫方向",
            "方向",
            choices={"inbound": ("inbound", "in", "呼入"), "outbound": ("outbound", "out", "呼出")},
            default="inbound",
        ),
        _c("queue", "str", "队列", "技能组"),
        _c("agent_id", "str", "坐席工号", "坐席", "工号", **EMP, doc="empty if never answered"),
        _c("customer_id", "str", "客户编号", "主叫号码", "客户号码"),
        _c("customer_tier", "str", "客户等级", "客户级别", doc=TIERS_DOC),
        _c("offered_at", "timestamp", "呼入时间", "进线时间", "开始时间", required=True),
        _c("answered_at", "timestamp", "应答时间", "接通时间"),
        _c("ended_at", "timestamp", "结束时间", "挂机时间"),
        _c("wait_s", "duration", "等待时长", "排队时长", min=0),
        _c("talk_s", "duration", "通话时长", min=0, default=0),
        _c("hold_s", "duration", "保持时长", min=0, default=0),
        _c("wrap_s", "duration", "话后处理时长", "整理时长", min=0, default=0),
        _c("outcome", "enum", "结果", "呼叫结果", required=True, choices=CALL_OUTCOMES),
        _c("transferred", "bool", "是否转接", "转接", default=False),
        _c("rating", "int", "评分", "满意度评分", "用户评分", min=1, max=5),
        _c("ring_no_answer", "int", "振铃未接次数", min=0, default=0),
        _c("recording_url", "str", "录音地址", "录音链接", "录音文件", doc="a link QC opens"),
        _c("transcript_url", "str", "转写文本", "文字记录", "转写链接"),
    ),
    checks=(
        (
            "answered_at",
            "answered_at < offered_at",
            gettext_noop("answered_at is before offered_at"),
        ),
        ("ended_at", "ended_at < offered_at", gettext_noop("ended_at is before offered_at")),
        (
            "outcome",
            "direction = 'inbound' AND list_contains(['connected', 'no_answer', 'busy'], outcome)",
            gettext_noop("is an outbound outcome on an inbound call"),
        ),
        (
            "outcome",
            "direction = 'outbound' AND list_contains(['answered', 'abandoned', 'blocked', 'timeout', 'exited'], outcome)",
            gettext_noop("is an inbound outcome on an outbound call"),
        ),
        (
            "wait_s",
            "outcome = 'answered' AND wait_s IS NULL",
            gettext_noop("an answered call needs wait_s or answered_at"),
        ),
    ),
)

TICKET_TYPES = {
    "inquiry": ("inquiry", "咨询", "查询"),
    "complaint": ("complaint", "投诉"),
    "request": ("request", "请求", "申请", "办理", "服务请求"),
    "feedback": ("feedback", "反馈", "建议", "意见"),
    "warning": ("warning", "预警", "预警工单"),
}

TICKETS = RecordType(
    name="tickets",
    label_zh="工单",
    one_row_is="one service request",
    key=("ticket_id",),
    subject="agent_id",
    time="created_at",
    columns=(
        _c("ticket_id", "str", "工单号", "工单编号", required=True),
        _c("type", "enum", "工单类型", "类型", required=True, choices=TICKET_TYPES),
        _c("channel", "str", "渠道", "来源渠道"),
        _c("customer_tier", "str", "客户等级", doc=TIERS_DOC),
        _c("agent_id", "str", "处理人工号", "坐席工号", "工号", **EMP),
        _c("created_at", "timestamp", "创建时间", "受理时间", required=True),
        _c("first_response_at", "timestamp", "首次响应时间", "响应时间"),
        _c("resolved_at", "timestamp", "解决时间", "办结时间"),
        _c("closed_at", "timestamp", "关闭时间", "闭环时间"),
        _c("reopen_count", "int", "重开次数", "复访次数", min=0, default=0),
        _c("first_contact_resolved", "bool", "一次性解决", "首次解决"),
        _c("exclusion_reason", "str", "剔除原因", doc="system failure, cross-department ..."),
        _c("due_at", "timestamp", "时限", "截止时间"),
        _c("forwarded_at", "timestamp", "转派时间", "流转时间"),
        _c("satisfaction", "int", "满意度", min=1, max=5),
        _c("info_error", "bool", "信息错误"),
        _c("knowledge_used", "bool", "使用知识库"),
        _c("knowledge_matched", "bool", "知识匹配"),
        _c("script_violations", "int", "话术违规数", min=0),
        _c("category", "str", "投诉类别", "细类", doc="e.g. 不满意 for 不满意投诉"),
        _c("transcript_url", "str", "会话记录", "聊天记录", "聊天记录链接", doc="a link QC opens"),
        _c("recording_url", "str", "录音地址", "录音链接"),
    ),
    checks=(
        (
            "first_response_at",
            "first_response_at < created_at",
            gettext_noop("is before created_at"),
        ),
        ("resolved_at", "resolved_at < created_at", gettext_noop("is before created_at")),
        ("closed_at", "closed_at < created_at", gettext_noop("is before created_at")),
        ("forwarded_at", "forwarded_at < created_at", gettext_noop("is before created_at")),
    ),
)

SURVEYS = RecordType(
    name="surveys",
    label_zh="回访调研",
    one_row_is="one survey attempt about an interaction or an employee",
    key=("survey_id",),
    subject="agent_id",
    time="surveyed_at",
    columns=(
        _c("survey_id", "str", "回访编号", "调研编号", required=True),
        _c(
            "kind",
            "enum",
            "类型",
            "回访类型",
            required=True,
            choices={
                "csat": ("csat", "满意度"),
                "nps": ("nps", "净推荐值"),
                "callback": ("callback", "回访"),
                "collaboration": ("collaboration", "协作", "部门协作"),
                "awareness": ("awareness", "知晓度"),
                "complaint_repair": ("complaint_repair", "投诉修复", "投诉二次调研"),
            },
        ),
        _c("agent_id", "str", "坐席工号", "被评价人", "工号", **EMP),
        _c("interaction_id", "str", "关联编号", "通话编号", "工单号"),
        _c("customer_id", "str", "客户编号"),
        _c("customer_tier", "str", "客户等级", doc=TIERS_DOC),
        _c("surveyed_at", "timestamp", "回访时间", "调研时间", required=True),
        _c(
            "status",
            "enum",
            "状态",
            "回访状态",
            required=True,
            choices={
                "completed": ("completed", "完成", "成功", "已完成"),
                "refused": ("refused", "拒访", "拒绝"),
                "unreachable": ("unreachable", "未接通", "无法联系"),
            },
        ),
        _c("score", "decimal", "满意度评分", "评分", min=0),
        _c("nps", "int", "推荐值", "推荐意愿", min=0, max=10),
        _c(
            "answers",
            "str",
            "答案",
            "问卷",
            doc="question -> score (0–100) or label, as JSON or `q1=很好;q2=75`",
        ),
        _c("verified", "bool", "抽查属实", "核实结果", doc="a spot check found the callback true"),
        _c("crew_ids", "str", "维修班组", "班组工号", doc="workshop crews of the job (comma list)"),
    ),
    extra=(
        Column(
            "cs_score",
            "decimal",
            doc="dealer sales CS of this survey: Σ 25 × q_i/100 over questions 1–4",
        ),
        *(Column(f"q{i}", "decimal", doc=f"answer {i} as a score 0–100") for i in range(1, 7)),
    ),
)

QC_REVIEWS = RecordType(
    name="qc_reviews",
    label_zh="质检记录",
    one_row_is="one inspected interaction (or one test call)",
    key=("review_id",),
    subject="agent_id",
    time="reviewed_at",
    columns=(
        _c("review_id", "str", "质检编号", required=True),
        _c("interaction_id", "str", "通话编号", "关联编号"),
        _c("agent_id", "str", "坐席工号", "被检人", "工号", required=True, **EMP),
        _c("inspector_id", "str", "质检员", "质检员工号", **EMP),
        _c("reviewed_at", "timestamp", "质检时间", required=True),
        _c("score", "decimal", "得分", "质检得分", required=True, min=0),
        _c("max_score", "decimal", "满分", min=0, default=100),
        _c("fatal", "bool", "致命错误", default=False),
        _c("recheck_score", "decimal", "复检得分", min=0),
        _c(
            "kind",
            "enum",
            "质检类型",
            choices={"review": ("review", "质检", "录音质检"), "test_call": ("test_call", "拨测")},
            default="review",
        ),
        _c(
            "origin",
            "enum",
            "来源",
            "拨测来源",
            choices={
                "internal": ("internal", "内部", "个人"),
                "third_party": ("third_party", "第三方"),
                "group": ("group", "集团"),
            },
            default="internal",
        ),
        _c(
            "dimension",
            "enum",
            "拨测维度",
            "维度",
            choices={
                "overall": ("overall", "综合"),
                "communication": ("communication", "沟通能力"),
                "service": ("service", "服务意识"),
                "online": ("online", "在线处理能力"),
                "marketing": ("marketing", "营销能力"),
            },
            default="overall",
        ),
    ),
    checks=(
        ("score", "score > max_score", gettext_noop("is above max_score")),
        ("recheck_score", "recheck_score > max_score", gettext_noop("is above max_score")),
        ("max_score", "max_score = 0", gettext_noop("must be above 0")),
    ),
)

SHIFTS = {
    "early": ("early", "早班"),
    "middle": ("middle", "中班"),
    "night": ("night", "夜班"),
    "late_night": ("late_night", "大夜班", "大夜"),
    "office": ("office", "办公班", "行政班"),
}

ATTENDANCE = RecordType(
    name="attendance",
    label_zh="考勤",
    one_row_is="one employee-day",
    key=("employee_id", "date"),
    subject="employee_id",
    time="date",
    columns=(
        _c("employee_id", "str", "工号", "员工工号", required=True, **EMP),
        _c("date", "date", "日期", "考勤日期", required=True),
        _c("scheduled", "bool", "排班", "应出勤", default=True),
        _c("late_minutes", "decimal", "迟到分钟", "迟到时长", min=0, default=0),
        _c("early_minutes", "decimal", "早退分钟", "早退时长", min=0, default=0),
        _c("absent", "bool", "旷工", "缺勤", default=False),
        _c("leave_days", "decimal", "请假天数", "请假", min=0, max=1, default=0),
        _c("shift_swaps", "int", "换班次数", "换班", min=0, default=0),
        _c("logged_in_s", "duration", "登录时长", "签入时长", min=0),
        _c("busy_s", "duration", "示忙时长", min=0),
        _c("handling_s", "duration", "处理时长", "工作时长", min=0),
        _c(
            "shift",
            "enum",
            "班次",
            choices=SHIFTS,
            doc="early 早班, middle 中班, night 夜班, late_night 大夜班, office 办公班",
        ),
        _c("missed_clock", "int", "未打卡次数", "漏打卡", min=0, default=0),
        _c("overtime_h", "decimal", "加班小时", "应急加班", min=0, default=0),
    ),
    checks=(("handling_s", "handling_s > logged_in_s", gettext_noop("is above logged_in_s")),),
)

# The kinds by their accepted spellings (used by the feed of older indicators).
INCIDENT_KINDS = kind_choices()

INCIDENTS = RecordType(
    name="incidents",
    label_zh="奖惩/事件",
    one_row_is="one praise, complaint, error, violation or other event recorded about a person",
    key=("incident_id",),
    subject="employee_id",
    time="occurred_at",
    columns=(
        _c(
            "incident_id",
            "str",
            "事件编号",
            doc="optional: without it the key is employee_id|occurred_at|kind",
        ),
        _c("employee_id", "str", "工号", "员工工号", required=True, **EMP),
        _c("occurred_at", "timestamp", "发生时间", "日期", required=True),
        _c(
            "kind",
            "enum",
            "类别",
            "事件类型",
            required=True,
            choices=kind_choices(),
            doc="a kind of csperf/ingest/event_kinds.yaml (code or Chinese name)",
        ),
        _c("count", "decimal", "次数", "数量", "天数", min=0, default=1),
        _c("points", "decimal", "分值", "加扣分"),
        _c("amount", "money", "金额", "罚款金额", "奖励金额"),
        _c("evidence", "str", "依据", "证据", "凭证", doc="what shows it happened: a link, a file"),
        _c("recorded_by", "str", "登记人", "记录人"),
        _c("note", "str", "说明", "备注"),
    ),
)

SALES = RecordType(
    name="sales",
    label_zh="营销业绩",
    one_row_is="one employee-day of sales work",
    key=("employee_id", "date"),
    subject="employee_id",
    time="date",
    columns=(
        _c("employee_id", "str", "工号", "客服工号", required=True, **EMP),
        _c("date", "date", "日期", required=True),
        _c("inquiries", "int", "询单人数", "咨询人数", min=0),
        _c(
            "buyers",
            "int",
            "付款人数",
            "成交人数",
            min=0,
            doc="paying customers; default paid_orders",
        ),
        _c("orders", "int", "下单数", "订单数", min=0),
        _c("paid_orders", "int", "付款订单数", "支付订单数", min=0, default=0),
        _c("amount", "money", "销售额", "付款金额", min=0, default=0),
        _c("refunds", "int", "退款订单数", "退款数", min=0, default=0),
        _c("cross_sell", "int", "交叉销售数", min=0, default=0),
        _c("replied", "int", "回复人数", min=0),
        _c("avg_response_s", "duration", "平均响应时间", min=0),
        _c("refund_amount", "money", "退款金额", min=0, default=0),
        _c("concurrent_avg", "decimal", "同时接待客数", "平均同时接待", min=0),
    ),
    checks=(
        ("paid_orders", "paid_orders > orders", gettext_noop("is above orders")),
        ("replied", "replied > inquiries", gettext_noop("is above inquiries")),
    ),
)

PLANS = RecordType(
    name="plans",
    label_zh="计划预算",
    one_row_is="one planned figure of an org unit",
    key=("org_unit", "period", "plan_code"),
    subject="org_unit",
    time="period",
    columns=(
        _c(
            "org_unit",
            "str",
            "部门",
            "组织",
            "单位",
            required=True,
            doc="a team, department, employee id, or `center` for the whole centre",
        ),
        _c("period", "period", "期间", "考核期间", required=True),
        _c("plan_code", "str", "计划代码", "项目", required=True),
        _c("planned", "decimal", "计划值", "预算", required=True, min=0),
        _c("actual", "decimal", "实际值", "实际"),
    ),
    extra=(Column("period_start", "date"), Column("period_end", "date")),
)

CUSTOMERS = RecordType(
    name="customers",
    label_zh="客户",
    one_row_is="one (key) customer",
    key=("customer_id",),
    subject="owner_id",
    time=None,
    columns=(
        _c("customer_id", "str", "客户编号", required=True),
        _c("tier", "str", "客户等级", doc=TIERS_DOC),
        _c("owner_id", "str", "客户经理", "负责人工号", **EMP),
        _c("acquired_at", "date", "建档日期", "开户日期"),
        _c("lost_at", "date", "流失日期"),
        _c("lost_reason", "str", "流失原因"),
        _c("bundled", "bool", "已捆绑", "捆绑业务", doc="holds a bundled product (捆绑率)"),
        _c("second_contact", "bool", "第二联系方式", doc="a second contact is on file"),
    ),
    checks=(("lost_at", "lost_at < acquired_at", gettext_noop("is before acquired_at")),),
)

VALUES = RecordType(
    name="values",
    label_zh="月度数值与目标",
    one_row_is="one figure or target of a person or unit for a period",
    key=("subject", "period", "name", "target"),
    subject="subject",
    time="period",
    columns=(
        _c(
            "subject",
            "str",
            "工号",
            "对象",
            "单位",
            required=True,
            doc="an employee id, a team or department code, or `center` for everyone",
        ),
        _c("period", "period", "期间", "考核期间", required=True),
        _c("name", "str", "指标", "项目", "名称", required=True, doc="the card input or item code"),
        _c("value", "decimal", "数值", "值", "目标值", required=True),
        _c(
            "target",
            "bool",
            "是否目标",
            "目标",
            default=False,
            doc="true: a target of the item `name` (targets.<item>); false: an input value",
        ),
        _c("note", "str", "说明", "备注"),
    ),
    extra=(Column("period_start", "date"), Column("period_end", "date")),
)

CALENDAR = RecordType(
    name="calendar",
    label_zh="工作日历调整",
    one_row_is="one day the centre works or rests against the national calendar",
    key=("date",),
    subject=None,
    time="date",
    columns=(
        _c("date", "date", "日期", required=True),
        _c("workday", "bool", "是否工作日", "工作日", required=True),
        _c("note", "str", "说明", "备注"),
    ),
)

RECORD_TYPES: dict[str, RecordType] = {
    rt.name: rt
    for rt in (
        CALLS,
        TICKETS,
        SURVEYS,
        QC_REVIEWS,
        ATTENDANCE,
        INCIDENTS,
        SALES,
        PLANS,
        CUSTOMERS,
        EMPLOYEES,
        VALUES,
        CALENDAR,
    )
}

# what `csperf import` accepts: the record types plus converters of foreign formats
IMPORT_TYPES = (*RECORD_TYPES, "queue_log")


def lower_strings() -> set[tuple[str, str]]:
    """(table, column) pairs that are lower-cased on import (tiers)."""
    return {
        ("calls", "customer_tier"),
        ("tickets", "customer_tier"),
        ("surveys", "customer_tier"),
        ("customers", "tier"),
    }
