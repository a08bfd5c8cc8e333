"""Indicator requests: the parameters given (``--param code.name=value`` or a mapping) checked
and converted against each indicator's declared parameters, and the indicators named."""

from __future__ import annotations

import decimal
from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from csperf.kernel.words import yes_no
from csperf.metrics.indicators import LIB, Indicator, Param


class MetricsError(ValueError):
    """A request the engine cannot answer: unknown indicator, parameter, level or subject."""


# ------------------------------------------------------------------------ parameters


def _convert(ind: Indicator, p: Param, raw: Any) -> Any:
    where = f"{ind.code}.{p.name}"
    v: Any  # the parameter's value, typed by its kind
    try:
        if p.kind == "int":
            v = int(str(raw).strip())
        elif p.kind == "decimal":
            v = Decimal(str(raw).strip())
            if not v.is_finite():
                raise ValueError
        elif p.kind == "bool":
            if isinstance(raw, bool):
                v = raw
            elif (yes := yes_no(raw)) is not None:
                v = yes
            else:
                raise ValueError
        elif p.kind == "list":
            v = (
                [str(x).strip() for x in raw]
                if isinstance(raw, list | tuple)
                else [s.strip() for s in str(raw).split(",") if s.strip()]
            )
        elif p.kind == "map":
            if isinstance(raw, dict):
                v = {str(k).lower(): int(x) for k, x in raw.items()}
            else:
                v = {}
                for part in str(raw).split(","):
                    if not part.strip():
                        continue
                    k, x = part.split(":", 1)
                    v[k.strip().lower()] = int(x)
        else:
            v = str(raw).strip()
    except (ValueError, decimal.InvalidOperation, TypeError):
        hint = {
            "int": "a whole number",
            "decimal": "a number",
            "bool": "true or false",
            "map": "key:number pairs such as vip:15,normal:60",
        }.get(p.kind, "a value")
        raise MetricsError(f"parameter {where}={raw!r}: expected {hint}") from None
    if p.choices and v not in p.choices:
        raise MetricsError(f"parameter {where}={raw!r}: must be one of {', '.join(p.choices)}")
    return v


def resolve_params(ind: Indicator, given: dict[str, Any] | None) -> dict[str, Any]:
    out = ind.defaults()
    for name, raw in (given or {}).items():
        try:
            p = ind.param(name)
        except KeyError:
            known = ", ".join(x.name for x in ind.params) or "none"
            raise MetricsError(
                f"indicator {ind.code} has no parameter {name!r} (parameters: {known})"
            ) from None
        out[name] = _convert(ind, p, raw)
    return out


def split_params(params: dict[str, Any] | Iterable[str] | None) -> dict[str, dict[str, Any]]:
    """Accept {code: {name: value}}, {"code.name": value} or ["code.name=value", ...]."""
    out: dict[str, dict[str, Any]] = defaultdict(dict)
    if not params:
        return out
    items: Iterable[tuple[str, Any]]
    if isinstance(params, dict):
        items = params.items()
    else:
        pairs = []
        for s in params:
            if "=" not in s:
                raise MetricsError(f"--param {s!r}: write indicator.parameter=value")
            k, v = s.split("=", 1)
            pairs.append((k.strip(), v.strip()))
        items = pairs
    for k, v in items:
        if isinstance(v, dict):
            out[k].update(v)
            continue
        if "." not in k:
            raise MetricsError(
                f"parameter {k!r}: write indicator.parameter (e.g. service_level.threshold_s)"
            )
        code, name = k.split(".", 1)
        out[code][name] = v
    return out


def get_indicators(codes: Iterable[str] | None) -> list[Indicator]:
    if codes is None:
        return [i for i in LIB.values() if i.available]
    out = []
    for c in codes:
        c = c.strip()
        if not c:
            continue
        if c not in LIB:
            raise MetricsError(f"unknown indicator {c!r} (see `csperf indicators list`)")
        if not LIB[c].available:
            raise MetricsError(f"indicator {c} is not computed from records: {LIB[c].notes}")
        out.append(LIB[c])
    if not out:
        raise MetricsError("no indicator named")
    return out
