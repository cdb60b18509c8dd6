"""On a phone: a team leader records the village's online science party day from the menu;
the form suggests the village's industry, a bad attendance is shown beside its field, and no
page scrolls sideways."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.extensions import db
from core.plugins.state import set_enabled
from core.rules import today
from plugins.party_day.competition import CaseInput, RoundInput, create_round, save_case
from plugins.party_day.models import PartyDay

pytestmark = pytest.mark.e2e


def _fits(page, path):
    page.goto(page.base + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, (path, width)


def test_leader_records_a_party_day_on_a_phone(phone, world, app):
    set_enabled(app, "party_day", True)
    page = phone
    page.log_in("leader")
    page.goto(page.base + "/plugins/party_day/")
    page.click("#party-day-new")
    page.wait_for_selector("#party-day-form")
    assert page.input_value("#industry") == "梅子"  # the village's farms' industry
    assert page.input_value("#village_id") == str(world.village.id)
    page.fill("#held_on", (today() - timedelta(days=3)).isoformat())
    page.fill("#start_time", "19:30")
    page.fill("#topic", "梅子保花保果技术")
    page.fill("#expert_name", "南京农业大学 王教授")
    page.fill("#present", "40")
    page.fill("#branch_size", "31")
    page.click("#party-day-form button[type=submit].primary")
    page.wait_for_selector("#present-error")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.fill("#present", "26")
    page.click("#party-day-form button[type=submit].primary")
    page.wait_for_selector("#party-day-facts")
    assert "26" in page.inner_text("#party-day-attendance")
    row = db.session.execute(select(PartyDay)).scalar_one()
    assert (row.village_id, row.present, row.branch_size) == (world.village.id, 26, 31)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    round_ = create_round(RoundInput(today().year, "最佳党日活动案例竞赛", 20, [("形式新颖", 25)]))
    case = save_case(world.leader, round_, CaseInput(world.village.id, "田头课堂" * 10, "梅园"))
    for path in (
        "/plugins/party_day/",
        "/plugins/party_day/equipment",
        "/plugins/party_day/new",
        "/plugins/party_day/viewings",
        "/plugins/party_day/rounds",
        f"/plugins/party_day/rounds/{round_.id}",
        f"/plugins/party_day/cases/{case.id}",
    ):
        _fits(page, path)
    assert page.console_errors == [] and page.foreign_requests == []
