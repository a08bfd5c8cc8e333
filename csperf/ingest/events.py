"""The 奖惩/事件 kinds (``event_kinds.yaml``): what supervisors, QC and HR record about a person.

Kinds are data: each has a code (``appearance_violation``), a Chinese name (accepted in the 类别
column of an import and shown on the 事件登记 page), a group, and what a row's number means
(``count`` occurrences, ``points`` or ``amount``). The feed registry says which card input reads
which kinds.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

from ruamel.yaml import YAML

Measure = Literal["count", "points", "amount"]
_FILE = Path(__file__).with_name("event_kinds.yaml")

# Spellings older imports used for the first kinds (kept so those files still import).
_LEGACY_ALIASES: dict[str, tuple[str, ...]] = {
    "praise_letter": ("表扬信", "书面表扬"),
    "complaint_repeat": ("重复投诉", "二次投诉"),
    "violation": ("违纪",),
    "serious_violation": ("重大违纪",),
    "untrue_report": ("报表不真实", "虚报"),
    "audit_correction": ("审计纠错",),
    "suggestion_adopted": ("建议被采纳", "合理化建议"),
    "extra_duty": ("额外工作", "加分项目"),
}


@dataclass(frozen=True)
class EventKind:
    code: str
    name: str
    group: str
    measure: Measure = "count"


@cache
def event_kinds() -> dict[str, EventKind]:
    """Every kind by code, in the catalogue's order."""
    data = YAML(typ="safe").load(_FILE.read_text(encoding="utf-8"))
    out: dict[str, EventKind] = {}
    for group, kinds in data.items():
        for code, spec in kinds.items():
            if code in out:
                raise ValueError(f"{_FILE.name}: kind {code} is listed twice")
            measure = spec.get("measure", "count")
            if measure not in ("count", "points", "amount"):
                raise ValueError(f"{_FILE.name}: {code}: unknown measure {measure!r}")
            out[code] = EventKind(code, spec["name"], group, measure)
    return out


def kind_choices() -> dict[str, tuple[str, ...]]:
    """The import's accepted spellings of each kind: its code, its name and older spellings."""
    return {
        code: (code, kind.name, *_LEGACY_ALIASES.get(code, ()))
        for code, kind in event_kinds().items()
    }
