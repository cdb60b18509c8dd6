"""Bulletins are circulated: the leader and members of a team a bulletin names (commended,
criticised, given a rectification deadline, inspected), or of a team of a village it names as
a whole, read it and are told when it is issued; nobody else outside the reviewers does."""

from datetime import date, timedelta

import pytest

from core.bulletin.issue import issue_bulletin, tell_named
from core.extensions import db
from core.models import Bulletin, Notification, Role
from core.services.assessments import confirm, save_manual_scores, save_settings
from core.services.inspections import InspectionInput, record_inspection
from tests.assessment_support import TODAY, YEAR, AssessmentWorld

PERIOD = {"starts_on": "2026-01-01", "ends_on": "2026-11-20"}


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("core.rules.today", lambda: TODAY)


def _assess(world, confirmed=True):
    """Team A is proposed for commendation, C for criticism; B gets nothing. With
    ``confirmed``, the reviewer confirms the proposal (C gets a rectification item)."""
    aw = AssessmentWorld(world)
    _v, _b, manual = aw.simple_rubric()
    save_settings(aw.township, YEAR, "top_n", 1, 1)
    save_manual_scores(
        aw.township,
        YEAR,
        {(t.id, manual.id): s for t, s in ((aw.team_a, 100), (aw.team_b, 50), (aw.team_c, 0))},
    )
    if confirmed:
        confirm(world.reviewer, aw.township, YEAR, [], TODAY + timedelta(days=30))
    aw.leader_b = world.make_user("leader_b", Role.LEADER, team=aw.team_b)
    aw.member_c = world.make_user("member_c", Role.MEMBER, team=aw.team_c)
    db.session.commit()
    return aw


@pytest.fixture
def aw(world):
    return _assess(world)


def _issue_page(client, login, area, period=PERIOD):
    """Issue a bulletin from the page as the reviewer; the new bulletin."""
    login("reviewer")
    response = client.post("/bulletins", data={"area_id": str(area.id), **period})
    assert response.status_code == 302
    client.post("/logout")
    return db.session.scalars(db.select(Bulletin).order_by(Bulletin.id.desc())).first()


def _statuses(client, login, username, bulletin):
    login(username)
    urls = (
        f"/bulletins/{bulletin.id}",
        f"/bulletins/{bulletin.id}/bulletin.xlsx",
        f"/bulletins/{bulletin.id}/bulletin.html",
    )
    codes = {client.get(url).status_code for url in urls}
    client.post("/logout")
    return codes


def test_named_team_reads_others_do_not(world, aw, client, login):
    bulletin = _issue_page(client, login, aw.township)
    assert _statuses(client, login, "leader", bulletin) == {200}  # commended
    assert _statuses(client, login, "member", bulletin) == {200}
    assert _statuses(client, login, "member_c", bulletin) == {200}  # criticised
    assert _statuses(client, login, "leader_b", bulletin) == {403}  # same township, not named
    assert _statuses(client, login, "leader2", bulletin) == {403}  # another township
    login("leader")
    html = client.get(f"/bulletins/{bulletin.id}").get_data(as_text=True)
    assert "戴家村服务队" in html and "/audit" not in html


def test_a_village_named_as_a_whole_names_its_teams(world, aw, client, login):
    record_inspection(
        world.reviewer,
        InspectionInput(None, aw.village_b.id, "unannounced", date(2026, 11, 10), "台账不全"),
    )
    bulletin = _issue_page(client, login, aw.township)
    assert _statuses(client, login, "leader_b", bulletin) == {200}
    assert _statuses(client, login, "leader2", bulletin) == {403}


def test_draft_assessment_names_nobody(world, client, login):
    aw = _assess(world, confirmed=False)
    bulletin = _issue_page(client, login, aw.township)
    # only confirmed assessments feed a bulletin: the draft's proposals name no team
    assert _statuses(client, login, "leader", bulletin) == {403}
    assert _statuses(client, login, "member_c", bulletin) == {403}
    assert db.session.scalar(db.select(db.func.count(Notification.id))) == 0


def test_list_and_home_show_only_readable(world, aw, client, login):
    mine = _issue_page(client, login, aw.township)
    last_year = _issue_page(
        client, login, aw.township, {"starts_on": "2025-01-01", "ends_on": "2025-12-31"}
    )
    theirs = issue_bulletin(world.admin, world.other_township.id, date(2026, 1, 1), TODAY)
    login("leader")
    listed = client.get("/bulletins").get_data(as_text=True)
    assert "关于本队的通报" in listed  # Bulletins about your team
    assert f'/bulletins/{mine.id}"' in listed
    assert f'/bulletins/{last_year.id}"' not in listed and f'/bulletins/{theirs.id}"' not in listed
    assert 'name="area_id"' not in listed  # no issuing form
    home = client.get("/").get_data(as_text=True)
    assert f"/bulletins/{mine.id}" in home and f"/bulletins/{last_year.id}" not in home
    client.post("/logout")
    login("leader_b")
    listed = client.get("/bulletins").get_data(as_text=True)
    assert "/bulletins/" + str(mine.id) not in listed
    assert client.get("/").status_code == 200


def test_users_without_a_team_stay_out(world, aw, client, login):
    bulletin = _issue_page(client, login, aw.township)
    loner = world.make_user("loner", Role.MEMBER)
    db.session.commit()
    assert loner.team_id is None
    login("loner")
    assert client.get("/bulletins").status_code == 403
    assert client.get(f"/bulletins/{bulletin.id}").status_code == 403


def _inbox(user):
    return db.session.scalars(db.select(Notification).where(Notification.user_id == user.id)).all()


def test_named_users_are_notified_once(world, aw, client, login):
    bulletin = _issue_page(client, login, aw.township)
    for user in (world.leader, world.member, aw.member_c):
        notes = _inbox(user)
        assert len(notes) == 1 and notes[0].url == f"/bulletins/{bulletin.id}"
        assert str(bulletin.number) in notes[0].subject
    for user in (aw.leader_b, world.other_leader, world.reviewer):
        assert _inbox(user) == []
    assert tell_named(bulletin) == 0  # a second call notifies nobody
    assert len(_inbox(world.leader)) == 1
    login("leader")
    inbox = client.get("/inbox").get_data(as_text=True)
    assert f"/bulletins/{bulletin.id}" in inbox
