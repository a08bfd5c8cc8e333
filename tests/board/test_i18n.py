"""The board's catalogue is complete, compiled, and the pages are Chinese by default."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

import csperf.board

LOCALE = Path(csperf.board.__file__).parent / "locale" / "zh_Hans" / "LC_MESSAGES"
STRING = r'"((?:[^"\\]|\\.)*)"'


def _entries() -> dict[str, str]:
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    out = {}
    for block in text.split("\n\n"):
        mid = re.search(r"^msgid ((?:\".*\"\n?)+)", block, re.M)
        mstr = re.search(r"^msgstr(?:\[0\])? ((?:\".*\"\n?)+)", block, re.M)
        if not mid:
            continue
        key = "".join(re.findall(STRING, mid.group(1)))
        if key:
            value = "".join(re.findall(STRING, mstr.group(1))) if mstr else ""
            out[key.replace('\\"', '"')] = value.replace('\\"', '"')
    return out


def test_every_entry_is_translated():
    text = (LOCALE / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in text and 'msgstr[1] ""' not in text
    entries = _entries()
    assert len(entries) > 100
    assert [k for k, v in entries.items() if not v.strip()] == []
    # Placeholders survive translation.
    for k, v in entries.items():
        assert sorted(re.findall(r"%\(\w+\)s", k)) == sorted(re.findall(r"%\(\w+\)s", v)), k


def test_compiled_catalogue_matches_the_po_file():
    with (LOCALE / "django.mo").open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)
    for msgid, msgstr in _entries().items():
        assert catalog.gettext(msgid) == msgstr, f"not compiled: {msgid!r}"


@pytest.mark.django_db
def test_board_page_is_chinese(board_world, client):
    # the department manager reads the unpublished totals (and so the alerts)
    client.force_login(board_world.users["reviewer"])
    page = client.get("/board/").content.decode()
    for text in ("班组看板", "班组排名", "待处理人员", "建议措施", "改进计划", "本期等级为 不合格"):
        assert text in page, text
    assert "Team board" not in page
