"""/api/v1/teams through HTTP."""

import pytest
from test_api_support import (
    ROLES,
    check_write,
    count_queries,
    field_errors,
    ids,
    pagination,
    snapshot,
)

from core.extensions import db
from core.models import Assignment, Farm, Member, Team

URL = "/api/v1/teams/"


def test_list_shows_the_teams_in_scope_with_flags(client, world, bearer):
    response = client.get(URL, headers=bearer(world.admin))
    assert set(ids(response)) == {world.team.id, world.other_team.id}
    team = next(t for t in response.get_json() if t["id"] == world.team.id)
    assert team["size"] == 10 and team["undersized"] is False
    assert team["village_id"] == world.village.id
    assert team["members_without_farms"] == [] and team["members_over_limit"] == []
    assert team["stale_farms"] == [world.farm.id]  # never visited
    assert pagination(response)["total"] == 2


@pytest.mark.parametrize(
    ("role", "expected"),
    [("reviewer", "team"), ("leader", "team"), ("member", "team"), ("other_leader", "other_team")],
)
def test_list_is_limited_to_the_callers_scope(client, world, bearer, role, expected):
    response = client.get(URL, headers=bearer(getattr(world, role)))
    assert ids(response) == [getattr(world, expected).id]


def test_flags_follow_the_rules(client, world, bearer):
    small = world.make_team(world.village, "小队", size=8)
    db.session.flush()
    members = world.team_members(small)
    farms = [world.make_farm(world.village, f"农场{i}") for i in range(3)]
    for farm in farms:
        db.session.add(Assignment(member=members[0], farm=farm))
    world.make_visit(team=small, farm=farms[0], days_ago=5)
    db.session.commit()
    body = client.get(f"{URL}{small.id}", headers=bearer(world.admin)).get_json()
    assert body["size"] == 8 and body["undersized"] is True
    assert body["members_over_limit"] == [members[0].id]
    assert sorted(body["members_without_farms"]) == sorted(m.id for m in members[1:])
    assert sorted(body["stale_farms"]) == sorted(f.id for f in farms[1:])


def test_filter_by_area(client, world, bearer):
    headers = bearer(world.admin)
    assert ids(client.get(f"{URL}?area={world.other_township.id}", headers=headers)) == [
        world.other_team.id
    ]
    assert len(ids(client.get(f"{URL}?area={world.county.id}", headers=headers))) == 2
    response = client.get(f"{URL}?area=99999", headers=headers)
    assert response.status_code == 422
    assert "area" in response.get_json()["errors"]["query"]


def test_pagination(client, world, bearer):
    for i in range(3):
        world.make_team(world.village, f"队{i}", size=1)
    db.session.commit()
    headers = bearer(world.admin)
    first = client.get(f"{URL}?page_size=2", headers=headers)
    second = client.get(f"{URL}?page_size=2&page=2", headers=headers)
    assert len(ids(first)) == 2 and len(ids(second)) == 2
    assert not set(ids(first)) & set(ids(second))
    assert pagination(first) == {
        "total": 5,
        "total_pages": 3,
        "first_page": 1,
        "last_page": 3,
        "page": 1,
        "next_page": 2,
    }
    assert ids(client.get(f"{URL}?page=99", headers=headers)) == []
    assert client.get(f"{URL}?page_size=0", headers=headers).status_code == 422
    assert client.get(f"{URL}?page=0", headers=headers).status_code == 422


def test_get_one(client, world, bearer):
    response = client.get(f"{URL}{world.team.id}", headers=bearer(world.member))
    assert response.status_code == 200
    assert response.get_json()["name"] == world.team.name


def test_unknown_is_404_and_out_of_scope_is_403(client, world, bearer):
    assert client.get(f"{URL}99999", headers=bearer(world.admin)).status_code == 404
    response = client.get(f"{URL}{world.other_team.id}", headers=bearer(world.leader))
    assert response.status_code == 403 and response.get_json()["code"] == 403
    response = client.get(f"{URL}{world.other_team.id}", headers=bearer(world.reviewer))
    assert response.status_code == 403


def test_without_auth_is_401(client, world):
    assert client.get(URL).status_code == 401
    assert client.get(f"{URL}{world.team.id}").status_code == 401
    response = client.get(URL, headers={"Authorization": "Bearer nope"})
    assert response.status_code == 401 and response.is_json


def test_admin_creates_a_team(client, world, bearer):
    response = client.post(
        URL, json={"name": " 新队 ", "village_id": world.village.id}, headers=bearer(world.admin)
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["name"] == "新队" and body["size"] == 0 and body["undersized"] is True
    assert db.session.get(Team, body["id"]).village_id == world.village.id


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"village_id": 1}, "name"),
        ({"name": "  ", "village_id": 1}, "name"),
        ({"name": "x" * 121, "village_id": 1}, "name"),
        ({"name": "队"}, "village_id"),
        ({"name": "队", "village_id": "abc"}, "village_id"),
        ({"name": "队", "village_id": 99999}, "village_id"),
        ({"name": "队", "village_id": 2**40}, "village_id"),
        ({"name": "队", "village_id": None}, "village_id"),
        ({"name": "队", "village_id": 1, "colour": "red"}, "colour"),
        ({"name": "队", "village_id": 1, "notes": "x" * 2001}, "notes"),
    ],
)
def test_bad_team_input_names_the_field(client, world, bearer, body, field):
    before = snapshot()
    response = client.post(URL, json=body, headers=bearer(world.admin))
    assert field in field_errors(response)
    assert snapshot() == before


