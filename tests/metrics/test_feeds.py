"""The feed registry: every input of every built-in template has a feed that exists."""

from pathlib import Path

import pytest

from csperf.metrics.feeds import (
    FeedError,
    feed_for,
    feeds_markdown,
    parse_feed,
    registry,
    registry_problems,
)
from csperf.metrics.indicators import LIB
from csperf.templates import builtin_codes, load_builtin


def test_every_registry_entry_names_an_existing_indicator_and_event_kind():
    assert registry_problems() == []


@pytest.mark.parametrize("code", builtin_codes())
def test_every_input_of_a_builtin_template_has_a_feed(code):
    t = load_builtin(code)
    reg = registry()
    for name in t.value_names():
        # no built-in input falls through to the values import by accident: each is named in
        # the registry, or is an indicator code
        assert name in reg or f"{name}@{code}" in reg or name in LIB, f"{code}: {name}"
        assert feed_for(name, template=code).label()


def test_bad_entries_are_refused_with_where_they_are():
    with pytest.raises(FeedError, match="x: name exactly one of"):
        parse_feed({"indicator": "a", "values": "b"}, where="x")
    with pytest.raises(FeedError, match="unknown event kind nope"):
        parse_feed({"events": "nope"}, where="x")
    with pytest.raises(FeedError, match="level is employee"):
        parse_feed({"indicator": "aht", "level": "floor"}, where="x")


def test_the_docs_list_every_builtin_input_and_its_feed():
    doc = (Path(__file__).resolve().parents[2] / "docs" / "feeds.md").read_text("utf-8")
    table = doc.split("<!-- feeds -->\n", 1)[1].split("<!-- /feeds -->", 1)[0]
    assert table == feeds_markdown(), "regenerate with csperf.metrics.feeds.feeds_markdown()"
