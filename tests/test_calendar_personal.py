"""Personal calendar feeds: a secret address per user, regenerated and revoked from the profile."""

import re
from datetime import timedelta

import icalendar
import pytest
import vobject

from core.calendar.feeds import plans_provider
from core.extensions import db
from core.models import CalendarFeed
from core.models.users import hash_token


@pytest.fixture(autouse=True)
def _no_rate_limit(app, monkeypatch):
    monkeypatch.setitem(app.config, "CALENDAR_RATE_LIMIT", "100000 per minute")


def _feed_of(user) -> CalendarFeed | None:
    db.session.expire_all()
    return db.session.execute(
        db.select(CalendarFeed).where(CalendarFeed.user_id == user.id)
    ).scalar_one_or_none()


def _make_address(client) -> str:
    """Make a new address on the profile; the secret of the address shown (only then)."""
    response = client.post("/calendar/feed/new")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    return re.search(r"/calendar/feed/([A-Za-z0-9_-]+)\.ics", response.get_data(as_text=True))[1]


def _uids(body: bytes) -> set[str]:
    return {str(e["uid"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}


def test_profile_makes_regenerates_and_revokes_the_address(client, world, login):
    login("leader")
    page = client.get("/profile").get_data(as_text=True)
    assert 'id="calendar-h"' in page and "/calendar/feed/new" in page
    response = client.post("/calendar/feed/new")
    page = response.get_data(as_text=True)
    first = re.search(r"/calendar/feed/([A-Za-z0-9_-]+)\.ics", page)[1]
    assert f'href="webcal://localhost/calendar/feed/{first}.ics"' in page
    assert f'readonly value="http://localhost/calendar/feed/{first}.ics"' in page
    stored = _feed_of(world.leader).token_hash
    assert stored == hash_token(first) and first not in stored
    # shown once: the profile no longer shows it
    assert first not in client.get("/profile").get_data(as_text=True)
    client.post("/logout")
    assert client.get(f"/calendar/feed/{first}.ics").status_code == 200  # no login needed
    login("leader")
    second = _make_address(client)
    assert second != first
    assert client.get(f"/calendar/feed/{first}.ics").status_code == 404
    assert client.get(f"/calendar/feed/{second}.ics").status_code == 200
    client.post("/calendar/feed/revoke")
    assert _feed_of(world.leader).token_hash is None
    assert client.get(f"/calendar/feed/{second}.ics").status_code == 404
    assert "/calendar/feed/new" in client.get("/profile").get_data(as_text=True)


def test_an_address_made_before_hashing_keeps_working(client, world):
    db.session.add(CalendarFeed(user_id=world.member.id, token_hash=hash_token("old-secret-1")))
    db.session.commit()
    assert client.get("/calendar/feed/old-secret-1.ics").status_code == 200
    assert client.get(f"/calendar/feed/{hash_token('old-secret-1')}.ics").status_code == 404


def test_the_feed_holds_the_users_team_events(client, world, login):
    mine = world.make_event(title="本队活动")
    other = world.make_event(team=world.other_team, title="别队活动")
    login("member")
    token = _make_address(client)
    response = client.get(f"/calendar/feed/{token}.ics")
    assert response.status_code == 200
    assert "private" in response.headers["Cache-Control"]
    vobject.readOne(response.get_data(as_text=True))
    assert _uids(response.data) == {mine.uid}
    assert other.uid not in _uids(response.data)
    etag = response.headers["ETag"]
    assert (
        client.get(f"/calendar/feed/{token}.ics", headers={"If-None-Match": etag}).status_code
        == 304
    )


def test_reviewers_feed_is_their_area_and_admins_all(client, world, login):
    mine = world.make_event(title="永阳镇活动")
    other = world.make_event(team=world.other_team, title="洪蓝镇活动")
    login("reviewer")
    token = _make_address(client)
    assert _uids(client.get(f"/calendar/feed/{token}.ics").data) == {mine.uid}
    client.post("/logout")
    login("admin")
    token = _make_address(client)
    assert _uids(client.get(f"/calendar/feed/{token}.ics").data) == {mine.uid, other.uid}


def test_inactive_users_feed_is_gone(client, world, login):
    login("member")
    token = _make_address(client)
    world.member.active = False
    db.session.commit()
    assert client.get(f"/calendar/feed/{token}.ics").status_code == 404


def test_planned_visits_only_when_opted_in(client, world, login):
    provider = plans_provider()
    if provider is None:
        pytest.skip("visit plans are not installed")
    from core.models import VisitPlan

    login("leader")
    token = _make_address(client)
    plan = VisitPlan(
        team=world.team,
        farm=world.farm,
        created_by_id=world.leader.id,
        planned_on=world.make_event().starts_at.date() + timedelta(days=1),
    )
    db.session.add(plan)
    db.session.commit()
    from core.services.plans import plan_entry

    uid = plan_entry(plan).uid
    assert uid not in _uids(client.get(f"/calendar/feed/{token}.ics").data)
    assert client.post("/calendar/feed/options", data={"include_plans": "y"}).status_code == 302
    assert _feed_of(world.leader).include_plans
    assert uid in _uids(client.get(f"/calendar/feed/{token}.ics").data)
    client.post("/calendar/feed/options", data={})
    assert uid not in _uids(client.get(f"/calendar/feed/{token}.ics").data)
