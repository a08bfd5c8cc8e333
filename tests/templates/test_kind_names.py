"""Every kind a per_count rule of a built-in template counts has a Chinese name (issue 16 item 2).

A kind is named by the rule's ``x-kinds`` or by the 奖惩/事件 catalogue (csperf/ingest/
event_kinds.yaml), the names the card, its explanation, the PDF and the xlsx show; an unnamed
kind would show its code (``minor``, ``late_count``) to the person rated.
"""

from __future__ import annotations

import re

import pytest

from csperf.exports.scorecard_xlsx import kind_names
from csperf.scoring.describe import kind_label
from csperf.templates import builtin_codes, load_builtin

CJK = re.compile(r"[\u4e00-\u9fff]")


def _counted_kinds(code: str) -> list[tuple[str, str, str]]:
    """(item code, kind, its name) of every kind the template's per_count rules count."""
    names = kind_names()
    out = []
    for _section, item in load_builtin(code).items:
        rule = item.rule
        if rule.type == "per_count" and isinstance(rule.per, dict):
            out += [(item.code, k, kind_label(rule, k, names)) for k in rule.per]
    return out


@pytest.mark.parametrize("code", builtin_codes())
def test_every_counted_kind_has_a_chinese_name(code):
    unnamed = [
        f"{item}: {kind}" for item, kind, name in _counted_kinds(code) if not CJK.search(name)
    ]
    assert unnamed == [], f"{code}: add these kinds to the rule's x-kinds"


def test_the_check_sees_kinds_named_only_by_code():
    """The check fails on a template whose kind has no name (it is not vacuous)."""
    counted = [k for code in builtin_codes() for k in _counted_kinds(code)]
    assert len(counted) > 50
    assert not CJK.search(kind_label(type("R", (), {"extensions": {}})(), "minor", {}))
