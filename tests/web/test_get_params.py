"""Hostile query parameters never make a page answer 500.

Every URL pattern of the site (the Django URL resolver, path ids filled from the ``world``
fixture) is requested as HR and as an agent with hostile values for every query parameter name
the views read (found in the sources: ``request.GET…`` and the audit log's filters): letters for
numbers, negative and 20-digit numbers, a quote, a NUL byte, a month 13, empty and repeated
values. A page answers 400 (or ignores the value), never a server error.
"""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

pytestmark = pytest.mark.django_db

SOURCES = Path(__file__).resolve().parents[2] / "csperf"
HOSTILE = ["abc", "-1", "99999999999999999999", "'", "\x00", "2026-13", "", ["1", "abc"]]
# Every name at once, on every page that renders (a few values: the single-name probes below
# try them all on the names the view itself reads).
ALL_AT_ONCE = ["abc", "99999999999999999999", "\x00", "2026-13", ["1", "abc"]]
# Names read other than through ``request.GET.get("…")``: the events filter reads a tuple of
# names, the audit log parses ``params``, downloads read ``format``.
INDIRECT = {"team", "employee", "group", "period", "page", "format", "table", "download"}
AUDIT_FILTERS = {"person", "card", "cycle", "action", "kind", "from", "to"}
_GET = re.compile(r"""(?:request\.GET|params)(?:\.get|\.getlist)?[\(\[]\s*["'](\w+)["']""")


def _names_in(text: str) -> set[str]:
    return set(_GET.findall(text))


def _all_names() -> set[str]:
    names: set[str] = set()
    for path in SOURCES.rglob("*.py"):
        names |= _names_in(path.read_text(encoding="utf-8"))
    return names | INDIRECT | AUDIT_FILTERS


def _view_names(func: Any) -> set[str]:
    """The names the view function itself reads (its own source, decorators unwrapped)."""
    try:
        text = inspect.getsource(inspect.unwrap(func))
    except (OSError, TypeError):
        return set()
    names = _names_in(text)
    if "download(" in text:
        names.add("format")
    return names


def _patterns(patterns: list, prefix: str = ""):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def _fill(route: str, world: Any) -> str:
    ids = {
        "cycle_id": world.cycle.pk,
        "card_id": world.card("agent").pk,
        "employee_id": world.employees["agent"].pk,
        "template_id": world.template.pk,
    }
    words = {"item_code": "calls", "kind": "calls", "fmt": "csv"}

    def one(m: re.Match) -> str:
        conv, name = m.group(1), m.group(2)
        if conv == "int":
            return str(ids.get(name, 1))
        return words.get(name, "x")

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: one(m), route)


def _pages(world: Any) -> list[tuple[str, Any]]:
    out = []
    for route, pattern in _patterns(get_resolver().url_patterns):
        if route.startswith(("api/", "admin/", "static/", "media/")) or route.startswith("^"):
            continue
        out.append((_fill(route, world), pattern.callback))
    return out


def test_the_walk_knows_the_parameters():
    names = _all_names()
    assert {"team", "status", "cycle", "grain", "from", "minutes", "q"} <= names


def _get(client: Any, path: str, params: dict[str, Any]) -> str | None:
    """None when the page answered below 500; else what went wrong."""
    try:
        r = client.get(path, params)
    except Exception as exc:  # the test client re-raises a view's exception
        return f"{type(exc).__name__}: {exc}"[:200]
    return None if r.status_code < 500 else str(r.status_code)


@pytest.mark.parametrize("persona", ["hr", "agent"])
def test_hostile_query_parameters_never_answer_500(world, client, persona):
    client.force_login(world.users[persona])
    names = sorted(_all_names())
    failures = []
    pages = _pages(world)
    assert len(pages) > 50
    for path, func in pages:
        try:
            plain = client.get(path).status_code
        except Exception as exc:
            failures.append((path, "-", "-", repr(exc)[:200]))
            continue
        if plain == 405:  # POST-only steps read no query parameters
            continue
        if plain == 200:
            for value in ALL_AT_ONCE:
                got = _get(client, path, {n: value for n in names})
                if got:
                    failures.append((path, "*", value, got))
        for name in sorted(_view_names(func)):
            for value in HOSTILE:
                got = _get(client, path, {name: value})
                if got:
                    failures.append((path, name, value, got))
    assert not failures, "\n".join(str(f) for f in failures)


def test_bad_team_on_the_cycle_page_is_a_clear_400(world, client):
    client.raise_request_exception = False
    client.force_login(world.users["hr"])
    r = client.get(f"/cycles/{world.cycle.pk}/", {"team": "abc"})
    assert r.status_code == 400
    assert "team" in r.content.decode()


@pytest.mark.parametrize(
    ("reader", "raw", "expected"),
    [
        ("query_int", "12", "12"),
        ("query_int", "", None),
        ("query_date", "2026-03-31", "2026-03-31"),
        ("query_period", "2026-03", "2026-03"),
        ("query_period", "2026-Q1", "2026-Q1"),
    ],
)
def test_the_shared_readers_accept_good_values(rf, reader, raw, expected):
    from csperf.core import params

    got = getattr(params, reader)(rf.get("/", {"p": raw}), "p")
    assert (str(got) if got is not None else None) == expected


@pytest.mark.parametrize(
    ("reader", "raw"),
    [
        ("query_int", "abc"),
        ("query_int", "-1"),
        ("query_int", "99999999999999999999"),
        ("query_int", "1\x00"),
        ("query_date", "2026-13-01"),
        ("query_date", "'"),
        ("query_period", "2026-13"),
        ("query_text", "a\x00b"),
    ],
)
def test_the_shared_readers_name_the_parameter_they_refuse(rf, reader, raw):
    from csperf.core import params

    with pytest.raises(params.BadQuery) as err:
        getattr(params, reader)(rf.get("/", {"p": raw}), "p")
    assert err.value.field == "p" and err.value.status == 400