def test_a_team_serves_a_village_not_a_township(client, world, bearer):
    response = client.post(
        URL, json={"name": "队", "village_id": world.township.id}, headers=bearer(world.admin)
    )
    assert list(field_errors(response)) == ["village_id"]


def test_malformed_json_is_400_with_a_json_body(client, world, bearer):
    response = client.post(
        URL, data="{not json", content_type="application/json", headers=bearer(world.admin)
    )
    assert response.status_code == 400 and response.is_json
    response = client.post(URL, json=[1, 2], headers=bearer(world.admin))
    assert response.status_code == 422 and response.is_json


def test_admin_changes_a_team_and_its_leader(client, world, bearer):
    new_leader = world.team_members(world.team)[3]
    response = client.patch(
        f"{URL}{world.team.id}",
        json={"name": "改名队", "leader_id": new_leader.id},
        headers=bearer(world.admin),
    )
    assert response.status_code == 200
    assert response.get_json()["leader_id"] == new_leader.id
    assert response.get_json()["name"] == "改名队"


def test_a_change_keeps_the_fields_left_out(client, world, bearer):
    leader_id, village_id = world.team.leader_id, world.team.village_id
    response = client.patch(
        f"{URL}{world.team.id}", json={"notes": "改"}, headers=bearer(world.admin)
    )
    assert response.status_code == 200
    body = response.get_json()
    assert (body["leader_id"], body["village_id"], body["notes"]) == (leader_id, village_id, "改")


def test_the_leader_must_belong_to_the_team(client, world, bearer):
    stranger = world.team_members(world.other_team)[0]
    response = client.patch(
        f"{URL}{world.team.id}", json={"leader_id": stranger.id}, headers=bearer(world.admin)
    )
    assert list(field_errors(response)) == ["leader_id"]


def test_delete_is_soft(client, world, bearer):
    headers = bearer(world.admin)
    assert client.delete(f"{URL}{world.team.id}", headers=headers).status_code == 204
    assert db.session.get(Team, world.team.id).deleted_at is not None
    assert ids(client.get(URL, headers=headers)) == [world.other_team.id]
    assert client.get(f"{URL}{world.team.id}", headers=headers).status_code == 404
    assert client.delete(f"{URL}{world.team.id}", headers=headers).status_code == 404


def _writes(world):
    return {
        "create": ("post", URL, {"name": "新队", "village_id": world.village.id}),
        "update": ("patch", f"{URL}{world.team.id}", {"name": "改名"}),
        "delete": ("delete", f"{URL}{world.team.id}", None),
    }


@pytest.mark.parametrize("action", ["create", "update", "delete"])
@pytest.mark.parametrize("role", ROLES)
def test_each_role_against_each_write(client, world, bearer, role, action):
    method, path, body = _writes(world)[action]
    expected = {"create": 201, "update": 200, "delete": 204}[action] if role == "admin" else 403
    check_write(client, world, bearer, role, method, path, body, expected)


def _grow(world, n):
    """Add ``n`` teams with members, farms, assignments and a visit each."""
    for i in range(n):
        team = world.make_team(world.village, f"增队{i:02d}", size=3)
        farm = world.make_farm(world.village, f"增场{i:02d}")
        for member in world.team_members(team)[:2]:
            db.session.add(Assignment(member=member, farm=farm))
        db.session.add(Member(name=f"闲置{i}", team=team))  # a member without farms
        if i % 2:
            world.make_visit(team=team, farm=farm)
    db.session.commit()


def _queries_for_the_list(client, headers, expected_rows) -> int:
    """SQL statements run by one list request, starting from a cold session."""
    db.session.expire_all()
    with count_queries() as counter:
        assert len(ids(client.get(URL, headers=headers))) == expected_rows
    return len(counter)


def test_the_list_costs_a_fixed_number_of_queries(client, world, bearer):
    headers = bearer(world.admin)
    world.make_visit(team=world.team, farm=world.farm)
    client.get(URL, headers=headers)  # the token's first use is written once, not per request
    two = _queries_for_the_list(client, headers, 2)
    _grow(world, 18)
    assert db.session.query(Farm).count() == 20
    assert _queries_for_the_list(client, headers, 20) == two


def test_visited_farms_are_not_stale(client, world, bearer):
    world.make_visit(team=world.team, farm=world.farm, days_ago=10)
    body = client.get(f"{URL}{world.team.id}", headers=bearer(world.admin)).get_json()
    assert body["stale_farms"] == []


def test_urls_without_trailing_slash_and_huge_ids(client, world, bearer):
    headers = bearer(world.admin)
    assert client.get("/api/v1/teams", headers=headers).status_code == 200
    response = client.get(f"{URL}{2**63}", headers=headers)
    assert response.status_code == 404 and response.is_json


def test_a_name_with_a_line_break_is_refused(client, world, bearer):
    before = snapshot()
    headers = bearer(world.admin)
    body = {"name": "新队\nX-INJECTED:1", "village_id": world.village.id}
    assert list(field_errors(client.post(URL, json=body, headers=headers))) == ["name"]
    response = client.patch(f"{URL}{world.team.id}", json={"name": "戴\x7f家"}, headers=headers)
    assert list(field_errors(response)) == ["name"]
    assert snapshot() == before
