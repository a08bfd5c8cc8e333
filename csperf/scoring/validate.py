"""Load a template: parse, check the shape (pydantic), then the cross-field rules.

Every problem is reported with its path inside the document (``sections[0].items[2].rule``)
and, for YAML, its line; all problems found are reported at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pydantic import ValidationError

from csperf.kernel.problems import Problem
from csperf.scoring.errors import TemplateError, join_path
from csperf.scoring.loader import Document, LoadError, parse_document
from csperf.scoring.model import (
    CODE_RE,
    AlertWhen,
    Item,
    Section,
    Template,
)
from csperf.scoring.rules import kind_of
from csperf.scoring.rules.base import condition_problems, positive


def load_template(text: str, *, source: str = "<template>", fmt: str | None = None) -> Template:
    """Parse and validate a template written in YAML or JSON; raise :class:`TemplateError`."""
    try:
        doc = parse_document(text, fmt)
    except LoadError as exc:
        raise TemplateError(source, [exc.problem]) from None
    return template_from_document(doc, source=source)


def template_from_data(data: Any, *, source: str = "<template>") -> Template:
    """Validate already-parsed data (e.g. from a database JSON column)."""
    return template_from_document(Document(data), source=source)


def template_from_document(doc: Document, *, source: str) -> Template:
    if not isinstance(doc.data, dict):
        raise TemplateError(source, [Problem("", "a template is a mapping (code, version, …)")])
    try:
        template = Template.model_validate(doc.data)
    except ValidationError as exc:
        problems = [_problem(err, doc) for err in exc.errors()]
        problems.sort(key=lambda p: p.row or 0)  # in the order a reader meets them
        raise TemplateError(source, _dedupe(problems)) from None
    problems = list(_semantic_problems(template))
    if problems:
        raise TemplateError(
            source, [Problem(p.path, p.message, doc.line_of(p.path)) for p in problems]
        )
    return template


# -- turning pydantic errors into paths ------------------------------------------------------


def _path_of(loc: Sequence[str | int], data: Any) -> str:
    """Follow ``loc`` through the input, dropping pydantic's own segments (union tags)."""
    path, node = "", data
    tag_skipped_at = None
    for n, part in enumerate(loc):
        last = n == len(loc) - 1
        if (
            isinstance(node, dict)
            and not last
            and part == node.get("type")
            and tag_skipped_at is not node
        ):
            tag_skipped_at = node
            continue  # the discriminated union's tag (a rule type), not a key
        if isinstance(node, dict) and not isinstance(part, int) and part in node:
            path, node = join_path(path, part), node[part]
        elif isinstance(node, dict) and isinstance(part, int) and str(part) in map(str, node):
            path, node = join_path(path, str(part)), None
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            path, node = join_path(path, part), node[part]
        elif isinstance(node, (list, tuple)) and isinstance(part, str) and part.isdigit():
            idx = int(part)
            path, node = join_path(path, idx), node[idx] if idx < len(node) else None
        elif last and isinstance(node, dict) and isinstance(part, str) and not _internal(part):
            path = join_path(path, part)  # a required key that is absent
        # otherwise: a union member's tag or a validator's name, not a place in the document
    return path


def _problem(err: Any, doc: Document) -> Problem:
    path = _path_of(err["loc"], doc.data)
    kind = err["type"]
    if kind == "extra_forbidden":
        message = "unknown key (extensions must start with 'x-')"
    elif kind == "missing":
        message = (
            "expected a [value, score] pair" if isinstance(err["loc"][-1], int) else "required"
        )
    elif kind == "union_tag_invalid":
        ctx = err.get("ctx", {})
        message = (
            f"unknown rule type {ctx.get('tag')!r}; expected one of {ctx.get('expected_tags')}"
        )
    elif kind == "union_tag_not_found":
        message = "a rule needs a 'type' (tiers, linear, step, per_count, ratio, levels, manual, relative, formula)"
    elif kind in ("model_type", "model_attributes_type", "dict_type"):
        message = "expected a mapping"
    elif kind in ("list_type", "tuple_type"):
        message = "expected a list"
    elif kind in ("string_type",):
        message = "expected text"
    elif kind == "bool_type":
        message = "expected true or false"
    elif kind == "literal_error":
        message = f"must be one of {err.get('ctx', {}).get('expected')}, got {err.get('input')!r}"
    elif kind == "too_short":
        message = "must not be empty" if err.get("ctx", {}).get("min_length") == 1 else err["msg"]
    elif kind == "value_error":
        message = str(err.get("ctx", {}).get("error", err["msg"]))
    else:
        message = err["msg"]
    pair = "tuple" in str(err["loc"]) or (len(err["loc"]) and isinstance(err["loc"][-1], int))
    if kind in ("too_short", "too_long") and isinstance(err.get("input"), (list, tuple)) and pair:
        message = "expected a [value, score] pair"
    return Problem(path, message, doc.line_of(path))


