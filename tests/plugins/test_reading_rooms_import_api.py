"""Reading rooms: importing usage records through the API (multipart file or text/csv body)."""

import io
from datetime import date

import pytest
from reading_rooms_helpers import API, Rooms, count_records

from core.extensions import db
from plugins.reading_rooms import services as svc
from plugins.reading_rooms.models import UsageRecord

URL = f"{API}/usage/import"


@pytest.fixture
def rooms(app, world):
    world.admin.locale = "en"
    db.session.commit()
    return Rooms(app, world)


def _good(rooms) -> str:
    return (
        "room_id,period_start,period_end,reads,downloads,active_readers\n"
        f"{rooms.village.id},2026-02-01,2026-02-28,100,20,10\n"
        f'{rooms.township.id},2026-02,,400,"1,200",50\n'
        f"{rooms.village.id},2026-01-01,2026-01-31,61,20,12\n"
    )


def _multipart(client, headers, text: str | bytes, name="file"):
    raw = text.encode() if isinstance(text, str) else text
    return client.post(
        URL,
        headers=headers,
        data={name: (io.BytesIO(raw), "usage.csv")},
        content_type="multipart/form-data",
    )


def _csv_body(client, headers, text: str | bytes):
    raw = text.encode() if isinstance(text, str) else text
    return client.post(URL, headers=headers, data=raw, content_type="text/csv; charset=utf-8")


@pytest.mark.parametrize("send", [_multipart, _csv_body])
def test_admin_imports_every_row_and_again_changes_nothing(client, bearer, world, rooms, send):
    headers = bearer(world.admin)
    response = send(client, headers, _good(rooms))
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {"created": 2, "updated": 1}
    assert count_records() == 5
    township_feb = (
        db.session.query(UsageRecord)
        .filter_by(room_id=rooms.township.id, period_start=date(2026, 2, 1))
        .one()
    )
    assert township_feb.downloads == 1200 and township_feb.period_end == date(2026, 2, 28)
    again = send(client, headers, "\ufeff" + _good(rooms))
    assert again.status_code == 200 and again.get_json() == {"created": 0, "updated": 3}
    assert count_records() == 5


@pytest.mark.parametrize("send", [_multipart, _csv_body])
def test_bad_rows_answer_422_by_line_and_nothing_is_imported(client, bearer, world, rooms, send):
    text = (
        "room_id,period_start,period_end,reads,downloads,active_readers\n"
        f"{rooms.village.id},2026-02-01,2026-02-28,100,20,10\n"
        "99999,2026-02-01,2026-02-28,1,1,1\n"
        f"{rooms.township.id},2026-02-01,2026-02-28,-5,1,1\n"
        f"{rooms.village.id},2026-02-01,2026-02-28,1,1,1\n"
        f"{rooms.other.id},someday,2026-02-15,1,1,1\n"
    )
    response = send(client, bearer(world.admin), text)
    assert response.status_code == 422
    lines = response.get_json()["errors"]["csv"]
    assert set(lines) == {"3", "4", "5", "6"}
    assert lines["3"] == ["No reading room has the id 99999."]
    assert lines["5"] == ["The same room and period as line 2."]
    assert "not a date" in lines["6"][0]
    assert count_records() == 3


def test_missing_columns_are_line_1(client, bearer, world, rooms):
    response = _csv_body(client, bearer(world.admin), "room,reads\n1,2\n")
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["csv"]) == ["1"]
    assert "Missing columns" in response.get_json()["errors"]["csv"]["1"][0]
    empty = _csv_body(
        client,
        bearer(world.admin),
        "room_id,period_start,period_end,reads,downloads,active_readers\n",
    )
    assert empty.get_json()["errors"]["csv"] == {"1": ["The file holds no rows."]}
    assert count_records() == 3


@pytest.mark.parametrize(
    "send, text, message",
    [
        (_multipart, b"\xff\xfe\x00", "The file is not UTF-8 text."),
        (_csv_body, b"\xff\xfe\x00", "The file is not UTF-8 text."),
        (_csv_body, b"", "Choose a file."),
        (_csv_body, b"x" * (svc.MAX_UPLOAD + 1), "The file is larger than 2 MB."),
    ],
)
def test_unusable_file_answers_422_naming_the_file(
    client, bearer, world, rooms, send, text, message
):
    response = send(client, bearer(world.admin), text)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"file": [message]}
    assert count_records() == 3


def test_wrong_field_or_body_type_is_refused(client, bearer, world, rooms):
    headers = bearer(world.admin)
    wrong_field = _multipart(client, headers, _good(rooms), name="upload")
    assert wrong_field.status_code == 422
    assert wrong_field.get_json()["errors"] == {"file": ["Choose a file."]}
    json_body = client.post(URL, headers=headers, json={"csv": _good(rooms)})
    assert json_body.status_code == 415
    assert "text/csv" in json_body.get_json()["message"]
    assert count_records() == 3


def test_only_admins_import(client, bearer, world, rooms):
    for user in (world.leader, world.reviewer, world.member):
        response = _csv_body(client, bearer(user), _good(rooms))
        assert response.status_code == 403
    assert client.post(URL, data=_good(rooms), content_type="text/csv").status_code == 401
    assert count_records() == 3


def test_import_is_documented(client, rooms):
    spec = client.get("/api/v1/openapi.json").get_json()
    operation = spec["paths"][URL]["post"]
    assert {"multipart/form-data", "text/csv"} <= set(operation["requestBody"]["content"])
    assert {"200", "401", "403", "415", "422"} <= set(operation["responses"])
    assert "line" in operation["description"]


@pytest.mark.parametrize("send", [_multipart, _csv_body])
def test_a_cell_over_128_kb_answers_422_naming_its_line(client, bearer, world, rooms, send):
    text = (
        "room_id,period_start,period_end,reads,downloads,active_readers\n"
        f"{rooms.village.id},2026-02-01,2026-02-28,100,20,10\n"
        f'{rooms.village.id},2026-03-01,2026-03-31,"{"9" * 140_000}",20,10\n'
    )
    response = send(client, bearer(world.admin), text)
    assert response.status_code == 422
    assert response.get_json()["errors"]["csv"] == {"3": ["A cell is longer than 128 KB."]}
    header = _csv_body(client, bearer(world.admin), "room_id," + "x" * 140_000 + "\n1\n")
    assert header.get_json()["errors"]["csv"] == {"1": ["A cell is longer than 128 KB."]}
    assert count_records() == 3
