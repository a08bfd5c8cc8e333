"""The missing-data report: the inputs the cycle's cards lack, grouped by the feed that did not
deliver them and then by team, each feed with the page that fixes it.

A card's ``inputs["missing"]`` maps each input it lacks to its feed in words (written when the
cycle is computed, csperf.metrics.scorecard); the feed registry (csperf/metrics/feeds.yaml) says
which record type, event register, roster field or value import fills it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from csperf.reviews.models import Card


@dataclass
class TeamLine:
    """One team's people lacking a feed: each person with the card and the inputs it lacks."""

    name: str
    people: list[dict[str, Any]] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.people)


@dataclass
class FeedGroup:
    """One feed that did not deliver, the page that fixes it and the teams it leaves short."""

    label: str
    fix_url: str
    fix_label: str
    inputs: set[str] = field(default_factory=set)
    teams: dict[str, TeamLine] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(t.count for t in self.teams.values())

    @property
    def team_lines(self) -> list[TeamLine]:
        return sorted(self.teams.values(), key=lambda t: (-t.count, t.name))

    @property
    def input_list(self) -> list[str]:
        return sorted(self.inputs)


def _records(kind: str) -> tuple[str, str]:
    from csperf.ingest.schema import RECORD_TYPES

    record = RECORD_TYPES.get(kind)
    label = record.label_zh if record else kind
    url = reverse("records_ui:index") + "?" + urlencode({"kind": kind})
    return url, _("Import %(records)s") % {"records": label}


def fix_for(name: str, template: str, cycle_id: int) -> tuple[str, str]:
    """(url, words) of the page that fills input ``name`` of ``template``: the import of the
    indicator's record type, the event register, the roster, the value import or the cycle."""
    from csperf.metrics.feeds import FeedError, feed_for
    from csperf.metrics.indicators import LIB

    try:
        feed = feed_for(name, template=template)
    except FeedError:
        return _records("values")
    if feed.kind == "map" and feed.parts:
        feed = next(iter(feed.parts.values()))
    if feed.kind == "indicator":
        indicator = LIB.get(feed.name)
        return _records(indicator.record if indicator else "values")
    if feed.kind == "events":
        return reverse("events:index"), _("Record and confirm the events")
    if feed.kind == "roster":
        return reverse("org:index"), _("Complete the roster")
    if feed.kind == "plans":
        return _records("plans")
    if feed.kind == "values":
        return _records("values")
    # cards and derived inputs: filled when the cycle is computed again
    return reverse("cycles:detail", args=[cycle_id]), _("Compute the cycle again")


def by_feed(cycle_id: int, cards: QuerySet[Card]) -> list[FeedGroup]:
    """The scored cards' missing inputs grouped by feed, then team (most people first)."""
    from csperf.metrics.feeds import shown_label

    groups: dict[str, FeedGroup] = {}
    fixes: dict[tuple[str, str], tuple[str, str]] = {}
    rows = (
        cards.exclude(result__isnull=True)
        .select_related("employee", "team", "department", "template")
        .order_by("department__code", "team__code", "employee__code")
    )
    for card in rows:
        missing = (card.inputs or {}).get("missing") or {}
        per_feed: dict[str, list[str]] = {}
        for name, label in missing.items():
            shown = shown_label(
                name, template=card.template.code, stored=str(label or ""), lang=get_language()
            )
            per_feed.setdefault(shown or str(_("no data")), []).append(name)
            key = (name, card.template.code)
            if key not in fixes:
                fixes[key] = fix_for(name, card.template.code, cycle_id)
        for label, names in per_feed.items():
            url, words = fixes[(names[0], card.template.code)]
            group = groups.setdefault(label, FeedGroup(label, url, words))
            group.inputs.update(names)
            team = f"{card.department.name} / {card.team.name}"
            line = group.teams.setdefault(team, TeamLine(team))
            line.people.append({"card": card, "inputs": sorted(names)})
    return sorted(groups.values(), key=lambda g: (-g.count, g.label))