def _dedupe(problems: Iterable[Problem]) -> list[Problem]:
    seen: set[tuple[str, str]] = set()
    out = []
    for p in problems:
        if (p.path, p.message) not in seen:
            seen.add((p.path, p.message))
            out.append(p)
    return out


# -- rules that span fields -------------------------------------------------------------------


def _semantic_problems(t: Template) -> Iterable[Problem]:
    if not CODE_RE.match(t.code):
        yield Problem("code", "must be lowercase letters, digits and '-' ([a-z0-9-]+)")
    if t.version < 1:
        yield Problem("version", "must be a whole number ≥ 1")
    if not 1 <= t.period_start_day <= 28:
        yield Problem("period_start_day", "must be between 1 and 28")
    sections_seen: dict[str, int] = {}
    items_seen: dict[str, str] = {}
    for s_idx, section in enumerate(t.sections):
        spath = f"sections[{s_idx}]"
        if section.code in sections_seen:
            yield Problem(f"{spath}.code", f"duplicate section code {section.code!r}")
        sections_seen.setdefault(section.code, s_idx)
        yield from _section_problems(section, spath)
        for i_idx, item in enumerate(section.items):
            ipath = f"{spath}.items[{i_idx}]"
            if item.code in items_seen:
                yield Problem(
                    f"{ipath}.code",
                    f"duplicate item code {item.code!r} (also at {items_seen[item.code]})",
                )
            items_seen.setdefault(item.code, ipath)
            yield from _item_problems(item, ipath)
    if t.total.max is not None and t.total.max < t.total.min:
        yield Problem("total.max", "must not be less than total.min")
    for v_idx, veto in enumerate(t.total.veto):
        if not veto.has_condition:
            yield Problem(f"total.veto[{v_idx}]", "a veto needs a condition (gte, gt, lte or lt)")
    yield from condition_problems(t.grades, "grades", "grade")
    if t.ranking:
        for end in ("top", "bottom"):
            label = getattr(t.ranking, end)
            if label is not None and label.count < 1:
                yield Problem(f"ranking.{end}.count", "must be at least 1")
    if t.pay:
        if t.pay.mode == "bands" and not t.pay.bands:
            yield Problem("pay.bands", "mode: bands needs a list of bands")
        yield from condition_problems(t.pay.bands, "pay.bands", "band")
        if t.pay.min_factor is not None and t.pay.min_factor < 0:
            yield Problem("pay.min_factor", "must not be negative")
        for c_idx, comp in enumerate(t.pay.components):
            yield from _component_problems(comp, f"pay.components[{c_idx}]")
    for a_idx, alert in enumerate(t.alerts):
        yield from _when_problems(alert.when, f"alerts[{a_idx}].when")
        if alert.consecutive < 1:
            yield Problem(f"alerts[{a_idx}].consecutive", "must be at least 1")
    yield from _template_extension_problems(t)


def _section_problems(section: Section, path: str) -> Iterable[Problem]:
    if section.weight is not None:
        if section.kind != "base":
            yield Problem(
                f"{path}.weight",
                f"weight is allowed on base sections only (this one is {section.kind})",
            )
        elif section.weight < 0:
            yield Problem(f"{path}.weight", "must not be negative")
    if section.min is not None and section.max is not None and section.max < section.min:
        yield Problem(f"{path}.max", "must not be less than min")


def _item_problems(item: Item, path: str) -> Iterable[Problem]:
    rule, rpath = item.rule, f"{path}.rule"
    yield from positive(item.points, f"{path}.points")
    yield from positive(rule.scale, f"{rpath}.scale")
    if item.rated:
        if item.value is not None:
            yield Problem(
                f"{path}.value", f"a {rule.type} item is rated: it takes raters, not value"
            )
    else:
        if item.value is None:
            yield Problem(
                f"{path}.value", f"required for a {rule.type} rule (the variable it scores)"
            )
    yield from _extension_problems(item, path)
    scale = item.scale
    yield from kind_of(rule).problems(rule, path=rpath, scale=scale)


