"""The session store: Django's database sessions, renewed at most once a minute.

Every request renews the idle timeout (SESSION_SAVE_EVERY_REQUEST), but writing the session row
on every page view makes each read a database write, and on SQLite the writes of all web workers
queue behind one lock. This store skips the write when nothing in the session changed and the
row was renewed less than RENEW_AFTER seconds ago, so a session still ends
CSPERF_SESSION_IDLE_MINUTES after its last request, give or take that minute.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone

RENEW_AFTER = 60  # seconds


class SessionStore(DatabaseSessionStore):
    _stored_expiry: datetime | None = None

    def _get_session_from_db(self) -> Any:
        row = super()._get_session_from_db()
        self._stored_expiry = row.expire_date if row is not None else None
        return row

    def save(self, must_create: bool = False) -> None:
        if not must_create and not self.modified and self._renewed_recently():
            return
        super().save(must_create=must_create)
        self._stored_expiry = None  # a later save in this request writes again

    def _renewed_recently(self) -> bool:
        if self._stored_expiry is None or self.session_key is None:
            return False
        wanted = timezone.now() + timedelta(seconds=self.get_expiry_age())
        return wanted - self._stored_expiry < timedelta(seconds=RENEW_AFTER)
