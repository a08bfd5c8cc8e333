"""Every persona's main pages and the API's list endpoints run a bounded number of queries, and
the number does not grow with the number of employees and cards (an N+1 fails here).

Each page is opened with N extra employees (with cards) in the supervisor's team, then with 3N;
the query counts must be equal, and at most the page's bound. The bounds are the counts of
2026-12 plus three (room for a small feature); a page that needs more should say why in the
change that raises its bound.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

N = 4

# persona -> {path (with {cycle}, {card}, {own}): bound}
PAGES: dict[str, dict[str, int]] = {
    "hr": {
        "/": 24,
        "/cycles/": 8,
        "/cycles/{cycle}/": 33,
        "/cards/{card}/": 14,
        "/cards/appeals/": 11,
        "/board/": 17,
        "/reports/": 10,
        "/reports/cycles/{cycle}/": 12,
        "/reports/audit/": 13,
        "/records/": 8,
        "/org/": 11,
        "/qc/": 12,
    },
    "auditor": {
        "/": 22,
        "/cycles/{cycle}/": 21,
        "/reports/cycles/{cycle}/": 12,
        "/reports/audit/": 13,
    },
    "reviewer": {
        "/": 14,
        "/cycles/{cycle}/": 22,
        "/cards/{card}/": 14,
        "/board/": 17,
        "/reports/": 12,
        "/reports/cycles/{cycle}/": 12,
        "/qc/": 10,
        "/surveys/": 13,
    },
    "supervisor": {
        "/": 14,
        "/board/": 17,
        "/cards/{card}/": 15,
        "/reports/": 11,
        "/qc/": 10,
        "/surveys/": 13,
    },
    "inspector": {"/": 14, "/qc/": 12, "/qc/results/": 11, "/reports/": 12},
    "agent": {"/": 14, "/cards/{own}/": 12, "/reports/me/": 9, "/qc/": 11},
}

API = {
    "/api/me": 6,
    "/api/cycles": 10,
    "/api/cards": 7,
    "/api/cards?cycle={cycle}": 8,
    "/api/employees": 7,
    "/api/templates": 7,
}


def _grow(world: Any, count: int) -> None:
    """``count`` more agents in the supervisor's team, each with a card like the agent's."""
    from csperf.org.models import Assignment, Employee
    from csperf.reviews.models import Card

    model = world.card("agent")
    first = Employee.objects.count() + 1
    for i in range(first, first + count):
        emp = Employee.objects.create(
            code=f"N{i:04d}", name=f"新员工{i}", hired_on=dt.date(2025, 1, 1), pay_base=1000
        )
        Assignment.objects.create(
            employee=emp, team=world.teams["T1"], position=world.position, start=dt.date(2025, 1, 1)
        )
        card = Card.objects.get(pk=model.pk)
        card.pk = None
        card.employee = emp
        card.save()


def _count(client: Any, path: str, **headers: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path, **headers)
    return response.status_code, len(queries)


def _paths(world: Any, wanted: dict[str, int]) -> dict[str, int]:
    ids = {
        "cycle": world.cycle.pk,
        "card": world.card("agent").pk,
        "own": world.card("agent").pk,
    }
    return {path.format(**ids): bound for path, bound in wanted.items()}


def _measure(world: Any, get: Any, wanted: dict[str, int]) -> list[str]:
    """Open every page with N and with 3N extra employees; the problems found."""
    paths = _paths(world, wanted)
    _grow(world, N)
    for path in paths:
        get(path)  # first visit: per-process caches (templates, translations) fill here
    small = {path: get(path) for path in paths}
    _grow(world, 2 * N)
    large = {path: get(path) for path in paths}
    problems = []
    for path, bound in paths.items():
        (status, few), (_status, many) = small[path], large[path]
        if status != 200:
            problems.append(f"{path}: answered {status}")
        elif many != few:
            problems.append(f"{path}: {few} queries with {N} more cards, {many} with {3 * N}")
        elif few > bound:
            problems.append(f"{path}: {few} queries, bound {bound}")
    return problems


@pytest.mark.parametrize("persona", sorted(PAGES))
def test_pages_run_a_bounded_number_of_queries(world, client, persona):
    client.force_login(world.users[persona])
    assert _measure(world, lambda path: _count(client, path), PAGES[persona]) == []


@pytest.mark.parametrize("persona", ["hr", "supervisor", "agent"])
def test_api_lists_run_a_bounded_number_of_queries(world, api_client, persona):
    api_client.login(persona)

    def get(path: str) -> tuple[int, int]:
        with CaptureQueriesContext(connection) as queries:
            response = api_client.get(path)
        return response.status_code, len(queries)

    assert _measure(world, get, API) == []


def test_a_count_that_grows_with_the_cards_fails(world):
    """The check itself: a page whose queries follow the number of cards (an N+1) is reported."""
    from csperf.reviews.models import Card

    problems = _measure(world, lambda path: (200, Card.objects.count()), {"/": 1000})
    assert len(problems) == 1 and f"with {N} more cards" in problems[0]
