"""Every message in the code and templates is in a catalogue and translated.

The per-catalogue tests check the .po files as they are; this one re-extracts the messages (as
``makemessages`` does, into a copy of the package) so a new string nobody added fails here.
Extraction needs GNU gettext's ``xgettext``; CI has it, a bare machine may not.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from django.core.management import call_command

import csperf

PACKAGE = Path(csperf.__file__).parent

pytestmark = pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext")


def _untranslated(po: Path) -> list[str]:
    """msgids with an empty msgstr or marked fuzzy (plural entries count by their first form)."""
    out = []
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        lines = [x for x in block.splitlines() if x and not x.startswith("#~")]
        if not any(x.startswith("msgid ") for x in lines):
            continue
        fuzzy = any(x.startswith("#,") and "fuzzy" in x for x in lines)
        text = "\n".join(x for x in lines if not x.startswith("#"))
        msgid = text.split("msgid ", 1)[1].split("\nmsgid_plural", 1)[0].split("\nmsgstr", 1)[0]
        if msgid == '""':
            continue  # the header
        strs = [x for x in text.split("\nmsgstr")[1:]]
        empty = all(s.split(" ", 1)[1].strip() == '""' for s in strs)
        if fuzzy or empty:
            out.append(msgid)
    return out


def test_no_message_is_missing_from_the_catalogues(tmp_path, settings):
    copy = tmp_path / "csperf"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    # Files without a catalogue of their own go to LOCALE_PATHS: the copy's, never the real one.
    settings.LOCALE_PATHS = [copy / "web" / "locale"]
    cwd = os.getcwd()
    os.chdir(copy)
    try:
        call_command(
            "makemessages",
            locale=["zh_Hans"],
            ignore_patterns=["scoring/*", "templates/*.yaml"],
            verbosity=0,
        )
    finally:
        os.chdir(cwd)
    missing = {
        str(po.relative_to(copy)): found
        for po in sorted(copy.glob("*/locale/zh_Hans/LC_MESSAGES/django.po"))
        if (found := _untranslated(po))
    }
    assert missing == {}, "run makemessages (docs/web.md, Languages) and translate these"
