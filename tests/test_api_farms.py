"""/api/v1/farms through HTTP."""

import pytest
from test_api_support import ROLES, check_write, field_errors, ids, pagination, snapshot

from core.extensions import db
from core.models import Farm, FarmKind

URL = "/api/v1/farms/"


def test_list_shows_the_farms_in_scope_with_last_visit(client, world, bearer):
    visit = world.make_visit(team=world.team, farm=world.farm, days_ago=4)
    response = client.get(URL, headers=bearer(world.leader))
    assert ids(response) == [world.farm.id]
    assert pagination(response)["total"] == 1
    body = response.get_json()[0]
    assert body["last_visit_on"] == visit.visited_on.isoformat() and body["stale"] is False
    assert body["kind"] == "industry_base"
    other = client.get(f"{URL}{world.other_farm.id}", headers=bearer(world.admin)).get_json()
    assert other["last_visit_on"] is None and other["stale"] is True


def test_old_visits_make_a_farm_stale(client, world, bearer):
    world.make_visit(team=world.team, farm=world.farm, days_ago=200)
    body = client.get(f"{URL}{world.farm.id}", headers=bearer(world.admin)).get_json()
    assert body["stale"] is True


def test_filters(client, world, bearer):
    headers = bearer(world.admin)
    grower = world.make_farm(world.village, "养猪大户", kind=FarmKind.LARGE_GROWER)
    db.session.commit()
    assert ids(client.get(f"{URL}?kind=large_grower", headers=headers)) == [grower.id]
    assert set(ids(client.get(f"{URL}?area={world.township.id}", headers=headers))) == {
        world.farm.id,
        grower.id,
    }
    assert ids(client.get(f"{URL}?team={world.other_team.id}", headers=headers)) == [
        world.other_farm.id
    ]
    assert ids(client.get(f"{URL}?page_size=1&page=2", headers=headers)) != []


def test_get_one_404_403_401(client, world, bearer):
    assert client.get(f"{URL}{world.farm.id}", headers=bearer(world.reviewer)).status_code == 200
    assert (
        client.get(f"{URL}{world.other_farm.id}", headers=bearer(world.reviewer)).status_code == 403
    )
    assert (
        client.get(f"{URL}{world.other_farm.id}", headers=bearer(world.member)).status_code == 403
    )
    assert client.get(f"{URL}99999", headers=bearer(world.admin)).status_code == 404
    assert client.get(f"{URL}{world.farm.id}").status_code == 401


def test_admin_creates_changes_and_deletes_a_farm(client, world, bearer):
    headers = bearer(world.admin)
    response = client.post(
        URL,
        json={
            "name": "草莓园",
            "kind": "leading_enterprise",
            "village_id": world.village.id,
            "industry": "草莓",
            "contact_phone": "139",
        },
        headers=headers,
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["kind"] == "leading_enterprise" and body["stale"] is True
    url = f"{URL}{body['id']}"
    response = client.patch(url, json={"village_id": world.other_village.id}, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["village_id"] == world.other_village.id
    assert client.delete(url, headers=headers).status_code == 204
    assert client.get(url, headers=headers).status_code == 404
    assert body["id"] not in ids(client.get(URL, headers=headers))
    assert db.session.get(Farm, body["id"]).deleted_at is not None


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "large_grower", "village_id": "VILLAGE"}, "name"),
        ({"name": "场", "kind": "castle", "village_id": "VILLAGE"}, "kind"),
        ({"name": "场", "kind": "large_grower"}, "village_id"),
        ({"name": "场", "kind": "large_grower", "village_id": "TOWNSHIP"}, "village_id"),
        ({"name": "场", "kind": "large_grower", "village_id": 99999}, "village_id"),
        (
            {"name": "场", "kind": "large_grower", "village_id": "VILLAGE", "industry": 5},
            "industry",
        ),
        (
            {
                "name": "场",
                "kind": "large_grower",
                "village_id": "VILLAGE",
                "contact_phone": "ring",
            },
            "contact_phone",
        ),
        (
            {"name": "场", "kind": "large_grower", "village_id": "VILLAGE", "notes": "x" * 2001},
            "notes",
        ),
    ],
)
def test_bad_farm_input_names_the_field(client, world, bearer, body, field):
    refs = {"VILLAGE": world.village.id, "TOWNSHIP": world.township.id}
    body = {k: refs.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    before = snapshot()
    assert list(field_errors(client.post(URL, json=body, headers=bearer(world.admin)))) == [field]
    assert snapshot() == before


def _writes(world):
    return {
        "create": (
            "post",
            URL,
            {"name": "新场", "kind": "industry_base", "village_id": world.village.id},
        ),
        "update": ("patch", f"{URL}{world.farm.id}", {"notes": "改"}),
        "delete": ("delete", f"{URL}{world.farm.id}", None),
    }


@pytest.mark.parametrize("action", ["create", "update", "delete"])
@pytest.mark.parametrize("role", ROLES)
def test_each_role_against_each_write(client, world, bearer, role, action):
    method, path, body = _writes(world)[action]
    expected = {"create": 201, "update": 200, "delete": 204}[action] if role == "admin" else 403
    check_write(client, world, bearer, role, method, path, body, expected)
