"""The app catalogues of reports, library and records_ui are complete, compiled and used by default."""

from __future__ import annotations

import gettext
import re
from pathlib import Path

import pytest

import csperf

APPS = ("reports", "library", "records_ui")


def _locale(app: str) -> Path:
    return Path(csperf.__file__).parent / app / "locale" / "zh_Hans" / "LC_MESSAGES"


def _po_entries(app: str) -> dict[str, str]:
    text = (_locale(app) / "django.po").read_text(encoding="utf-8")
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


@pytest.mark.parametrize("app", APPS)
def test_every_message_is_translated(app):
    text = (_locale(app) / "django.po").read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    assert "Language: zh_Hans" in text
    entries = _po_entries(app)
    assert len(entries) > 40
    assert text.count("\nmsgid ") - 1 == len(entries)  # the pattern saw every entry
    assert [k for k, v in entries.items() if not v] == []


@pytest.mark.parametrize("app", APPS)
def test_compiled_catalog_matches_the_po_file(app):
    with (_locale(app) / "django.mo").open("rb") as fh:
        catalog = gettext.GNUTranslations(fh)
    for msgid in _po_entries(app):
        assert catalog.gettext(msgid) != msgid or msgid in ("PDF",), f"not compiled: {msgid!r}"
    # Placeholders survive translation.
    for msgid in _po_entries(app):
        names = sorted(re.findall(r"%\(\w+\)s|\{\w+\}", msgid))
        assert sorted(re.findall(r"%\(\w+\)s|\{\w+\}", catalog.gettext(msgid))) == names, msgid


def test_pages_show_chinese_labels_by_default(client, world):
    client.force_login(world.users["hr"])
    r = client.get("/reports/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "数据看板" in html and "Dashboards</h1>" not in html
    r = client.get("/library/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "模板库" in html and "上传模板" in html and "Template library" not in html
