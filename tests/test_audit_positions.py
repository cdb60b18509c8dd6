"""Confirmed assessments and issued bulletins cite the audit trail's position: the page and the
API show how many records of the area changed since, and link to exactly those changes."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from core.bulletin.issue import issue_bulletin
from core.extensions import db
from core.models import AnnualAssessment, AuditEvent, Bulletin, Visit
from core.services.assessments import (
    Decision,
    confirm,
    find_assessment,
    save_manual_scores,
    save_settings,
)
from tests.assessment_support import TODAY, YEAR, AssessmentWorld


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("core.rules.today", lambda: TODAY)


@pytest.fixture
def aw(world):
    """The assessment world with the 2026 assessment of 永阳镇 confirmed (one criticism)."""
    aw = AssessmentWorld(world)
    _v, _b, manual = aw.simple_rubric()
    save_settings(aw.township, YEAR, "top_n", 1, 1)
    save_manual_scores(
        aw.township,
        YEAR,
        {(t.id, manual.id): s for t, s in ((aw.team_a, 50), (aw.team_b, 100), (aw.team_c, 0))},
    )
    confirm(
        world.reviewer,
        aw.township,
        YEAR,
        [Decision(aw.team_b.id, "none")],
        TODAY + timedelta(days=30),
    )
    return aw


def _last_event() -> int:
    return db.session.scalar(select(func.max(AuditEvent.id)))


def _change_a_visit(team) -> Visit:
    """Change the number of people of one of ``team``'s visits."""
    visit = db.session.scalars(select(Visit).where(Visit.team_id == team.id)).first()
    visit.people_reached += 1
    db.session.commit()
    return visit


def _provenance(html: str) -> dict:
    """The data attributes and the audit link of the page's provenance line."""
    match = re.search(r'<p class="muted provenance"[^>]*>.*?</p>', html, re.S)
    assert match, "no provenance line"
    line = match.group(0)
    position = re.search(r'data-position="(\d*)"', line).group(1)
    changes = re.search(r'data-changes="(\d*)"', line).group(1)
    link = re.search(r'href="([^"]+)"', line)
    return {
        "position": int(position) if position else None,
        "changes": int(changes) if changes else None,
        "link": link.group(1).replace("&amp;", "&") if link else None,
    }


def _audit_cards(html: str) -> list[str]:
    """The changes listed by the audit page."""
    if '<ul class="cards wrap-anywhere">' not in html:
        return []
    block = html.split('<ul class="cards wrap-anywhere">', 1)[1].split("</ul>", 1)[0]
    return block.split("<li>")[1:]


def test_confirming_keeps_the_position_after_its_own_changes(aw):
    assessment = find_assessment(aw.township, YEAR)
    assert assessment.audit_position is not None
    # the confirmation's own writes (results, rectification items) are at or before it, and
    # keeping the position is not itself a later change
    assert assessment.audit_position == _last_event()
    db.session.expire_all()
    assert db.session.get(AnnualAssessment, assessment.id).audit_position == _last_event()


def test_assessment_page_counts_a_later_change_and_links_to_it(aw, world, client, login):
    assessment = find_assessment(aw.township, YEAR)
    position = assessment.audit_position
    login("reviewer")
    url = f"/assessments?area={aw.township.id}&year={YEAR}"
    before = _provenance(client.get(url).get_data(as_text=True))
    assert before == {"position": position, "changes": 0, "link": None}

    visit = _change_a_visit(aw.team_a)
    world.make_visit(team=world.other_team, farm=world.other_farm)  # another township
    after = _provenance(client.get(url).get_data(as_text=True))
    assert after["position"] == position and after["changes"] == 1
    assert after["link"].startswith("/audit?")
    assert f"after={position}" in after["link"] and f"area={aw.township.id}" in after["link"]

    cards = _audit_cards(client.get(after["link"]).get_data(as_text=True))
    assert len(cards) == 1 and f"#{visit.id}" in cards[0]


