"""/api/v1/areas through HTTP."""

import pytest
from test_api_support import ROLES, check_write, field_errors, ids, pagination, snapshot

from core.extensions import db
from core.models import Area

URL = "/api/v1/areas/"


def test_every_signed_in_user_reads_the_tree_in_path_order(client, world, bearer):
    response = client.get(URL, headers=bearer(world.member))
    paths = [item["path"] for item in response.get_json()]
    assert len(paths) == 5 and paths == sorted(paths)
    assert pagination(response)["total"] == 5
    county = response.get_json()[0]
    assert county["kind"] == "county" and county["parent_id"] is None


def test_filters(client, world, bearer):
    headers = bearer(world.reviewer)
    subtree = ids(client.get(f"{URL}?area={world.township.id}", headers=headers))
    assert subtree == [world.township.id, world.village.id]
    villages = ids(client.get(f"{URL}?kind=village", headers=headers))
    assert set(villages) == {world.village.id, world.other_village.id}
    towns = ids(client.get(f"{URL}?parent={world.county.id}", headers=headers))
    assert set(towns) == {world.township.id, world.other_township.id}
    response = client.get(f"{URL}?kind=planet", headers=headers)
    assert "kind" in response.get_json()["errors"]["query"]


def test_pagination(client, world, bearer):
    response = client.get(f"{URL}?page_size=2&page=3", headers=bearer(world.admin))
    assert len(ids(response)) == 1
    assert pagination(response)["total_pages"] == 3 and pagination(response)["page"] == 3


def test_get_one_unknown_and_unauthenticated(client, world, bearer):
    response = client.get(f"{URL}{world.village.id}", headers=bearer(world.leader))
    assert response.get_json()["name"] == world.village.name
    assert client.get(f"{URL}99999", headers=bearer(world.leader)).status_code == 404
    assert client.get(f"{URL}{world.village.id}").status_code == 401


def test_admin_creates_a_village_with_its_path(client, world, bearer):
    response = client.post(
        URL,
        json={"name": "新村", "kind": "village", "parent_id": world.township.id},
        headers=bearer(world.admin),
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["path"] == f"{world.township.path}{body['id']}/"
    assert db.session.get(Area, body["id"]).parent_id == world.township.id


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "village", "parent_id": "TOWNSHIP"}, "name"),
        ({"name": "村", "kind": "hamlet", "parent_id": "TOWNSHIP"}, "kind"),
        ({"name": "村", "kind": "village", "parent_id": "COUNTY"}, "parent_id"),
        ({"name": "村", "kind": "village"}, "parent_id"),
        ({"name": "村", "kind": "village", "parent_id": 99999}, "parent_id"),
        ({"name": "镇", "kind": "township", "parent_id": "TOWNSHIP"}, "parent_id"),
        ({"name": "县", "kind": "county", "parent_id": "COUNTY"}, "parent_id"),
    ],
)
def test_bad_area_input_names_the_field(client, world, bearer, body, field):
    refs = {"TOWNSHIP": world.township.id, "COUNTY": world.county.id}
    body = {k: refs.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    before = snapshot()
    assert list(field_errors(client.post(URL, json=body, headers=bearer(world.admin)))) == [field]
    assert snapshot() == before


def test_admin_renames_an_area(client, world, bearer):
    response = client.patch(
        f"{URL}{world.village.id}", json={"name": "戴家社区"}, headers=bearer(world.admin)
    )
    assert response.status_code == 200 and response.get_json()["name"] == "戴家社区"
    response = client.patch(
        f"{URL}{world.village.id}", json={"name": ""}, headers=bearer(world.admin)
    )
    assert "name" in field_errors(response)


def test_only_unused_areas_can_be_deleted(client, world, bearer):
    headers = bearer(world.admin)
    response = client.delete(f"{URL}{world.village.id}", headers=headers)
    assert response.status_code == 409 and response.get_json()["message"]
    spare = client.post(
        URL,
        json={"name": "空村", "kind": "village", "parent_id": world.township.id},
        headers=headers,
    ).get_json()
    assert client.delete(f"{URL}{spare['id']}", headers=headers).status_code == 204
    assert client.get(f"{URL}{spare['id']}", headers=headers).status_code == 404


def _writes(world):
    spare = Area(name="空村", kind="village", parent=world.township, path="")
    db.session.add(spare)
    db.session.flush()
    spare.path = f"{world.township.path}{spare.id}/"
    db.session.commit()
    return {
        "create": (
            "post",
            URL,
            {"name": "新村", "kind": "village", "parent_id": world.township.id},
        ),
        "update": ("patch", f"{URL}{world.village.id}", {"name": "改名"}),
        "delete": ("delete", f"{URL}{spare.id}", None),
    }


@pytest.mark.parametrize("action", ["create", "update", "delete"])
@pytest.mark.parametrize("role", ROLES)
def test_each_role_against_each_write(client, world, bearer, role, action):
    method, path, body = _writes(world)[action]
    expected = {"create": 201, "update": 200, "delete": 204}[action] if role == "admin" else 403
    check_write(client, world, bearer, role, method, path, body, expected)


def test_a_name_with_a_line_break_is_refused(client, world, bearer):
    before = snapshot()
    headers = bearer(world.admin)
    body = {"name": "新村\nX-INJECTED:1", "kind": "village", "parent_id": world.township.id}
    assert list(field_errors(client.post(URL, json=body, headers=headers))) == ["name"]
    response = client.patch(f"{URL}{world.village.id}", json={"name": "戴\r家"}, headers=headers)
    assert list(field_errors(response)) == ["name"]
    assert snapshot() == before
