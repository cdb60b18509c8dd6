"""A township reviewer names a village's information officer on a phone, and the officer
routes a question of their village; the pages never scroll sideways."""

import pytest
from sqlalchemy import select

from core.extensions import db
from plugins.expert_desk.models import Officer, Question
from tests.plugins.expert_desk_support import PAGES, Desk

pytestmark = pytest.mark.e2e


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, (page.url, width)


def test_a_reviewer_names_the_officer_who_routes_a_question(phone, world, app):
    desk = Desk(app, world)
    question = desk.question()
    page = phone
    page.log_in("reviewer")
    page.goto(page.base + f"{PAGES}/officers")
    _fits(page)
    card = f'[data-village="{world.village.id}"]'
    page.select_option(f"#officer-{world.village.id}", str(world.member.id))
    page.click(f"{card} button[type=submit]")
    page.wait_for_url(page.base + f"{PAGES}/officers")
    assert world.member.name in page.inner_text(f"{card} [data-officer]")
    _fits(page)
    db.session.expire_all()
    officer = db.session.scalar(select(Officer).where(Officer.village_id == world.village.id))
    assert officer.user_id == world.member.id

    page.context.clear_cookies()
    page.log_in("member")
    page.goto(page.base + f"{PAGES}/questions/{question.id}")
    _fits(page)
    page.select_option("#expert_id", str(desk.expert.id))
    page.click("section[aria-labelledby=route-h] form button[type=submit]")
    page.wait_for_url(page.base + f"{PAGES}/questions/{question.id}")
    _fits(page)
    assert page.console_errors == [] and page.foreign_requests == []
    db.session.expire_all()
    assert db.session.get(Question, question.id).expert_id == desk.expert.id
