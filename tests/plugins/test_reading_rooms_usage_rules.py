"""Usage of a month not begun is refused, and entering a recorded month again shows the
recorded figures instead of silently replacing them (the API asks for ``replace``)."""

import pytest
from reading_rooms_helpers import API, Rooms, count_records

from core.extensions import db
from plugins.reading_rooms.models import UsageRecord


@pytest.fixture
def rooms(app, world):
    return Rooms(app, world)


def _usage(room, **extra):
    return {
        "room_id": room.id,
        "period_start": "2026-02-01",
        "period_end": "2026-02-28",
        "reads": 50,
        "downloads": 5,
        "active_readers": 4,
    } | extra


def test_a_recorded_period_is_replaced_only_when_asked(client, bearer, world, rooms):
    admin = bearer(world.admin)
    assert client.post(f"{API}/usage", json=_usage(rooms.village), headers=admin).status_code == 201
    before = count_records()
    again = client.post(f"{API}/usage", json=_usage(rooms.village, reads=999), headers=admin)
    assert again.status_code == 409 and "50" in again.get_json()["message"]
    assert count_records() == before
    replaced = client.post(
        f"{API}/usage", json=_usage(rooms.village, reads=999, replace=True), headers=admin
    )
    assert replaced.status_code == 201 and replaced.get_json()["reads"] == 999
    record = db.session.get(UsageRecord, replaced.get_json()["id"])
    assert count_records() == before and record.reads == 999


def test_a_period_not_begun_answers_422(client, bearer, world, rooms):
    future = _usage(rooms.village, period_start="2099-02-01", period_end="2099-02-28")
    response = client.post(f"{API}/usage", json=future, headers=bearer(world.admin))
    assert response.status_code == 422 and "period_start" in str(response.get_json())
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "replace" in str(spec["components"]["schemas"])
