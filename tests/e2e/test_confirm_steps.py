"""Irreversible actions take a second, deliberate tap on a phone: the button is hidden until
its explanation is opened."""

import pytest

from core.extensions import db
from core.models import EventStatus

pytestmark = pytest.mark.e2e


def test_cancelling_an_event_takes_two_taps(phone, world):
    event = world.make_event()
    page = phone
    page.log_in("leader")
    page.goto(page.base + f"/events/{event.id}")
    button = page.locator("#cancel-event button[type=submit]")
    assert not button.is_visible()
    page.click("#cancel-event summary")
    button.click()
    page.wait_for_selector(".flash-success")
    db.session.refresh(event)
    assert event.status == EventStatus.CANCELLED
