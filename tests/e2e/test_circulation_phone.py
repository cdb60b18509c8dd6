"""On a phone: a team leader finds the bulletin that names their team on the home page and
opens it, and nominates their village with photos of the evidence, which the nomination page
shows as thumbnails; no page scrolls sideways."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from core.bulletin.issue import issue_bulletin
from core.extensions import db
from core.plugins.state import set_enabled
from core.services.assessments import confirm, save_manual_scores, save_settings
from plugins.model_campaign.models import Criterion, Nomination, Round, Tier
from tests.assessment_support import TODAY, YEAR, AssessmentWorld
from tests.image_support import image_bytes

pytestmark = pytest.mark.e2e


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("core.rules.today", lambda: TODAY)


def _fits(page, path):
    page.goto(page.base + path)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, (path, width)


def test_leader_reads_the_bulletin_naming_the_team(phone, world):
    aw = AssessmentWorld(world)
    _v, _b, manual = aw.simple_rubric()
    save_settings(aw.township, YEAR, "top_n", 1, 1)
    scores = ((aw.team_a, 100), (aw.team_b, 50), (aw.team_c, 0))
    save_manual_scores(aw.township, YEAR, {(t.id, manual.id): s for t, s in scores})
    confirm(world.reviewer, aw.township, YEAR, [], TODAY + timedelta(days=30))
    bulletin = issue_bulletin(world.reviewer, aw.township.id, TODAY.replace(month=1, day=1), TODAY)
    page = phone
    page.log_in("leader")
    assert "关于本队的通报" in page.inner_text("main")  # bulletins about your team
    page.click(f"main a[href='/bulletins/{bulletin.id}']")
    page.wait_for_selector("section#commendations")
    assert "戴家村服务队" in page.inner_text("section#commendations")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    for path in ("/", "/bulletins", "/inbox"):
        _fits(page, path)
    assert f"/bulletins/{bulletin.id}" in page.content()  # the notification links to it
    assert page.console_errors == [] and page.foreign_requests == []


def test_leader_nominates_with_photos(phone, world, app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    set_enabled(app, "model_campaign", True)
    db.session.add(Criterion(tier=Tier.VILLAGE, title="组织领导有力", max_score=10))
    db.session.add(Round(year=YEAR, name=f"{YEAR}年度三级联创"))
    db.session.commit()
    photos = []
    for n, color in enumerate(((200, 30, 30), (30, 160, 60))):
        path = tmp_path / f"evidence{n}.jpg"
        path.write_bytes(image_bytes("JPEG", (1200, 900), color))
        photos.append(str(path))
    page = phone
    page.log_in("leader")
    page.goto(page.base + "/plugins/model_campaign/nominations/new")
    page.select_option("#tier", "village")
    page.fill("#reason", "党建引领科普成效突出")
    page.fill("#evidence", "全年培训12场")
    page.set_input_files("#photos", photos)
    page.click("#mc-nomination button[type=submit].primary")
    page.wait_for_selector("#mc-photos img")
    nomination = db.session.execute(select(Nomination)).scalar_one()
    assert len(nomination.photos) == 2
    page.wait_for_function(
        # a function, not a bare expression: Playwright evaluates a bare expression with
        # eval() while it polls, which the pages' Content-Security-Policy refuses
        "() => [...document.querySelectorAll('#mc-photos img')].every(i => i.naturalWidth === 320)"
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    _fits(page, "/plugins/model_campaign/nominations/new")
    assert page.console_errors == [] and page.foreign_requests == []
