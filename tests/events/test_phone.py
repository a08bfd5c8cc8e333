"""The events page on a 390 px phone, in a real browser: no horizontal scrolling of the page (the
list collapses into cards), the kind's points field appears through htmx, no JavaScript error.

Uses /usr/bin/chromium through Playwright, as tests/browser does (never downloads a browser);
skipped, with the reason, when either is absent.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.events.conftest import record

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 390, "height": 844}

pytestmark = [
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is absent"),
    pytest.mark.slow,
]


def test_phone_has_no_horizontal_scrolling(transactional_db, ev, live_server, tmp_path):
    from django.test import Client

    playwright = pytest.importorskip("playwright.sync_api", reason="pip install playwright")
    long = "https://oa.example.com/flow/" + "a1b2c3d4" * 12
    for day in (3, 4, 5):
        record(
            ev, "hr", "agent", occurred_on=dt.date(2026, 3, day), evidence=long, note="早班" * 30
        )
    record(ev, "hr", "other_dept", kind="audit_correction", points="6", evidence="SJ-1")
    cookies = {}
    for who in ("hr", "agent"):
        client = Client()  # one each: logging another user in on one client ends the first session
        client.force_login(ev.users[who])
        cookies[who] = client.cookies["sessionid"].value
    widths, errors, fields = {}, [], {}
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            for who, session in cookies.items():
                context = browser.new_context(locale="zh-CN", viewport=PHONE)
                context.add_cookies(
                    [{"name": "sessionid", "value": session, "url": live_server.url}]
                )
                page = context.new_page()
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.goto(f"{live_server.url}/events/?close_period=2026-03")
                if who == "hr":
                    page.locator("details#record summary").click()
                    page.select_option("select[name=kind]", "audit_correction")
                    page.locator("input[name=points]").wait_for()
                    fields[who] = page.locator("input[name=points]").count()
                widths[who] = page.evaluate("document.documentElement.scrollWidth")
                page.screenshot(path=str(tmp_path / f"events-phone-{who}.png"), full_page=True)
                context.close()
        finally:
            browser.close()
    assert errors == []
    assert fields == {"hr": 1}
    assert all(w <= PHONE["width"] + 1 for w in widths.values()), widths
