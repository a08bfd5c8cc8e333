"""Logging filters for the server's log."""

from __future__ import annotations

import logging


class RefusalsWithoutTraceback(logging.Filter):
    """``django.request`` logs a refused request (403 PermissionDenied, 400) with the exception's
    traceback; a refusal is the application working, so keep the one line and drop the
    traceback, which an operator would otherwise read as a crash. 5xx keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if status is not None and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
