"""The team board's steps in a real browser: rating in place never loses a rating (issue
13.3); a bulk approve shows what it will do and skip, and needs a reason (issue 13.4).

Runs the site on pytest-django's live server over the test database (the shared ``world``), so
each card is exactly where the test needs it.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.browser.conftest import Session

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(scope="module", autouse=True)
def orm_beside_playwright():
    # Playwright's sync API keeps an event loop on this thread; the ORM calls of the test (and
    # the database flush after it) are still synchronous ones. Module-wide, so the flush after
    # the test is covered too. (The test database and the live server come before ``browser``
    # in the test's arguments, so they are set up before that loop starts.)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


def _stored(card, item):
    from csperf.reviews.models import Rating

    rating = Rating.objects.filter(card=card, role="supervisor", item_code=item).first()
    return None if rating is None else rating.value


def test_rate_in_place_saves_reloads_and_keeps_the_value(
    django_db_setup, live_server, browser, world
):
    from csperf.reviews import actions

    card = world.card("agent")
    actions.save_ratings(world.users["agent"], card, [{"item": "attitude", "value": 2}])
    actions.submit(world.users["agent"], card)
    board = f"/board/?cycle={world.cycle.pk}&team={world.teams['T1'].pk}"

    s = Session(browser, live_server.url, "zh-CN", {"width": 1280, "height": 860})
    try:
        s.login("supervisor", "pw")
        s.go(board)
        row = s.page.locator(f"#rate-{card.pk}")
        attitude = row.locator("select[name='value:attitude']")
        assert attitude.input_value() == ""  # nothing saved yet
        attitude.select_option("4")
        row.locator("input[name='value:teamwork']").fill("8")
        row.get_by_role("button", name="保存", exact=True).click()
        s.page.locator(f"#rate-{card.pk} .ok-text").wait_for()
        assert _stored(card, "attitude") == Decimal("4")

        # Reload: the saved values are shown, not “—”.
        s.go(board)
        row = s.page.locator(f"#rate-{card.pk}")
        assert row.locator("select[name='value:attitude']").input_value() == "4"
        assert row.locator("input[name='value:teamwork']").input_value() == "8"
        s.shot("23-board-rate-in-place-saved")

        # Save again without touching anything: the stored values are unchanged.
        row.get_by_role("button", name="保存", exact=True).click()
        s.page.locator(f"#rate-{card.pk} .ok-text").wait_for()
        assert _stored(card, "attitude") == Decimal("4")
        assert _stored(card, "teamwork") == Decimal("8")
        s.go(board)
        row = s.page.locator(f"#rate-{card.pk}")
        assert row.locator("select[name='value:attitude']").input_value() == "4"

        # 保存并提交 without touching anything hands the stored ratings on.
        row.get_by_role("button", name="保存并提交").click()
        s.page.locator(f"#rate-{card.pk} .ok-text").wait_for()
        card.refresh_from_db()
        assert card.status == "reviewer_review"
        assert _stored(card, "attitude") == Decimal("4")
        assert _stored(card, "teamwork") == Decimal("8")
    finally:
        s.close()


def test_bulk_approve_lists_what_it_skips_and_needs_a_reason(
    django_db_setup, live_server, browser, world
):
    from csperf.reviews import actions

    raters = {"self": "agent", "supervisor": "supervisor"}
    cards = {}
    for who in ("agent", "colleague"):
        card = world.card(who)
        for role in ("self", "supervisor"):
            user = world.users[who] if role == "self" else world.users[raters[role]]
            entries = [{"item": "attitude", "value": 3}]
            if role == "supervisor":
                entries.append({"item": "teamwork", "value": 8})
            actions.save_ratings(user, card, entries)
            actions.submit(user, card)
        cards[who] = card
    # The reviewer rates 张三's card only: 李四's still lacks the reviewer's 服务态度.
    actions.save_ratings(
        world.users["reviewer"], cards["agent"], [{"item": "attitude", "value": 4}]
    )
    board = f"/board/?cycle={world.cycle.pk}&team={world.teams['T1'].pk}"

    s = Session(browser, live_server.url, "zh-CN", {"width": 1280, "height": 860})
    try:
        s.login("reviewer", "pw")
        s.go(board)
        for card in cards.values():
            s.page.locator(f"input[name='card'][value='{card.pk}']").check()
        s.page.get_by_role("button", name="批量审批所选").click()
        s.page.get_by_role("heading", name="审核通过 1 张考核表？").wait_for()
        skipped = s.page.locator("table").filter(has_text="李四")
        assert "服务态度 (复核人)" in skipped.inner_text()
        s.shot("24-board-bulk-confirm")
        # The reason is required: the browser does not send the form without one.
        s.page.get_by_role("button", name="确认").click()
        assert s.page.get_by_role("heading", name="审核通过 1 张考核表？").count() == 1
        for card in cards.values():
            card.refresh_from_db()
            assert card.status == "reviewer_review"
        s.page.get_by_label("原因（记入每张考核表的历史）").fill("月底审核")
        s.page.get_by_role("button", name="确认").click()
        s.page.locator(".messages li.success").wait_for()
        cards["agent"].refresh_from_db()
        cards["colleague"].refresh_from_db()
        assert cards["agent"].status == "approved"
        assert cards["colleague"].status == "reviewer_review"
    finally:
        s.close()
