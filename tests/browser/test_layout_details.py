"""The cycle page and the printed card as a person reads them (issue 16, items 2, 3, 4 and 7).

The cycle page (coverage tables, the missing-data report, the compute job) on a phone and a
laptop in both languages: no overflow, every box's heading at its top, no short cell broken
over lines, no English on the Chinese page nor Chinese outside data on the English one (the
engine's flags, feed labels), the job's status in the page's language. The printed card of the demo as HR
downloads it: the PDF has its three signature lines and dates together on one page and a rank
that reads "—" when there is none; the workbook holds numbers as numbers with their formats.
"""

from __future__ import annotations

import io
import itertools
import re
import shutil
import subprocess

import openpyxl
import pytest

from tests.browser.test_phone_and_desktop import (
    CJK_RUN,
    LAPTOP,
    PHONE,
    WORD,
    _check_page,
    _resolve,
)


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_the_cycle_page_reads_well_on_a_phone_and_a_laptop(session, locale):
    problems: list[str] = []
    for name, viewport in (("390", PHONE), ("1440", LAPTOP)):
        s = session(locale, viewport)
        s.login("hr")
        path = _resolve(s, "cycle")
        assert path is not None, "hr: no cycle linked from the cycle list"
        resp = s.go(path)
        assert resp is not None and resp.status == 200, f"{path}: {resp and resp.status}"
        label = f"cycle-{locale}-{name}"
        # The login's own name is not a word to translate (as on the main pages).
        who = s.page.locator(".who > summary").inner_text()
        names = set((CJK_RUN if locale.startswith("en") else WORD).findall(who))
        # Layout and language: flags, feed labels and headings in the page's language.
        problems += _check_page(s, label, viewport["width"], names)
        # The demo computed its cycles when it started: the finished job shows its status.
        if locale.startswith("en"):
            for job in s.page.locator("[id^='job-']").all():
                runs = CJK_RUN.findall(job.inner_text())
                if runs:
                    problems.append(f"{label}: the compute job reads {runs} on an English page")
    assert not problems, "\n".join(problems)


def _first_card(s) -> int:
    s.go("/cycles/")
    s.page.locator("main table a[href^='/cycles/']").first.click()
    href = s.page.locator("main a[href^='/cards/']").first.get_attribute("href")
    match = re.fullmatch(r"/cards/(\d+)/", href or "")
    assert match, f"no card linked from the cycle page ({href!r})"
    return int(match.group(1))


# A line to sign on and a date to fill in, as the PDF prints them (Chinese, English).
SIGNATURE_LINE = re.compile(r"(?:：|: )_{12,}")
DATE_LINE = re.compile(r"(?:：_+年_+月_+日|: _+ / _+ / _+)")


def _pdf_pages(pdf: bytes) -> list[str]:
    """The text of each page (poppler's pdftotext; the page break is a form feed)."""
    done = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return done.stdout.decode("utf-8").split("\f")


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="apt-get install -y poppler-utils")
@pytest.mark.parametrize(
    ("locale", "signatures"),
    [("zh-CN", ("考核人", "被考核人", "复核人")), ("en-US", ("Assessor", "Assessed", "Reviewer"))],
)
def test_the_printed_card_keeps_its_signature_lines_together(session, locale, signatures):
    s = session(locale, LAPTOP)
    s.login("hr")
    card = _first_card(s)
    resp = s.context.request.get(f"{s.url}/reports/cards/{card}/card.pdf")
    assert resp.status == 200 and resp.body().startswith(b"%PDF")
    pages = [p for p in _pdf_pages(resp.body()) if p.strip()]
    signed = [i for i, text in enumerate(pages) if SIGNATURE_LINE.search(text)]
    assert len(signed) == 1, f"card {card}: the signature lines run over pages {signed}"
    page = pages[signed[0]]
    assert len(SIGNATURE_LINE.findall(page)) == 3, page
    assert all(w in page for w in signatures), page
    assert len(DATE_LINE.findall(page)) == 3, "a date line beside each signature"
    text = "\n".join(pages)
    assert "☒" not in text and "\ufffd" not in text
    # Total, grade, rank and pay each read something, "—" when there is nothing yet.
    rank = re.search(r"(排名：|Rank: )(\S*)", text)
    assert rank and rank.group(2), f"card {card}: an empty rank in the totals line"


def _card_ids(s) -> list[int]:
    """Every card linked from the first cycle's page."""
    s.go("/cycles/")
    s.page.locator("main table a[href^='/cycles/']").first.click()
    hrefs = s.page.locator("main a[href^='/cards/']").evaluate_all(
        "els => els.map(e => e.getAttribute('href'))"
    )
    return sorted(
        {int(m.group(1)) for h in hrefs if (m := re.fullmatch(r"/cards/(\d+)/", h or ""))}
    )


def _item_figures(ws):
    """The heading row's columns and the 实际值/得分 cells of the item rows."""
    # the CLI's printed card (csperf.exports.scorecard_xlsx), as HR sees it
    head = next(r for r in ws.iter_rows() if r[0].value == "考核维度")
    columns = {c.value: c.column for c in head}
    assert {"考核项目", "权重/分值", "实际值", "得分"} <= set(columns), columns
    # The item rows run from the heading to the first row without an item (subtotals, totals).
    items = itertools.takewhile(
        lambda r: ws.cell(r, columns["考核项目"]).value, range(head[0].row + 1, ws.max_row + 1)
    )
    figures = [ws.cell(r, columns[name]) for r in items for name in ("实际值", "得分")]
    # "无数据" (a rated item has no recorded value) and "—" (withheld) are the only words there
    return [c for c in figures if c.value is not None and c.value not in ("无数据", "—")]


def test_the_card_workbook_holds_numbers_with_formats(session):
    s = session("zh-CN", LAPTOP)
    s.login("hr")
    numbers, ws = [], None
    for card in _card_ids(s)[:15]:  # the first card with figures (rated-only cards have none)
        resp = s.context.request.get(f"{s.url}/cards/{card}/export.xlsx")
        assert resp.status == 200
        ws = openpyxl.load_workbook(io.BytesIO(resp.body())).worksheets[0]
        numbers = _item_figures(ws)
        if numbers:
            break
    assert numbers, "no figure on the first 15 cards"
    texts = [c.coordinate for c in numbers if not isinstance(c.value, (int, float))]
    assert not texts, f"figures stored as text: {texts}"
    unformatted = [c.coordinate for c in numbers if c.number_format == "General"]
    assert not unformatted, f"figures without a number format: {unformatted}"
    signed = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert any("考核人" in v for v in signed) and any("被考核人" in v for v in signed)
