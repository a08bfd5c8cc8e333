"""A write to the records store that fails is kept on the rows, shown on the cycle page and
written again from there (or by `csperf manage sync_feeds`), so a card never silently lacks them."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from csperf.core.models import AuditEvent
from csperf.cycles import feeds
from csperf.surveys import actions, feed
from csperf.surveys.models import CallbackPlan, Response
from tests.surveys.conftest import write_csv
from tests.surveys.test_import import HEADER, ROWS

pytestmark = pytest.mark.django_db


def _store_rows(store_dir, table):
    from csperf.ingest.store import open_store

    with open_store(store_dir) as store:
        return store.count(table)


@pytest.fixture
def store_down(monkeypatch):
    def refuse(*args, **kwargs):
        raise OSError("database is locked by another process")

    monkeypatch.setattr(feed, "write_responses", refuse)
    monkeypatch.setattr(feed, "write_plans", refuse)
    return monkeypatch


def _import(sv, tmp_path, capture):
    path = write_csv(tmp_path / "sales.csv", HEADER, ROWS)
    with capture(execute=True):
        actions.import_responses(sv.users["reviewer"], sv.surveys["dealer-sales"], path)
        actions.set_callback_plan(
            sv.users["hr"],
            sv.surveys["dealer-sales"],
            period="2026-03",
            employee=sv.employees["agent"],
            planned=4,
        )


def test_failed_writes_are_kept_shown_and_written_again(
    sv, tmp_path, store_dir, store_down, client, django_capture_on_commit_callbacks
):
    _import(sv, tmp_path, django_capture_on_commit_callbacks)
    # The import itself stands (the survey pages have it); the store does not.
    assert Response.objects.count() == 8
    assert feeds.pending() == {
        "qc_reviews": 0,
        "survey_responses": 8,
        "callback_plans": 1,
        "events": 0,
        "events_closed": 0,
    }
    assert _store_rows(store_dir, "surveys") == 0

    hr = sv.users["hr"]
    client.force_login(hr)
    page = client.get(f"/cycles/{sv.cycle.pk}/").content.decode()
    assert 'id="feeds-pending"' in page and "database is locked" in page
    # Still down: the button says so and nothing is cleared.
    r = client.post(f"/cycles/{sv.cycle.pk}/resync-feeds/", follow=True)
    assert "database is locked" in r.content.decode()
    assert feeds.pending()["survey_responses"] == 8

    store_down.undo()
    client.post(f"/cycles/{sv.cycle.pk}/resync-feeds/")
    assert feeds.pending() == {
        "qc_reviews": 0,
        "survey_responses": 0,
        "callback_plans": 0,
        "events": 0,
        "events_closed": 0,
    }
    assert _store_rows(store_dir, "surveys") > 0 and _store_rows(store_dir, "plans") == 1
    event = AuditEvent.objects.get(action="resync_feeds")
    assert event.actor == hr and event.old["survey_responses"] == 8
    assert 'id="feeds-pending"' not in client.get(f"/cycles/{sv.cycle.pk}/").content.decode()


def test_only_hr_writes_again(sv, client):
    for who in ("supervisor", "reviewer", "agent"):
        client.force_login(sv.users[who])
        r = client.post(f"/cycles/{sv.cycle.pk}/resync-feeds/")
        assert r.status_code in (302, 404)
    assert not AuditEvent.objects.filter(action="resync_feeds").exists()


def test_the_command(sv, tmp_path, store_dir, store_down, django_capture_on_commit_callbacks):
    _import(sv, tmp_path, django_capture_on_commit_callbacks)
    with pytest.raises(CommandError, match="database is locked"):
        call_command("sync_feeds")
    assert CallbackPlan.objects.exclude(feed_error="").count() == 1
    store_down.undo()
    call_command("sync_feeds")
    assert not any(feeds.pending().values())
    assert _store_rows(store_dir, "plans") == 1
