"""Campaign targets per township: who sets them (pages and API), who reads them, and progress
counted exactly as the review counts it."""

from datetime import timedelta

import pytest
from sqlalchemy import select
from test_api_support import field_errors, snapshot

from core import rules
from core.extensions import db
from core.models import (
    AuditEvent,
    Campaign,
    CampaignKind,
    CampaignTarget,
    EventStatus,
    Role,
    VenueKind,
)
from core.services.campaign_targets import MAX_EVENTS, MAX_PEOPLE

#: a target as the API takes it
BODY = {
    "events": {"village": 2, "market_town": 1, "school": 0, "government": 0, "enterprise": 0},
    "visits": 3,
    "people_reached": 50,
}


@pytest.fixture
def campaign(world):
    """A campaign around today: twenty days behind, ten ahead."""
    today = rules.today()
    campaign = Campaign(
        name="科技下乡服务行动",
        kind=CampaignKind.OTHER,
        year=today.year,
        starts_on=today - timedelta(days=20),
        ends_on=today + timedelta(days=10),
    )
    db.session.add(campaign)
    db.session.commit()
    return campaign


def _url(campaign, area=None) -> str:
    base = f"/api/v1/campaigns/{campaign.id}/targets"
    return base if area is None else f"{base}/{area.id}"


def _page(campaign, area=None) -> str:
    base = f"/campaigns/{campaign.id}/targets"
    return base if area is None else f"{base}/{area.id}"


def _target(campaign, area) -> CampaignTarget | None:
    return db.session.scalars(
        select(CampaignTarget).where(
            CampaignTarget.campaign_id == campaign.id, CampaignTarget.area_id == area.id
        )
    ).first()


def _english(client):
    client.post("/lang/en", data={"next": "/"})


def _form(**change) -> dict:
    data = {
        "events_village": "2",
        "events_market_town": "1",
        "events_school": "",
        "events_government": "0",
        "events_enterprise": "",
        "visits": "3",
        "people_reached": "50",
    }
    data.update(change)
    return data


def test_a_township_reviewer_sets_targets_on_the_page_and_sees_progress(
    client, login, world, campaign
):
    world.make_visit(days_ago=2, people_reached=40)
    world.make_event(days_ahead=-3, campaign=campaign, venue_kind=VenueKind.VILLAGE)
    login("reviewer")
    _english(client)
    assert "Targets and progress" in client.get("/campaigns").get_data(as_text=True)
    html = client.get(_page(campaign)).get_data(as_text=True)
    assert world.township.name in html and world.other_township.name not in html
    assert "No targets set" in html and "Set targets" in html
    assert client.get(_page(campaign, world.township)).status_code == 200
    response = client.post(_page(campaign, world.township), data=_form())
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{_page(campaign)}#t{world.township.id}")
    target = _target(campaign, world.township)
    assert (target.events_village, target.events_market_town, target.events_school) == (2, 1, 0)
    assert (target.visits, target.people_reached) == (3, 50)
    html = client.get(_page(campaign)).get_data(as_text=True)
    assert "Behind" in html and "1 of 2 · 50%" in html and "1 of 3 · 33%" in html
    assert "Change targets" in html
    # the trail names who set them
    trail = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "campaign_targets")
    ).all()
    assert [(e.action, e.user_id) for e in trail] == [("create", world.reviewer.id)]
    # met once every figure with a target is reached
    client.post(
        _page(campaign, world.township),
        data=_form(events_village="1", events_market_town="0", visits="1", people_reached="40"),
    )
    html = client.get(_page(campaign)).get_data(as_text=True)
    assert "Met" in html and "Behind" not in html.split('class="cards target-cards"')[1]


def test_another_townships_targets_are_refused_with_403(client, login, world, campaign, bearer):
    login("reviewer")
    assert client.get(_page(campaign, world.other_township)).status_code == 403
    assert client.post(_page(campaign, world.other_township), data=_form()).status_code == 403
    before = snapshot()
    response = client.put(
        _url(campaign, world.other_township), json=BODY, headers=bearer(world.reviewer)
    )
    assert response.status_code == 403 and response.is_json
    assert snapshot() == before


def test_a_county_reviewer_sets_any_township_of_the_county(client, world, campaign, bearer):
    county = world.make_user("county", Role.REVIEWER, area=world.county)
    db.session.commit()
    response = client.put(_url(campaign, world.other_township), json=BODY, headers=bearer(county))
    assert response.status_code == 200
    assert response.get_json()["area_id"] == world.other_township.id
    listed = client.get(_url(campaign), headers=bearer(county)).get_json()["townships"]
    assert [t["area_name"] for t in listed] == sorted([world.township.name, "洪蓝镇"])
    assert all(t["editable"] for t in listed)


