"""Decimal arithmetic as the contract prescribes: exact intermediates, half-up rounding once."""

from __future__ import annotations

from contextlib import AbstractContextManager
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_UP, Context, Decimal, localcontext

# 50 significant digits: the contract asks for at least 28 and never rounds intermediates.
CONTEXT = Context(prec=50, rounding=ROUND_HALF_UP)
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")
_QUANTUM = {places: Decimal(1).scaleb(-places) for places in range(13)}  # plain(x, places)


def engine_context() -> AbstractContextManager[Context]:
    """A context manager that runs a block with the engine's precision."""
    return localcontext(CONTEXT)


def round2(value: Decimal) -> Decimal:
    """Half-up (ties away from zero) to 2 decimals."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def round_to(value: Decimal, places: int = 0) -> Decimal:
    """Half-up to ``places`` decimals (the formula language's ``round``)."""
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def ceil(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_CEILING)


def floor(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_FLOOR)


def clamp(value: Decimal, low: Decimal | None, high: Decimal | None) -> Decimal:
    if low is not None and value < low:
        value = low
    if high is not None and value > high:
        value = high
    return value


def plain(value: Decimal | int | None, places: int | None = None) -> str:
    """A human-readable number: no exponent, no all-zero fraction (28.00 -> 28, 0.70 stays).

    ``places`` limits the shown decimals (used in explanations, never in stored results).
    """
    if value is None:
        return "—"
    if type(value) is not Decimal:
        return _plain(Decimal(value), places)
    # A cycle writes the same few numbers (targets, steps, scales) hundreds of thousands of
    # times; the text of a Decimal keeps its exponent, so 0.7 and 0.70 are different keys.
    key = (str(value), places)
    text = _PLAIN.get(key)
    if text is None:
        text = _plain(value, places)
        if len(_PLAIN) < 50_000:
            _PLAIN[key] = text
    return text


_PLAIN: dict[tuple[str, int | None], str] = {}


def _plain(d: Decimal, places: int | None) -> str:
    if places is not None:
        exponent = d.as_tuple().exponent  # a letter for NaN and infinity
        if isinstance(exponent, int) and exponent < -places:
            d = d.quantize(_QUANTUM.get(places) or Decimal(1).scaleb(-places), ROUND_HALF_UP)
    text = format(d, "f")
    if "." in text:
        whole, frac = text.split(".")
        # Keep decimals as written (0.70 stays 0.70); drop only an all-zero fraction (28.00 -> 28).
        text = (
            whole
            if not frac.strip("0")
            else whole + "." + frac[:20].rstrip("0").ljust(min(len(frac), 2), "0")
        )
    return "0" if text in ("-0", "") else text