def _component_problems(comp: Any, path: str) -> Iterable[Problem]:
    ext = comp.extensions
    try:
        amount = comp.amount
    except ValueError as exc:
        yield Problem(f"{path}.x-amount", str(exc))
        return
    if comp.value is None:  # a fixed amount (G3): nothing else applies
        if amount is None or comp.rate is not None or "x-when" in ext or "x-rate-tiers" in ext:
            yield Problem(
                path, "a pay component without a value is a fixed sum: x-amount and nothing else"
            )
        return
    if "x-rate-tiers" in ext:
        yield from _rate_tier_problems(comp, path, amount)
        return
    if "x-when" in ext:
        try:
            when = comp.when
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(x) for x in first["loc"])
            yield Problem(f"{path}.x-when" + (f".{where}" if where else ""), first["msg"])
            return
        if when is not None and not when.has_condition:
            yield Problem(f"{path}.x-when", "needs a condition (gte, gt, lte or lt)")
    if (comp.rate is None) == (amount is None):
        yield Problem(
            path, "a pay component needs rate (× value), or x-amount (a fixed sum), not both"
        )
    if amount is not None and "x-when" not in ext:
        yield Problem(
            f"{path}.x-amount",
            "with a value it goes with x-when (the condition under which it is paid); "
            "without a value it is a fixed sum",
        )


def _rate_tier_problems(comp: Any, path: str, amount: Any) -> Iterable[Problem]:
    """A bracketed commission (G4): brackets with conditions, the rate of one applied whole."""
    ext = comp.extensions
    if comp.rate is not None or amount is not None or "x-when" in ext:
        yield Problem(path, "x-rate-tiers replaces rate, x-amount and x-when")
    if ext.get("x-tier-mode", "whole") != "whole":
        yield Problem(f"{path}.x-tier-mode", "only 'whole' (the bracket's rate on the whole value)")
    try:
        tiers = comp.rate_tiers
    except (ValueError, ValidationError) as exc:
        yield Problem(f"{path}.x-rate-tiers", _first_error(exc))
        return
    yield from condition_problems(tiers, f"{path}.x-rate-tiers", "bracket")


def _first_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        first = exc.errors()[0]
        where = ".".join(str(x) for x in first["loc"])
        return f"{where}: {first['msg']}" if where else first["msg"]
    return str(exc)


def _when_problems(w: AlertWhen, path: str) -> Iterable[Problem]:
    """An alert's ``when``: result keys, a value condition (G2) and ``all`` of such parts."""
    keys = [k for k in AlertWhen.RESULT_KEYS if getattr(w, k) is not None]
    bounds = [k for k in ("gte", "gt", "lte", "lt") if getattr(w, k) is not None]
    if w.value is not None and not bounds:
        yield Problem(path, f"value: {w.value} needs a condition (gte, gt, lte or lt)")
    if bounds and w.value is None:
        yield Problem(f"{path}.{bounds[0]}", "a condition needs the value it tests (value: name)")
    if w.all is not None and not w.all:
        yield Problem(f"{path}.all", "must list at least one condition")
    if not keys and w.value is None and not w.all:
        yield Problem(
            path,
            "needs at least one of grade, total_lt, total_gte, rank, rank_from_bottom, "
            "value (with a condition) or all",
        )
    for i, part in enumerate(w.all or []):
        yield from _when_problems(part, f"{path}.all[{i}]")


def _extension_problems(item: Item, path: str) -> Iterable[Problem]:
    """``x-unit``/``x-range`` and ``x-from-card`` on an item."""
    ext = item.extensions
    if "x-range" in ext and "x-unit" not in ext:
        yield Problem(f"{path}.x-range", "goes with x-unit")
    if "x-unit" in ext:
        if item.value is None:
            yield Problem(f"{path}.x-unit", "the unit of the item's value: the item has no value")
        else:
            try:
                item.unit  # noqa: B018 - parsing is the check
            except ValueError as exc:
                yield Problem(f"{path}.x-unit", str(exc))
    if "x-from-card" in ext:
        try:
            item.from_card  # noqa: B018
        except ValueError as exc:
            yield Problem(f"{path}.x-from-card", str(exc))
        if item.value is None:
            yield Problem(f"{path}.x-from-card", "fills the item's value: the item has no value")


def _template_extension_problems(t: Template) -> Iterable[Problem]:
    for key, parse in (("x-inputs", t.input_specs), ("x-eligibility", lambda: t.eligibility)):
        try:
            parse()
        except ValueError as exc:
            yield Problem(key, str(exc))


def _internal(segment: str) -> bool:
    """pydantic's own location names (``function-plain[to_number()]``, ``dict[str,…]``)."""
    return "[" in segment or "(" in segment
