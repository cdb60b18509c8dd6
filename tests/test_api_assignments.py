"""/api/v1/assignments through HTTP."""

import pytest
from test_api_support import ROLES, check_write, field_errors, ids, pagination, snapshot

from core.extensions import db
from core.models import Assignment, Member

URL = "/api/v1/assignments/"


def _link(world, team):
    member = world.team_members(team)[0]
    return db.session.execute(
        db.select(Assignment).where(Assignment.member_id == member.id)
    ).scalar_one()


def test_list_shows_the_links_in_scope(client, world, bearer):
    response = client.get(URL, headers=bearer(world.leader))
    team_ids = {m.id for m in world.team_members(world.team)}
    body = response.get_json()
    assert {item["member_id"] for item in body} == team_ids
    assert {item["farm_id"] for item in body} == {world.farm.id}
    assert ids(response) == sorted(ids(response))
    assert pagination(response)["total"] == 10


def test_filters(client, world, bearer):
    headers = bearer(world.admin)
    theirs = _link(world, world.other_team)
    assert len(ids(client.get(f"{URL}?team={world.other_team.id}", headers=headers))) == 10
    assert len(ids(client.get(f"{URL}?area={world.township.id}", headers=headers))) == 10
    assert len(ids(client.get(f"{URL}?farm={world.farm.id}", headers=headers))) == 10
    assert ids(client.get(f"{URL}?member={theirs.member_id}", headers=headers)) == [theirs.id]
    assert len(ids(client.get(f"{URL}?page_size=15&page=2", headers=headers))) == 5


def test_links_to_deleted_farms_leave_the_list(client, world, bearer):
    world.other_farm.soft_delete()
    db.session.commit()
    link = _link(world, world.other_team)
    headers = bearer(world.admin)
    assert pagination(client.get(URL, headers=headers))["total"] == 10
    assert client.get(f"{URL}{link.id}", headers=headers).status_code == 404


def test_get_one_404_403_401(client, world, bearer):
    mine, theirs = _link(world, world.team), _link(world, world.other_team)
    assert client.get(f"{URL}{mine.id}", headers=bearer(world.member)).status_code == 200
    assert client.get(f"{URL}{theirs.id}", headers=bearer(world.member)).status_code == 403
    assert client.get(f"{URL}{theirs.id}", headers=bearer(world.reviewer)).status_code == 403
    assert client.get(f"{URL}99999", headers=bearer(world.admin)).status_code == 404
    assert client.get(f"{URL}{mine.id}").status_code == 401


def test_admin_links_changes_and_unlinks(client, world, bearer):
    headers = bearer(world.admin)
    member = world.team_members(world.team)[2]
    response = client.post(
        URL,
        json={"member_id": member.id, "farm_id": world.other_farm.id, "since": "2026-01-05"},
        headers=headers,
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["since"] == "2026-01-05"
    url = f"{URL}{body['id']}"
    assert client.patch(url, json={"since": None}, headers=headers).get_json()["since"] is None
    assert client.delete(url, headers=headers).status_code == 204
    assert db.session.get(Assignment, body["id"]) is None
    assert client.get(url, headers=headers).status_code == 404


def test_a_third_farm_is_flagged_not_refused(client, world, bearer):
    headers = bearer(world.admin)
    member = world.team_members(world.team)[0]
    for name in ("二号场", "三号场"):
        farm = world.make_farm(world.village, name)
        db.session.commit()
        response = client.post(
            URL, json={"member_id": member.id, "farm_id": farm.id}, headers=headers
        )
        assert response.status_code == 201
    body = client.get(f"/api/v1/members/{member.id}", headers=headers).get_json()
    assert body["farm_count"] == 3 and body["farm_flag"] == "too_many"


def test_a_duplicate_link_is_422_on_farm_id(client, world, bearer):
    link = _link(world, world.team)
    before = snapshot()
    response = client.post(
        URL,
        json={"member_id": link.member_id, "farm_id": link.farm_id},
        headers=bearer(world.admin),
    )
    assert list(field_errors(response)) == ["farm_id"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"farm_id": "FARM"}, "member_id"),
        ({"member_id": "MEMBER"}, "farm_id"),
        ({"member_id": 99999, "farm_id": "FARM"}, "member_id"),
        ({"member_id": "MEMBER", "farm_id": 99999}, "farm_id"),
        ({"member_id": "DELETED", "farm_id": "FARM"}, "member_id"),
        ({"member_id": "MEMBER", "farm_id": "FARM", "since": "last spring"}, "since"),
    ],
)
def test_bad_assignment_input_names_the_field(client, world, bearer, body, field):
    deleted = Member(name="已删", team=world.team)
    db.session.add(deleted)
    db.session.flush()
    deleted.soft_delete()
    db.session.commit()
    refs = {
        "FARM": world.other_farm.id,
        "MEMBER": world.team_members(world.team)[0].id,
        "DELETED": deleted.id,
    }
    body = {k: refs.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    before = snapshot()
    assert list(field_errors(client.post(URL, json=body, headers=bearer(world.admin)))) == [field]
    assert snapshot() == before


def _writes(world):
    link = _link(world, world.team)
    member = world.team_members(world.team)[1]
    return {
        "create": ("post", URL, {"member_id": member.id, "farm_id": world.other_farm.id}),
        "update": ("patch", f"{URL}{link.id}", {"since": "2025-03-01"}),
        "delete": ("delete", f"{URL}{link.id}", None),
    }


@pytest.mark.parametrize("action", ["create", "update", "delete"])
@pytest.mark.parametrize("role", ROLES)
def test_each_role_against_each_write(client, world, bearer, role, action):
    method, path, body = _writes(world)[action]
    expected = {"create": 201, "update": 200, "delete": 204}[action] if role == "admin" else 403
    check_write(client, world, bearer, role, method, path, body, expected)
