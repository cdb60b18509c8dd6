"""The leader's journey on a phone: log in, log a visit, fix a bad value, see it listed."""

import pytest
from conftest import PASSWORD
from sqlalchemy import select

from core.extensions import db
from core.models import Visit

pytestmark = pytest.mark.e2e


def test_leader_logs_a_visit_on_a_phone(phone, world):
    page = phone
    page.goto(page.base + "/login")
    page.fill("#username", "leader")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(page.base + "/")

    page.click("main a[href='/visits/new']")
    page.wait_for_url(page.base + "/visits/new")
    page.select_option("#farm_id", str(world.farm.id))
    page.check("input[name=kind][value=technical_training]")
    page.fill("#people_reached", "-5")
    page.fill("#households_reached", "6")
    page.fill("#topics", "梅子修剪与病虫害防治")
    page.click("form button[type=submit].primary")

    error = page.locator("#people_reached-error")
    error.wait_for()
    assert error.is_visible() and error.inner_text().strip()
    assert page.get_attribute("#people_reached", "aria-invalid") == "true"
    assert db.session.execute(select(Visit)).first() is None  # nothing saved

    page.fill("#people_reached", "25")
    page.click("form button[type=submit].primary")
    page.wait_for_url(page.base + "/visits")
    assert "戴家梅子基地" in page.inner_text("main")
    assert page.locator(".flash-success").count() == 1

    visits = db.session.execute(select(Visit)).scalars().all()
    assert [(v.people_reached, v.households_reached) for v in visits] == [(25, 6)]
    assert page.console_errors == []
    assert page.foreign_requests == []


def test_the_phone_layout_does_not_scroll_sideways(phone, world):
    page = phone
    page.goto(page.base + "/login")
    page.fill("#username", "leader")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(page.base + "/")
    for path in ("/", "/visits/new", "/visits", "/teams", "/farms", "/events"):
        page.goto(page.base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
    assert page.console_errors == []


def test_a_visit_logged_offline_is_sent_when_the_connection_returns(phone, world):
    page = phone
    page.goto(page.base + "/login")
    page.fill("#username", "leader")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(page.base + "/")
    page.goto(page.base + "/visits/new")
    page.select_option("#farm_id", str(world.farm.id))
    page.check("input[name=kind][value=lecture]")
    page.fill("#people_reached", "31")

    page.context.set_offline(True)
    page.click("form button[type=submit].primary")
    page.locator("#outbox:not([hidden])").wait_for()
    assert db.session.execute(select(Visit)).first() is None

    page.context.set_offline(False)
    page.locator("#outbox.flash-info").wait_for()
    page.wait_for_function("() => localStorage.getItem('kepu-outbox') === '[]'")
    db.session.expire_all()
    visits = db.session.execute(select(Visit)).scalars().all()
    assert [v.people_reached for v in visits] == [31]
    page.goto(page.base + "/visits")
    assert "戴家梅子基地" in page.inner_text("main")
    assert page.console_errors == []
