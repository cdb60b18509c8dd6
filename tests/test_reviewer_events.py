"""Reviewers create and edit the events of the teams inside their area (pages and API); the
leaders' rules stay as they were."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select
from test_api_support import field_errors, snapshot

from core.extensions import db
from core.models import Event, EventStatus, Notification, Role, VenueKind

TZ = ZoneInfo("Asia/Shanghai")
URL = "/api/v1/events/"


def _count() -> int:
    return db.session.execute(
        select(func.count(Event.id)).where(Event.deleted_at.is_(None))
    ).scalar_one()


def _form(world, **overrides) -> dict:
    """A valid event as the page posts it, ten days ahead."""
    day = (datetime.now(TZ) + timedelta(days=10)).date()
    data = {
        "title": "梅子病虫害防治讲座",
        "campaign_id": world.campaign.id,
        "venue_kind": VenueKind.MARKET_TOWN.value,
        "place": "永阳镇集市",
        "start_date": day.isoformat(),
        "start_time": "09:00",
        "end_time": "11:00",
        "team_ids": [world.team.id],
        "status": EventStatus.SCHEDULED.value,
    }
    data.update(overrides)
    return data


def _body(world, **change) -> dict:
    body = {
        "title": "梅子病虫害防治讲座",
        "venue_kind": "market_town",
        "place": "永阳镇集市",
        "starts_at": "2026-09-20T09:00:00+08:00",
        "ends_at": "2026-09-20T11:00:00+08:00",
        "campaign_id": world.campaign.id,
        "team_ids": [world.team.id],
    }
    body.update(change)
    return body


def _english(client):
    client.post("/lang/en", data={"next": "/"})


def _organisers(html: str) -> str:
    """The organising-teams fieldset of the event form."""
    return html.split('<fieldset class="field choices checks scroll"')[1].split("</fieldset>")[0]


def _subjects(user) -> list[str]:
    return db.session.scalars(
        select(Notification.subject).where(Notification.user_id == user.id)
    ).all()


def test_a_township_reviewer_creates_an_event_of_a_team_inside_the_area(client, login, world):
    login("reviewer")
    _english(client)
    assert "/events/new" in client.get("/events").get_data(as_text=True)
    page = client.get("/events/new").get_data(as_text=True)
    offered = _organisers(page)
    assert world.team.name in offered and world.other_team.name not in offered
    assert "Teams inside your area." in page
    response = client.post("/events/new", data=_form(world))
    assert response.status_code == 302
    event = db.session.execute(select(Event)).scalar_one()
    assert [t.id for t in event.teams] == [world.team.id]
    assert event.created_by_id == world.reviewer.id and event.area_id == world.village.id


def test_a_team_outside_the_area_is_refused_and_nothing_is_created(client, login, world, bearer):
    login("reviewer")
    _english(client)
    data = _form(world, team_ids=[world.team.id, world.other_team.id])
    response = client.post("/events/new", data=data)
    assert "Choose teams inside your own area." in response.get_data(as_text=True)
    assert client.post("/events/new", data=_form(world, team_ids=[])).status_code == 200
    assert _count() == 0
    headers = bearer(world.reviewer)
    before = snapshot()
    body = _body(world, team_ids=[world.other_team.id])
    assert field_errors(client.post(URL, json=body, headers=headers)) == {
        "team_ids": ["Choose teams inside your own area."]  # the language chosen on the page
    }
    assert list(field_errors(client.post(URL, json=_body(world, team_ids=[]), headers=headers)))
    body = _body(world, area_id=world.other_village.id)
    assert list(field_errors(client.post(URL, json=body, headers=headers))) == ["area_id"]
    assert snapshot() == before
    assert client.post(URL, json=_body(world), headers=headers).status_code == 201


def test_a_reviewer_edits_and_cancels_and_the_team_is_told(client, login, world, bearer):
    event = world.make_event(title="梅子栽培讲座")
    login("reviewer")
    data = _form(world, title="梅子栽培讲座（改期）", status=EventStatus.SCHEDULED.value)
    assert client.post(f"/events/{event.id}/edit", data=data).status_code == 302
    db.session.refresh(event)
    assert event.title == "梅子栽培讲座（改期）" and event.revision == 1
    assert _subjects(world.leader) == ["活动时间或地点已变更：梅子栽培讲座（改期）"]
    response = client.post(f"{URL}{event.id}/cancel", headers=bearer(world.reviewer))
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    assert "活动已取消：梅子栽培讲座（改期）" in _subjects(world.member)
    assert _subjects(world.reviewer) == []


def test_a_reviewer_may_not_add_a_team_outside_the_area(client, world, bearer):
    event = world.make_event()
    headers = bearer(world.reviewer)
    before = snapshot()
    response = client.patch(
        f"{URL}{event.id}", json={"team_ids": [world.team.id, world.other_team.id]}, headers=headers
    )
    assert field_errors(response) == {"team_ids": ["请选择本辖区内的服务队。"]}
    assert snapshot() == before


@pytest.mark.parametrize("how", ["page", "api"])
def test_an_event_with_an_organiser_outside_the_area_is_not_the_reviewers(
    client, login, world, bearer, how
):
    event = world.make_event()
    event.teams.append(world.other_team)
    db.session.commit()
    before = snapshot()
    if how == "page":
        login("reviewer")
        assert client.get(f"/events/{event.id}/edit").status_code == 403
        assert client.post(f"/events/{event.id}/cancel").status_code == 403
        assert client.post(f"/events/{event.id}/delete").status_code == 403
    else:
        headers = bearer(world.reviewer)
        before = snapshot()
        assert (
            client.patch(f"{URL}{event.id}", json={"title": "x"}, headers=headers).status_code
            == 403
        )
        assert client.post(f"{URL}{event.id}/cancel", headers=headers).status_code == 403
        assert client.delete(f"{URL}{event.id}", headers=headers).status_code == 403
    assert snapshot() == before


def test_a_county_reviewer_organises_for_every_township(client, world, bearer):
    county = world.make_user("county", Role.REVIEWER, area=world.county)
    db.session.commit()
    body = _body(world, team_ids=[world.team.id, world.other_team.id])
    response = client.post(URL, json=body, headers=bearer(county))
    assert response.status_code == 201
    assert sorted(response.get_json()["team_ids"]) == sorted([world.team.id, world.other_team.id])


def test_leaders_keep_their_rules_on_a_reviewers_event(client, login, world, bearer):
    made = client.post(URL, json=_body(world), headers=bearer(world.reviewer))
    event_id = made.get_json()["id"]
    # the organising team's leader edits it; a leader of another township does not
    headers = bearer(world.leader)
    assert (
        client.patch(f"{URL}{event_id}", json={"title": "新题"}, headers=headers).status_code == 200
    )
    other = bearer(world.other_leader)
    assert client.patch(f"{URL}{event_id}", json={"title": "x"}, headers=other).status_code == 403
    # and a leader still names only teams of their own township, their own always included
    body = _body(world, team_ids=[world.other_team.id])
    assert field_errors(client.post(URL, json=body, headers=headers)) == {
        "team_ids": ["请选择本乡镇的服务队。"]
    }
    login("leader")
    page = client.get("/events/new").get_data(as_text=True)
    assert world.other_team.name not in _organisers(page)
