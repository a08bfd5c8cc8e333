"""Decimal ↔ JSON: one rule for every store, API answer and file csperf writes.

**A Decimal is a JSON number of the same value** — never a string, never rounded.

* :func:`jsonable` makes data ready for another encoder (Django's ``JSONField``, django-ninja,
  ``json.dumps``): a whole Decimal becomes an ``int``, any other a ``float`` with the shortest
  repr, which reads back to the same Decimal for up to 15 significant digits (csperf's figures
  carry at most 12 digits: money has 2 decimals, rates 4). Dates become ISO text.
* :func:`dumps` writes JSON text itself and so keeps a Decimal's own digits (``92.20``).
* :func:`to_decimal` and :func:`loads` read either form back exactly.

Stored data from before this rule stays readable: older audit rows hold Decimals as text
(``"12.50"``) and older results floats for whole totals (``92.0``); :func:`to_decimal` reads
both.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Any

_PLAIN = frozenset({type(None), bool, int, float, str})


def jsonable(value: Any, default: Callable[[Any], Any] | None = None) -> Any:
    """``value`` with Decimals as numbers, dates as ISO text, mappings and sequences copied.

    Anything else JSON cannot hold goes through ``default`` (kept as it is without one).
    """
    # Fast path by exact type (a cycle's 10,000 results are 1.7 million values); subclasses
    # and the rarer types take the general path below.
    kind = type(value)
    if kind in _PLAIN:
        return value
    if kind is dict:
        return {
            (k if type(k) is str else str(k)): (
                v
                if (t := type(v)) in _PLAIN
                else _number(v)
                if t is Decimal
                else jsonable(v, default)
            )
            for k, v in value.items()
        }
    if kind is list:
        return [
            v if (t := type(v)) in _PLAIN else _number(v) if t is Decimal else jsonable(v, default)
            for v in value
        ]
    if kind is Decimal:
        return _number(value)
    return _general(value, default)


def _general(value: Any, default: Callable[[Any], Any] | None) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, Decimal):
        return _number(value)
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): jsonable(v, default) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [jsonable(v, default) for v in value]
    return default(value) if default is not None else value


def _number(d: Decimal) -> int | float:
    try:
        whole = int(d)
    except (ValueError, OverflowError):  # NaN, infinity
        raise ValueError(f"{d} is not a JSON number") from None
    return whole if whole == d else float(d)


def to_decimal(value: Any) -> Decimal:
    """A JSON number (int, float) or numeric text as the Decimal it stands for."""
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise ValueError(f"{value!r} is not a number")
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a number") from None
    if not d.is_finite():
        raise ValueError(f"{value!r} is not a number")
    return d


def loads(text: str | bytes) -> Any:
    """JSON text with every number that has a fraction or exponent read as a Decimal."""
    return json.loads(text, parse_float=Decimal)


def dumps(value: Any, *, indent: int | None = None) -> str:
    """JSON text (UTF-8, not escaped) with each Decimal written as its exact digits."""
    return "".join(_encode(value, indent, 0))


def _encode(value: Any, indent: int | None, level: int) -> Iterator[str]:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{value} is not a JSON number")
        yield str(value)
    elif value is None or isinstance(value, (bool, int, float, str)):
        yield json.dumps(value, ensure_ascii=False, allow_nan=False)
    elif isinstance(value, (date, datetime, time)):
        yield json.dumps(value.isoformat())
    elif isinstance(value, Mapping):
        yield from _container("{", "}", list(value.items()), indent, level)
    elif isinstance(value, (list, tuple)):
        yield from _container("[", "]", list(value), indent, level)
    else:
        raise TypeError(f"{type(value).__name__} cannot be written as JSON")


def _container(
    open_: str, close: str, items: list[Any], indent: int | None, level: int
) -> Iterator[str]:
    if not items:
        yield open_ + close
        return
    inner = "" if indent is None else "\n" + " " * indent * (level + 1)
    outer = "" if indent is None else "\n" + " " * indent * level
    sep = ", " if indent is None else ","
    yield open_
    for i, item in enumerate(items):
        yield (sep if i else "") + inner
        if open_ == "{":
            key, item = item
            if not isinstance(key, (str, int)) or isinstance(key, bool):
                raise TypeError(f"a JSON key must be text, not {type(key).__name__}")
            yield json.dumps(str(key), ensure_ascii=False) + ": "
        yield from _encode(item, indent, level + 1)
    yield outer + close


__all__ = ["dumps", "jsonable", "loads", "to_decimal"]
