"""Reading rooms: the API per role, the review section, calendar entries and demo data."""

from datetime import date

import pytest
from query_counter import count_queries
from reading_rooms_helpers import API, PLUGIN, Rooms, count_records

from core.extensions import db
from core.models import AreaKind
from core.plugins import call
from core.plugins.state import set_enabled
from core.services.areas import add_area
from plugins.reading_rooms.models import Room, UsageRecord
from plugins.reading_rooms.review import review_section


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
        **extra,
    }


def test_rooms_list_follows_each_scope(client, bearer, world, rooms):
    def ids(user):
        response = client.get(f"{API}/rooms", headers=bearer(user))
        assert response.status_code == 200
        return {row["id"] for row in response.json}

    everything = {rooms.township.id, rooms.village.id, rooms.other.id}
    assert ids(world.admin) == everything
    assert ids(world.reviewer) == {rooms.township.id, rooms.village.id}
    assert ids(world.member) == {rooms.township.id, rooms.village.id}
    assert (
        client.get(f"{API}/rooms/{rooms.other.id}", headers=bearer(world.member)).status_code == 403
    )
    assert client.get(f"{API}/rooms/99999", headers=bearer(world.admin)).status_code == 404
    assert client.get(f"{API}/rooms").status_code == 401


def test_admin_creates_and_patches_rooms(client, bearer, world, rooms):
    admin = bearer(world.admin)
    area = add_area("新村", AreaKind.VILLAGE, world.township)
    db.session.commit()
    response = client.post(
        f"{API}/rooms", json={"area_id": area.id, "name": "新村书屋"}, headers=admin
    )
    assert response.status_code == 201, response.json
    room_id = response.json["id"]
    response = client.patch(
        f"{API}/rooms/{room_id}", json={"model_since": "2026-05-01", "place": "村部"}, headers=admin
    )
    assert response.status_code == 200
    assert response.json["model_since"] == "2026-05-01" and response.json["place"] == "村部"
    twice = client.post(f"{API}/rooms", json={"area_id": area.id, "name": "x"}, headers=admin)
    assert twice.status_code == 422 and "area_id" in twice.json["errors"]["json"]
    empty = client.post(f"{API}/rooms", json={"name": ""}, headers=admin)
    assert empty.status_code == 422
    leader = client.post(
        f"{API}/rooms", json={"area_id": area.id, "name": "x"}, headers=bearer(world.leader)
    )
    assert leader.status_code == 403
    member = client.patch(
        f"{API}/rooms/{room_id}", json={"model_since": None}, headers=bearer(world.member)
    )
    assert member.status_code == 403
    assert db.session.get(Room, room_id).model_since == date(2026, 5, 1)


def test_usage_writes_per_role(client, bearer, world, rooms):
    leader = bearer(world.leader)
    response = client.post(f"{API}/usage", json=_usage(rooms.village), headers=leader)
    assert response.status_code == 201, response.json
    assert client.post(f"{API}/usage", json=_usage(rooms.other), headers=leader).status_code == 403
    assert (
        client.post(
            f"{API}/usage", json=_usage(rooms.village), headers=bearer(world.member)
        ).status_code
        == 403
    )
    assert (
        client.post(
            f"{API}/usage", json=_usage(rooms.other), headers=bearer(world.admin)
        ).status_code
        == 201
    )
    assert count_records() == 5


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"reads": -1}, "reads"),
        ({"period_end": "2026-01-01"}, "period_end"),
        ({"period_start": "2026-01-20"}, "period_start"),  # overlaps January
        ({"room_id": 99999}, "room_id"),
        ({"downloads": "x"}, "downloads"),
    ],
)
def test_bad_usage_answers_422_naming_the_field(client, bearer, world, rooms, extra, field):
    response = client.post(
        f"{API}/usage", json=_usage(rooms.village, **extra), headers=bearer(world.admin)
    )
    assert response.status_code == 422
    assert field in response.json["errors"]["json"]
    assert count_records() == 3


def test_usage_list_and_inspection(client, bearer, world, rooms):
    reviewer = bearer(world.reviewer)
    rows = client.get(f"{API}/usage?from=2026-01-01&to=2026-01-31", headers=reviewer).json
    assert {row["room_id"] for row in rows} == {rooms.township.id, rooms.village.id}
    report = client.get(
        f"{API}/inspection?from=2026-01-01&to=2026-01-31", headers=bearer(world.admin)
    ).json
    assert report["threshold"] == 100
    assert [(r["room_id"], r["usage"], r["low"]) for r in report["rows"]] == [
        (rooms.township.id, 400, False),
        (rooms.other.id, 200, False),
        (rooms.village.id, 80, True),
    ]
    bad = client.get(f"{API}/inspection?from=2026-02-01&to=2026-01-01", headers=reviewer)
    assert bad.status_code == 422
    assert client.get(f"{API}/inspection?from=x", headers=reviewer).status_code == 422


