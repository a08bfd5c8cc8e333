"""Every main page renders without a JavaScript error, in Chinese and English, laptop and phone."""

from __future__ import annotations

import re

PHONE = {"width": 390, "height": 844}


def test_hr_pages_render_with_charts_and_tables(session):
    s = session("zh-CN")
    s.login("hr")
    s.shot("01-home-hr-zh")
    s.go("/reports/")
    s.page.locator(".chart svg").first.wait_for()
    assert (
        s.page.get_by_role("heading", name="数据看板")
        .or_(s.page.get_by_role("heading", name="Dashboards"))
        .is_visible()
    )
    assert s.page.locator("table tbody tr").count() >= 3
    s.shot("02-dashboard-trend-zh")
    s.go("/reports/?level=team&grain=week&indicator=aht")
    s.page.locator(".chart svg").first.wait_for()
    s.shot("03-dashboard-teams-weekly")
    s.go("/reports/intraday/")
    s.page.locator(".chart svg").first.wait_for()
    s.shot("04-intraday")
    s.page.get_by_role("link", name=re.compile("Grades|等级")).first.click()
    s.page.locator(".chart svg").first.wait_for()
    s.shot("05-grades-ranking")
    s.go("/library/")
    s.shot("06-library")
    s.page.locator("table a").first.click()
    s.shot("07-template-detail")
    s.go("/records/")
    s.shot("08-imports")


def test_supervisor_team_board(session):
    s = session("zh-CN")
    s.login("supervisor1")
    s.go("/board/")
    s.page.locator(".chart svg").first.wait_for()
    assert s.page.locator("table tbody tr").count() >= 1
    s.shot("09-team-board")


def test_keyboard_reaches_the_filters_and_english_works(session):
    s = session("en-US")
    s.login("hr")
    s.go("/reports/")
    s.page.locator(".chart svg").first.wait_for()
    assert s.page.get_by_role("heading", name="Dashboards").is_visible()
    # Tab from the top of the page reaches the indicator filter and the Show button.
    seen = set()
    for _i in range(40):
        s.page.keyboard.press("Tab")
        seen.add(
            s.page.evaluate("document.activeElement.name || document.activeElement.textContent")
        )
    assert "indicator" in seen and "Show" in seen


def test_phone_layout(session):
    s = session("zh-CN", PHONE)
    s.login("agent1")
    s.shot("20-phone-home-agent")
    s.go("/reports/me/")
    s.shot("21-phone-my-trend")
    # No horizontal scrolling of the page itself (wide tables scroll inside their box).
    width = s.page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"] + 1, width
