"""A leader on a phone makes their calendar address and copies it; no page scrolls sideways."""

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import CalendarFeed
from core.models.users import hash_token

pytestmark = pytest.mark.e2e


def test_leader_makes_and_copies_the_calendar_address_on_a_phone(phone, world, app, monkeypatch):
    monkeypatch.setitem(app.config, "CALENDAR_RATE_LIMIT", "1000 per minute")
    page = phone
    page.log_in("leader")
    page.goto(page.base + "/profile")
    page.click("#calendar-h ~ form button[type=submit]")
    page.wait_for_selector(".flash-success")
    field = page.locator("#personal-feed-url")
    token = field.input_value().rsplit("/", 1)[1].removesuffix(".ics")
    stored = db.session.execute(select(CalendarFeed.token_hash)).scalar_one()
    assert stored == hash_token(token)
    assert field.input_value() == f"{page.base}/calendar/feed/{token}.ics"
    assert field.get_attribute("readonly") is not None
    link = page.locator("#calendar-h ~ p.actions a").first
    host = page.base.split("://")[1]
    assert link.get_attribute("href") == f"webcal://{host}/calendar/feed/{token}.ics"
    copy = page.locator("button.copy-button[data-copy=personal-feed-url]")
    assert copy.is_visible()  # shown by calendar.js
    copy.click()
    # the click handler focuses the field; wait for it rather than read it at once (a loaded
    # machine may deliver the click a moment later)
    page.wait_for_function(
        "document.activeElement && document.activeElement.id === 'personal-feed-url'"
    )
    assert page.console_errors == [] and page.foreign_requests == []


def test_the_feed_boxes_do_not_scroll_sideways(phone, world):
    page = phone
    event = world.make_event()
    page.log_in("leader")
    for path in (
        "/events",
        f"/events/{event.id}",
        "/campaigns",
        f"/teams/{world.team.id}",
        "/profile",
    ):
        page.goto(page.base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
    assert page.console_errors == [] and page.foreign_requests == []
