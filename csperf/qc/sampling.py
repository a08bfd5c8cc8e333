"""Sampling plans (抽检方案) and assignment to inspectors. Pure Python, no Django.

Per agent and period the plan draws either a fixed ``count`` (e.g. 25 calls) or a ``share`` of
the agent's interactions with a ``minimum`` (and an optional ``maximum``). Rules reserve part of
the sample for a subset, e.g. "30% of the monitoring volume on calls the customer did not rate"
(``{match: {rated: false}, share: 0.3}``). What is left is spread over the strata (queue or
channel) in proportion to their volume (largest remainder), so a small queue is not forgotten.

The draw is random but reproducible: every random choice is seeded from the plan's seed, the
agent and the stratum, and the population is sorted by interaction id first, so the same plan on
the same interactions always picks the same ones, whatever order the rows arrive in.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any


class PlanError(ValueError):
    """A sampling plan that cannot be used; the message names the field."""


@dataclass(frozen=True)
class Interaction:
    id: str
    agent: str
    queue: str = ""
    channel: str = ""
    rated: bool | None = None  # the customer left a rating (None: unknown)
    attrs: Mapping[str, Any] = field(default_factory=dict)

    def get(self, name: str) -> Any:
        if name in ("queue", "channel", "rated", "agent", "id"):
            return getattr(self, name)
        return self.attrs.get(name)


@dataclass(frozen=True)
class Rule:
    """Reserve ``share`` of each agent's sample for the interactions matching ``match``."""

    match: Mapping[str, Any]
    share: Decimal
    label: str = ""

    def matches(self, it: Interaction) -> bool:
        for k, want in self.match.items():
            have = it.get(k)
            if isinstance(want, list | tuple | set | frozenset):
                if have not in want:
                    return False
            elif have != want:
                return False
        return True


@dataclass(frozen=True)
class SampleRules:
    mode: str  # count | share
    count: int = 0
    share: Decimal = Decimal(0)
    minimum: int = 0
    maximum: int | None = None
    stratify: str = ""  # "" | queue | channel | any attribute name
    rules: tuple[Rule, ...] = ()
    seed: str = "0"

    def validate(self) -> None:
        if self.mode not in ("count", "share"):
            raise PlanError("mode: must be count or share")
        if self.mode == "count" and self.count < 1:
            raise PlanError("count: must be at least 1")
        if self.mode == "share" and not Decimal(0) < self.share <= Decimal(1):
            raise PlanError("share: must be above 0 and at most 1 (e.g. 0.05 for 5%)")
        if self.minimum < 0:
            raise PlanError("minimum: must not be negative")
        if self.maximum is not None and self.maximum < max(1, self.minimum):
            raise PlanError("maximum: must be at least the minimum and at least 1")
        total = Decimal(0)
        for i, r in enumerate(self.rules):
            if not Decimal(0) < r.share <= Decimal(1):
                raise PlanError(f"rules[{i}].share: must be above 0 and at most 1")
            if not r.match:
                raise PlanError(f"rules[{i}].match: names no condition")
            total += r.share
        if total > 1:
            raise PlanError("rules: their shares add up to more than 100%")

    def target(self, population: int) -> int:
        """How many interactions to draw from an agent's ``population``."""
        if self.mode == "count":
            n = self.count
        else:
            n = max(self.minimum, math.ceil(self.share * population))
            if self.maximum is not None:
                n = min(n, self.maximum)
        return min(n, population)


@dataclass(frozen=True)
class Pick:
    interaction: Interaction
    reason: str  # "rule:<label>" or "stratum:<value>"


def plan_from_dict(data: Mapping[str, Any]) -> SampleRules:
    """Build a plan from form or API input ({mode, count, share, minimum, ..., rules})."""

    def dec(key: str, value: Any) -> Decimal:
        try:
            d = Decimal(str(value).strip().rstrip("%"))
        except Exception:
            raise PlanError(f"{key}: {value!r} is not a number") from None
        if str(value).strip().endswith("%"):
            d = d / 100
        return d

    def whole(key: str, value: Any, default: int | None) -> int | None:
        if value is None or str(value).strip() == "":
            return default
        try:
            return int(str(value).strip())
        except ValueError:
            raise PlanError(f"{key}: {value!r} is not a whole number") from None

    rules = []
    for i, r in enumerate(data.get("rules") or []):
        if not isinstance(r, Mapping):
            raise PlanError(f"rules[{i}]: must be a mapping of match and share")
        match = r.get("match")
        if not isinstance(match, Mapping):
            raise PlanError(f"rules[{i}].match: must be a mapping such as {{rated: false}}")
        rules.append(
            Rule(
                match=dict(match),
                share=dec(f"rules[{i}].share", r.get("share")),
                label=str(r.get("label") or ",".join(f"{k}={v}" for k, v in match.items())),
            )
        )
    plan = SampleRules(
        mode=str(data.get("mode") or "count"),
        count=whole("count", data.get("count"), 0) or 0,
        share=dec("share", data.get("share"))
        if data.get("share") not in (None, "")
        else Decimal(0),
        minimum=whole("minimum", data.get("minimum"), 0) or 0,
        maximum=whole("maximum", data.get("maximum"), None),
        stratify=str(data.get("stratify") or ""),
        rules=tuple(rules),
        seed=str(data.get("seed") if data.get("seed") is not None else "0"),
    )
    plan.validate()
    return plan


