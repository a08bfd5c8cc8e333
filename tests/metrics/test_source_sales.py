"""Sales indicators against the numbers of the source documents (schemes.md §3.4, §3.16, §3.17).

Its own small shop:

- March 2026, 电商客服 E1 and E2 (§3.16 客服部客服绩效考核表, examples A and B: 询单转化率 0.68 / 0.45,
  支付率 0.93 / 0.70, 落实客单价 1.10 / 1.00, 旺旺回复率 0.99 / 0.94, 平均响应时间 32 s / 60 s, 客户退款率
  0.03) and E3, whose lower order value makes the shop's 客单价 exactly 100 元;
- March 2026, 话务员 T1 (§3.4 话务员计件: 业务营销计件, 交叉营销渗透率 "未达25%");
- April 2026, 电商销售客服 F1 and F2 (§3.17 客服部绩效考核标准, examples A and B: 实付金额 48000 /
  30000, 退款金额 1500 / 4000, 纠纷 0 / 2, 投诉 1 / 0, 同时接待客数 6 / 4; "实付金额-退款金额-纠纷、
  投诉(纠纷元/个~投诉元/个)=月销售额").
"""

from __future__ import annotations

import decimal
from decimal import Decimal

import pytest

from csperf.ingest.importer import import_file
from csperf.ingest.store import open_store
from csperf.metrics import Engine

pytestmark = pytest.mark.filterwarnings("ignore:fetch_arrow_table:DeprecationWarning")

TESTED = {
    "inquiry_conversion_rate",
    "payment_rate",
    "aov_ratio",
    "reply_rate",
    "avg_response_s",
    "refund_rate",
    "refund_amount",
    "sales_amount",
    "monthly_sales",
    "concurrent_customers",
    "orders_count",
    "cross_sell_rate",
}

FILES = {
    "employees.csv": [
        "id,name,team,department,position",
        "E1,电商客服甲,EC,SHOP,电商客服",
        "E2,电商客服乙,EC,SHOP,电商客服",
        "E3,电商客服丙,EC,SHOP,电商客服",
        "T1,话务员,TEL,CC,话务员",
        "F1,销售客服甲,ES,SHOP,电商销售客服",
        "F2,销售客服乙,ES,SHOP,电商销售客服",
    ],
    "sales.csv": [
        "employee_id,date,inquiries,buyers,orders,paid_orders,amount,refunds,cross_sell,replied,"
        "avg_response_s,refund_amount,concurrent_avg",
        # E1 (§3.16 example A). Day 3 gives no 询单人数, 拍下笔数 or response time: its buyers,
        # paid orders and replies stay out of the rates that divide by what it lacks.
        "E1,2026-03-02,82,56,82,76,6160,2,,81,30,120.50,5.5",
        "E1,2026-03-03,18,12,18,17,1320,1,,18,41,0,6.5",
        "E1,2026-03-04,,3,,7,330,0,,3,,80,",
        # E2 (§3.16 example B)
        "E2,2026-03-02,100,45,100,70,4500,0,,94,60,0,",
        # E3: 71 buyers at 90 元
        "E3,2026-03-02,100,71,80,71,6390,0,,100,30,0,",
        # T1 (§3.4): 40 business orders (新装、续包), 10 with the 3G cross-sell; no payments
        "T1,2026-03-05,,,40,,,,10,,,,",
        # F1, F2 (§3.17), April
        "F1,2026-04-01,,,,,30000,,,,,1000,5.5",
        "F1,2026-04-02,,,,,18000,,,,,500,6.5",
        "F2,2026-04-01,,,,,30000,,,,,4000,4",
        "F2,2026-04-02,,,,,0,,,,,0,",
    ],
    "incidents.csv": [
        "employee_id,occurred_at,kind,count",
        "F1,2026-04-10 10:00:00,complaint_valid,1",
        "F1,2026-04-11 10:00:00,complaint_general,1",  # not a 投诉 of the 月销售额 rule
        "F2,2026-04-15 10:00:00,客户纠纷,2",  # one row standing for two disputes
        "F2,2026-03-31 23:00:00,dispute,1",  # March: not April's
    ],
}


@pytest.fixture(scope="module")
def eng(tmp_path_factory):
    d = tmp_path_factory.mktemp("source_sales")
    for name, lines in FILES.items():
        (d / name).write_text("\n".join(lines) + "\n", "utf-8")
    store = open_store(d / "data")
    for kind, name in (
        ("employees", "employees.csv"),
        ("sales", "sales.csv"),
        ("incidents", "incidents.csv"),
    ):
        import_file(kind, d / name, store=store)
    store.close()
    e = Engine.open(d / "data")
    yield e
    e.close()


def value(eng, code, subject, params=None, period="2026-03"):
    level = {"EC": "team", "ES": "team", "center": "center"}.get(subject, "employee")
    rows = eng.compute(
        period, level, [code], {code: params} if params else None, subjects=[subject]
    )
    assert rows, f"no row for {subject}"
    return rows[0][code]


def exact(num, den=1) -> Decimal:
    """num ÷ den as the engine gives it (28 significant digits, half-up)."""
    with decimal.localcontext(decimal.Context(prec=28, rounding=decimal.ROUND_HALF_UP)):
        return (Decimal(num) / Decimal(den)).normalize()


M = "2026-03"
A = "2026-04"

