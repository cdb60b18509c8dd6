"""Party day API: reads per role, writes allowed and refused, 422 naming the field, filters,
paging, equipment, and the OpenAPI document."""

from datetime import date

import pytest
from party_day_support import API, enable, make_day
from sqlalchemy import func, select

from core.extensions import db
from core.plugins.state import set_enabled
from plugins.party_day.models import Equipment, PartyDay


@pytest.fixture
def days(app, world):
    """The plugin enabled, with a party day in each village."""
    enable(app)
    return make_day(world.village, date(2026, 4, 2)), make_day(
        world.other_village, date(2026, 7, 9)
    )


def _body(village, **overrides) -> dict:
    return {
        "village_id": village.id,
        "held_on": "2026-05-12",
        "start_time": "19:30",
        "topic": "草莓大棚温湿度管理",
        "present": 18,
        "branch_size": 25,
    } | overrides


def _count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(PartyDay.id)))


@pytest.mark.parametrize(
    "role, visible",
    [("admin", 2), ("reviewer", 1), ("leader", 1), ("member", 1), ("other_leader", 1)],
)
def test_party_days_listed_within_scope(days, world, client, bearer, role, visible):
    response = client.get(f"{API}/party-days", headers=bearer(getattr(world, role)))
    assert response.status_code == 200
    assert len(response.get_json()) == visible
    assert response.headers["X-Pagination"]


def test_filters_and_attendance(days, world, client, bearer):
    headers = bearer(world.admin)
    rows = client.get(f"{API}/party-days?from=2026-06-01", headers=headers).get_json()
    assert [r["id"] for r in rows] == [days[1].id]
    assert rows[0]["attendance_rate"] == pytest.approx(20 / 30)
    rows = client.get(f"{API}/party-days?area={world.township.id}", headers=headers).get_json()
    assert [r["id"] for r in rows] == [days[0].id]
    rows = client.get(f"{API}/party-days?village={world.other_village.id}", headers=headers)
    assert [r["id"] for r in rows.get_json()] == [days[1].id]
    bad = client.get(f"{API}/party-days?from=2026-09-01&to=2026-01-01", headers=headers)
    assert bad.status_code == 422
    assert client.get(f"{API}/party-days?area=99999", headers=headers).status_code == 422


def test_leader_records_for_own_village_only(days, world, client, bearer):
    headers = bearer(world.leader)
    made = client.post(f"{API}/party-days", json=_body(world.village), headers=headers)
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["start_time"] == "19:30"
    other = client.post(f"{API}/party-days", json=_body(world.other_village), headers=headers)
    assert other.status_code == 403
    assert client.get(f"{API}/party-days/{days[1].id}", headers=headers).status_code == 403
    assert (
        client.patch(f"{API}/party-days/{days[1].id}", json={"present": 1}, headers=headers)
    ).status_code == 403
    assert _count() == 3


def test_members_never_write(days, world, client, bearer):
    headers = bearer(world.member)
    assert (
        client.post(f"{API}/party-days", json=_body(world.village), headers=headers).status_code
        == 403
    )


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"present": 26}, "present"),
        ({"present": -1}, "present"),
        ({"branch_size": 0}, "branch_size"),
        ({"topic": ""}, "topic"),
        ({"held_on": "2999-01-01"}, "held_on"),
        ({"village_id": 99999}, "village_id"),
    ],
)
def test_bad_input_is_422_naming_the_field(days, world, client, bearer, overrides, field):
    response = client.post(
        f"{API}/party-days",
        json=_body(world.village, **overrides),
        headers=bearer(world.leader) | {"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    assert _count() == 2


def test_present_above_branch_size_on_patch(days, world, client, bearer):
    response = client.patch(
        f"{API}/party-days/{days[0].id}",
        json={"present": 31},
        headers=bearer(world.leader) | {"Accept-Language": "en"},
    )
    assert response.status_code == 422
    assert response.get_json()["errors"]["json"] == {
        "present": ["More members present than the branch has."]
    }
    ok = client.patch(
        f"{API}/party-days/{days[0].id}", json={"present": 30}, headers=bearer(world.leader)
    )
    assert ok.status_code == 200 and ok.get_json()["present"] == 30


def test_delete_hides_and_404s(days, world, client, bearer):
    headers = bearer(world.leader)
    assert client.delete(f"{API}/party-days/{days[0].id}", headers=headers).status_code == 204
    assert client.get(f"{API}/party-days/{days[0].id}", headers=headers).status_code == 404
    assert client.get(f"{API}/party-days/99999", headers=headers).status_code == 404


def test_equipment_read_and_written(days, world, client, bearer):
    headers = bearer(world.leader)
    rows = client.get(f"{API}/equipment", headers=headers).get_json()
    assert rows == [
        {
            "village_id": world.village.id,
            "village": "戴家村",
            "surveyed": False,
            "has_computer": False,
            "has_display": False,
            "has_network": False,
            "notes": "",
            "ready": False,
        }
    ]
    put = client.put(
        f"{API}/equipment/{world.village.id}",
        json={"has_computer": True, "has_display": True, "has_network": True},
        headers=headers,
    )
    assert put.status_code == 200 and put.get_json()["ready"] is True
    assert db.session.scalar(select(func.count(Equipment.id))) == 1
    admin = bearer(world.admin)
    lacking = client.get(f"{API}/equipment?ready=false", headers=admin).get_json()
    assert [r["village_id"] for r in lacking] == [world.other_village.id]
    other = client.put(f"{API}/equipment/{world.other_village.id}", json={}, headers=headers)
    assert other.status_code == 403
    assert client.get(f"{API}/equipment/{world.township.id}", headers=admin).status_code == 404
    bad = client.put(
        f"{API}/equipment/{world.village.id}", json={"has_computer": "maybe"}, headers=headers
    )
    assert bad.status_code == 422 and "has_computer" in bad.get_json()["errors"]["json"]


def test_api_404_while_disabled_and_in_the_openapi_document(app, days, world, client, bearer):
    spec = client.get("/api/v1/openapi.json").get_json()
    paths = spec["paths"]
    assert "/api/v1/plugins/party_day/party-days" in paths
    assert "/api/v1/plugins/party_day/equipment/{village_id}" in paths
    assert "PartyDay" in spec["components"]["schemas"]
    set_enabled(app, "party_day", False)
    assert client.get(f"{API}/party-days", headers=bearer(world.admin)).status_code == 404
