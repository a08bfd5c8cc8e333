"""The demo centre gives every built-in template a realistic group and feeds every input.

A small demo (15 months up to 2026-03: the year 2025, the quarter 2026-Q1 and the month 2026-03
are full periods) is generated once. For every built-in template, the people of its positions
are scored from the records for the template's latest full period: every input the card reads
is delivered — except the inputs other cards fill in the evaluation cycle (``cards`` feeds),
listed here template by template, so that a new gap fails this test — and ``csperf score``
scores the card from the records without an error.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from csperf.cli.main import main
from csperf.ingest.demo.events import KINDS_BY_POSITION
from csperf.ingest.roster import read_roster
from csperf.ingest.store import open_store
from csperf.metrics.feeds import feed_for
from csperf.metrics.scorecard import build_score_input
from csperf.templates import builtin_codes, load_builtin

UNTIL = "2026-03"
PERIODS = {"month": "2026-03", "quarter": "2026-Q1", "year": "2025"}

# Inputs filled from other released cards of the same cycle (feed kind `cards`): the records
# cannot deliver them, the evaluation cycle does.
FROM_OTHER_CARDS: dict[str, set[str]] = {
    "cs-manager-kpi": {"team_mean_score"},
    "property-company-centre-rollup": {"cs_office_total", "environment_total", "security_total"},
}

# Department cards and managers: one holder is a realistic group; every other position has two.
SINGLE_HOLDER = {
    "呼叫中心事业部",
    "呼叫中心经理",
    "客服部经理",
    "客服部门",
    "客服部门(上线期)",
    "客服部门(成熟期)",
    "客户服务中心",
    "客户服务中心(汇总)",
    "客服处",
    "环境处",
    "安全处",
    "行政人资部",
}


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    data = tmp_path_factory.mktemp("demo")
    args = ["demo-data", "--agents", "12", "--months", "15", "--until", UNTIL, "--seed", "3"]
    assert main([*args, "--data", str(data)]) == 0
    return data


def _feeds(template):
    item_feeds = {i.value: i.extensions.get("x-feed") for _, i in template.items if i.value}
    return {
        name: feed_for(name, template=template.code, item_feed=item_feeds.get(name))
        for name in template.value_names()
    }


@pytest.mark.parametrize("code", builtin_codes())
def test_every_input_of_the_card_is_delivered(demo_dir, code, capsys):
    template = load_builtin(code)
    period = PERIODS[template.period]
    doc = build_score_input(template, period, positions=template.positions, data_dir=demo_dir)
    people = doc["employees"]
    assert people, f"{code}: nobody holds {template.positions} in the demo"
    missing = Counter(name for e in people for name in e.get("missing", {}))
    assert set(missing) == FROM_OTHER_CARDS.get(code, set()), dict(missing)
    feeds = _feeds(template)
    assert all(feeds[name].kind == "cards" for name in FROM_OTHER_CARDS.get(code, ()))
    for name in template.value_names() - FROM_OTHER_CARDS.get(code, set()):
        assert all(name in e["values"] for e in people), name
    capsys.readouterr()
    assert main(["score", code, "--period", period, "--data", str(demo_dir)]) == 0, (
        capsys.readouterr().err
    )


def test_every_position_of_a_template_has_a_group(demo_dir):
    with open_store(demo_dir) as store:
        roster = read_roster(store)
    last = dt.date(2026, 3, 31)
    held = Counter(p.position for p in roster.values() if p.active(last, last + dt.timedelta(1)))
    for code in builtin_codes():
        for position in load_builtin(code).positions:
            want = 1 if position in SINGLE_HOLDER else 2
            assert held[position] >= want, (code, position, held[position])


def test_the_roster_carries_terms_probation_and_a_leaver(demo_dir):
    with open_store(demo_dir) as store:
        people = list(read_roster(store).values())
    assert all(p.pay_base is not None and p.pay_base > 0 for p in people)
    assert {p.tier for p in people} <= {"初级", "中级", "高级", "资深"}
    bases = {(p.position, int(p.pay_base)) for p in people}
    assert {("基层客服", 300), ("客服主管", 500), ("话务员", 600), ("电商客服", 750)} <= bases
    last = dt.date(2026, 3, 31)
    assert sum(1 for p in people if p.on_probation(last)) >= 2
    assert [p for p in people if p.left_at and dt.date(2026, 3, 1) <= p.left_at <= last]


def test_the_event_kinds_of_each_card_are_generated():
    """The demo's table of event kinds per position follows the templates and the registry."""
    want: dict[str, set[str]] = {}
    for code in builtin_codes():
        template = load_builtin(code)
        kinds = {
            kind
            for feed in _feeds(template).values()
            for part in (feed, *feed.parts.values())
            for kind in part.event_codes()
        }
        for position in template.positions:
            want.setdefault(position, set()).update(kinds)
    got = {pos: set(kinds) for pos, kinds in KINDS_BY_POSITION.items()}
    assert {p: k for p, k in want.items() if k} == got
