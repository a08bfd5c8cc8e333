"""What every rule type shares: the scored result, the context a rule scores in, and the base
class each rule type (``tiers``, ``step`` …) derives from.

A rule type owns its arithmetic (:meth:`RuleKind.score`), its sentence on the printed card
(:meth:`RuleKind.describe`), its cross-field checks (:meth:`RuleKind.problems`) and, for rated
rules, which ratings it accepts (:meth:`RuleKind.rating`). The keyword ``full`` (the rule's
scale) and ``none`` (no upper bound) are resolved here and nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, ClassVar

from csperf.kernel.problems import Problem
from csperf.scoring.errors import join_path
from csperf.scoring.inputs import Employee, number
from csperf.scoring.model import NONE, ByPeriod, Condition, resolve_bound

# -- "full" and "none" ------------------------------------------------------------------------


def resolve(bound: Decimal | str, full: Decimal) -> Decimal:
    """A min/max/start as a number: the rule's scale for ``full``."""
    return resolve_bound(bound, full)


def upper(bound: Decimal | str, full: Decimal) -> Decimal | None:
    """A max as a number, or None for ``none`` (uncapped, G8)."""
    return None if bound == NONE else resolve_bound(bound, full)


# -- what scoring produces and raises ---------------------------------------------------------


@dataclass
class Scored:
    score: Decimal
    explain: str  # the machine form (0.70 >= 0.65 -> 80)
    flags: list[str] = field(default_factory=list)
    parts: dict[str, Any] = field(default_factory=dict)  # for csperf.scoring.explain


class MissingValue(Exception):
    """An item has no usable value; ``why`` goes into the flag (csperf.scoring.explain.missing
    lists every reason)."""

    def __init__(self, why: str, *, flag: bool = False, value: Any = None) -> None:
        super().__init__(why)
        self.why = why
        self.flag = flag  # flag it whatever the missing policy (e.g. a peer statistic of 0)
        self.value = value