# (code, subject, params, period, expected, why)
CASES = [
    # 询单转化率(X) 最终付款人数/询单人数
    ("inquiry_conversion_rate", "E1", {}, M, exact("0.68"), "(56 + 12) / 100"),
    ("inquiry_conversion_rate", "E2", {}, M, exact("0.45"), "45 / 100 (example B)"),
    # 支付率(F) 支付宝付款笔数/拍下笔数
    ("payment_rate", "E1", {}, M, exact("0.93"), "(76 + 17) / (82 + 18); day 3's 7 left out"),
    ("payment_rate", "E2", {}, M, exact("0.7"), "70 / 100"),
    # 落实客单价(Y) 客服落实客单价/店铺客单价, 客单价 per paying customer
    ("aov_ratio", "E1", {}, M, exact("1.1"), "(7810 / 71) ÷ (18700 / 187) = 110 / 100"),
    ("aov_ratio", "E2", {}, M, 1, "(4500 / 45) ÷ 100"),
    ("aov_ratio", "E3", {}, M, exact("0.9"), "(6390 / 71) ÷ 100"),
    ("aov_ratio", "EC", {}, M, 1, "the team is the whole shop's paying customers"),
    # 旺旺回复率(Z) 回复过的客户数/接待人数
    ("reply_rate", "E1", {}, M, exact("0.99"), "(81 + 18) / 100; day 3 has no 接待人数"),
    ("reply_rate", "E2", {}, M, exact("0.94"), "94 / 100"),
    # 旺旺响应 平均响应时间(秒)
    ("avg_response_s", "E1", {}, M, 32, "(81 × 30 + 18 × 41) / 99 = 3168 / 99 (example A: 80%)"),
    ("avg_response_s", "E2", {}, M, 60, "example B: > 55 → 0"),
    ("avg_response_s", "E3", {}, M, 30, "T ≤ 30 → 100%: the boundary itself"),
    # 客户退款率(R) 客户退款数/客服成交数
    ("refund_rate", "E1", {}, M, exact("0.03"), "(2 + 1 + 0) / (76 + 17 + 7)"),
    # amounts
    ("sales_amount", "E1", {}, M, 7810, "6160 + 1320 + 330"),
    ("sales_amount", "F1", {}, A, 48000, "§3.17 example A 实付金额"),
    ("refund_amount", "F1", {}, A, 1500, "§3.17 example A 退款金额"),
    ("refund_amount", "F2", {}, A, 4000, "example B"),
    ("refund_amount", "E1", {}, M, exact("200.5"), "120.50 + 80"),
    # 月销售额 = 实付金额 − 退款金额 − 纠纷数 × 纠纷元/个 − 投诉数 × 投诉元/个
    ("monthly_sales", "F1", {}, A, 46500, "48000 − 1500; 元/个 blank in the source: 0"),
    (
        "monthly_sales",
        "F1",
        {"dispute_amount": 100, "complaint_amount": 200},
        A,
        46300,
        "48000 − 1500 − 0 × 100 − 1 × 200 (the 一般投诉 is not a 投诉 here)",
    ),
    ("monthly_sales", "F2", {}, A, 26000, "30000 − 4000"),
    (
        "monthly_sales",
        "F2",
        {"dispute_amount": "50.5", "complaint_amount": 200},
        A,
        25899,
        "30000 − 4000 − 2 × 50.5: one row with count 2; March's dispute is outside",
    ),
    (
        "monthly_sales",
        "ES",
        {"dispute_amount": 100, "complaint_amount": 200},
        A,
        72100,
        "team: 96000 − 5500 − 2 × 100 − 1 × 200",
    ),
    ("monthly_sales", "E1", {}, M, exact("7609.5"), "7810 − 200.50"),
    # 同时接待客数: mean over the days that give it
    ("concurrent_customers", "F1", {}, A, 6, "(5.5 + 6.5) / 2 (example A: 6)"),
    ("concurrent_customers", "F2", {}, A, 4, "4 on the one day given (example B)"),
    ("concurrent_customers", "E1", {}, M, 6, "day 3 gives none"),
    # §3.4 业务营销计件 and 交叉营销渗透率
    ("orders_count", "T1", {}, M, 40, "40 orders → 40 × 5 元 on the card"),
    ("orders_count", "E1", {}, M, 100, "82 + 18"),
    ("cross_sell_rate", "T1", {}, M, exact("0.25"), "10 / 40: exactly 25%, not 未达25%"),
    ("cross_sell_rate", "T1", {"denominator": "paid_orders"}, M, None, "T1 has no paid orders"),
]


@pytest.mark.parametrize(
    ("code", "subject", "params", "period", "expected", "why"),
    CASES,
    ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(CASES)],
)
def test_source_numbers(eng, code, subject, params, period, expected, why):
    got = value(eng, code, subject, params, period)
    assert got == expected, f"{code} {subject} {params}: {got} != {expected} ({why})"


def test_aov_per_paid_order(eng):
    """The former definition, per paid order: (7810 / 100) ÷ (18700 / 241) — 241 paid orders of
    E1, E2, E3 (T1 has none)."""
    got = value(eng, "aov_ratio", "E1", {"per": "paid_orders"})
    expected = Decimal("78.1") * 241 / 18700
    assert abs(got - expected) < Decimal("1e-20"), got
