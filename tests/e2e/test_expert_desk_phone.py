"""An agricultural expert answers a routed question on a phone; the page never scrolls
sideways, and the village's leader finds the answer in the inbox."""

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import Notification
from plugins.expert_desk.models import Question
from tests.plugins.expert_desk_support import PAGES, Desk

pytestmark = pytest.mark.e2e


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, (page.url, width)


def test_an_expert_answers_on_a_phone(phone, world, app):
    desk = Desk(app, world)
    question = desk.question(
        expert_id=desk.expert.id,
        status="routed",
        text="大棚草莓叶片边缘发焦，是缺什么肥？" * 3,
        subject="傅家边草莓园",
    )
    other = desk.question(expert_id=desk.other.id, status="routed", text="土地流转合同纠纷")
    page = phone
    page.log_in("expert")
    page.goto(page.base + f"{PAGES}/")
    _fits(page)
    assert page.locator(f'[data-question="{other.id}"]').count() == 0
    page.click(f'[data-question="{question.id}"] a')
    page.wait_for_url(page.base + f"{PAGES}/questions/{question.id}")
    _fits(page)
    page.fill("#text", "多为棚内高温加施肥过量造成的盐害，先大水洗盐，棚温不超过28℃。")
    page.click("#ed-answer-form button[type=submit]")
    page.wait_for_url(page.base + f"{PAGES}/questions/{question.id}")
    assert "大水洗盐" in page.inner_text("#ed-thread")
    assert page.inner_text("#ed-status").startswith("已解答")
    _fits(page)
    assert page.console_errors == [] and page.foreign_requests == []
    db.session.expire_all()
    assert db.session.get(Question, question.id).status == "answered"
    notes = db.session.scalars(
        select(Notification).where(Notification.user_id == world.leader.id)
    ).all()
    assert [n.url for n in notes] == [f"{PAGES}/questions/{question.id}"]