class InputProblem(Exception):
    """An employee's input cannot be scored (reported at ``path`` of the input)."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.message = message


class RatingRejected(ValueError):
    """A rating a rated rule does not accept: ``levels`` (the levels it has) or ``low``/``high``
    (the range of a manual score) say why, for callers that word it themselves."""

    def __init__(
        self,
        message: str,
        *,
        levels: Sequence[int] = (),
        low: Decimal | None = None,
        high: Decimal | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.levels = tuple(levels)
        self.low = low
        self.high = high


@dataclass(frozen=True)
class Rating:
    """One accepted rating: its score on the rule's scale, how the explanation shows it and
    its level (levels rules)."""

    score: Decimal
    shown: str
    level: int | None = None


@dataclass(frozen=True)
class ScoreContext:
    """What a rule may read besides its value, for one employee and one item."""

    full: Decimal  # the rule's scale
    points: Decimal
    target: Decimal | None
    target_path: str  # the employee's assigned target (errors about it are reported there)
    peer_stats: Mapping[str | None, Decimal | None]  # this item's peer statistics by group
    group: Callable[[str], str | None]  # the employee's group among ``team``/``department``/``all``
    values: Mapping[str, Any]  # the employee's inputs (formulas read v.<name>)
    previous: Callable[[], Mapping[str, Any]]  # the inputs of the period before (prev())
    rating_text: str | None = None  # rated items: the ratings, combined
    rating_parts: dict[str, Any] | None = None


@dataclass(frozen=True)
class Words:
    """How a rule's description shows numbers: ``fmt`` values (a percentage unit shows 65%),
    ``target`` a target of any kind; ``kind_names`` and ``labels`` name kinds and inputs."""

    full: Decimal
    fmt: Callable[[Decimal], str]
    target: Callable[[Any], str]
    kind_names: Mapping[str, str] | None = None
    labels: Mapping[str, str] | None = None


# -- cross-field checks several rule types share ----------------------------------------------


def condition_problems(entries: Sequence[Condition], path: str, what: str) -> Iterable[Problem]:
    """Only the last entry of a list of conditions may be the fallback (no condition)."""
    for i, entry in enumerate(entries):
        if not entry.has_condition and i != len(entries) - 1:
            yield Problem(
                join_path(path, i),
                f"an entry without a condition is the fallback and may only be the last {what}",
            )


def positive(
    value: Decimal | None, path: str, what: str = "must be greater than 0"
) -> Iterable[Problem]:
    if value is not None and value <= 0:
        yield Problem(path, what)


def limits_problems(rule: Any, path: str, scale: Decimal) -> Iterable[Problem]:
    """``max`` (when not ``none``) must not be less than ``min``."""
    high = upper(rule.max, scale)
    if high is not None and high < resolve(rule.min, scale):
        yield Problem(f"{path}.max", "must not be less than min")


def positive_target_problems(target: Any, path: str) -> Iterable[Problem]:
    """A fixed or per-period target a ratio divides by must be greater than 0."""
    values: list[Decimal] = []
    if isinstance(target, Decimal):
        values = [target]
    elif isinstance(target, ByPeriod):
        values = [v for _, v in target.entries] + (
            [target.default] if target.default is not None else []
        )
    if any(v <= 0 for v in values):
        yield Problem(path, "a ratio target must be greater than 0")


# -- the base class ---------------------------------------------------------------------------


class RuleKind:
    """One rule type. Subclasses set ``name`` (the YAML ``type``) and override what differs."""

    name: ClassVar[str]
    rated: ClassVar[bool] = False  # scored from raters' ratings, not from a value
    counts: ClassVar[bool] = False  # its value is a count (a negative one is an input error)
    # the unit its value has when the template names none (a correction is checked against it)
    implied_unit: ClassVar[str | None] = None
    computed: ClassVar[bool] = False  # scored by a formula over inputs: no value to correct alone

    def read(
        self,
        rule: Any,
        value: Any,
        *,
        path: str,
        rejected: bool,
        report: Callable[[str, str], None],
    ) -> Any:
        """The value the rule scores, from the input (None: absent); raise MissingValue."""
        if value is None:
            raise MissingValue("value outside its domain" if rejected else "no data")
        if isinstance(value, (dict, bool)) or not isinstance(value, (int, Decimal, float)):
            report(path, "expected a number")
            raise MissingValue("bad value")
        return number(value)

    def rating(self, rule: Any, rating: Decimal, *, full: Decimal) -> Rating:
        """A rater's rating as a score; raise RatingRejected (rated rules only)."""
        raise NotImplementedError(f"a {self.name} rule is not rated")

    def listed_levels(self, rule: Any) -> Sequence[Any]:
        """The levels a rater picks from (``levels`` rules; none for the others)."""
        return ()

    def rating_range(self, rule: Any, *, full: Decimal) -> tuple[Decimal, Decimal] | None:
        """The lowest and highest score a rater may give (``manual`` rules; None otherwise)."""
        return None

    def counted_by_kind(self, rule: Any) -> bool:
        """The value is counts by kind (迟到 2, 早退 1), not one number."""
        return False

    def input_names(self, rule: Any) -> Iterable[str]:
        """The inputs the rule reads besides the item's value (none by default)."""
        return ()

    def peer_statistics(
        self,
        rule: Any,
        samples: Sequence[tuple[Employee, Decimal | None]],
        group_of: Callable[[Employee, str], str | None],
    ) -> dict[str | None, Decimal | None]:
        """Statistics over every employee's value the rule compares with (none by default)."""
        return {}

    def score(self, rule: Any, value: Any, ctx: ScoreContext) -> Scored:
        raise NotImplementedError(self.name)

    def describe(self, rule: Any, words: Words) -> str:
        raise NotImplementedError(self.name)

    def problems(self, rule: Any, *, path: str, scale: Decimal) -> Iterable[Problem]:
        """What is wrong across the rule's fields (the shape is checked by the model)."""
        return ()


def statistic(stat: str, values: Sequence[Decimal]) -> Decimal | None:
    """The ``mean``, ``median`` or ``max`` of ``values`` (None when there are none)."""
    if not values:
        return None
    if stat == "mean":
        return sum(values, Decimal(0)) / len(values)
    if stat == "max":
        return max(values)
    ordered = sorted(values)
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2
