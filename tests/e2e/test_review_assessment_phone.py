"""A township reviewer on a phone: records an inspection, sees the assessment's figures,
follows a rectification item to done and prints a bulletin; no page scrolls sideways."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import Bulletin, Inspection, Rectification, RectificationStatus
from core.services.rectifications import RectificationInput, create_rectification
from tests.assessment_support import TODAY, AssessmentWorld

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("core.rules.today", lambda: TODAY)


def _fits(page, path):
    page.goto(page.base + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, (path, width)


def test_reviewer_works_the_review_on_a_phone(phone, world, app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    aw = AssessmentWorld(world)
    item = create_rectification(
        world.reviewer,
        RectificationInput(
            "补齐队员至十人，并为每名队员落实联系基地" * 3,
            TODAY + timedelta(days=3),
            team_id=aw.team_c.id,
            title="队员不足",
        ),
    )
    page = phone
    page.log_in("reviewer")

    page.goto(page.base + "/inspections/new")
    page.select_option("#team_id", str(aw.team_c.id))
    page.check("input[name=kind][value=unannounced]")
    page.fill("#findings", "队员到岗率低，台账不全")
    page.click("form button[type=submit].primary")
    page.wait_for_selector(".flash-success")
    inspection = db.session.execute(select(Inspection)).scalar_one()
    assert inspection.team_id == aw.team_c.id

    _fits(page, "/assessments")
    assert "石湫村二队" in page.content()

    page.goto(page.base + f"/rectifications/{item.id}")
    page.fill("#done_note", "已新增两名队员并落实联系基地")
    page.click("form button[type=submit].primary")
    page.wait_for_selector(".flash-success")
    db.session.refresh(item)
    assert item.status == RectificationStatus.DONE

    page.goto(page.base + "/bulletins")
    page.fill("#starts_on", "2026-01-01")
    page.fill("#ends_on", TODAY.isoformat())
    page.click("form button[type=submit].primary")
    page.wait_for_selector("section#figures table")
    bulletin = db.session.execute(select(Bulletin)).scalar_one()
    assert page.url == f"{page.base}/bulletins/{bulletin.id}"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for path in (
        "/",
        "/inspections",
        f"/inspections/{inspection.id}",
        "/inspections/new",
        "/rectifications",
        f"/rectifications/{item.id}",
        "/rectifications/new",
        "/assessments/criteria",
        "/bulletins",
    ):
        _fits(page, path)
    assert page.console_errors == [] and page.foreign_requests == []
    assert db.session.scalar(select(db.func.count(Rectification.id))) == 1