@pytest.mark.parametrize("username", ["leader", "member"])
def test_leaders_and_members_read_their_townships_targets_only(
    client, login, world, campaign, bearer, username
):
    client.put(_url(campaign, world.township), json=BODY, headers=bearer(world.admin))
    user = getattr(world, username)
    login(username)
    _english(client)
    html = client.get(_page(campaign)).get_data(as_text=True)
    assert world.township.name in html and world.other_township.name not in html
    assert "0 of 2 · 0%" in html and "Set targets" not in html and "Change targets" not in html
    assert client.get(_page(campaign, world.township)).status_code == 403
    assert client.post(_page(campaign, world.township), data=_form()).status_code == 403
    body = client.get(_url(campaign), headers=bearer(user)).get_json()
    assert [(t["area_id"], t["editable"]) for t in body["townships"]] == [
        (world.township.id, False)
    ]
    before = snapshot()
    response = client.put(_url(campaign, world.township), json=BODY, headers=bearer(user))
    assert response.status_code == 403
    assert snapshot() == before


def test_progress_counts_what_the_review_counts(client, world, campaign, bearer):
    """The review of the township for the campaign's days shows the same figures."""
    other_campaign = world.campaign
    second = world.make_team(world.village, "戴家村二队", size=2)
    db.session.commit()
    held = world.make_event(days_ahead=-5, campaign=campaign, venue_kind=VenueKind.SCHOOL)
    held.teams = [world.team, second]  # two teams of the township: counted once
    world.make_event(days_ahead=-4, campaign=campaign, venue_kind=VenueKind.VILLAGE)
    world.make_event(days_ahead=-3, campaign=campaign, venue_kind=VenueKind.VILLAGE)
    world.make_event(days_ahead=-2, campaign=campaign, status=EventStatus.CANCELLED)
    world.make_event(days_ahead=-2, campaign=campaign).soft_delete(world.admin)
    world.make_event(days_ahead=3, campaign=campaign)  # ahead: scheduled, not held
    world.make_event(days_ahead=-40, campaign=campaign)  # before the campaign
    world.make_event(days_ahead=-2, campaign=other_campaign)  # another campaign
    world.make_event(days_ahead=-2, campaign=campaign, team=world.other_team)
    world.make_visit(days_ago=1, people_reached=30)
    world.make_visit(team=second, days_ago=19, people_reached=12)
    world.make_visit(days_ago=21, people_reached=99)  # before the campaign
    world.make_visit(team=world.other_team, farm=world.other_farm, days_ago=1)
    gone = world.make_visit(days_ago=2, people_reached=500)
    gone.soft_delete(world.admin)
    db.session.commit()
    headers = bearer(world.admin)
    client.put(_url(campaign, world.township), json=BODY, headers=headers)

    body = client.get(_url(campaign), headers=headers).get_json()
    ours = next(t for t in body["townships"] if t["area_id"] == world.township.id)
    period = f"from={campaign.starts_on}&to={campaign.ends_on}"
    review = client.get(f"/api/v1/review/?area={world.township.id}&{period}", headers=headers)
    review = review.get_json()
    total = next(a for a in review["areas"] if a["total"])
    by_venue = {
        e["venue_kind"]: e["events"] for e in review["events"] if e["campaign_id"] == campaign.id
    }
    assert {v: f["done"] for v, f in ours["events"].items()} == {
        kind.value: by_venue.get(kind.value, 0) for kind in VenueKind
    }
    assert ours["visits"]["done"] == total["visits"] == 2
    assert ours["people_reached"]["done"] == total["people_reached"] == 42
    assert ours["events"]["village"]["done"] == 2 and ours["events"]["school"]["done"] == 1
    assert ours["events_held"] == 3
    assert ours["events"]["village"] == {"target": 2, "done": 2, "percent": 100, "met": True}
    assert ours["events"]["market_town"] == {"target": 1, "done": 0, "percent": 0, "met": False}
    assert ours["events"]["school"] == {"target": 0, "done": 1, "percent": None, "met": None}
    assert ours["visits"]["percent"] == 66 and ours["met"] is False
    assert body["reference_day"] == rules.today().isoformat()


