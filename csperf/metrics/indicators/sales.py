"""Sales indicators (category ``sales``) from the daily sales rows of e-commerce and sales staff:
conversion, payment, refund and cross-sell rates, replies and response time, the amount, the
average order value against the shop's and orders per call handled."""

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
    as_decimal,
    handled,
    ratio,
    total,
)

# ----------------------------------------------------------------------- conditions


def _has_replied(t, c):
    return t.replied.notnull()


def _response_known(t, c):
    return t.avg_response_s.notnull() & t.replied.notnull()


# ---------------------------------------------------------------------------- values


def _buyers(t, c):
    return ibis.coalesce(t.buyers, t.paid_orders)


def _inquiries(t, c):
    return t.inquiries


def _orders(t, c):
    return t.orders


def _paid_orders(t, c):
    return t.paid_orders


def _refunds(t, c):
    return t.refunds


def _cross_sell(t, c):
    return t.cross_sell


def _replied(t, c):
    return t.replied


def _response_s_weighted(t, c):
    return t.avg_response_s * t.replied


def _amount(t, c):
    return t.amount


# ------------------------------------------------------------------------- combines


def _aov(v: dict[str, Any], ctx: Ctx) -> Decimal | None:
    own_n, all_n = as_decimal(v["paid_orders"]), as_decimal(v.get("_center_paid_orders"))
    if own_n == 0 or all_n == 0 or as_decimal(v.get("_center_amount")) == 0:
        return None
    return (as_decimal(v["amount"]) / own_n) / (as_decimal(v["_center_amount"]) / all_n)


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
) -> Indicator:
    """Σ num ÷ Σ den over all sales rows."""
    return Indicator(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        unit="ratio",
        direction=direction,
        record="sales",
        formula_zh=formula_zh,
        formula_en=formula_en,
        parts={"numerator": (Agg("sales", value=num),), "denominator": (Agg("sales", value=den),)},
        combine=ratio(),
        params=(),
        category="sales",
    )


INDICATORS: tuple[Indicator, ...] = (
    _sales(
        code="inquiry_conversion_rate",
        name_zh="询单转化率",
        name_en="Inquiry conversion",
        direction="higher",
        formula_zh="付款人数 ÷ 询单人数",
        formula_en="paying customers ÷ inquiring customers",
        num=_buyers,
        den=_inquiries,
    ),
    _sales(
        code="payment_rate",
        name_zh="支付率",
        name_en="Payment rate",
        direction="higher",
        formula_zh="付款订单 ÷ 下单数",
        formula_en="paid orders ÷ orders placed",
        num=_paid_orders,
        den=_orders,
    ),
    _sales(
        code="refund_rate",
        name_zh="退款率",
        name_en="Refund rate",
        direction="lower",
        formula_zh="退款订单 ÷ 付款订单",
        formula_en="refunded orders ÷ paid orders",
        num=_refunds,
        den=_paid_orders,
    ),
    _sales(
        code="cross_sell_rate",
        name_zh="交叉营销渗透率",
        name_en="Cross-sell rate",
        direction="higher",
        formula_zh="交叉销售订单 ÷ 付款订单",
        formula_en="orders with a cross-sell ÷ paid orders",
        num=_cross_sell,
        den=_paid_orders,
    ),
    Indicator(
        code="reply_rate",
        name_zh="回复率",
        name_en="Reply rate",
        unit="ratio",
        direction="higher",
        record="sales",
        formula_zh="回复人数 ÷ 询单人数",
        formula_en="customers replied to ÷ inquiring customers",
        parts={
            "numerator": (Agg("sales", where=_has_replied, value=_replied),),
            "denominator": (Agg("sales", where=_has_replied, value=_inquiries),),
        },
        combine=ratio(),
        params=(),
        category="sales",
    ),
    Indicator(
        code="avg_response_s",
        name_zh="平均响应时间",
        name_en="Average response time",
        unit="seconds",
        direction="lower",
        record="sales",
        formula_zh="按回复人数加权的日平均响应时间",
        formula_en="daily average response time weighted by customers replied to",
        parts={
            "numerator": (Agg("sales", where=_response_known, value=_response_s_weighted),),
            "denominator": (Agg("sales", where=_response_known, value=_replied),),
        },
        combine=ratio(),
        params=(),
        category="sales",
    ),
    Indicator(
        code="sales_amount",
        name_zh="销售额",
        name_en="Sales amount",
        unit="amount",
        direction="higher",
        record="sales",
        formula_zh="付款金额之和",
        formula_en="Σ amount paid",
        parts={"value": (Agg("sales", value=_amount),)},
        combine=total(),
        params=(),
        category="sales",
    ),
    Indicator(
        code="aov_ratio",
        name_zh="落实客单价",
        name_en="Average order value vs the shop's",
        unit="ratio",
        direction="higher",
        record="sales",
        formula_zh="本人客单价(金额 ÷ 付款订单)÷ 全店客单价",
        formula_en="own average order value ÷ the whole shop's",
        parts={
            "amount": (Agg("sales", value=_amount),),
            "paid_orders": (Agg("sales", value=_paid_orders),),
        },
        combine=_aov,
        params=(),
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
