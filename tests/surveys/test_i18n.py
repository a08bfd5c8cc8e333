"""The surveys catalogue is complete and compiled, and survey pages show Chinese by default."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

import csperf.surveys

LOCALE = Path(csperf.surveys.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"


def _po_entries() -> dict[str, str]:
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    out = {}
    for m in re.finditer(
        r'\nmsgid ((?:"(?:[^"\\]|\\.)*"\n)+)(?:msgid_plural (?:"(?:[^"\\]|\\.)*"\n)+msgstr\[0\] |msgstr )((?:"(?:[^"\\]|\\.)*"\n)+)',
        text,
    ):
        mid = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1)))
        mstr = "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(2)))
        if mid:
            out[mid.encode().decode("unicode_escape").encode("latin-1").decode("utf-8")] = mstr
    return out


def test_every_message_is_translated():
    assert "#, fuzzy" not in (LOCALE / "django.po").read_text(encoding="utf-8")
    entries = _po_entries()
    assert len(entries) > 100
    assert [k for k, v in entries.items() if not v] == []


def test_compiled_catalog_matches_the_po_file():
    with (LOCALE / "django.mo").open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)
    for msgid in _po_entries():
        assert catalog.gettext(msgid) != msgid, f"not compiled: {msgid!r}"


@pytest.mark.django_db
def test_surveys_page_is_chinese_by_default(sv, client):
    client.force_login(sv.users["reviewer"])
    page = client.get("/surveys/").content.decode()
    assert "满意度调查与回访" in page and "满意度补救任务" in page
    assert "Surveys and callbacks" not in page
