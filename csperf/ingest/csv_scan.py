"""The structural walk of a CSV that the fast readers rejected: it names the rows (and columns)
of rows with another number of fields than the header, fields longer than the field limit and
rows beyond the row limit, without keeping the records, so memory stays bounded."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from csperf.ingest.limits import Limits
from csperf.ingest.sources import (
    MAX_PROBLEMS,
    PlaceProblem,
    expected_fields,
    field_too_long,
    too_many_rows,
)
from csperf.kernel.i18n import Message, gettext_noop

QUOTE = '"'
CHUNK = 1 << 22


class _Walk:
    """The state of the walk: a CSV reader's (quotes, doubled quotes, CR/LF, blank lines not
    counted) that counts instead of keeping."""

    def __init__(self, delimiter: str, header: list[str], lim: Limits) -> None:
        self.delimiter = delimiter
        self.header = header
        self.ncols = len(header)
        self.lim = lim
        self.special = re.compile("[" + re.escape(delimiter) + '"\r\n]')
        self.problems: list[PlaceProblem] = []
        self.total = 0
        self.row = 1  # the record being read; the header is row 1
        self.col = 0  # its field
        self.flen = 0  # the field's length so far, in UTF-8 bytes
        self.fstart = True  # nothing of the field read yet
        self.empty = True  # nothing of the record read yet (a blank line)
        self.in_quotes = False
        self.quote_seen = False  # a quote inside quotes, at a chunk's end: "" or closing?
        self.cr_seen = False  # a CR at a chunk's end: a following LF belongs to it
        self.long_reported = False
        self.going = True
        self.ascii = True  # the chunk being read is ASCII (lengths are then counts)

    def add(self, row: int | None, col: str | None, msg: str) -> None:
        self.total += 1
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append((row, col, msg))

    def label(self, i: int) -> str:
        return self.header[i] if i < self.ncols and self.header[i] else f"column {i + 1}"

    def seg(self, s: str, i: int, j: int) -> int:
        return (j - i) if self.ascii else len(s[i:j].encode("utf-8", "surrogatepass"))

    def end_field(self) -> None:
        if self.flen > self.lim.field_bytes and not self.long_reported and self.row >= 1:
            self.add(self.row, self.label(self.col), field_too_long(self.lim))
            self.long_reported = True
        self.flen = 0
        self.fstart = True

    def end_record(self) -> None:
        if self.empty and self.col == 0 and self.fstart:
            return  # a blank line is not a record
        self.end_field()
        if self.row >= 2 and self.col + 1 != self.ncols:
            self.add(self.row, None, expected_fields(self.ncols, self.col + 1))
        self.row += 1
        self.col = 0
        self.empty = True
        self.long_reported = False
        if self.row - 2 > self.lim.rows:
            self.add(None, None, too_many_rows(self.lim))
            self.going = False

    def chunk(self, s: str) -> None:
        """Walk one decoded chunk, carrying a quote or CR at its end over to the next."""
        if self.row == 1 and self.col == 0 and self.fstart and s.startswith("\ufeff"):
            s = s[1:]
        self.ascii = s.isascii()
        i, n = 0, len(s)
        if self.cr_seen and n and s[0] == "\n":
            i = 1
        self.cr_seen = False
        if self.quote_seen and n:
            self.quote_seen = False
            if s[0] == QUOTE:  # a doubled quote: a literal one
                self.flen += 1
                i = max(i, 1)
            else:
                self.in_quotes = False
        while i < n and self.going:
            i = self._quoted(s, i, n) if self.in_quotes else self._plain(s, i, n)

    def _quoted(self, s: str, i: int, n: int) -> int:
        j = s.find(QUOTE, i)
        if j < 0:
            self.flen += self.seg(s, i, n)
            return n
        self.flen += self.seg(s, i, j)
        if j + 1 >= n:
            self.quote_seen = True
            return n
        if s[j + 1] == QUOTE:
            self.flen += 1
            return j + 2
        self.in_quotes = False
        return j + 1

    def _plain(self, s: str, i: int, n: int) -> int:
        m = self.special.search(s, i)
        j = m.start() if m else n
        if j > i:
            self.flen += self.seg(s, i, j)
            self.fstart = False
            self.empty = False
        if m is None:
            return n
        c = s[j]
        if c == QUOTE:
            if self.fstart:
                self.in_quotes = True
            else:
                self.flen += 1
            self.fstart = False
            self.empty = False
        elif c == self.delimiter:
            self.end_field()
            self.col += 1
            self.empty = False
        else:  # CR or LF ends the record
            self.end_record()
            if c == "\r":
                if j + 1 < n and s[j + 1] == "\n":
                    j += 1
                elif j + 1 >= n:
                    self.cr_seen = True
        return j + 1

    def finish(self) -> None:
        if not self.going:
            return
        if self.in_quotes and not self.quote_seen:
            self.add(
                self.row,
                self.label(self.col),
                Message(gettext_noop("a quoted field is not closed")),
            )
        elif not (self.empty and self.col == 0 and self.fstart):
            self.end_record()


def scan_csv(
    p: Path, enc: str, delimiter: str, header: list[str], lim: Limits
) -> tuple[list[PlaceProblem], int]:
    """Walk a CSV's records and list its structural problems: the first 100 (row, column,
    message) and how many there are."""
    walk = _Walk(delimiter, header, lim)
    decoder = codecs.getincrementaldecoder(enc)(errors="replace")
    with p.open("rb") as f:
        while walk.going:
            raw = f.read(CHUNK)
            walk.chunk(decoder.decode(raw, final=not raw))
            if not raw:
                break
    walk.finish()
    return walk.problems, walk.total
