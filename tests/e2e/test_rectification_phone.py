"""A team leader reports rectification progress from a phone, with a photo; the township
reviewer, on a phone too, sends it back with a reason; accepting takes a second tap. No page
scrolls sideways."""

from datetime import timedelta

import pytest

from core.extensions import db
from core.models import Rectification, RectificationStatus, RectificationStep, StepKind
from core.services.rectification_steps import report_progress
from core.services.rectifications import RectificationInput, create_rectification
from tests.assessment_support import TODAY
from tests.e2e.conftest import log_in
from tests.image_support import JPEG

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("core.rules.today", lambda: TODAY)


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, (page.url, width)


def _second_phone(browser, base):
    """Another phone (its own cookies) for the other side."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    page.base = base
    return context, page


def test_leader_reports_on_a_phone_and_the_reviewer_sends_it_back(
    phone, browser, world, app, tmp_path, monkeypatch
):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    item = create_rectification(
        world.reviewer,
        RectificationInput(
            "补齐走访台账，逐户记录走访内容" * 4,
            TODAY + timedelta(days=10),
            team_id=world.team.id,
            title="规范队员走访记录",
        ),
    )
    page = phone
    page.log_in("leader")
    page.goto(page.base + f"/rectifications/{item.id}")
    _fits(page)
    page.fill("#text", "已逐户补记走访内容，台账已整理成册。")
    page.set_input_files(
        "#photos", files=[{"name": "ledger.jpg", "mimeType": "image/jpeg", "buffer": JPEG}]
    )
    page.click("#report-progress button[type=submit]")
    page.wait_for_selector(".flash-success")
    assert page.locator(".awaiting-review").is_visible()
    assert page.locator("ul.follow-up img").count() == 1
    _fits(page)
    db.session.expire_all()
    assert db.session.get(Rectification, item.id).awaiting_review

    context, reviewer = _second_phone(browser, page.base)
    try:
        log_in(reviewer, "reviewer")
        reviewer.goto(reviewer.base + "/rectifications?status=awaiting")
        assert "规范队员走访记录" in reviewer.content()
        _fits(reviewer)
        reviewer.goto(reviewer.base + f"/rectifications/{item.id}")
        _fits(reviewer)
        accept = reviewer.locator("#accept-report button[type=submit]")
        assert not accept.is_visible()  # accepting takes a second tap
        reviewer.fill("#reason", "照片看不清台账内容，请重新拍照报送。")
        reviewer.click("#send-back button[type=submit]")
        reviewer.wait_for_selector(".flash-success")
        assert reviewer.locator(".awaiting-review").count() == 0
        assert "照片看不清台账内容" in reviewer.content()
        _fits(reviewer)
    finally:
        context.close()

    db.session.expire_all()
    item = db.session.get(Rectification, item.id)
    assert item.status == RectificationStatus.OPEN and not item.awaiting_review
    steps = db.session.scalars(db.select(RectificationStep).order_by(RectificationStep.id)).all()
    assert [s.kind for s in steps] == [StepKind.REPORT, StepKind.SENT_BACK]
    page.goto(page.base + f"/rectifications/{item.id}")
    assert "照片看不清台账内容" in page.content()
    assert page.locator("#report-progress").is_visible()  # the team may report again
    assert page.console_errors == [] and page.foreign_requests == []


def test_accepting_a_report_takes_two_taps(phone, world):
    item = create_rectification(
        world.reviewer,
        RectificationInput("更新宣传栏", TODAY + timedelta(days=10), team_id=world.team.id),
    )
    report_progress(world.leader, item, "宣传栏已更新")
    page = phone
    page.log_in("reviewer")
    page.goto(page.base + f"/rectifications/{item.id}")
    button = page.locator("#accept-report button[type=submit]")
    assert not button.is_visible()
    page.click("#accept-report summary")
    button.click()
    page.wait_for_selector(".flash-success")
    db.session.expire_all()
    item = db.session.get(Rectification, item.id)
    assert item.status == RectificationStatus.DONE and item.done_note == "宣传栏已更新"
