"""Messages a person reads, written in layers without Django and translated where they are shown.

A layer without Django (``ingest`` …) marks each message with :func:`gettext_noop`, the name
xgettext and Django's ``makemessages`` look for, and keeps it as a :class:`Message`: the English
text, which logs and the command line print as before, plus its msgid and params. The layer that
shows it (``csperf.records_ui.problems.render_problem``) translates the msgid in the reader's
language and fills in the params.
"""

from __future__ import annotations

import json
from collections.abc import Mapping


def gettext_noop(message: str) -> str:
    """Marks ``message`` as a msgid for the catalogues; translated later, where it is shown."""
    return message


class Message(str):
    """The English text ``msgid % params`` that remembers its msgid and params.

    A ``str`` everywhere else, so it travels through exceptions and (row, column, message)
    tuples unchanged; text made from it (slices, f-strings) is plain text again."""

    msgid: str
    params: dict[str, object]

    def __new__(cls, msgid: str, params: Mapping[str, object] | None = None) -> Message:
        values = dict(params or {})
        self = super().__new__(cls, msgid % values if values else msgid)
        self.msgid = msgid
        self.params = values
        return self


def stored_message(text: str) -> Message | None:
    """A message kept as JSON text, ``{"msgid": ..., "params": {...}}`` (a job's message, a
    problem raised inside SQL), as a :class:`Message`; None for any other text (plain text, or
    JSON cut or not ours), which is shown as it is."""
    if not text.startswith('{"msgid"'):
        return None
    try:
        data = json.loads(text)
        return Message(str(data["msgid"]), data.get("params") or {})
    except (ValueError, KeyError, TypeError):
        return None


__all__ = ["Message", "gettext_noop", "stored_message"]
