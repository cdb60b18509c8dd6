"""A township reviewer on a phone sets a campaign's targets and reads the progress against
them; no page scrolls sideways."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from core import rules
from core.extensions import db
from core.models import Campaign, CampaignKind, CampaignTarget, VenueKind

pytestmark = pytest.mark.e2e


def _no_sideways_scroll(page, path: str) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= 390, (path, width)


def test_a_township_reviewer_sets_targets_and_sees_progress_on_a_phone(phone, world):
    today = rules.today()
    campaign = Campaign(
        name="科技下乡服务行动（冬春季集中宣传）",
        kind=CampaignKind.OTHER,
        year=today.year,
        starts_on=today - timedelta(days=20),
        ends_on=today + timedelta(days=10),
    )
    db.session.add(campaign)
    db.session.commit()
    world.make_event(days_ahead=-2, campaign=campaign, venue_kind=VenueKind.VILLAGE)
    world.make_event(days_ahead=-1, campaign=campaign, venue_kind=VenueKind.SCHOOL)
    world.make_visit(days_ago=3, people_reached=45)
    page = phone
    page.log_in("reviewer")

    page.goto(page.base + "/campaigns")
    _no_sideways_scroll(page, "/campaigns")
    page.click(f"a[href='/campaigns/{campaign.id}/targets']")
    page.wait_for_url(f"{page.base}/campaigns/{campaign.id}/targets")
    card = page.locator(f"#t{world.township.id}")
    assert "尚未设定目标" in card.inner_text()
    _no_sideways_scroll(page, "targets, none set")

    card.locator("a.button").click()
    page.wait_for_url(f"{page.base}/campaigns/{campaign.id}/targets/{world.township.id}")
    _no_sideways_scroll(page, "target form")
    page.fill("#events_village", "1")
    page.fill("#events_school", "2")
    page.fill("#visits", "1")
    page.fill("#people_reached", "40")
    page.click("form button[type=submit].primary")
    page.wait_for_selector(".flash-success")
    assert page.url.startswith(f"{page.base}/campaigns/{campaign.id}/targets")
    target = db.session.execute(select(CampaignTarget)).scalar_one()
    assert (target.events_village, target.events_school, target.visits) == (1, 2, 1)

    card = page.locator(f"#t{world.township.id}")
    text = card.inner_text()
    assert "未达成" in text and "1 / 2 · 50%" in text and "45 / 40 · 112%" in text
    assert page.locator(f"#t{world.township.id} .badge-behind").count() == 1
    _no_sideways_scroll(page, "targets with progress")
    # the township's card is one column: every figure row fits inside it
    box = card.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert page.console_errors == [] and page.foreign_requests == []