def test_assessment_api_shows_position_and_changes(aw, world, client, bearer):
    headers = bearer(world.reviewer)
    url = f"/api/v1/assessments/{YEAR}?area={aw.township.id}"
    position = find_assessment(aw.township, YEAR).audit_position
    body = client.get(url, headers=headers).get_json()
    assert body["audit_position"] == position and body["changes_since"] == 0
    visit = _change_a_visit(aw.team_b)
    _change_a_visit(aw.team_a)
    world.make_visit(team=world.other_team, farm=world.other_farm)
    body = client.get(url, headers=headers).get_json()
    assert body["audit_position"] == position and body["changes_since"] == 2
    trail = client.get(
        f"/api/v1/audit?after={position}&area={aw.township.id}", headers=headers
    ).get_json()
    assert len(trail) == 2 and {row["object_type"] for row in trail} == {"visits"}
    assert str(visit.id) in {row["object_id"] for row in trail}
    listed = client.get("/api/v1/assessments", headers=headers).get_json()
    assert [row["audit_position"] for row in listed] == [position]
    assert "changes_since" not in listed[0]  # the list costs no query per row


def test_a_draft_has_no_position(aw, world, client, bearer):
    body = client.get(
        f"/api/v1/assessments/{YEAR + 1}?area={aw.township.id}", headers=bearer(world.reviewer)
    ).get_json()
    assert body["audit_position"] is None and body["changes_since"] is None


def test_an_assessment_older_than_the_trail(aw, client, login, world, bearer):
    assessment = find_assessment(aw.township, YEAR)
    db.session.execute(
        update(AnnualAssessment.__table__)
        .where(AnnualAssessment.__table__.c.id == assessment.id)
        .values(audit_position=None)
    )
    db.session.commit()
    login("reviewer")
    html = client.get(f"/assessments?area={aw.township.id}&year={YEAR}").get_data(as_text=True)
    assert _provenance(html) == {"position": None, "changes": None, "link": None}
    body = client.get(
        f"/api/v1/assessments/{YEAR}?area={aw.township.id}", headers=bearer(world.reviewer)
    ).get_json()
    assert body["audit_position"] is None and body["changes_since"] is None


def test_bulletin_cites_its_position(aw, world, client, login):
    bulletin = issue_bulletin(world.reviewer, aw.township.id, TODAY.replace(month=1, day=1), TODAY)
    position = bulletin.audit_position
    assert position == _last_event()  # its own creation included, the stamp not recorded
    db.session.expire_all()
    assert db.session.get(Bulletin, bulletin.id).audit_position == position

    login("reviewer")
    url = f"/bulletins/{bulletin.id}"
    assert _provenance(client.get(url).get_data(as_text=True)) == {
        "position": position,
        "changes": 0,
        "link": None,
    }
    visit = _change_a_visit(aw.team_a)
    world.make_visit(team=world.other_team, farm=world.other_farm)  # another township
    line = _provenance(client.get(url).get_data(as_text=True))
    assert line["position"] == position and line["changes"] == 1
    assert f"after={position}" in line["link"] and f"area={aw.township.id}" in line["link"]
    cards = _audit_cards(client.get(line["link"]).get_data(as_text=True))
    assert len(cards) == 1 and f"#{visit.id}" in cards[0]

    # the standalone download says it too, without a link back into the site
    download = client.get(f"/bulletins/{bulletin.id}/bulletin.html").get_data(as_text=True)
    assert _provenance(download) == {"position": position, "changes": 1, "link": None}
    english = client.get(f"{url}?lang=en").get_data(as_text=True)
    assert f"Issued at trail entry #{position}" in english
    assert "1 change to this area's records since" in english


def test_the_link_is_only_for_readers_of_the_trail(aw, world, client, login, monkeypatch):
    bulletin = issue_bulletin(world.reviewer, aw.township.id, TODAY.replace(month=1, day=1), TODAY)
    _change_a_visit(aw.team_a)
    monkeypatch.setattr("core.views.bulletins.may_read_audit", lambda user: False)
    monkeypatch.setattr("core.views.assessments.may_read_audit", lambda user: False)
    login("reviewer")
    line = _provenance(client.get(f"/bulletins/{bulletin.id}").get_data(as_text=True))
    assert line["changes"] == 1 and line["link"] is None
    html = client.get(f"/assessments?area={aw.township.id}&year={YEAR}").get_data(as_text=True)
    assert _provenance(html)["changes"] == 1 and _provenance(html)["link"] is None
