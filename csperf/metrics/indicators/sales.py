"""Sales indicators (category ``sales``) from the daily sales rows of e-commerce and sales staff
(营销业绩), as the e-commerce sheets define them (旺旺 KPIs, 月销售额): conversion, payment, refund
and cross-sell rates, replies and response time, amounts, concurrent chats, the average order
value against the shop's and orders per call handled.

A ratio uses only the rows that give its denominator (a day without 询单人数 does not add its
buyers to the conversion rate)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import ibis

from csperf.metrics.indicators.model import (
    P_DIRECTION_ALL,
    Agg,
    Ctx,
    Direction,
    Expr,
    Indicator,
    Param,
    Unit,
    as_decimal,
    handled,
    incident_count,
    ratio,
    total,
)

# ----------------------------------------------------------------------- conditions


def _inquiries_known(t, c):
    return t.inquiries.notnull()


def _orders_known(t, c):
    return t.orders.notnull()


def _replied_known(t, c):
    return t.replied.notnull() & t.inquiries.notnull()


def _response_known(t, c):
    return t.avg_response_s.notnull() & t.replied.notnull()


def _concurrent_known(t, c):
    return t.concurrent_avg.notnull()


def _cross_sell_base_known(t, c):
    return t.orders.notnull() if c.p.get("denominator") == "orders" else ibis.literal(True)


def _disputes(t, c):
    return t.kind == "dispute"


def _valid_complaints(t, c):
    return t.kind == "complaint_valid"


# ---------------------------------------------------------------------------- values


def _buyers(t, c):
    """最终付款人数: the buyers column, else the day's paid orders."""
    return ibis.coalesce(t.buyers, t.paid_orders)


def _inquiries(t, c):
    return t.inquiries


def _orders(t, c):
    return t.orders


def _paid_orders(t, c):
    return ibis.coalesce(t.paid_orders, 0)


def _refunds(t, c):
    return t.refunds


def _cross_sell(t, c):
    return t.cross_sell


def _cross_sell_base(t, c):
    return t.orders if c.p.get("denominator") == "orders" else _paid_orders(t, c)


def _replied(t, c):
    return t.replied


def _response_s_weighted(t, c):
    return t.avg_response_s * t.replied


def _amount(t, c):
    return t.amount


def _refund_amount(t, c):
    return ibis.coalesce(t.refund_amount, 0)


def _concurrent(t, c):
    return t.concurrent_avg


def _aov_base(t, c):
    return _buyers(t, c) if c.p.get("per") == "buyers" else _paid_orders(t, c)


# ------------------------------------------------------------------------- combines


def _aov(v: dict[str, Any], ctx: Ctx) -> Decimal | None:
    own_n, all_n = as_decimal(v["buyers"]), as_decimal(v.get("_center_buyers"))
    if own_n == 0 or all_n == 0 or as_decimal(v.get("_center_amount")) == 0:
        return None
    return (as_decimal(v["amount"]) / own_n) / (as_decimal(v["_center_amount"]) / all_n)


def _monthly_sales(v: dict[str, Any], ctx: Ctx) -> Decimal:
    per_dispute = Decimal(str(ctx.p["dispute_amount"]))
    per_complaint = Decimal(str(ctx.p["complaint_amount"]))
    return (
        as_decimal(v["amount"])
        - as_decimal(v["refund_amount"])
        - as_decimal(v["disputes"]) * per_dispute
        - as_decimal(v["complaints"]) * per_complaint
    )


# ------------------------------------------------------------------------ indicators


def _sales(
    *,
    code: str,
    name_zh: str,
    name_en: str,
    direction: Direction,
    formula_zh: str,
    formula_en: str,
    num: Expr,
    den: Expr,
    where: Expr | None = None,
) -> Indicator:
    """Σ num ÷ Σ den over the sales rows where `where` holds (all rows when None)."""
    return Indicator(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        unit="ratio",
        direction=direction,
        record="sales",
        formula_zh=formula_zh,
        formula_en=formula_en,
        parts={
            "numerator": (Agg("sales", where=where, value=num),),
            "denominator": (Agg("sales", where=where, value=den),),
        },
        combine=ratio(),
        params=(),
        category="sales",
    )


