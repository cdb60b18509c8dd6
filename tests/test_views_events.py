"""The event and campaign pages: lists, filters, create/edit/cancel/delete, permissions."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from query_counter import count_queries
from sqlalchemy import func, select

from core.extensions import db
from core.models import Campaign, CampaignKind, Event, EventStatus, Role, VenueKind

TZ = ZoneInfo("Asia/Shanghai")


def _count() -> int:
    return db.session.execute(
        select(func.count(Event.id)).where(Event.deleted_at.is_(None))
    ).scalar_one()


def _form(world, **overrides) -> dict:
    """A valid event as the page posts it: 2 to 4 pm local time, ten days ahead."""
    day = (datetime.now(TZ) + timedelta(days=10)).date()
    data = {
        "title": "草莓种植技术讲座",
        "campaign_id": world.campaign.id,
        "venue_kind": VenueKind.SCHOOL.value,
        "place": "永阳中学",
        "start_date": day.isoformat(),
        "start_time": "14:00",
        "end_date": "",
        "end_time": "16:00",
        "team_ids": [world.team.id],
        "description": "",
        "status": EventStatus.SCHEDULED.value,
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _english(client):
    client.post("/lang/en", data={"next": "/"})


def test_leader_creates_an_event_in_local_time(client, login, world):
    login("leader")
    page = client.get("/events/new")
    assert page.status_code == 200 and 'lang="zh-CN"' in page.get_data(as_text=True)
    response = client.post("/events/new", data=_form(world, team_ids=[]))
    assert response.status_code == 302
    event = db.session.execute(select(Event)).scalar_one()
    assert response.headers["Location"].endswith(f"/events/{event.id}")
    day = (datetime.now(TZ) + timedelta(days=10)).date()
    assert event.starts_at == datetime(day.year, day.month, day.day, 14, tzinfo=TZ)
    assert event.ends_at - event.starts_at == timedelta(hours=2)
    assert [t.id for t in event.teams] == [world.team.id]  # a leader's event is their team's
    assert event.created_by_id == world.leader.id and event.revision == 0
    assert event.title in client.get("/events").get_data(as_text=True)


def test_all_day_event_runs_to_midnight_after_its_last_day(client, login, world):
    login("admin")
    data = _form(
        world,
        all_day="y",
        start_time="",
        end_time="",
        end_date=(datetime.now(TZ) + timedelta(days=12)).date().isoformat(),
    )
    assert client.post("/events/new", data=data).status_code == 302
    event = db.session.execute(select(Event)).scalar_one()
    assert event.all_day
    assert event.ends_at - event.starts_at == timedelta(days=3)
    assert event.starts_at.astimezone(TZ).hour == 0
    edit = client.get(f"/events/{event.id}/edit").get_data(as_text=True)
    assert f'value="{data["end_date"]}"' in edit


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Enter a title."),
        ({"venue_kind": ""}, "venue_kind", "Choose one of the five venues."),
        ({"venue_kind": "moon"}, "venue_kind", "Not a valid choice"),
        ({"start_date": ""}, "start_date", "Enter the start date."),
        ({"start_time": ""}, "start_time", "Enter a start time"),
        ({"end_time": "13:00"}, "end_date", "The end must be after the start."),
        ({"start_time": "25:99"}, "start_time", "Not a valid time value"),
        ({"campaign_id": "999999"}, "campaign_id", "Choose an existing campaign."),
        ({"team_ids": ["999999"]}, "team_ids", "Choose existing teams."),
    ],
)
def test_bad_values_re_render_with_the_message_and_create_nothing(
    client, login, world, overrides, field, message
):
    login("leader")
    _english(client)
    response = client.post("/events/new", data=_form(world, **overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html
    assert f'id="{field}-error"' in html
    assert _count() == 0


def test_edit_raises_the_revision(client, login, world):
    event = world.make_event()
    login("leader")
    page = client.get(f"/events/{event.id}/edit")
    assert page.status_code == 200 and event.title in page.get_data(as_text=True)
    response = client.post(f"/events/{event.id}/edit", data=_form(world, title="改期后的讲座"))
    assert response.status_code == 302
    db.session.refresh(event)
    assert event.title == "改期后的讲座" and event.revision == 1
    assert event.venue_kind == VenueKind.SCHOOL
    detail = client.get(f"/events/{event.id}").get_data(as_text=True)
    assert "改期后的讲座" in detail and world.team.name in detail


def test_bad_edit_changes_nothing(client, login, world):
    event = world.make_event()
    login("leader")
    response = client.post(f"/events/{event.id}/edit", data=_form(world, end_time="10:00"))
    assert response.status_code == 200
    db.session.refresh(event)
    assert event.revision == 0 and event.title == "梅子栽培讲座"


def test_cancel_sets_the_status(client, login, world):
    event = world.make_event()
    login("leader")
    assert client.post(f"/events/{event.id}/cancel").status_code == 302
    db.session.refresh(event)
    assert event.status == EventStatus.CANCELLED and event.revision == 1
    assert client.get(f"/events/{event.id}/cancel").status_code == 405


def test_delete_hides_the_event(client, login, world):
    event = world.make_event()
    login("leader")
    assert client.post(f"/events/{event.id}/delete").status_code == 302
    assert _count() == 0
    assert client.get(f"/events/{event.id}").status_code == 404


@pytest.mark.parametrize("username", ["member", "arealess"])
def test_members_and_reviewers_without_an_area_may_not_create(client, login, world, username):
    world.make_user("arealess", Role.REVIEWER)
    db.session.commit()
    login(username)
    assert client.get("/events/new").status_code == 403
    assert client.post("/events/new", data=_form(world)).status_code == 403
    assert _count() == 0


@pytest.mark.parametrize("username", ["member", "reviewer2", "leader2"])
def test_others_may_not_edit_cancel_or_delete(client, login, world, username):
    world.make_user("reviewer2", Role.REVIEWER, area=world.other_township)
    event = world.make_event()
    login(username)
    assert client.get(f"/events/{event.id}").status_code == 200  # events are public
    assert client.get(f"/events/{event.id}/edit").status_code == 403
    assert client.post(f"/events/{event.id}/edit", data=_form(world)).status_code == 403
    assert client.post(f"/events/{event.id}/cancel").status_code == 403
    assert client.post(f"/events/{event.id}/delete").status_code == 403
    db.session.refresh(event)
    assert event.status == EventStatus.SCHEDULED and event.revision == 0
    assert event.deleted_at is None


def test_leader_of_a_co_organising_team_may_edit(client, login, world):
    event = world.make_event()
    event.teams.append(world.other_team)
    db.session.commit()
    login("leader2")
    assert client.post(f"/events/{event.id}/cancel").status_code == 302


def test_unknown_event_is_404(client, login, world):
    login("admin")
    assert client.get("/events/999999").status_code == 404
    assert client.get("/events/999999/edit").status_code == 404
    assert client.post("/events/999999/cancel").status_code == 404
    assert client.post("/events/999999/delete").status_code == 404


def test_list_shows_upcoming_first_and_past_on_request(client, login, world):
    later = world.make_event(days_ahead=9, title="九天后")
    soon = world.make_event(days_ahead=2, title="两天后")
    past = world.make_event(days_ahead=-30, title="上个月")
    login("member")
    html = client.get("/events").get_data(as_text=True)
    assert html.index(soon.title) < html.index(later.title)
    assert past.title not in html and "has-error" not in html
    html = client.get("/events?past=y").get_data(as_text=True)
    assert html.index(soon.title) < html.index(later.title) < html.index(past.title)


def test_list_filters(client, login, world):
    school = world.make_event(title="实验小学科普课", venue_kind=VenueKind.SCHOOL)
    other = world.make_event(title="傅家边活动", team=world.other_team, campaign=None)
    cancelled = world.make_event(title="停办的梅子讲座", status=EventStatus.CANCELLED)
    login("reviewer")
    html = client.get("/events?venue=school").get_data(as_text=True)
    assert school.title in html and other.title not in html
    html = client.get(f"/events?team={world.other_team.id}").get_data(as_text=True)
    assert other.title in html and school.title not in html
    html = client.get(f"/events?campaign={world.campaign.id}").get_data(as_text=True)
    assert school.title in html and other.title not in html
    html = client.get("/events?status=cancelled").get_data(as_text=True)
    assert cancelled.title in html and school.title not in html
    assert client.get("/events?venue=moon&team=x&campaign=y").status_code == 200


def test_campaign_list_counts_live_events(client, login, world):
    world.make_event()
    gone = world.make_event()
    gone.soft_delete()
    db.session.commit()
    login("member")
    html = client.get("/campaigns").get_data(as_text=True)
    assert world.campaign.name in html
    assert "/campaigns/new" not in html


def test_admin_creates_and_edits_a_campaign(client, login, world):
    login("admin")
    assert client.get("/campaigns/new").status_code == 200
    data = {
        "name": "2026年科技活动周",
        "kind": CampaignKind.ST_WEEK.value,
        "year": "2026",
        "starts_on": "2026-05-17",
        "ends_on": "2026-05-23",
        "description": "",
    }
    assert client.post("/campaigns/new", data=data).status_code == 302
    campaign = db.session.execute(
        select(Campaign).where(Campaign.kind == CampaignKind.ST_WEEK)
    ).scalar_one()
    assert campaign.ends_on == date(2026, 5, 23)
    data["name"] = "2026年科技活动周（改）"
    assert client.post(f"/campaigns/{campaign.id}/edit", data=data).status_code == 302
    db.session.refresh(campaign)
    assert campaign.name == "2026年科技活动周（改）"
    assert client.get("/campaigns/999999/edit").status_code == 404


def test_campaign_end_not_before_start(client, login, world):
    login("admin")
    _english(client)
    data = {
        "name": "坏的",
        "kind": "other",
        "year": "2026",
        "starts_on": "2026-05-17",
        "ends_on": "2026-05-01",
    }
    response = client.post("/campaigns/new", data=data)
    assert response.status_code == 200
    assert "The last day must not be before the first." in response.get_data(as_text=True)
    assert db.session.execute(select(func.count(Campaign.id))).scalar_one() == 1


@pytest.mark.parametrize("username", ["leader", "member", "reviewer"])
def test_only_admins_write_campaigns(client, login, world, username):
    login(username)
    data = {
        "name": "x",
        "kind": "other",
        "year": "2026",
        "starts_on": "2026-05-17",
        "ends_on": "2026-05-18",
    }
    assert client.get("/campaigns/new").status_code == 403
    assert client.post("/campaigns/new", data=data).status_code == 403
    assert client.post(f"/campaigns/{world.campaign.id}/edit", data=data).status_code == 403
    assert db.session.execute(select(func.count(Campaign.id))).scalar_one() == 1


def _organisers(html: str) -> str:
    """The organising-teams fieldset of the event form."""
    return html.split('<fieldset class="field choices checks scroll"')[1].split("</fieldset>")[0]


def test_leaders_are_offered_the_teams_of_their_township(client, login, world):
    login("leader")
    offered = _organisers(client.get("/events/new").get_data(as_text=True))
    assert 'type="checkbox"' in offered and world.team.name in offered
    assert world.other_team.name not in offered
    client.post("/logout")
    login("admin")
    offered = _organisers(client.get("/events/new").get_data(as_text=True))
    assert world.team.name in offered and world.other_team.name in offered


def test_list_costs_a_fixed_number_of_queries(client, login, world):
    login("member")

    def queries():
        with count_queries() as seen:
            assert client.get("/events?past=y").status_code == 200
        return len(seen)

    world.make_event()
    few = queries()
    for n in range(12):
        world.make_event(days_ahead=n - 6, team=world.other_team if n % 2 else world.team)
    assert queries() == few


def test_a_title_or_campaign_name_with_a_line_break_is_refused(client, login, world):
    login("admin")
    _english(client)
    response = client.post("/events/new", data=_form(world, title="讲座\nX-INJECTED:1"))
    assert response.status_code == 200 and 'id="title-error"' in response.get_data(as_text=True)
    assert _count() == 0
    data = {
        "name": "科技周\r\nX-INJECTED:1",
        "kind": CampaignKind.ST_WEEK.value,
        "year": "2026",
        "starts_on": "2026-05-17",
        "ends_on": "2026-05-23",
        "description": "第一行\n第二行",
    }
    response = client.post("/campaigns/new", data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="name-error"' in html
    assert "Use one line without line breaks or control characters." in html
    assert db.session.execute(select(func.count(Campaign.id))).scalar_one() == 1


def test_a_leader_cannot_post_a_team_of_another_township(client, login, world):
    login("leader")
    _english(client)
    data = _form(world, team_ids=[world.team.id, world.other_team.id])
    response = client.post("/events/new", data=data)
    assert "Choose teams of your own township." in response.get_data(as_text=True)
    assert _count() == 0
