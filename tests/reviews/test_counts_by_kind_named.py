"""A card's value that counts by kind ({room_discipline: 1, reporting: 0}) names each kind as
the rule in words does (the template's x-kinds, else the event catalogue), not by its code."""

from __future__ import annotations

from csperf.reviews.presenters import _named_kinds
from csperf.scoring import figures
from csperf.templates import load_builtin


def test_counts_by_kind_show_each_kind_by_its_name():
    template = load_builtin("callcenter-qc-inspector-monthly")
    item = next(it for _s, it in template.items if it.code == "conduct_violations")
    value = {"room_discipline": 1, "reporting": 0, "unknown_kind": 2}
    shown = figures.figure(_named_kinds(item, value), None)
    assert shown == (
        "违反机房现场工作纪律 1、出现问题未及时汇报、推诿或不服从上级管理 0、unknown_kind 2"
    )
    assert _named_kinds(item, 3) == 3  # a plain value as it is