def allocate(n: int, sizes: Mapping[str, int]) -> dict[str, int]:
    """Split ``n`` over strata in proportion to their sizes (largest remainder, ties by name),
    never giving a stratum more than it holds."""
    total = sum(sizes.values())
    out = dict.fromkeys(sizes, 0)
    if n <= 0 or total == 0:
        return out
    n = min(n, total)
    quotas = {k: Decimal(n) * v / total for k, v in sizes.items()}
    for k, q in quotas.items():
        out[k] = min(sizes[k], int(q))
    left = n - sum(out.values())
    order = sorted(sizes, key=lambda k: (-(quotas[k] - int(quotas[k])), k))
    while left > 0:
        moved = False
        for k in order:
            if left == 0:
                break
            if out[k] < sizes[k]:
                out[k] += 1
                left -= 1
                moved = True
        if not moved:
            break
    return out


def _rng(seed: str, *parts: str) -> random.Random:
    return random.Random("\x1f".join([seed, *parts]))


def _draw(pool: list[Interaction], k: int, seed: str, *parts: str) -> list[Interaction]:
    if k >= len(pool):
        return list(pool)
    return _rng(seed, *parts).sample(pool, k)


def _stratified(
    pool: list[Interaction], n: int, plan: SampleRules, agent: str, tag: str
) -> list[tuple[Interaction, str]]:
    if not plan.stratify:
        return [(it, f"{tag}") for it in _draw(pool, n, plan.seed, agent, tag)]
    groups: dict[str, list[Interaction]] = defaultdict(list)
    for it in pool:
        groups[str(it.get(plan.stratify) or "")].append(it)
    shares = allocate(n, {k: len(v) for k, v in groups.items()})
    out = []
    for key in sorted(groups):
        for it in _draw(groups[key], shares[key], plan.seed, agent, tag, key):
            out.append((it, f"{tag}:{plan.stratify}={key}" if key else tag))
    return out


def draw_sample(plan: SampleRules, interactions: Iterable[Interaction]) -> dict[str, list[Pick]]:
    """The sample per agent: {agent: [Pick]} sorted by interaction id."""
    plan.validate()
    by_agent: dict[str, list[Interaction]] = defaultdict(list)
    seen: set[str] = set()
    for it in interactions:
        if not it.agent:
            continue  # never answered: nobody to inspect
        if it.id in seen:
            raise PlanError(f"interaction {it.id} appears twice")
        seen.add(it.id)
        by_agent[it.agent].append(it)
    result: dict[str, list[Pick]] = {}
    for agent in sorted(by_agent):
        pop = sorted(by_agent[agent], key=lambda i: i.id)
        n = plan.target(len(pop))
        picked: list[tuple[Interaction, str]] = []
        taken: set[str] = set()
        for ri, rule in enumerate(plan.rules):
            want = int((rule.share * n).to_integral_value(rounding=ROUND_HALF_UP))
            subset = [i for i in pop if i.id not in taken and rule.matches(i)]
            for it, why in _stratified(subset, want, plan, agent, f"rule{ri}"):
                picked.append((it, f"rule:{rule.label}" + why[len(f"rule{ri}") :]))
                taken.add(it.id)
        rest = [i for i in pop if i.id not in taken]
        for it, why in _stratified(rest, n - len(picked), plan, agent, "stratum"):
            picked.append((it, why if why != "stratum" else "random"))
            taken.add(it.id)
        result[agent] = sorted(
            (Pick(it, why) for it, why in picked), key=lambda p: p.interaction.id
        )
    return result


# -- assignment to inspectors -----------------------------------------------------------------


@dataclass(frozen=True)
class Inspector:
    id: str
    capacity: int = 0  # the period's target volume (质检量); 0: no limit, weight 1
    load: int = 0  # already assigned this period
    exclude_agents: frozenset[str] = frozenset()  # e.g. the inspector's own employee code


def assign(picks: Mapping[str, Sequence[Pick]], inspectors: Sequence[Inspector]) -> dict[str, str]:
    """{interaction id: inspector id}, keeping each agent with one inspector where possible and
    balancing the load relative to each inspector's capacity (least loaded first, ties by id).
    Nobody inspects themselves."""
    if not inspectors:
        raise PlanError("no inspector to assign the sample to")
    load = {i.id: i.load for i in inspectors}
    cap = {i.id: i.capacity for i in inspectors}

    def fill(iid: str, extra: int) -> Decimal:
        c = cap[iid]
        return Decimal(load[iid] + extra) / (c if c > 0 else 1)

    out: dict[str, str] = {}
    # biggest samples first so the balance ends even (longest-processing-time heuristic)
    for agent in sorted(picks, key=lambda a: (-len(picks[a]), a)):
        items = picks[agent]
        if not items:
            continue
        allowed = [i for i in inspectors if agent not in i.exclude_agents]
        if not allowed:
            raise PlanError(f"no inspector may inspect agent {agent}")
        best = min(allowed, key=lambda i: (fill(i.id, len(items)), i.id))
        for p in items:
            out[p.interaction.id] = best.id
        load[best.id] += len(items)
    return out


def workload(assignment: Mapping[str, str]) -> dict[str, int]:
    """Interactions per inspector (质检量)."""
    out: dict[str, int] = defaultdict(int)
    for iid in assignment.values():
        out[iid] += 1
    return dict(out)
