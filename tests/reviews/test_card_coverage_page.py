"""Issue 13.1 on the card page: the card's data coverage as a percentage, against the cycle's
minimum, with every record-fed item that had no data and the feed that did not deliver it."""

from __future__ import annotations

import re

import pytest

from tests.cycles.centre import centre_fixture  # noqa: F401  (the centre fixture)

pytestmark = pytest.mark.django_db


def _coverage_block(html: str) -> str:
    found = re.search(r'<div class="card-box" id="coverage">(.*?)</div>', html, re.S)
    assert found, "no coverage block on the card page"
    return found.group(1)


def test_the_card_shows_its_coverage_and_the_items_without_data(centre, client):
    client.force_login(centre.users["hr"])
    html = client.get(f"/cards/{centre.card('colleague').pk}/").content.decode()
    block = _coverage_block(html)
    assert "30%" in block and "80%" in block
    assert 'class="badge failed"' in block  # below the minimum
    for name, feed in [("一次解决率", "记录: fcr"), ("培训", "记录: training")]:
        assert name in block and feed in block
    assert "接通率" not in block  # it had data


def test_a_covered_card_shows_100_percent_and_no_list(centre, client):
    client.force_login(centre.users["agent"])
    block = _coverage_block(client.get(f"/cards/{centre.card('agent').pk}/").content.decode())
    assert "100%" in block and "<table" not in block and "badge failed" not in block


def test_exclusion_and_overrides_are_shown_on_the_card(centre, client):
    from csperf.cycles import actions

    hr = centre.users["hr"]
    actions.exclude_cards(hr, centre.cycle, [(centre.card("colleague"), "话务数据未导入")])
    actions.override_gates(hr, centre.cycle, [(centre.card("qc"), "主管下周到岗")])
    client.force_login(hr)
    excluded = _coverage_block(
        client.get(f"/cards/{centre.card('colleague').pk}/").content.decode()
    )
    assert "话务数据未导入" in excluded
    overridden = _coverage_block(client.get(f"/cards/{centre.card('qc').pk}/").content.decode())
    assert "主管下周到岗" in overridden and "hr" in overridden
