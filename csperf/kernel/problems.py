"""The one :class:`Problem`: what is wrong with a document, and exactly where.

A problem names a ``file`` (or the caller names the source when rendering), a ``row`` (a line
of a text document or a row of a table, from 1), a ``column`` of a table, a ``path`` inside a
structured document (``sections[0].items[2].rule``), the ``message`` a person reads and an
optional ``code`` a program can test. Rendered: ``file:row:column: path: message``, leaving out
what is not known. A message made as a :class:`~csperf.kernel.i18n.Message` also keeps its
``msgid`` and ``params``, so a page can show it in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from csperf.kernel.i18n import Message


@dataclass(frozen=True)
class Problem:
    path: str  # inside a structured document; "" for the whole document or a table
    message: str
    row: int | None = None  # line (text documents) or row (tables), counted from 1
    file: str | None = None
    column: str | None = None
    code: str | None = None  # stable, machine-readable reason (e.g. "not_yes_no")
    # the message's msgid and params (taken from a Message); None: the message is plain text
    msgid: str | None = None
    params: Mapping[str, object] | None = field(default=None, hash=False)

    def __post_init__(self) -> None:
        if self.msgid is None and isinstance(self.message, Message):
            object.__setattr__(self, "msgid", self.message.msgid)
            object.__setattr__(self, "params", self.message.params)

    def where(self, source: str | None = None) -> str:
        """``file:row:column`` — ``source`` stands in for the file when the problem has none."""
        where = self.file or source or ""
        if self.row is not None:
            where += f":{self.row}"
        if self.column is not None:
            where += f":{self.column}"
        return where

    def render(self, source: str | None = None) -> str:
        parts = [self.where(source), self.path, self.message]
        return ": ".join(p for p in parts if p)

    def __str__(self) -> str:
        return self.render()


__all__ = ["Problem"]
