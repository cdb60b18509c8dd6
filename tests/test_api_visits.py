"""/api/v1/visits through HTTP."""

from datetime import date, timedelta

import pytest
from test_api_support import ROLES, check_write, field_errors, ids, pagination, snapshot

from core.extensions import db
from core.models import Visit, VisitKind
from core.services import visits as visits_service

URL = "/api/v1/visits/"


def _body(world, **change):
    members = world.team_members(world.team)
    body = {
        "farm_id": world.farm.id,
        "visited_on": (date.today() - timedelta(days=1)).isoformat(),
        "kind": "technical_training",
        "people_reached": 30,
        "households_reached": 12,
        "member_ids": [members[0].id, members[1].id],
        "topics": "梅子修剪",
        "material": "梅子栽培手册",
    }
    body.update(change)
    return body


def test_list_shows_the_visits_in_scope_most_recent_first(client, world, bearer):
    old = world.make_visit(days_ago=10)
    new = world.make_visit(days_ago=2)
    world.make_visit(team=world.other_team, farm=world.other_farm)
    response = client.get(URL, headers=bearer(world.member))
    assert ids(response) == [new.id, old.id]
    assert pagination(response)["total"] == 2
    item = response.get_json()[0]
    assert item["kind"] == "technical_training" and item["team_id"] == world.team.id
    assert item["member_ids"] == [] and item["people_reached"] == 20


def test_filters(client, world, bearer):
    a = world.make_visit(days_ago=10, kind=VisitKind.LECTURE)
    b = world.make_visit(days_ago=2)
    c = world.make_visit(team=world.other_team, farm=world.other_farm, days_ago=5)
    headers = bearer(world.admin)

    def get(query):
        return ids(client.get(f"{URL}?{query}", headers=headers))

    day = (date.today() - timedelta(days=5)).isoformat()
    assert get(f"from={day}") == [b.id, c.id]
    assert get(f"to={day}") == [c.id, a.id]
    assert get(f"from={day}&to={day}") == [c.id]
    assert get(f"team={world.other_team.id}") == [c.id]
    assert get(f"farm={world.farm.id}") == [b.id, a.id]
    assert get("kind=lecture") == [a.id]
    assert get(f"area={world.township.id}") == [b.id, a.id]
    assert get("page_size=1&page=3") == [a.id]
    response = client.get(f"{URL}?from=yesterday", headers=headers)
    assert "from" in response.get_json()["errors"]["query"]


def test_get_one_404_403_401(client, world, bearer):
    visit = world.make_visit()
    assert client.get(f"{URL}{visit.id}", headers=bearer(world.reviewer)).status_code == 200
    assert client.get(f"{URL}{visit.id}", headers=bearer(world.other_leader)).status_code == 403
    assert client.get(f"{URL}99999", headers=bearer(world.leader)).status_code == 404
    assert client.get(f"{URL}{visit.id}").status_code == 401


def test_a_leader_logs_a_visit_for_their_team(client, world, bearer):
    body = _body(world)
    response = client.post(URL, json=body, headers=bearer(world.leader))
    assert response.status_code == 201
    visit = response.get_json()
    assert visit["team_id"] == world.team.id and visit["logged_by_id"] == world.leader.id
    assert sorted(visit["member_ids"]) == sorted(body["member_ids"])
    assert visit["material"] == "梅子栽培手册" and visit["visited_on"] == body["visited_on"]
    assert "client_key" not in visit
    assert client.get(f"{URL}{visit['id']}", headers=bearer(world.member)).status_code == 200


