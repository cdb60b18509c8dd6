"""/api/v1/events through HTTP."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from test_api_support import ROLES, check_write, field_errors, ids, pagination, snapshot

from core.extensions import db
from core.models import Event, EventStatus, VenueKind

URL = "/api/v1/events/"
TZ = ZoneInfo("Asia/Shanghai")


def _body(world, **change):
    body = {
        "title": "梅子栽培讲座",
        "venue_kind": "school",
        "place": "永阳中学",
        "starts_at": "2026-09-20T09:00:00+08:00",
        "ends_at": "2026-09-20T11:00:00+08:00",
        "campaign_id": world.campaign.id,
        "description": "全国科普日进学校",
    }
    body.update(change)
    return body


def _at(world, local: datetime, team=None, **kw) -> Event:
    """An event of ``team`` starting at the local wall time ``local``."""
    start = local.replace(tzinfo=TZ)
    event = world.make_event(team=team, **kw)
    event.starts_at, event.ends_at = start, start + timedelta(hours=2)
    db.session.commit()
    return event


def test_everyone_lists_events_by_start_with_local_offsets(client, world, bearer):
    later = world.make_event(days_ahead=9)
    sooner = world.make_event(team=world.other_team, days_ahead=2)
    response = client.get(URL, headers=bearer(world.member))
    assert ids(response) == [sooner.id, later.id]
    assert pagination(response)["total"] == 2
    item = response.get_json()[1]
    assert item["starts_at"].endswith("+08:00") and "T09:00:00" in item["starts_at"]
    assert item["team_ids"] == [world.team.id] and item["status"] == "scheduled"
    assert item["uid"].endswith("@kepu") and item["revision"] == 0
    assert item["venue_kind"] == "village" and item["campaign_id"] == world.campaign.id


def test_the_date_range_uses_local_days(client, world, bearer):
    # 00:30 in Shanghai on 20 September is still 19 September in UTC
    early = _at(world, datetime(2026, 9, 20, 0, 30))
    late = _at(world, datetime(2026, 9, 19, 23, 30))
    headers = bearer(world.reviewer)
    assert ids(client.get(f"{URL}?from=2026-09-20&to=2026-09-20", headers=headers)) == [early.id]
    assert ids(client.get(f"{URL}?to=2026-09-19", headers=headers)) == [late.id]
    assert ids(client.get(f"{URL}?from=2026-09-19", headers=headers)) == [late.id, early.id]


def test_filters(client, world, bearer):
    mine = world.make_event(days_ahead=3, venue_kind=VenueKind.SCHOOL)
    theirs = world.make_event(team=world.other_team, days_ahead=4, campaign=None)
    gone = world.make_event(days_ahead=5, status=EventStatus.CANCELLED)
    headers = bearer(world.leader)

    def get(query):
        return ids(client.get(f"{URL}?{query}", headers=headers))

    assert get(f"team={world.other_team.id}") == [theirs.id]
    assert get(f"area={world.township.id}") == [mine.id, gone.id]
    assert get(f"campaign={world.campaign.id}") == [mine.id, gone.id]
    assert get("venue=school") == [mine.id]
    assert get("status=cancelled") == [gone.id]
    assert get("page_size=2&page=2") == [gone.id]
    response = client.get(f"{URL}?venue=moon", headers=headers)
    assert "venue" in response.get_json()["errors"]["query"]


def test_get_one_404_401(client, world, bearer):
    event = world.make_event(team=world.other_team)
    assert client.get(f"{URL}{event.id}", headers=bearer(world.member)).status_code == 200
    assert client.get(f"{URL}99999", headers=bearer(world.member)).status_code == 404
    assert client.get(f"{URL}{event.id}").status_code == 401


def test_a_leader_schedules_an_event_of_their_team(client, world, bearer):
    response = client.post(URL, json=_body(world), headers=bearer(world.leader))
    assert response.status_code == 201
    body = response.get_json()
    assert body["team_ids"] == [world.team.id] and body["area_id"] == world.village.id
    assert body["starts_at"] == "2026-09-20T09:00:00+08:00"
    assert body["venue_kind"] == "school" and body["revision"] == 0


@pytest.mark.parametrize(
    ("given", "shown"),
    [
        ("2026-09-20T09:00:00", "2026-09-20T09:00:00+08:00"),  # naive: the configured zone
        ("2026-09-20T01:00:00Z", "2026-09-20T09:00:00+08:00"),
        ("2026-09-20T03:00:00+02:00", "2026-09-20T09:00:00+08:00"),
    ],
)
def test_datetimes_are_read_with_their_offset_or_in_the_configured_zone(
    client, world, bearer, given, shown
):
    body = _body(world, starts_at=given, ends_at="2026-09-20T12:00:00+08:00")
    response = client.post(URL, json=body, headers=bearer(world.admin))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["starts_at"] == shown


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": " "}, "title"),
        ({"title": "题" * 201}, "title"),
        ({"venue_kind": "moon"}, "venue_kind"),
        ({"starts_at": "tomorrow"}, "starts_at"),
        ({"starts_at": "0001-01-01T00:00:00+08:00"}, "starts_at"),
        ({"ends_at": "2026-09-20T08:00:00+08:00"}, "ends_at"),
        ({"ends_at": None}, "ends_at"),
        ({"campaign_id": 99999}, "campaign_id"),
        ({"area_id": 99999}, "area_id"),
        ({"team_ids": [99999]}, "team_ids"),
        ({"team_ids": "all"}, "team_ids"),
        ({"status": "postponed"}, "status"),
        ({"all_day": "sometimes"}, "all_day"),
    ],
)
def test_bad_event_input_names_the_field(client, world, bearer, change, field):
    before = snapshot()
    response = client.post(URL, json=_body(world, **change), headers=bearer(world.leader))
    assert list(field_errors(response)) == [field]
    assert snapshot() == before


def test_a_leader_changes_cancels_and_deletes_an_event(client, world, bearer):
    event = world.make_event()
    headers = bearer(world.leader)
    url = f"{URL}{event.id}"
    response = client.patch(url, json={"place": "村文化广场", "team_ids": []}, headers=headers)
    assert response.status_code == 200
    body = response.get_json()
    assert body["place"] == "村文化广场" and body["revision"] == 1
    assert body["team_ids"] == [world.team.id]  # a leader's team stays an organiser
    assert body["title"] == event.title  # unchanged
    response = client.patch(url, json={"ends_at": "2000-01-01T00:00:00+08:00"}, headers=headers)
    assert list(field_errors(response)) == ["ends_at"]
    response = client.post(f"{url}/cancel", headers=headers)
    assert response.status_code == 200
    assert response.get_json()["status"] == "cancelled" and response.get_json()["revision"] == 2
    assert client.delete(url, headers=headers).status_code == 204
    assert db.session.get(Event, event.id).deleted_at is not None
    assert client.get(url, headers=headers).status_code == 404
    assert event.id not in ids(client.get(URL, headers=headers))
    assert client.post(f"{url}/cancel", headers=headers).status_code == 404


def _writes(world):
    event = world.make_event()
    url = f"{URL}{event.id}"
    return {
        "create": ("post", URL, _body(world)),
        "update": ("patch", url, {"title": "改期讲座"}),
        "cancel": ("post", f"{url}/cancel", None),
        "delete": ("delete", url, None),
    }


#: who may do what to an event organised by the leader's team (the reviewer's area holds it)
ALLOWED = {
    "create": {"admin", "leader", "other_leader"},
    "update": {"admin", "leader", "reviewer"},
    "cancel": {"admin", "leader", "reviewer"},
    "delete": {"admin", "leader", "reviewer"},
}
#: may write, but the body is refused: a reviewer names the organising teams (none here)
BAD_INPUT = {("reviewer", "create")}


@pytest.mark.parametrize("action", ["create", "update", "cancel", "delete"])
@pytest.mark.parametrize("role", ROLES)
def test_each_role_against_each_write(client, world, bearer, role, action):
    method, path, body = _writes(world)[action]
    ok = {"create": 201, "update": 200, "cancel": 200, "delete": 204}[action]
    expected = ok if role in ALLOWED[action] else 403
    if (role, action) in BAD_INPUT:
        expected = 422
    check_write(client, world, bearer, role, method, path, body, expected)


@pytest.mark.parametrize("title", ["讲座\nX-INJECTED:1", "讲座\r后", "讲\x00座", "讲\t座"])
def test_a_title_with_a_line_break_or_control_character_is_refused(client, world, bearer, title):
    event = world.make_event()
    before = snapshot()
    headers = bearer(world.leader)
    assert list(field_errors(client.post(URL, json=_body(world, title=title), headers=headers)))
    response = client.patch(f"{URL}{event.id}", json={"title": title}, headers=headers)
    refusals = ("请只写一行，不要换行或控制字符。", "请删除其中的 NUL 字符。")
    assert field_errors(response)["title"][0] in refusals
    assert snapshot() == before
    ok = client.post(URL, json=_body(world, description="第一行\n第二行"), headers=headers)
    assert ok.status_code == 201


def test_a_leader_names_only_teams_of_their_own_township(client, world, bearer):
    headers = bearer(world.leader)
    before = snapshot()
    body = _body(world, team_ids=[world.team.id, world.other_team.id])
    assert field_errors(client.post(URL, json=body, headers=headers)) == {
        "team_ids": ["请选择本乡镇的服务队。"]
    }
    event = world.make_event()
    before = snapshot()
    response = client.patch(
        f"{URL}{event.id}", json={"team_ids": [world.team.id, world.other_team.id]}, headers=headers
    )
    assert list(field_errors(response)) == ["team_ids"]
    assert snapshot() == before
    neighbour = world.make_team(world.village, "戴家村二队", size=1)
    db.session.commit()
    body = _body(world, team_ids=[world.team.id, neighbour.id])
    assert client.post(URL, json=body, headers=headers).status_code == 201
    # an administrator names any team; a leader keeps a co-organiser already named
    shared = world.make_event()
    shared.teams = [world.team, world.other_team]
    db.session.commit()
    response = client.patch(f"{URL}{shared.id}", json={"title": "新题"}, headers=headers)
    assert response.status_code == 200
    body = _body(world, team_ids=[world.other_team.id])
    assert client.post(URL, json=body, headers=bearer(world.admin)).status_code == 201
