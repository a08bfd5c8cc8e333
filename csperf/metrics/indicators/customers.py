"""Customer-register indicators (category ``satisfaction``) from the customers an employee owns
(``customers.owner_id``, adding up to teams): key customers lost, churn, retention, bundles and
second contacts.

A customer is *held* on a day when acquired before it (or on an unknown day) and not lost before
it; churn and retention start from the customers held at the period's start (or on 1 January),
bundles and second contacts count the customers held at its end.

They have a module of their own rather than sharing ``surveys.py``: they read another record type
(the register, not survey rows) and follow the survey indicators in the library's order.
``key_customer_callback_rate`` stays with the callbacks in ``surveys.py`` (its numerator is the
survey register's callbacks, and it keeps its place in the library) and takes
:func:`key_held_in_period` and :data:`P_KEY_TIERS` from here."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import ibis

from csperf.metrics.indicators.model import (
    Agg,
    Ctx,
    Direction,
    Expr,
    Indicator,
    Param,
    as_decimal,
    as_list,
    share,
    total,
    truthy,
)

P_KEY_TIERS = Param(name="key_tiers", default="vip,key", kind="list", doc="key customer tiers")
P_CUSTOMER_TIERS = Param(name="tiers", default="", kind="list", doc="customer tiers (empty: all)")
P_REASONS = Param(name="reasons", default="", kind="list", doc="lost_reason words (empty: all)")

# ----------------------------------------------------------------------- conditions


def _tiers(t, c, param="tiers"):
    tiers = as_list(c.p.get(param, ""))
    return truthy(t.tier.isin([x.lower() for x in tiers])) if tiers else ibis.literal(True)


def _key(t, c):
    return _tiers(t, c, "key_tiers")


def _lost_for_reason(t, c):
    """No ``reasons``: every loss; else lost_reason contains one of the words."""
    words = as_list(c.p.get("reasons", ""))
    if not words:
        return ibis.literal(True)
    cond = ibis.literal(False)
    for w in words:
        cond = cond | truthy(t.lost_reason.contains(w))
    return cond


def _key_customer_lost(t, c):
    return (
        _key(t, c)
        & t.lost_at.notnull()
        & (t.lost_at >= c.start)
        & (t.lost_at < c.end)
        & _lost_for_reason(t, c)
    )


def _held_on(t, day):
    """Held on ``day``: acquired before it (or unknown) and not lost before it."""
    return (t.acquired_at.isnull() | (t.acquired_at < day)) & (
        t.lost_at.isnull() | (t.lost_at >= day)
    )


def _held_at_start(t, c):
    return _held_on(t, c.start) & _tiers(t, c)


def _lost_in_period(t, c):
    lost = t.lost_at.notnull() & (t.lost_at >= c.start) & (t.lost_at < c.end)
    if c.p.get("include_new"):
        acquired = t.acquired_at.isnull() | (t.acquired_at < c.end)
        return lost & acquired & _tiers(t, c)
    return _held_at_start(t, c) & lost


def _year_start(c):
    """1 January of the year the period ends in (its last day's year)."""
    return date((c.end - timedelta(days=1)).year, 1, 1)


def _held_at_year_start(t, c):
    return _held_on(t, _year_start(c)) & _tiers(t, c)


def _lost_since_year_start(t, c):
    return _held_at_year_start(t, c) & t.lost_at.notnull() & (t.lost_at < c.end)


def _held_at_end(t, c):
    return _held_on(t, c.end) & _tiers(t, c)


def _bundled(t, c):
    return _held_at_end(t, c) & truthy(t.bundled)


def _second_contact(t, c):
    return _held_at_end(t, c) & truthy(t.second_contact)


def key_held_in_period(t, c):
    """Key customers held at some time in the period (acquired before its end, not lost
    before its start)."""
    acquired = t.acquired_at.isnull() | (t.acquired_at < c.end)
    kept = t.lost_at.isnull() | (t.lost_at >= c.start)
    return _key(t, c) & acquired & kept


# ------------------------------------------------------------------------- combines


def _retention(v: dict[str, Any], ctx: Ctx) -> Decimal | None:
    held = as_decimal(v["held"])
    return None if held == 0 else (held - as_decimal(v["lost"])) / held


# ------------------------------------------------------------------------ indicators


def _share(
    *,
    code: str,
    name_zh: str,
    name_en: str,
    formula_zh: str,
    formula_en: str,
    num: Expr,
    den: Expr,
    params: tuple[Param, ...],
    direction: Direction = "higher",
) -> Indicator:
    """The customers where ``num`` holds ÷ the customers where ``den`` holds."""
    return share(
        code=code,
        name_zh=name_zh,
        name_en=name_en,
        formula_zh=formula_zh,
        formula_en=formula_en,
        num=num,
        den=den,
        source="customers",
        params=params,
        direction=direction,
        category="satisfaction",
    )


INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        code="key_customer_churn",
        name_zh="大客户流失数",
        name_en="Key customers lost",
        unit="count",
        direction="lower",
        record="customers",
        formula_zh="期内流失的大客户数(可只计流失原因含所给字词的,如 服务:因客户服务原因)",
        formula_en="key customers lost in the period (optionally only those whose lost reason "
        "contains one of the given words, e.g. 服务)",
        parts={"value": (Agg("customers", where=_key_customer_lost),)},
        combine=total(),
        params=(P_KEY_TIERS, P_REASONS),
        category="satisfaction",
    ),
    _share(
        code="churn_rate",
        name_zh="流失率",
        name_en="Churn rate",
        formula_zh="期初保有客户中期内流失的 ÷ 期初保有客户(单月流失率)",
        formula_en="customers held at the start and lost in the period ÷ held at the start",
        num=_lost_in_period,
        den=_held_at_start,
        direction="lower",
        params=(
            P_CUSTOMER_TIERS,
            Param(
                name="include_new",
                default=False,
                kind="bool",
                doc="also count customers acquired in the period and lost in it (numerator only)",
            ),
        ),
    ),
    Indicator(
        code="retention_rate",
        name_zh="保有率",
        name_en="Retention rate",
        unit="ratio",
        direction="higher",
        record="customers",
        formula_zh="(期初保有客户 − 期内流失)÷ 期初保有客户;base=year_start:年初客户中期末仍保有的 ÷ 年初客户",
        formula_en="(customers held at the start − lost) ÷ held at the start; base=year_start: "
        "year-start customers still held at the end of the period ÷ year-start customers",
        parts={
            "held": (
                Agg("customers", where=_held_at_start, when=("base", "period_start")),
                Agg("customers", where=_held_at_year_start, when=("base", "year_start")),
            ),
            "lost": (
                Agg("customers", where=_lost_in_period, when=("base", "period_start")),
                Agg("customers", where=_lost_since_year_start, when=("base", "year_start")),
            ),
        },
        combine=_retention,
        params=(
            P_CUSTOMER_TIERS,
            Param(
                name="base",
                default="period_start",
                kind="str",
                doc="customers held at the period's start, or on 1 January of the period's year",
                choices=("period_start", "year_start"),
            ),
        ),
        category="satisfaction",
    ),
    _share(
        code="bundle_rate",
        name_zh="捆绑率",
        name_en="Bundle rate",
        formula_zh="期末保有客户中已捆绑业务的 ÷ 期末保有客户",
        formula_en="customers held at the end of the period with a bundle ÷ customers held then",
        num=_bundled,
        den=_held_at_end,
        params=(P_CUSTOMER_TIERS,),
    ),
    _share(
        code="second_contact_rate",
        name_zh="第二联系方式完善率",
        name_en="Second contact on file",
        formula_zh="期末保有客户中有第二联系方式的 ÷ 期末保有客户",
        formula_en="customers held at the end of the period with a second contact ÷ customers "
        "held then",
        num=_second_contact,
        den=_held_at_end,
        params=(P_CUSTOMER_TIERS,),
    ),
)