def test_ranking_and_confirm(client, bearer, world, rooms):
    admin = bearer(world.admin)
    ranking = client.get(f"{API}/ranking?year=2026", headers=admin).json
    assert [r["room_id"] for r in ranking["proposal"]] == [
        rooms.township.id,
        rooms.other.id,
        rooms.village.id,
    ]
    assert ranking["confirmed"] == []
    assert client.get(f"{API}/ranking", headers=bearer(world.leader)).status_code == 403
    assert (
        client.post(f"{API}/ranking/2026/confirm", headers=bearer(world.reviewer)).status_code
        == 403
    )
    assert (
        client.post(f"{API}/ranking/2026/confirm", headers=bearer(world.leader)).status_code == 403
    )
    confirmed = client.post(f"{API}/ranking/2026/confirm", headers=admin)
    assert confirmed.status_code == 201 and len(confirmed.json) == 3
    assert client.post(f"{API}/ranking/2019/confirm", headers=admin).status_code == 422


def test_stored_reports_api(client, bearer, world, rooms):
    from plugins.reading_rooms.services import store_report

    report = store_report(date(2026, 1, 1), date(2026, 1, 31))
    listing = client.get(f"{API}/reports", headers=bearer(world.reviewer)).json
    assert [r["id"] for r in listing] == [report.id]
    shown = client.get(f"{API}/reports/{report.id}", headers=bearer(world.reviewer)).json
    assert {r["room_id"] for r in shown["rows"]} == {rooms.township.id, rooms.village.id}
    assert client.get(f"{API}/reports/999", headers=bearer(world.admin)).status_code == 404


def test_api_is_404_when_disabled_and_in_openapi(app, client, bearer, world, rooms):
    spec = client.get("/api/v1/openapi.json").json
    assert f"{API}/rooms" in spec["paths"] and f"{API}/inspection" in spec["paths"]
    set_enabled(app, PLUGIN, False)
    assert client.get(f"{API}/rooms", headers=bearer(world.admin)).status_code == 404
    assert (
        client.post(
            f"{API}/usage", json=_usage(rooms.village), headers=bearer(world.admin)
        ).status_code
        == 404
    )
    assert count_records() == 3


def test_review_section_figures(app, world, rooms):
    rooms.add(rooms.village, 2, 500, 0, 30)
    db.session.get(Room, rooms.township.id).model_since = date(2025, 6, 1)
    db.session.commit()
    sections = call(
        app,
        "review_sections",
        area=world.township,
        start=date(2026, 1, 1),
        end=date(2026, 1, 31),
        user=world.admin,
    )
    section = next(s for s in sections if s.key == "reading_rooms")
    figures = [f.value for f in section.figures]
    assert figures == [2, 360, 120, 52, 1, 1]  # rooms, reads, downloads, readers, low, model
    assert section.figures[4].flagged
    assert [row[1] for row in section.tables[0].rows] == ["戴家村书屋"]
    assert [row[1] for row in section.tables[1].rows] == ["永阳镇书屋"]
    county = review_section(world.county, date(2026, 1, 1), date(2026, 2, 28))
    assert [f.value for f in county.figures][:4] == [3, 1010, 170, 102]


def _queries(app, area):
    with count_queries() as statements:
        db.session.expire_all()
        review_section(area, date(2026, 1, 1), date(2026, 12, 31))
    return len(statements)


def test_review_section_query_count_is_constant(app, world, rooms):
    small = _queries(app, world.county)
    for i in range(30):
        area = add_area(f"村{i}", AreaKind.VILLAGE, world.township)
        db.session.flush()
        room = Room(area_id=area.id, name=f"村{i}书屋")
        db.session.add(room)
        db.session.flush()
        for month in range(1, 13):
            rooms.add(room, month, 10 * i, i, i)
    db.session.commit()
    assert _queries(app, world.county) == small <= 3


def test_calendar_entries_on_the_first_of_each_month(app, rooms):
    entries = [
        e
        for e in call(app, "calendar_events", start=date(2026, 1, 15), end=date(2026, 4, 1))
        if e.uid.endswith("@reading_rooms")
    ]
    assert [e.start for e in entries] == [date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]
    assert all(e.all_day and e.end == date.fromordinal(e.start.toordinal() + 1) for e in entries)
    again = call(app, "calendar_events", start=date(2026, 3, 1), end=date(2026, 3, 31))
    assert "inspection-2026-03@reading_rooms" in {e.uid for e in again}
    assert entries[1].uid == "inspection-2026-03@reading_rooms"


def test_demo_data_builds_and_is_idempotent(app, runner):
    result = runner.invoke(args=["demo", "--seed", "7"])
    assert result.exit_code == 0, result.output
    rooms = db.session.scalars(db.select(Room)).all()
    kinds = [r.area.kind for r in rooms]
    assert kinds.count(AreaKind.TOWNSHIP) == 8
    assert 40 <= kinds.count(AreaKind.VILLAGE) <= 72
    assert db.session.query(UsageRecord).count() == 12 * len(rooms)
    assert sum(r.is_model for r in rooms) == 2
    from core.rules import today
    from plugins.reading_rooms.services import previous_month, store_report

    report = store_report(*previous_month(today()))
    low = [row for row in report.rows if row["low"]]
    assert 1 <= len(low) <= len(rooms) // 4
    from plugins.reading_rooms.demo import build

    assert build(7, date(2026, 11, 20)) == {}
    assert db.session.query(Room).count() == len(rooms)


# --- a recorded period is replaced only when asked; a period not begun is refused ----


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
