"""The feed registry: where each card input comes from (``feeds.yaml``, docs/feeds.md).

Every input a template reads has a feed: an indicator over the records, 奖惩/事件 records, the
月度数值与目标 import (values and targets), the roster, the 计划预算 rows, other cards, or a value
derived from other inputs. :class:`Feed` is one entry; :func:`feed_for` finds the entry of an input
(a template's own ``x-feed`` on the item, else ``name@template`` in the registry, else ``name``,
else an indicator of that code, else the values import). A feed that delivers nothing for a
person and period leaves the input **missing**, and :meth:`Feed.label` says which feed it was —
never a silent zero or full score.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from ruamel.yaml import YAML

from csperf.ingest.events import event_kinds
from csperf.ingest.schema import RECORD_TYPES
from csperf.metrics.indicators import LIB

FeedKind = Literal["indicator", "events", "map", "values", "roster", "plans", "cards", "derived"]
Level = Literal["employee", "team", "department", "center"]
Window = Literal["period", "to_date", "before"]
KINDS: tuple[FeedKind, ...] = (
    "indicator",
    "events",
    "map",
    "values",
    "roster",
    "plans",
    "cards",
    "derived",
)
_FILE = Path(__file__).with_name("feeds.yaml")
EVENTS_RECORDED = "events_recorded"  # the values row that says a unit's events are complete


# A feed's words by kind; the zh-Hans form is the one stored with cards (inputs["missing"]).
_LABELS_ZH: dict[str, str] = {
    "indicator": "{where}: {what}",
    "events": "奖惩/事件(incidents): {what}，本期登记未确认完毕",
    "map": "；",
    "values": "月度数值与目标(values): {name}",
    "roster": "员工花名册(employees): {name}",
    "plans": "计划预算(plans): {name}",
    "cards": "其他考核表(考核周期计算时从已发布的考核表填入)",
    "derived": "由其他输入计算: {name}",
}
_LABELS_EN: dict[str, str] = {
    "indicator": "{where}: {what}",
    "events": "incidents: {what}, this period's register not yet confirmed",
    "map": "; ",
    "values": "monthly values and targets (values): {name}",
    "roster": "employee roster (employees): {name}",
    "plans": "plans and budgets (plans): {name}",
    "cards": "other scorecards (filled from released cards when the cycle is computed)",
    "derived": "computed from other inputs: {name}",
}


class FeedError(ValueError):
    """A registry entry (or an item's ``x-feed``) that cannot be read."""


@dataclass(frozen=True)
class Feed:
    """One input's source. Only the fields of its ``kind`` are set."""

    kind: FeedKind
    name: str  # the indicator, values name, roster field, plan code or derived function
    params: Mapping[str, Any] = field(default_factory=dict)
    level: Level | None = None  # None: the template's x-feed-level, else employee
    events: Mapping[str, str] | str | None = None  # one kind, or {map key: kind}
    measure: str = "count"  # events: count | points | amount; plans: rate | actual | planned
    window: Window = "period"
    per_day: bool = False  # events: the count divided by the period's calendar days
    parts: Mapping[str, Feed] = field(default_factory=dict)  # map: key -> feed
    cards: Mapping[str, Any] = field(default_factory=dict)

    def label(self, lang: str | None = "zh-Hans") -> str:
        """Which feed this is, in words (for "缺少数据" on cards and in the CLI): zh-Hans by
        default (the form stored with each card), English for a code not starting with zh."""
        english = bool(lang) and not str(lang).lower().startswith("zh")
        text = (_LABELS_EN if english else _LABELS_ZH)[self.kind]
        if self.kind == "indicator":
            ind = LIB.get(self.name)
            record = RECORD_TYPES.get(ind.record) if ind else None
            if english:
                where = f"{record.name} records" if record else "records"
                what = (ind.name_en or ind.name_zh) if ind else self.name
            else:
                where = f"{record.label_zh}({record.name})" if record else "记录"
                what = ind.name_zh if ind else self.name
            return text.format(where=where, what=what)
        if self.kind == "events":
            return text.format(what=self._event_names(english))
        if self.kind == "map":
            return text.join(sorted({p.label(lang) for p in self.parts.values()}))
        return text.format(name=self.name)

    def _event_names(self, english: bool) -> str:
        kinds = [self.events] if isinstance(self.events, str) else list(self.events or {})
        if english:  # the kinds' names are the organisation's own (Chinese): show their codes
            return ", ".join(self.event_codes()) or ", ".join(kinds)
        names = [event_kinds()[k].name for k in self.event_codes() if k in event_kinds()]
        shown = "、".join(names[:3]) + ("等" if len(names) > 3 else "")
        return shown or ", ".join(kinds)

    def event_codes(self) -> list[str]:
        if self.events is None:
            return []
        return [self.events] if isinstance(self.events, str) else list(self.events.values())


@cache
def registry() -> dict[str, Feed]:
    """The registry entries by key (``name`` or ``name@template``)."""
    data = YAML(typ="safe").load(_FILE.read_text(encoding="utf-8")) or {}
    return {str(key): parse_feed(spec, where=f"{_FILE.name}: {key}") for key, spec in data.items()}


def parse_feed(spec: Any, *, where: str) -> Feed:
    if not isinstance(spec, dict):
        raise FeedError(f"{where}: a feed is a mapping such as {{indicator: answer_rate}}")
    kinds = [k for k in KINDS if k in spec]
    if len(kinds) != 1:
        raise FeedError(f"{where}: name exactly one of {', '.join(KINDS)}")
    kind = kinds[0]
    value = spec[kind]
    level = spec.get("level")
    if level not in (None, "employee", "team", "department", "center"):
        raise FeedError(f"{where}: level is employee, team, department or center")
    if kind == "map":
        if not isinstance(value, dict) or not value:
            raise FeedError(f"{where}: map is {{key: feed, ...}}")
        parts = {str(k): parse_feed(v, where=f"{where}.{k}") for k, v in value.items()}
        return Feed("map", "", parts=parts)
    if kind == "events":
        if isinstance(value, dict):
            events: Mapping[str, str] | str = {str(k): str(v) for k, v in value.items()}
        elif isinstance(value, str):
            events = value
        else:
            raise FeedError(f"{where}: events is a kind or {{key: kind}}")
        unknown = [
            k for k in Feed("events", "", events=events).event_codes() if k not in event_kinds()
        ]
        if unknown:
            raise FeedError(
                f"{where}: unknown event kind {unknown[0]} (csperf/ingest/event_kinds.yaml)"
            )
        measure = spec.get("measure", "count")
        window = spec.get("window", "period")
        if measure not in ("count", "points", "amount") or window not in (
            "period",
            "to_date",
            "before",
        ):
            raise FeedError(f"{where}: measure count|points|amount, window period|to_date|before")
        per_day = spec.get("per_day", False)
        if not isinstance(per_day, bool):
            raise FeedError(f"{where}: per_day is true or false")
        return Feed("events", "", events=events, measure=measure, window=window, per_day=per_day)
    if kind == "cards":
        if not isinstance(value, dict):
            raise FeedError(f"{where}: cards is {{scope, template, stat}}")
        return Feed("cards", "", cards=dict(value))
    if not isinstance(value, str) or not value:
        raise FeedError(f"{where}: {kind} names what to read")
    params = spec.get("params") or {}
    if not isinstance(params, dict):
        raise FeedError(f"{where}: params is a mapping")
    measure = spec.get("measure", "rate" if kind == "plans" else "count")
    return Feed(kind, value, params=dict(params), level=level, measure=measure)


def registry_problems() -> list[str]:
    """Entries naming an indicator the library does not have (the tests keep this empty)."""
    out = []
    for key, feed in registry().items():
        for f in [feed, *feed.parts.values()]:
            if f.kind == "indicator" and f.name not in LIB:
                out.append(f"{_FILE.name}: {key}: no indicator {f.name} in the library")
    return out


def feed_for(name: str, *, template: str | None = None, item_feed: Any = None) -> Feed:
    """The feed of input ``name`` on template ``template`` (see the module docstring)."""
    if item_feed is not None:
        return parse_feed(item_feed, where=f"{template}: x-feed of {name}")
    reg = registry()
    if template and f"{name}@{template}" in reg:
        return reg[f"{name}@{template}"]
    if name in reg:
        return reg[name]
    if name in LIB and LIB[name].available:
        return Feed("indicator", name)
    for prefix, make in _CONVENTIONS:
        rest = name.removeprefix(prefix)
        if rest != name and rest:
            feed = make(rest)
            if feed is not None:
                return feed
    return Feed("values", name)


def label_in(stored: str, lang: str | None) -> str:
    """A stored (zh-Hans) feed label in ``lang`` when some registered feed has those words (the
    label quoted in a card's flag: ``no data (label)``); else the stored words."""
    if not stored or not lang or str(lang).lower().startswith("zh"):
        return stored
    return _english_labels().get(stored, stored)


@cache
def _english_labels() -> dict[str, str]:
    out = {_LABELS_ZH["cards"]: _LABELS_EN["cards"]}
    for feed in registry().values():
        out.setdefault(feed.label(), feed.label("en"))
    return out


def shown_label(name: str, *, template: str, stored: str, lang: str | None) -> str:
    """The stored (zh-Hans) label of the feed that left input ``name`` of ``template`` empty,
    in ``lang``: worked out again from the registry, the stored words kept when the registry
    no longer says the same (an edited registry, an item's own ``x-feed``)."""
    if not stored or not lang or str(lang).lower().startswith("zh"):
        return stored
    if stored == _LABELS_ZH["cards"]:  # an item's own x-feed: cards, the same words for all
        return _LABELS_EN["cards"]
    try:
        feed = feed_for(name, template=template)
    except FeedError:
        return stored
    return feed.label(lang) if feed.label() == stored else stored


def _events_of(kind: str, measure: str) -> Feed | None:
    return Feed("events", "", events=kind, measure=measure) if kind in event_kinds() else None


# Names a custom template may use without a registry entry (docs/feeds.md).
_CONVENTIONS = (
    ("incidents_", lambda rest: _events_of(rest, "count")),
    ("points_", lambda rest: _events_of(rest, "points")),
    ("plan_rate_", lambda rest: Feed("plans", rest, measure="rate")),
    ("plan_actual_", lambda rest: Feed("plans", rest, measure="actual")),
)


def feeds_markdown() -> str:
    """docs/feeds.md's table: every input of the built-in templates and its feed."""
    from csperf.templates import builtin_codes, load_builtin

    users: dict[str, list[str]] = {}
    feeds: dict[str, set[str]] = {}
    for code in builtin_codes():
        t = load_builtin(code)
        item_feeds = {i.value: i.extensions.get("x-feed") for _, i in t.items if i.value}
        for name in sorted(t.value_names()):
            users.setdefault(name, []).append(code)
            feed = feed_for(name, template=code, item_feed=item_feeds.get(name))
            feeds.setdefault(name, set()).add(feed.label())
    lines = ["| input | feed | templates |", "|---|---|---|"]
    for name in sorted(users):
        shown = "<br>".join(sorted(feeds[name]))
        lines.append(f"| `{name}` | {shown} | {', '.join(users[name])} |")
    return "\n".join(lines) + "\n"
