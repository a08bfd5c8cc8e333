"""Page parts (csperf.core.pages): a higher app adds what a lower app's page shows."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from csperf.board.parts import card_plans
from csperf.core import pages
from csperf.reviews.parts import employee_cards


def test_the_apps_add_their_parts_when_django_starts():
    assert employee_cards in pages._PARTS["org.employee"]
    assert card_plans in pages._PARTS["reviews.card"]


def test_a_page_without_its_part_stops_naming_what_is_missing(monkeypatch):
    monkeypatch.setitem(pages._PARTS, "reviews.card", [])
    with pytest.raises(ImproperlyConfigured, match=r"'reviews\.card': no part gives plans"):
        pages.parts_for("reviews.card", None, None)


def test_an_unknown_page_is_refused():
    with pytest.raises(ImproperlyConfigured, match=r"no page 'org\.nowhere'"):
        pages.add_part("org.nowhere", card_plans)


def test_adding_a_part_twice_adds_it_once():
    before = list(pages._PARTS["org.employee"])
    pages.add_part("org.employee", employee_cards)
    assert pages._PARTS["org.employee"] == before
