"""The events catalogue is complete and compiled (zh-Hans first; a fresh install needs no
gettext tools)."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import csperf.events

LOCALE = Path(csperf.events.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def _po_entries() -> dict[tuple[str, str], str]:
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    out = {}
    for m in re.finditer(
        r'\n(?:msgctxt ("(?:[^"\\]|\\.)*")\n)?msgid ((?:"(?:[^"\\]|\\.)*"\n)+)'
        r'(?:msgid_plural (?:"(?:[^"\\]|\\.)*"\n)+msgstr\[0\] |msgstr )((?:"(?:[^"\\]|\\.)*"\n)+)',
        text,
    ):
        ctx = (m.group(1) or '""')[1:-1]
        mid = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2)))
        mstr = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(3)))
        if mid:
            out[(ctx, mid.encode().decode("unicode_escape").encode("latin-1").decode("utf-8"))] = (
                mstr
            )
    return out


def test_every_message_is_translated():
    assert "#, fuzzy" not in (LOCALE / "django.po").read_text(encoding="utf-8")
    entries = _po_entries()
    assert len(entries) > 90
    assert [k for k, v in entries.items() if not v] == []


def test_compiled_catalog_matches_the_po_file():
    with (LOCALE / "django.mo").open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)
    for ctx, msgid in _po_entries():
        got = catalog.pgettext(ctx, msgid) if ctx else catalog.gettext(msgid)
        assert got != msgid, f"not compiled: {msgid!r}"
