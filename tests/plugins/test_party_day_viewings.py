"""County-wide viewings: organised by the county, attendance recorded per village by those who
write its party days, read across the county, and in the calendar feeds."""

from datetime import timedelta

import icalendar
import pytest
from party_day_support import API, PAGES, enable
from sqlalchemy import select

from core.extensions import db
from core.models import Role
from core.rules import today
from plugins.party_day.models import Viewing, ViewingVillage


@pytest.fixture
def county(app, world):
    """The plugin enabled and a county reviewer."""
    enable(app)
    world.county_reviewer = world.make_user("county", Role.REVIEWER, area=world.county)
    for user in (world.leader, world.county_reviewer, world.reviewer):
        user.locale = "en"
    db.session.commit()
    return world


@pytest.fixture
def login(client, login):
    """Log in as another user (ending the session of the one before)."""

    def _switch(username):
        client.post("/logout")
        return login(username)

    return _switch


def _viewing_form(world, **overrides) -> dict:
    return {
        "area_id": str(world.county.id),
        "held_on": (today() - timedelta(days=5)).isoformat(),
        "start_time": "09:00",
        "title": "全县农村党员网上科技党日集中观摩",
        "hosts": "永阳镇戴家村",
        "notes": "",
    } | overrides


def test_county_organises_and_villages_record_attendance(county, client, login):
    login("leader")
    assert client.post(PAGES + "/viewings/new", data=_viewing_form(county)).status_code == 403
    login("county")
    response = client.post(PAGES + "/viewings/new", data=_viewing_form(county))
    assert response.status_code == 302
    viewing = db.session.scalar(select(Viewing))
    login("leader")
    page = client.get(f"{PAGES}/viewings/{viewing.id}").get_data(as_text=True)
    assert "全县农村党员网上科技党日集中观摩" in page and "Not recorded" in page
    url = f"{PAGES}/viewings/{viewing.id}/attendance"
    assert (
        client.post(url, data={"village_id": county.village.id, "present": "28"}).status_code == 302
    )
    other = client.post(url, data={"village_id": county.other_village.id, "present": "5"})
    assert other.status_code == 403
    bad = client.post(url, data={"village_id": county.village.id, "present": ""})
    assert bad.status_code == 200 and 'id="present-error"' in bad.get_data(as_text=True)
    [row] = db.session.scalars(select(ViewingVillage)).all()
    assert (row.village_id, row.present) == (county.village.id, 28)
    login("county")
    page = client.get(f"{PAGES}/viewings/{viewing.id}").get_data(as_text=True)
    assert "1 / 2" in page  # one of the county's two villages watched


def test_township_reviewer_may_not_organise_for_the_county(county, client, login, bearer):
    login("reviewer")
    response = client.post(PAGES + "/viewings/new", data=_viewing_form(county))
    assert response.status_code == 200 and 'id="area_id-error"' in response.get_data(as_text=True)
    api = client.post(
        f"{API}/viewings",
        json={"area_id": county.county.id, "held_on": "2026-06-10", "title": "观摩"},
        headers=bearer(county.reviewer) | {"Accept-Language": "en"},
    )
    assert api.status_code == 422 and "area_id" in api.get_json()["errors"]["json"]
    own = client.post(
        f"{API}/viewings",
        json={"area_id": county.township.id, "held_on": "2026-06-10", "title": "永阳镇观摩"},
        headers=bearer(county.reviewer),
    )
    assert own.status_code == 201
    body = {"area_id": county.township.id, "held_on": "2026-06-10", "title": "观摩"}
    leader = client.post(f"{API}/viewings", json=body, headers=bearer(county.leader))
    assert leader.status_code == 403


def test_viewing_api_attendance_and_scope(county, client, bearer):
    made = client.post(
        f"{API}/viewings",
        json={"area_id": county.county.id, "held_on": "2026-06-10", "title": "全县集中观摩"},
        headers=bearer(county.county_reviewer),
    )
    viewing_id = made.get_json()["id"]
    url = f"{API}/viewings/{viewing_id}/attendance"
    put = client.put(
        f"{url}/{county.village.id}", json={"present": 30}, headers=bearer(county.leader)
    )
    assert put.status_code == 200 and put.get_json()["attendance"] == {str(county.village.id): 30}
    bad = client.put(
        f"{url}/{county.village.id}",
        json={"present": -3},
        headers=bearer(county.leader) | {"Accept-Language": "en"},
    )
    assert bad.status_code == 422 and "present" in bad.get_json()["errors"]["json"]
    other = client.put(
        f"{url}/{county.other_village.id}", json={"present": 3}, headers=bearer(county.leader)
    )
    assert other.status_code == 403
    for user in (county.leader, county.other_leader, county.member, county.reviewer):
        listed = client.get(f"{API}/viewings", headers=bearer(user)).get_json()
        assert [v["id"] for v in listed] == [viewing_id]
    township = client.post(
        f"{API}/viewings",
        json={"area_id": county.township.id, "held_on": "2026-06-11", "title": "永阳镇观摩"},
        headers=bearer(county.reviewer),
    ).get_json()
    assert (
        client.get(
            f"{API}/viewings/{township['id']}", headers=bearer(county.other_leader)
        ).status_code
        == 403
    )


def test_viewing_in_the_calendar_feed(app, county, client):
    app.config["CALENDAR_RATE_LIMIT"] = "1000 per minute"
    viewing = Viewing(
        area_id=county.county.id,
        held_on=today() + timedelta(days=3),
        title="全县集中观摩",
        revision=0,
    )
    db.session.add(viewing)
    db.session.commit()
    feed = icalendar.Calendar.from_ical(client.get("/calendar/events.ics").data)
    uids = {str(e["uid"]) for e in feed.walk("VEVENT")}
    assert f"viewing-{viewing.id}@party_day" in uids