@pytest.mark.parametrize(
    "body, field",
    [
        ({"visits": -1}, "visits"),
        ({"people_reached": MAX_PEOPLE + 1}, "people_reached"),
        ({"visits": "12"}, "visits"),
        ({"visits": 1.5}, "visits"),
        ({"visits": True}, "visits"),
        ({"events": {"school": MAX_EVENTS + 1}}, "events"),
        ({"events": {"village": -3}}, "events"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_422_and_changes_nothing(client, world, campaign, bearer, body, field):
    headers = bearer(world.reviewer)
    client.put(_url(campaign, world.township), json=BODY, headers=headers)
    before = snapshot()
    response = client.put(_url(campaign, world.township), json=body, headers=headers)
    assert response.status_code == 422
    assert field in field_errors(response)
    assert snapshot() == before


def test_the_refusal_is_translated(client, world, campaign, bearer):
    headers = bearer(world.reviewer)
    zh = client.put(_url(campaign, world.township), json={"visits": -1}, headers=headers)
    assert field_errors(zh) == {"visits": ["请输入 0 至 100000 之间的整数。"]}
    en = client.put(
        _url(campaign, world.township),
        json={"visits": -1},
        headers={**headers, "Accept-Language": "en"},
    )
    assert field_errors(en) == {"visits": ["Enter a whole number from 0 to 100000."]}


def test_only_a_township_takes_targets_and_unknown_records_are_404(client, world, campaign, bearer):
    headers = bearer(world.admin)
    before = snapshot()
    response = client.put(_url(campaign, world.village), json=BODY, headers=headers)
    assert response.status_code == 422
    assert response.get_json()["errors"]["path"] == {"area_id": ["目标按乡镇设定。"]}
    response = client.put(f"{_url(campaign)}/999999", json=BODY, headers=headers)
    assert response.status_code == 404
    response = client.put(f"/api/v1/campaigns/999999/targets/{world.township.id}", json=BODY)
    assert response.status_code == 401
    response = client.get("/api/v1/campaigns/999999/targets", headers=headers)
    assert response.status_code == 404
    assert snapshot() == before


def test_a_bad_figure_on_the_page_shows_the_message_and_saves_nothing(
    client, login, world, campaign
):
    login("reviewer")
    _english(client)
    response = client.post(_page(campaign, world.township), data=_form(visits="-4"))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="visits-error"' in html
    assert "Enter a whole number from 0 to 100000." in html
    response = client.post(_page(campaign, world.township), data=_form(people_reached="x"))
    assert response.status_code == 200 and 'id="people_reached-error"' in response.text
    assert _target(campaign, world.township) is None


def test_a_put_replaces_every_figure(client, world, campaign, bearer):
    headers = bearer(world.reviewer)
    client.put(_url(campaign, world.township), json=BODY, headers=headers)
    response = client.put(_url(campaign, world.township), json={"visits": 7}, headers=headers)
    assert response.status_code == 200
    row = response.get_json()
    assert row["visits"]["target"] == 7 and row["has_targets"] is True
    assert all(f["target"] == 0 for f in row["events"].values())
    assert row["people_reached"]["target"] == 0
    assert len(db.session.scalars(select(CampaignTarget)).all()) == 1


def test_a_campaign_deleted_takes_its_targets_along(client, world, campaign, bearer):
    headers = bearer(world.admin)
    client.put(_url(campaign, world.township), json=BODY, headers=headers)
    assert client.delete(f"/api/v1/campaigns/{campaign.id}", headers=headers).status_code == 204
    assert db.session.scalars(select(CampaignTarget)).all() == []


def test_the_endpoints_are_documented(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    item = paths["/api/v1/campaigns/{campaign_id}/targets/{area_id}"]
    assert "put" in item and "422" in item["put"]["responses"]
    assert "get" in paths["/api/v1/campaigns/{campaign_id}/targets"]


def test_an_area_less_reviewer_sees_no_township(client, login, world, campaign):
    world.make_user("lost", Role.REVIEWER)
    db.session.commit()
    login("lost")
    _english(client)
    html = client.get(_page(campaign)).get_data(as_text=True)
    assert "No township to show" in html


def test_a_township_with_targets_is_in_use(client, world, campaign, bearer):
    headers = bearer(world.admin)
    spare = client.post(
        "/api/v1/areas/",
        json={"name": "新镇", "kind": "township", "parent_id": world.county.id},
        headers=headers,
    ).get_json()
    assert (
        client.put(f"{_url(campaign)}/{spare['id']}", json=BODY, headers=headers).status_code == 200
    )
    response = client.delete(f"/api/v1/areas/{spare['id']}", headers=headers)
    assert response.status_code == 409 and response.get_json()["message"] == "该区域仍在使用中。"


def test_the_page_costs_the_same_queries_whatever_the_activity(
    client, login, world, campaign, count_queries
):
    world.make_user("county", Role.REVIEWER, area=world.county)
    db.session.commit()
    login("county")

    def queries():
        with count_queries() as seen:
            assert client.get(_page(campaign)).status_code == 200
        return len(seen)

    few = queries()
    for n in range(6):
        team = world.other_team if n % 2 else world.team
        world.make_event(days_ahead=-n - 1, campaign=campaign, team=team)
        world.make_visit(team=team, farm=world.other_farm if n % 2 else world.farm, days_ago=n)
    for area in (world.township, world.other_township):
        db.session.add(CampaignTarget(campaign=campaign, area=area, visits=n))
    db.session.commit()
    assert queries() == few


def test_a_village_reviewer_reads_the_township_but_does_not_set_it(client, world, campaign, bearer):
    village_reviewer = world.make_user("village", Role.REVIEWER, area=world.village)
    db.session.commit()
    headers = bearer(village_reviewer)
    body = client.get(_url(campaign), headers=headers).get_json()
    assert [(t["area_id"], t["editable"]) for t in body["townships"]] == [
        (world.township.id, False)
    ]
    assert client.put(_url(campaign, world.township), json=BODY, headers=headers).status_code == 403
