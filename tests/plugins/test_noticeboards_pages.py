"""Noticeboards pages: who reads and writes what, bad input, photos, the disabled plugin."""

import io
from pathlib import Path

import pytest
from image_support import decoded, image_bytes
from noticeboards_support import JPEG, PAGES, PNG, Boards
from sqlalchemy import func, select

from core.extensions import db
from core.plugins.state import save_settings, set_enabled
from plugins.noticeboards.models import Board, BoardUpdate, Station, Training


@pytest.fixture
def nb(app, world, tmp_path, monkeypatch):
    """The plugin enabled, with boards in two villages; uploads go to a temporary folder."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    return Boards(app, world)


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def _as(client, login, username):
    login(username)
    client.post("/lang/en")
    return client


@pytest.mark.parametrize(
    "username, own, other",
    [
        ("admin", 200, 200),
        ("reviewer", 200, 403),
        ("leader", 200, 403),
        ("member", 200, 403),
        ("leader2", 403, 200),
    ],
)
def test_boards_are_read_within_scope(nb, client, login, username, own, other):
    _as(client, login, username)
    assert client.get(f"{PAGES}/boards/{nb.board.id}").status_code == own
    assert client.get(f"{PAGES}/boards/{nb.other.id}").status_code == other
    page = client.get(f"{PAGES}/").get_data(as_text=True)
    assert (f'data-board="{nb.board.id}"' in page) == (own == 200)
    assert (f'data-board="{nb.other.id}"' in page) == (other == 200)
    assert client.get(f"{PAGES}/boards/999999").status_code == 404


def test_nav_item_for_readers_only(nb, client, login):
    _as(client, login, "member")
    assert f'href="{PAGES}/"' in client.get("/").get_data(as_text=True)


def test_signed_out_users_are_sent_to_login(nb, client):
    response = client.get(f"{PAGES}/")
    assert response.status_code == 302 and "/login" in response.location


@pytest.mark.parametrize("username", ["reviewer", "leader", "member"])
def test_only_admins_manage_stations_and_boards(nb, client, login, username):
    _as(client, login, username)
    assert client.get(f"{PAGES}/stations/new").status_code == 403
    assert client.post(f"{PAGES}/boards/new", data={"name": "x"}).status_code == 403
    assert client.get(f"{PAGES}/boards/{nb.board.id}/edit").status_code == 403


def test_admin_creates_station_and_board_and_bad_input_changes_nothing(nb, world, client, login):
    _as(client, login, "admin")
    response = client.post(f"{PAGES}/stations/new", data={"village_id": "", "name": " "})
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Choose a village." in page and "Enter a name." in page
    assert _count(Station) == 1
    response = client.post(
        f"{PAGES}/stations/new",
        data={"village_id": world.other_village.id, "name": "傅家边村科普服务站", "place": "村部"},
    )
    assert response.status_code == 302
    station = db.session.scalar(select(Station).where(Station.name == "傅家边村科普服务站"))
    # a member of another village's team cannot be the publicist
    response = client.post(
        f"{PAGES}/boards/new",
        data={"station_id": station.id, "name": "宣传栏", "publicist_id": nb.young.id},
    )
    assert response.status_code == 200
    assert "Choose a member of a team of the board&#39;s village." in response.get_data(
        as_text=True
    )
    assert _count(Board) == 2
    # a member who is not a young official is accepted, and flagged
    plain = nb.members(world.other_team)[3]
    response = client.post(
        f"{PAGES}/boards/new",
        data={"station_id": station.id, "name": "宣传栏", "publicist_id": plain.id},
        follow_redirects=True,
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "is not a young village official" in page
    assert "Not a young official" in page
    board = db.session.scalar(select(Board).where(Board.name == "宣传栏"))
    assert board.village_id == world.other_village.id and board.station_id == station.id


def test_leader_records_an_update_with_a_photo_readers_see_it(nb, app, client, login):
    _as(client, login, "leader")
    url = f"{PAGES}/boards/{nb.board.id}/updates/new"
    response = client.post(
        url,
        data={
            "updated_on": "2026-01-05",
            "title": "草莓大棚管理",
            "summary": "展板4块",
            "photo": (io.BytesIO(PNG), "board.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    update = db.session.scalar(select(BoardUpdate))
    assert update.recorded_by_id == nb.world.leader.id and update.photo_type == "image/png"
    stored = Path(app.instance_path) / "uploads" / "noticeboards" / update.photo
    assert stored.read_bytes() == PNG and update.photo != "board.png"
    photo = f"{PAGES}/updates/{update.id}/photo"
    assert photo in client.get(f"{PAGES}/boards/{nb.board.id}").get_data(as_text=True)
    with client.get(photo) as response:
        assert response.status_code == 200 and response.mimetype == "image/png"
        assert response.data == PNG and "private" in response.headers["Cache-Control"]
    client.post("/logout")
    _as(client, login, "member")
    with client.get(photo) as response:
        assert response.status_code == 200
    client.post("/logout")
    _as(client, login, "leader2")
    assert client.get(photo).status_code == 403
    assert (
        client.post(
            f"{PAGES}/boards/{nb.board.id}/updates/new",
            data={"updated_on": "2026-01-05", "title": "x"},
        ).status_code
        == 403
    )


def test_an_update_photo_has_a_thumbnail_for_its_readers_only(nb, app, client, login):
    _as(client, login, "leader")
    client.post(
        f"{PAGES}/boards/{nb.board.id}/updates/new",
        data={
            "updated_on": "2026-01-05",
            "title": "草莓大棚管理",
            "photo": (io.BytesIO(image_bytes("PNG", (640, 960))), "board.png"),
        },
        content_type="multipart/form-data",
    )
    update = db.session.scalar(select(BoardUpdate))
    folder = Path(app.instance_path) / "uploads" / "noticeboards"
    assert (folder / update.photo.replace(".png", ".thumb.png")).is_file()
    thumbnail = f"{PAGES}/updates/{update.id}/photo?thumbnail=1"
    client.post("/logout")
    _as(client, login, "member")
    with client.get(thumbnail) as response:
        assert response.status_code == 200 and response.mimetype == "image/png"
        assert "private" in response.headers["Cache-Control"]
        assert decoded(response.data).size == (320, 480)
    client.post("/logout")
    _as(client, login, "leader2")
    assert client.get(thumbnail).status_code == 403
    assert client.get(f"{PAGES}/updates/99999/photo?thumbnail=1").status_code == 404


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"updated_on": "", "title": "x"}, "updated_on", "Enter a day."),
        (
            {"updated_on": "2999-01-01", "title": "x"},
            "updated_on",
            "The day cannot be in the future.",
        ),
        ({"updated_on": "2026-01-05", "title": ""}, "title", "Enter a title."),
        (
            {
                "updated_on": "2026-01-05",
                "title": "x",
                "photo": (io.BytesIO(b"GIF89a" + b"0" * 40), "fake.png"),
            },
            "photo",
            "Upload a JPEG, PNG or WebP image.",
        ),
    ],
)
def test_bad_update_is_refused_and_nothing_stored(nb, app, client, login, data, field, message):
    _as(client, login, "leader")
    response = client.post(
        f"{PAGES}/boards/{nb.board.id}/updates/new", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    assert _count(BoardUpdate) == 0


def test_photo_size_limit_follows_the_setting(nb, app, client, login):
    save_settings(app, "noticeboards", {"max_photo_kb": 1})
    _as(client, login, "admin")
    big = JPEG + b"\x00" * 2000
    response = client.post(
        f"{PAGES}/boards/{nb.board.id}/updates/new",
        data={"updated_on": "2026-01-05", "title": "x", "photo": (io.BytesIO(big), "big.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "The photo is larger than 1 KB." in response.get_data(as_text=True)
    assert _count(BoardUpdate) == 0


def test_update_without_photo_has_no_photo_page(nb, client, login):
    update = nb.update(nb.board, 3)
    _as(client, login, "admin")
    assert client.get(f"{PAGES}/updates/{update.id}/photo").status_code == 404


def test_trainings_written_by_admin_and_leader_for_own_publicists(nb, client, login):
    _as(client, login, "leader")
    response = client.post(
        f"{PAGES}/trainings/new",
        data={
            "held_on": "2026-01-10",
            "topic": "远程教育站点操作",
            "hours": "2.5",
            "kind": "remote",
            "attendee_ids": [nb.other_young.id],
        },
    )
    assert response.status_code == 200 and _count(Training) == 0
    assert "Choose publicists of boards you may record for." in response.get_data(as_text=True)
    response = client.post(
        f"{PAGES}/trainings/new",
        data={
            "held_on": "2026-01-10",
            "topic": "远程教育站点操作",
            "hours": "0",
            "kind": "remote",
            "attendee_ids": [nb.young.id],
        },
    )
    assert response.status_code == 200 and _count(Training) == 0
    assert "Enter the hours, from 0.5 to 100." in response.get_data(as_text=True)
    response = client.post(
        f"{PAGES}/trainings/new",
        data={
            "held_on": "2026-01-10",
            "topic": "远程教育站点操作",
            "hours": "2.5",
            "kind": "remote",
            "attendee_ids": [nb.young.id],
        },
    )
    assert response.status_code == 302
    training = db.session.scalar(select(Training))
    assert [m.id for m in training.attendees] == [nb.young.id] and float(training.hours) == 2.5
    page = client.get(f"{PAGES}/trainings").get_data(as_text=True)
    assert f'data-training="{training.id}"' in page and "Remote education" in page
    client.post("/logout")
    _as(client, login, "leader2")
    page = client.get(f"{PAGES}/trainings").get_data(as_text=True)
    assert f'data-training="{training.id}"' not in page
    client.post("/logout")
    _as(client, login, "reviewer")
    assert client.get(f"{PAGES}/trainings/new").status_code == 403


def test_disabled_plugin_hides_pages_and_menu_and_keeps_data(nb, app, client, login):
    nb.update(nb.board, 3)
    _as(client, login, "admin")
    assert client.get(f"{PAGES}/").status_code == 200
    set_enabled(app, "noticeboards", False)
    assert client.get(f"{PAGES}/").status_code == 404
    assert client.get(f"{PAGES}/boards/{nb.board.id}").status_code == 404
    assert f'href="{PAGES}/"' not in client.get("/").get_data(as_text=True)
    assert _count(Board) == 2 and _count(BoardUpdate) == 1
    set_enabled(app, "noticeboards", True)
    assert f'data-board="{nb.board.id}"' in client.get(f"{PAGES}/").get_data(as_text=True)
