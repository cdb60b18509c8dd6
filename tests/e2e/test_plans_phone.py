"""A leader on a phone plans a visit, then logs it from the plan; no page scrolls sideways."""

import pytest
from sqlalchemy import select

from core import rules
from core.extensions import db
from core.models import PlanStatus, Visit, VisitPlan

pytestmark = pytest.mark.e2e


def test_leader_plans_a_visit_and_logs_it_on_a_phone(phone, world):
    page = phone
    page.log_in("leader")
    page.goto(page.base + "/plans/new")
    page.select_option("#farm_id", str(world.farm.id))
    page.fill("#planned_on", rules.today().isoformat())
    page.fill("#start_time", "09:30")
    page.select_option("#kind", "technical_training")
    page.fill("#topic", "梅子冬季修剪")
    page.click("form button[type=submit].primary")
    page.wait_for_selector(".flash-success")
    plan = db.session.execute(select(VisitPlan)).scalar_one()
    assert page.url == f"{page.base}/plans/{plan.id}"

    page.click(f"a[href='/plans/{plan.id}/log']")
    page.wait_for_url(f"{page.base}/plans/{plan.id}/log")
    assert page.input_value("#topics") == "梅子冬季修剪"
    assert page.is_checked("input[name=kind][value=technical_training]")
    page.fill("#people_reached", "22")
    page.click("form button[type=submit].primary")
    page.wait_for_selector(".flash-success")
    visit = db.session.execute(select(Visit)).scalar_one()
    db.session.refresh(plan)
    assert plan.status == PlanStatus.DONE and plan.visit_id == visit.id
    assert page.console_errors == [] and page.foreign_requests == []


def test_the_plan_pages_do_not_scroll_sideways(phone, world):
    page = phone
    plan = VisitPlan(
        team=world.team,
        farm=world.farm,
        planned_on=rules.today(),
        topic="梅子园冬季清园与病虫害越冬防治" * 3,
    )
    db.session.add(plan)
    db.session.commit()
    page.log_in("leader")
    for path in (
        "/",
        "/plans",
        "/plans/new",
        f"/plans/{plan.id}",
        f"/plans/{plan.id}/edit",
        f"/plans/{plan.id}/log",
    ):
        page.goto(page.base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
    assert page.console_errors == []
