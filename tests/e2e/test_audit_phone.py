"""The audit trail and the deleted records on a phone: a leader reads their team's trail, an
admin finds a visit the leader deleted and restores it; no page scrolls sideways."""

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import Visit

pytestmark = pytest.mark.e2e


def _fits(page, path):
    page.goto(page.base + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, (path, width)


def test_a_deleted_visit_is_restored_from_a_phone(phone, world):
    visit = world.make_visit(people_reached=40, notes="梅子修剪示范，" * 20)
    visit_id = visit.id
    page = phone
    page.log_in("leader")
    page.goto(page.base + f"/visits/{visit_id}/edit")
    page.fill("#people_reached", "400")
    page.click("form button[type=submit].primary")
    page.wait_for_selector(".flash-success")
    page.goto(page.base + f"/visits/{visit_id}")
    page.click("details.danger-zone summary")
    page.click("form[action$='/delete'] button")
    page.wait_for_selector(".flash-success")
    _fits(page, "/audit")
    assert page.locator("ul.cards li").count() >= 2  # changed, deleted

    page.context.clear_cookies()
    page.log_in("admin")
    _fits(page, "/audit?object_type=visits")
    _fits(page, "/admin/deleted/?kind=visits")
    page.click(f"form[action$='/visits/{visit_id}/restore'] button")
    page.wait_for_selector(".flash-success")
    db.session.expire_all()
    restored = db.session.scalar(select(Visit).where(Visit.id == visit_id))
    assert restored is not None and restored.people_reached == 400
