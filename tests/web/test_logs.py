"""A refused request is one line in the server's log; a server error keeps its traceback."""

from __future__ import annotations

import logging

import pytest

from csperf.web.logs import RefusalsWithoutTraceback

pytestmark = pytest.mark.django_db


def test_a_403_is_logged_without_its_traceback(client, world, caplog):
    client.force_login(world.users["agent"])
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get("/reports/audit/").status_code == 403
    refused = [r for r in caplog.records if r.name == "django.request"]
    assert refused and all(r.exc_info is None for r in refused)
    assert "Forbidden" in refused[0].getMessage()


def test_a_server_error_keeps_its_traceback():
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        import sys

        exc = sys.exc_info()
    for status, kept in ((500, True), (403, False), (400, False)):
        record = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "x", (), exc)
        record.status_code = status
        assert RefusalsWithoutTraceback().filter(record)
        assert (record.exc_info is not None) is kept, status
