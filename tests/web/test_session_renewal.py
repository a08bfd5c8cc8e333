"""Sessions (csperf/web/sessions.py): each request renews the idle timeout, but an unchanged
session row is written at most once a minute, so reading pages does not write to the database."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from csperf.web.sessions import RENEW_AFTER, SessionStore


def _session_writes(queries: CaptureQueriesContext) -> list[str]:
    return [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")
    ]


def test_a_page_read_soon_after_a_renewal_writes_no_session(world, client):
    client.force_login(world.users["agent"])
    assert client.get("/").status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/").status_code == 200
    assert _session_writes(queries) == []


def test_a_session_older_than_a_minute_is_renewed(world, client):
    client.force_login(world.users["agent"])
    key = client.session.session_key
    stale = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - RENEW_AFTER - 5)
    Session.objects.filter(session_key=key).update(expire_date=stale)
    assert client.get("/").status_code == 200
    renewed = Session.objects.get(session_key=key).expire_date
    assert renewed > timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE - 5)


def test_a_changed_session_is_always_saved(db):
    first = SessionStore()
    first["kept"] = 1
    first.create()
    again = SessionStore(first.session_key)
    assert again["kept"] == 1  # loaded: the row was renewed a moment ago
    again["added"] = 2
    again.save()
    assert SessionStore(first.session_key).load() == {"kept": 1, "added": 2}
