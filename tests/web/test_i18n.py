"""The shipped translations are complete and compiled (a fresh install needs no gettext tools)."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import csperf.web

LOCALE = Path(csperf.web.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def _po_entries() -> dict[str, str]:
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    out = {}
    for m in re.finditer(
        r'\n(?:msgctxt "((?:[^"\\]|\\.)*)"\n)?msgid ((?:"(?:[^"\\]|\\.)*"\n)+)(?:msgid_plural (?:"(?:[^"\\]|\\.)*"\n)+msgstr\[0\] |msgstr )((?:"(?:[^"\\]|\\.)*"\n)+)',
        text,
    ):
        mid = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2)))
        mstr = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(3)))
        if mid:
            # a message with a context is "context\x04msgid" in a compiled catalogue (pgettext)
            mid = (m.group(1) + "\x04" if m.group(1) else "") + mid
            out[mid.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")] = mstr
    return out


def test_every_message_is_translated():
    assert "#, fuzzy" not in (LOCALE / "django.po").read_text(encoding="utf-8")
    entries = _po_entries()
    assert len(entries) > 300
    assert [k for k, v in entries.items() if not v] == []


def test_compiled_catalog_matches_the_po_file():
    with (LOCALE / "django.mo").open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)
    for msgid in _po_entries():
        assert catalog.gettext(msgid) != msgid or msgid in ("API", "English"), (
            f"not compiled: {msgid!r}"
        )
