"""Concurrent writes never answer 500 (issue 14, item 7).

Four clients save ratings on one card ten times each, at the same time: every save answers
success (or 409 "try again", never 500) and no update is lost: the audit trail of the rating is
one chain, each change starting from the value the one before it saved. On PostgreSQL (the main
run) and on an SQLite file with the embedded options (a subprocess run of this file), where
deferred transactions used to fail with "database is locked".
"""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.db import OperationalError, connection
from django.test import Client

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 4
SAVES = 10


def _engine() -> str:
    return getattr(settings, "CSPERF_TEST_DB_ENGINE", "sqlite")


def _hammer(card_id: int, user, token: str) -> list[tuple[int, int, int, str]]:
    """CLIENTS threads (half through the page, half through the API) each save SAVES times."""
    results: list[tuple[int, int, int, str]] = []
    lock = threading.Lock()
    start = threading.Barrier(CLIENTS)

    def client_thread(n: int) -> None:
        client = Client(raise_request_exception=False)
        try:
            if n % 2 == 0:
                client.force_login(user)
            start.wait()
            for i in range(SAVES):
                comment = f"client {n} save {i}"
                value = 1 + (n + i) % 4
                if n % 2 == 0:
                    r = client.post(
                        f"/cards/{card_id}/ratings/",
                        {"value:attitude": str(value), "comment:attitude": comment},
                    )
                else:
                    r = client.put(
                        f"/api/cards/{card_id}/ratings",
                        {"ratings": [{"item": "attitude", "value": value, "comment": comment}]},
                        content_type="application/json",
                        HTTP_AUTHORIZATION=f"Bearer {token}",
                    )
                with lock:
                    results.append((n, i, r.status_code, comment))
        finally:
            connection.close()

    threads = [threading.Thread(target=client_thread, args=(n,)) for n in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_concurrent_rating_saves_answer_no_500_and_lose_no_update(world):
    if _engine() == "sqlite":
        pytest.skip("in-memory SQLite is not the embedded setup: the SQLite file run covers it")
    from csperf.core.models import AuditEvent
    from csperf.reviews.models import Rating

    card = world.card("agent")
    agent = world.users["agent"]
    r = Client().post(
        "/api/auth/token", {"username": "agent", "password": "pw"}, content_type="application/json"
    )
    assert r.status_code == 200, r.content
    token = r.json()["token"]

    results = _hammer(card.pk, agent, token)

    assert len(results) == CLIENTS * SAVES
    codes = sorted({code for *_x, code, _c in results})
    assert all(code in (200, 302, 409) for code in codes), results
    saved = [comment for _n, _i, code, comment in results if code in (200, 302)]
    assert len(saved) >= CLIENTS * SAVES * 3 // 4, codes  # conflicts are the exception
    chain = list(
        AuditEvent.objects.filter(card_id=card.pk, action="rate", field="attitude.self").order_by(
            "id"
        )
    )
    # Every successful save is one change, each from the value the previous change left.
    assert sorted(e.new["comment"] for e in chain) == sorted(saved)
    for before, after in itertools.pairwise(chain):
        assert after.old == before.new
    rating = Rating.objects.get(card=card, item_code="attitude", role="self")
    assert rating.comment == chain[-1].new["comment"]


@pytest.mark.skipif(
    _engine() == "sqlite-file", reason="this is the SQLite file run already (the subprocess)"
)
def test_concurrent_rating_saves_on_an_sqlite_file():
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--ds=tests.web.sqlite_file_settings",
            f"{Path(__file__).relative_to(ROOT)}::test_concurrent_rating_saves_answer_no_500_and_lose_no_update",
        ],
        cwd=ROOT,
        env={k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0 and "1 passed" in proc.stdout, (
        proc.stdout[-4000:] + proc.stderr[-2000:]
    )


def test_a_locked_database_answers_409_try_again(world, client, api_client, monkeypatch):
    """What still finds the database locked after the wait is a conflict, on pages and API."""
    from csperf.reviews import actions

    def locked(*args, **kwargs):
        raise OperationalError("database is locked")

    monkeypatch.setattr(actions, "save_ratings", locked)
    card = world.card("agent")
    client.raise_request_exception = False
    client.force_login(world.users["agent"])
    r = client.post(f"/cards/{card.pk}/ratings/", {"value:attitude": "3"})
    assert r.status_code == 409
    assert "Traceback" not in r.content.decode()
    api_client.login("agent")
    r = api_client.put(
        f"/api/cards/{card.pk}/ratings", {"ratings": [{"item": "attitude", "value": 3}]}
    )
    assert r.status_code == 409 and r.json()["detail"]


def test_other_database_errors_stay_errors(world, client, monkeypatch):
    from csperf.reviews import actions

    def broken(*args, **kwargs):
        raise OperationalError("no such table: reviews_rating")

    monkeypatch.setattr(actions, "save_ratings", broken)
    client.raise_request_exception = False
    client.force_login(world.users["agent"])
    r = client.post(f"/cards/{world.card('agent').pk}/ratings/", {"value:attitude": "3"})
    assert r.status_code == 500


def test_the_embedded_sqlite_database_takes_the_write_lock_at_begin(monkeypatch, tmp_path):
    from csperf.web import env

    monkeypatch.delenv("CSPERF_X", raising=False)
    embedded = env.env_database("CSPERF_X", tmp_path / "x.sqlite3")
    monkeypatch.setenv("CSPERF_X", f"sqlite:///{tmp_path}/y.sqlite3")
    for cfg in (embedded, env.env_database("CSPERF_X", tmp_path / "unused.sqlite3")):
        assert cfg["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        assert cfg["OPTIONS"]["timeout"] >= 5
        assert "journal_mode=WAL" in cfg["OPTIONS"]["init_command"]
