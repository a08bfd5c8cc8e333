"""The QC catalogue is complete and compiled, and QC pages show Chinese by default."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

import csperf.qc

LOCALE = Path(csperf.qc.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"


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
    assert len(entries) > 150
    assert [k for k, v in entries.items() if not v] == []


def test_compiled_catalog_matches_the_po_file():
    with (LOCALE / "django.mo").open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)
    for msgid in _po_entries():
        assert catalog.gettext(msgid) != msgid, f"not compiled: {msgid!r}"


@pytest.mark.django_db
def test_qc_page_is_chinese_by_default(qc, client):
    client.force_login(qc.users["inspector"])
    page = client.get("/qc/").content.decode()
    assert "抽样计划" in page and "我的待办" in page
    assert "My queue" not in page