def test_a_retry_with_the_same_client_key_logs_once(client, world, bearer):
    headers = bearer(world.leader)
    body = _body(world, client_key="phone-1-0001")
    first = client.post(URL, json=body, headers=headers)
    again = client.post(URL, json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.get_json()["id"] == again.get_json()["id"]
    assert db.session.query(Visit).count() == 1


def test_a_retry_racing_the_first_send_answers_200_with_its_visit(
    client, world, bearer, monkeypatch
):
    """The retry looked for its key before the first send committed: it loses the unique
    key's race on commit and answers with the visit already logged (was 409)."""
    headers = bearer(world.leader)
    body = _body(world, client_key="phone-1-race")
    first = client.post(URL, json=body, headers=headers)
    looked = []
    real = visits_service.find_by_client_key

    def before_the_first_committed(key):
        looked.append(key)
        return None if len(looked) == 1 else real(key)

    monkeypatch.setattr(visits_service, "find_by_client_key", before_the_first_committed)
    again = client.post(URL, json=body, headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json()["id"] == first.get_json()["id"]
    assert looked == ["phone-1-race", "phone-1-race"]
    assert db.session.query(Visit).count() == 1


def test_a_client_key_of_another_team_is_refused(client, world, bearer):
    client.post(URL, json=_body(world, client_key="k-1"), headers=bearer(world.leader))
    before = snapshot()
    body = _body(world, client_key="k-1", farm_id=world.other_farm.id, member_ids=[])
    response = client.post(URL, json=body, headers=bearer(world.other_leader))
    assert list(field_errors(response)) == ["client_key"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"visited_on": (date.today() + timedelta(days=2)).isoformat()}, "visited_on"),
        ({"visited_on": "2026-02-30"}, "visited_on"),
        ({"visited_on": None}, "visited_on"),
        ({"kind": "picnic"}, "kind"),
        ({"kind": None}, "kind"),
        ({"people_reached": -1}, "people_reached"),
        ({"people_reached": 10**12}, "people_reached"),
        ({"people_reached": "many"}, "people_reached"),
        ({"households_reached": 1.5}, "households_reached"),
        ({"member_ids": "OTHER_MEMBER"}, "member_ids"),
        ({"member_ids": ["x"]}, "member_ids"),
        ({"farm_id": "OTHER_FARM"}, "farm_id"),
        ({"farm_id": 99999}, "farm_id"),
        ({"farm_id": None}, "farm_id"),
        ({"material": "册" * 201}, "material"),
        ({"client_key": "k" * 65}, "client_key"),
        ({"team_id": 99999}, "team_id"),
    ],
)
def test_bad_visit_input_names_the_field(client, world, bearer, change, field):
    refs = {
        "OTHER_MEMBER": [world.team_members(world.other_team)[0].id],
        "OTHER_FARM": world.other_farm.id,
    }
    change = {k: refs.get(v, v) if isinstance(v, str) else v for k, v in change.items()}
    before = snapshot()
    response = client.post(URL, json=_body(world, **change), headers=bearer(world.leader))
    assert list(field_errors(response)) == [field]
    assert snapshot() == before


def test_a_missing_field_and_several_bad_fields_are_all_named(client, world, bearer):
    body = _body(world, kind="picnic")
    del body["farm_id"]
    response = client.post(URL, json=body, headers=bearer(world.leader))
    assert set(field_errors(response)) == {"farm_id", "kind"}
    body = _body(world, visited_on="2999-01-01", people_reached=-5)
    response = client.post(URL, json=body, headers=bearer(world.leader))
    assert set(field_errors(response)) == {"visited_on", "people_reached"}


def test_an_admin_names_the_team(client, world, bearer):
    headers = bearer(world.admin)
    response = client.post(URL, json=_body(world, member_ids=[]), headers=headers)
    assert list(field_errors(response)) == ["team_id"]
    response = client.post(URL, json=_body(world, team_id=world.team.id), headers=headers)
    assert response.status_code == 201


def test_a_leader_changes_and_deletes_a_visit(client, world, bearer):
    visit_id = world.make_visit(days_ago=3).id
    headers = bearer(world.leader)
    member = world.team_members(world.team)[4]
    response = client.patch(
        f"{URL}{visit_id}",
        json={"people_reached": 45, "member_ids": [member.id]},
        headers=headers,
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["people_reached"] == 45 and body["member_ids"] == [member.id]
    assert body["households_reached"] == 8  # unchanged
    response = client.patch(f"{URL}{visit_id}", json={"kind": "picnic"}, headers=headers)
    assert list(field_errors(response)) == ["kind"]
    assert client.delete(f"{URL}{visit_id}", headers=headers).status_code == 204
    assert db.session.get(Visit, visit_id) is None
    assert client.get(f"{URL}{visit_id}", headers=headers).status_code == 404


def test_a_leader_cannot_move_a_visit_to_another_team(client, world, bearer):
    visit = world.make_visit()
    before = snapshot()
    response = client.patch(
        f"{URL}{visit.id}", json={"team_id": world.other_team.id}, headers=bearer(world.leader)
    )
    assert response.status_code == 403
    assert snapshot() == before


def _writes(world):
    visit = world.make_visit(days_ago=3)
    return {
        "create": ("post", URL, _body(world, team_id=world.team.id)),
        "update": ("patch", f"{URL}{visit.id}", {"notes": "补记"}),
        "delete": ("delete", f"{URL}{visit.id}", None),
    }


ALLOWED = {"admin", "leader"}


@pytest.mark.parametrize("action", ["create", "update", "delete"])
@pytest.mark.parametrize("role", ROLES)
def test_each_role_against_each_write(client, world, bearer, role, action):
    method, path, body = _writes(world)[action]
    ok = {"create": 201, "update": 200, "delete": 204}[action]
    check_write(client, world, bearer, role, method, path, body, ok if role in ALLOWED else 403)


def test_members_present_are_listed_by_name_deleted_ones_too(client, world, bearer):
    members = sorted(world.team_members(world.team)[:3], key=lambda m: m.name)
    body = _body(world, member_ids=[members[2].id, members[0].id, members[1].id])
    created = client.post(URL, json=body, headers=bearer(world.leader))
    assert created.status_code == 201
    by_name = [m.id for m in members]
    assert created.get_json()["member_ids"] == by_name
    members[1].soft_delete()  # a member who left still was there that day
    db.session.commit()
    listed = client.get(URL, headers=bearer(world.leader)).get_json()
    assert listed[0]["member_ids"] == by_name