def _sum(
    *,
    code: str,
    name_zh: str,
    name_en: str,
    unit: Unit,
    direction: Direction,
    formula_zh: str,
    formula_en: str,
    value: Expr,
) -> Indicator:
    """Σ value over the period's sales rows."""
    return Indicator(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        unit=unit,
        direction=direction,
        record="sales",
        formula_zh=formula_zh,
        formula_en=formula_en,
        parts={"value": (Agg("sales", value=value),)},
        combine=total(),
        params=(),
        category="sales",
    )


INDICATORS: tuple[Indicator, ...] = (
    _sales(
        code="inquiry_conversion_rate",
        name_zh="询单转化率",
        name_en="Inquiry conversion",
        direction="higher",
        formula_zh="最终付款人数 ÷ 询单人数(付款人数缺省时取付款订单数;只计有询单人数的日子)",
        formula_en="paying customers ÷ inquiring customers (paid orders where buyers are not "
        "given; days with inquiries only)",
        num=_buyers,
        den=_inquiries,
        where=_inquiries_known,
    ),
    _sales(
        code="payment_rate",
        name_zh="支付率",
        name_en="Payment rate",
        direction="higher",
        formula_zh="支付宝付款笔数(付款订单数)÷ 拍下笔数(下单数)",
        formula_en="orders paid ÷ orders placed (days with orders placed only)",
        num=_paid_orders,
        den=_orders,
        where=_orders_known,
    ),
    _sales(
        code="refund_rate",
        name_zh="客户退款率",
        name_en="Refund rate",
        direction="lower",
        formula_zh="客户退款数(退款订单数)÷ 客服成交数(付款订单数)",
        formula_en="refunds (refunded orders) ÷ sales closed (paid orders)",
        num=_refunds,
        den=_paid_orders,
    ),
    Indicator(
        code="cross_sell_rate",
        name_zh="交叉营销渗透率",
        name_en="Cross-sell rate",
        unit="ratio",
        direction="higher",
        record="sales",
        formula_zh="落实交叉营销的客户 ÷ 办理业务(新装、续包)的订单数(或付款订单数)",
        formula_en="orders with a cross-sell ÷ business orders taken (new, renewal) — or paid orders",
        parts={
            "numerator": (Agg("sales", where=_cross_sell_base_known, value=_cross_sell),),
            "denominator": (Agg("sales", where=_cross_sell_base_known, value=_cross_sell_base),),
        },
        combine=ratio(),
        params=(
            Param(
                name="denominator",
                default="orders",
                kind="str",
                doc="orders: the business orders taken (新装、续包客户); paid_orders: paid orders",
                choices=("orders", "paid_orders"),
            ),
        ),
        category="sales",
    ),
    _sales(
        code="reply_rate",
        name_zh="旺旺回复率",
        name_en="Reply rate",
        direction="higher",
        formula_zh="回复过的客户数 ÷ 接待人数(询单/咨询人数;只计两者都有的日子)",
        formula_en="customers replied to ÷ customers received (inquiries; days giving both)",
        num=_replied,
        den=_inquiries,
        where=_replied_known,
    ),
    Indicator(
        code="avg_response_s",
        name_zh="平均响应时间",
        name_en="Average response time",
        unit="seconds",
        direction="lower",
        record="sales",
        formula_zh="按回复人数加权的日平均响应时间(秒)",
        formula_en="daily average response time weighted by customers replied to (seconds)",
        parts={
            "numerator": (Agg("sales", where=_response_known, value=_response_s_weighted),),
            "denominator": (Agg("sales", where=_response_known, value=_replied),),
        },
        combine=ratio(),
        params=(),
        category="sales",
    ),
    _sum(
        code="sales_amount",
        name_zh="实付金额",
        name_en="Sales amount (paid)",
        unit="amount",
        direction="higher",
        formula_zh="实付(付款)金额之和",
        formula_en="Σ amount paid",
        value=_amount,
    ),
    _sum(
        code="refund_amount",
        name_zh="退款金额",
        name_en="Refund amount",
        unit="amount",
        direction="lower",
        formula_zh="退款金额之和",
        formula_en="Σ amount refunded",
        value=_refund_amount,
    ),
    Indicator(
        code="monthly_sales",
        name_zh="月销售额",
        name_en="Net sales",
        unit="amount",
        direction="higher",
        record="sales",
        formula_zh="实付金额 − 退款金额 − 纠纷数 × 纠纷元/个 − 有效投诉数 × 投诉元/个",
        formula_en="amount paid − amount refunded − disputes × amount per dispute − valid "
        "complaints × amount per complaint",
        parts={
            "amount": (Agg("sales", value=_amount),),
            "refund_amount": (Agg("sales", value=_refund_amount),),
            "disputes": (Agg("incidents", where=_disputes, value=incident_count),),
            "complaints": (Agg("incidents", where=_valid_complaints, value=incident_count),),
        },
        combine=_monthly_sales,
        params=(
            Param(
                name="dispute_amount",
                default=0,
                kind="decimal",
                doc="元 taken off per 客户纠纷 (incident kind dispute) [choice: blank in the source]",
            ),
            Param(
                name="complaint_amount",
                default=0,
                kind="decimal",
                doc="元 taken off per 有效投诉 (incident kind complaint_valid) "
                "[choice: blank in the source]",
            ),
        ),
        category="sales",
    ),
    Indicator(
        code="concurrent_customers",
        name_zh="同时接待客数",
        name_en="Concurrent customers",
        unit="count",
        direction="higher",
        record="sales",
        formula_zh="日平均同时接待客数之和 ÷ 给出该数的天数",
        formula_en="Σ daily average concurrent customers ÷ days that give it",
        parts={
            "numerator": (Agg("sales", where=_concurrent_known, value=_concurrent),),
            "denominator": (Agg("sales", where=_concurrent_known),),
        },
        combine=ratio(),
        params=(),
        category="sales",
    ),
    _sum(
        code="orders_count",
        name_zh="业务营销计件",
        name_en="Orders taken",
        unit="count",
        direction="higher",
        formula_zh="下单(业务办理成功)笔数之和",
        formula_en="Σ orders taken",
        value=_orders,
    ),
    Indicator(
        code="aov_ratio",
        name_zh="落实客单价",
        name_en="Average order value vs the shop's",
        unit="ratio",
        direction="higher",
        record="sales",
        formula_zh="客服落实客单价(实付金额 ÷ 付款人数)÷ 店铺客单价(全店同期实付金额 ÷ 付款人数)",
        formula_en="own average value per paying customer ÷ the whole shop's",
        parts={
            "amount": (Agg("sales", value=_amount),),
            "buyers": (Agg("sales", value=_aov_base),),
        },
        combine=_aov,
        params=(
            Param(
                name="per",
                default="buyers",
                kind="str",
                doc="客单价 per paying customer (buyers, else paid orders) or per paid order",
                choices=("buyers", "paid_orders"),
            ),
        ),
        category="sales",
        relative="center",
    ),
    Indicator(
        code="order_rate",
        name_zh="成单率",
        name_en="Order rate",
        unit="ratio",
        direction="higher",
        record="sales",
        formula_zh="下单数 ÷ 处理的电话数",
        formula_en="orders ÷ calls handled",
        parts={
            "numerator": (Agg("sales", value=_orders),),
            "denominator": (Agg("calls", where=handled),),
        },
        combine=ratio(),
        params=(P_DIRECTION_ALL,),
        category="sales",
    ),
)
