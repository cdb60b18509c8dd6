"""/api/v1/members through HTTP."""

import pytest
from test_api_support import ROLES, check_write, field_errors, ids, pagination, snapshot

from core.extensions import db
from core.models import Assignment, Member, Team

URL = "/api/v1/members/"


def test_list_shows_the_members_in_scope(client, world, bearer):
    response = client.get(URL, headers=bearer(world.leader))
    assert set(ids(response)) == {m.id for m in world.team_members(world.team)}
    assert pagination(response)["total"] == 10
    first = response.get_json()[0]
    assert first["team_id"] == world.team.id
    assert first["farm_count"] == 1 and first["farm_flag"] is None


def test_filters(client, world, bearer):
    headers = bearer(world.admin)
    other = {m.id for m in world.team_members(world.other_team)}
    assert set(ids(client.get(f"{URL}?team={world.other_team.id}", headers=headers))) == other
    assert set(ids(client.get(f"{URL}?area={world.other_village.id}", headers=headers))) == other
    assert (
        len(ids(client.get(f"{URL}?area={world.county.id}&page_size=100", headers=headers))) == 20
    )
    # a reviewer's filter cannot widen their scope
    assert (
        ids(client.get(f"{URL}?team={world.other_team.id}", headers=bearer(world.reviewer))) == []
    )


def test_farm_flags(client, world, bearer):
    idle = Member(name="闲置", team=world.team)
    busy = Member(name="忙碌", team=world.team)
    db.session.add_all([idle, busy])
    for i in range(3):
        db.session.add(Assignment(member=busy, farm=world.make_farm(world.village, f"场{i}")))
    db.session.commit()
    headers = bearer(world.admin)
    assert client.get(f"{URL}{idle.id}", headers=headers).get_json()["farm_flag"] == "none"
    body = client.get(f"{URL}{busy.id}", headers=headers).get_json()
    assert body["farm_count"] == 3 and body["farm_flag"] == "too_many"


def test_get_one_404_403_401(client, world, bearer):
    mine = world.team_members(world.team)[0]
    theirs = world.team_members(world.other_team)[0]
    assert client.get(f"{URL}{mine.id}", headers=bearer(world.member)).status_code == 200
    assert client.get(f"{URL}{theirs.id}", headers=bearer(world.member)).status_code == 403
    assert client.get(f"{URL}{theirs.id}", headers=bearer(world.reviewer)).status_code == 403
    assert client.get(f"{URL}99999", headers=bearer(world.admin)).status_code == 404
    assert client.get(f"{URL}{mine.id}").status_code == 401


def test_admin_creates_changes_and_deletes_a_member(client, world, bearer):
    headers = bearer(world.admin)
    response = client.post(
        URL,
        json={
            "name": "王芳",
            "team_id": world.team.id,
            "is_young_official": True,
            "phone": "13800000000",
        },
        headers=headers,
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["is_young_official"] is True and body["farm_flag"] == "none"
    url = f"{URL}{body['id']}"
    response = client.patch(url, json={"team_id": None, "speciality": "果树"}, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["team_id"] is None and response.get_json()["speciality"] == "果树"
    assert client.delete(url, headers=headers).status_code == 204
    assert client.get(url, headers=headers).status_code == 404
    assert body["id"] not in ids(client.get(f"{URL}?page_size=200", headers=headers))
    assert db.session.get(Member, body["id"]).deleted_at is not None


def test_deleting_the_leader_leaves_the_team_without_one(client, world, bearer):
    leader_id = world.team.leader_id
    response = client.delete(f"{URL}{leader_id}", headers=bearer(world.admin))
    assert response.status_code == 204
    assert db.session.get(Team, world.team.id).leader_id is None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"team_id": 1}, "name"),
        ({"name": "张三", "team_id": 99999}, "team_id"),
        ({"name": "张三", "team_id": "one"}, "team_id"),
        ({"name": "张三", "is_expert": "perhaps"}, "is_expert"),
        ({"name": "张三", "phone": "1" * 33}, "phone"),
        ({"name": "张三", "phone": "call me"}, "phone"),  # the pages' rule, now the service's
        ({"name": "张\x00三"}, "name"),
    ],
)
def test_bad_member_input_names_the_field(client, world, bearer, body, field):
    before = snapshot()
    assert list(field_errors(client.post(URL, json=body, headers=bearer(world.admin)))) == [field]
    assert snapshot() == before


def test_moving_the_leader_to_another_team_leaves_the_team_without_one(client, world, bearer):
    leader_id = world.team.leader_id
    response = client.patch(
        f"{URL}{leader_id}", json={"team_id": world.other_team.id}, headers=bearer(world.admin)
    )
    assert response.status_code == 200 and response.get_json()["team_id"] == world.other_team.id
    assert db.session.get(Team, world.team.id).leader_id is None
    assert db.session.get(Member, leader_id).name == response.get_json()["name"]


def test_a_deleted_team_takes_no_members(client, world, bearer):
    world.other_team.soft_delete()
    db.session.commit()
    response = client.post(
        URL, json={"name": "张三", "team_id": world.other_team.id}, headers=bearer(world.admin)
    )
    assert list(field_errors(response)) == ["team_id"]


def test_a_member_of_a_deleted_team_can_still_be_changed(client, world, bearer):
    member = world.team_members(world.other_team)[0]
    world.other_team.soft_delete()
    db.session.commit()
    response = client.patch(f"{URL}{member.id}", json={"phone": "123"}, headers=bearer(world.admin))
    assert response.status_code == 200 and response.get_json()["phone"] == "123"


def _writes(world):
    member = world.team_members(world.team)[1]
    return {
        "create": ("post", URL, {"name": "新队员", "team_id": world.team.id}),
        "update": ("patch", f"{URL}{member.id}", {"phone": "123"}),
        "delete": ("delete", f"{URL}{member.id}", None),
    }


@pytest.mark.parametrize("action", ["create", "update", "delete"])
@pytest.mark.parametrize("role", ROLES)
def test_each_role_against_each_write(client, world, bearer, role, action):
    method, path, body = _writes(world)[action]
    expected = {"create": 201, "update": 200, "delete": 204}[action] if role == "admin" else 403
    check_write(client, world, bearer, role, method, path, body, expected)
