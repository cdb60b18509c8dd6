"""Noticeboards: correcting and deleting updates and trainings, photos through the API, and
the paginated board list (pages and API)."""

import io
import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from noticeboards_support import API, JPEG, PAGES, PNG, Boards
from sqlalchemy import func, select

from core.extensions import db
from core.models.soft_delete import INCLUDE_DELETED
from core.plugins.state import save_settings
from plugins.noticeboards.models import Board, BoardUpdate, Training


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


def _stored(app, name) -> Path:
    return Path(app.instance_path) / "uploads" / "noticeboards" / name


def _photo_update(nb, client, login, board=None):
    """An update with a PNG photo, recorded from the page by the admin."""
    _as(client, login, "admin")
    board = board or nb.board
    response = client.post(
        f"{PAGES}/boards/{board.id}/updates/new",
        data={
            "updated_on": "2026-01-05",
            "title": "草莓大棚管理",
            "photo": (io.BytesIO(PNG), "a.png"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    client.post("/logout")
    return db.session.scalar(select(BoardUpdate).order_by(BoardUpdate.id.desc()))


def _training(nb, *attendees) -> Training:
    training = Training(
        held_on=date(2026, 1, 10),
        topic="远程教育课件制作",
        hours=Decimal("2.0"),
        kind="remote",
        trainer="",
        attendees=list(attendees),
    )
    db.session.add(training)
    db.session.commit()
    return training


# --- updates: pages ---------------------------------------------------------------------------


def test_leader_corrects_an_update_and_replaces_then_removes_its_photo(nb, app, client, login):
    update = _photo_update(nb, client, login)
    first = update.photo
    _as(client, login, "leader")
    board_page = client.get(f"{PAGES}/boards/{nb.board.id}").get_data(as_text=True)
    edit = f"{PAGES}/updates/{update.id}/edit"
    assert edit in board_page and f"{PAGES}/updates/{update.id}/delete" in board_page
    page = client.get(edit).get_data(as_text=True)
    assert "草莓大棚管理" in page and 'name="remove_photo"' in page
    response = client.post(
        edit,
        data={
            "updated_on": "2026-01-06",
            "title": "草莓大棚冬季管理",
            "photo": (io.BytesIO(JPEG), "b.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.refresh(update)
    assert update.title == "草莓大棚冬季管理" and update.updated_on == date(2026, 1, 6)
    assert update.photo_type == "image/jpeg" and update.photo != first
    assert _stored(app, update.photo).read_bytes() == JPEG
    assert not _stored(app, first).exists()
    second = update.photo
    response = client.post(
        edit,
        data={"updated_on": "2026-01-06", "title": "草莓大棚冬季管理", "remove_photo": "y"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    db.session.refresh(update)
    assert update.photo is None and update.photo_type is None
    assert not _stored(app, second).exists()
    assert 'name="remove_photo"' not in client.get(edit).get_data(as_text=True)


@pytest.mark.parametrize(
    "data, field, message",
    [
        (
            {"updated_on": "2999-01-01", "title": "x"},
            "updated_on",
            "The day cannot be in the future.",
        ),
        ({"updated_on": "2026-01-05", "title": " "}, "title", "Enter a title."),
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
def test_bad_correction_changes_nothing(nb, app, client, login, data, field, message):
    update = _photo_update(nb, client, login)
    photo = update.photo
    _as(client, login, "leader")
    response = client.post(
        f"{PAGES}/updates/{update.id}/edit", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert f'id="{field}-error"' in page and message in page
    db.session.refresh(update)
    assert update.title == "草莓大棚管理" and update.photo == photo
    assert _stored(app, photo).exists()


def test_photo_size_limit_applies_to_a_replacement(nb, app, client, login):
    update = _photo_update(nb, client, login)
    save_settings(app, "noticeboards", {"max_photo_kb": 1})
    _as(client, login, "admin")
    response = client.post(
        f"{PAGES}/updates/{update.id}/edit",
        data={
            "updated_on": "2026-01-05",
            "title": "x",
            "photo": (io.BytesIO(JPEG + b"\x00" * 2000), "big.jpg"),
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert "The photo is larger than 1 KB." in response.get_data(as_text=True)
    db.session.refresh(update)
    assert update.photo_type == "image/png"


def test_deleting_an_update_asks_first_and_keeps_it_for_a_restore(nb, app, client, login):
    update = _photo_update(nb, client, login)
    photo, update_id = update.photo, update.id
    _as(client, login, "leader")
    url = f"{PAGES}/updates/{update_id}/delete"
    page = client.get(url).get_data(as_text=True)
    assert "Delete the update 草莓大棚管理?" in page and 'method="post"' in page
    assert 'name="csrf_token"' in page and _count(BoardUpdate) == 1
    response = client.post(url)
    assert response.status_code == 302 and response.location.endswith(f"/boards/{nb.board.id}")
    assert _count(BoardUpdate) == 0 and client.get(url).status_code == 404
    kept = db.session.get(BoardUpdate, update_id, execution_options={INCLUDE_DELETED: True})
    assert kept.deleted_at is not None and kept.deleted_by_id == nb.world.leader.id
    assert _stored(app, photo).exists()  # an admin may restore it, photo included


@pytest.mark.parametrize(
    "username, status",
    [
        ("member", 403),
        ("reviewer", 403),
        ("leader2", 403),
    ],
)
def test_others_may_not_correct_or_delete_an_update(nb, client, login, username, status):
    update = nb.update(nb.board, 3)
    _as(client, login, username)
    page = client.get(f"{PAGES}/boards/{nb.board.id}").get_data(as_text=True)
    assert f"/updates/{update.id}/edit" not in page
    for path in ("edit", "delete"):
        assert client.get(f"{PAGES}/updates/{update.id}/{path}").status_code == status
    assert (
        client.post(
            f"{PAGES}/updates/{update.id}/edit", data={"updated_on": "2026-01-05", "title": "改"}
        ).status_code
        == status
    )
    assert client.post(f"{PAGES}/updates/{update.id}/delete").status_code == status
    db.session.refresh(update)
    assert update.title == "梅子病虫害防治" and _count(BoardUpdate) == 1


def test_unknown_update_is_404(nb, client, login):
    _as(client, login, "admin")
    assert client.get(f"{PAGES}/updates/99999/edit").status_code == 404
    assert client.post(f"{PAGES}/updates/99999/delete").status_code == 404


# --- trainings: pages -------------------------------------------------------------------------


def test_leader_corrects_and_deletes_own_village_training(nb, client, login):
    own = _training(nb, nb.young)
    mixed = _training(nb, nb.young, nb.other_young)
    _as(client, login, "leader")
    page = client.get(f"{PAGES}/trainings").get_data(as_text=True)
    assert f"/trainings/{own.id}/edit" in page and f"/trainings/{mixed.id}/edit" not in page
    assert client.get(f"{PAGES}/trainings/{mixed.id}/edit").status_code == 403
    assert client.post(f"{PAGES}/trainings/{mixed.id}/delete").status_code == 403
    url = f"{PAGES}/trainings/{own.id}/edit"
    page = client.get(url).get_data(as_text=True)
    assert "远程教育课件制作" in page
    data = {
        "held_on": "2026-01-11",
        "topic": "站点设备维护",
        "hours": "3",
        "kind": "on_site",
        "attendee_ids": [nb.young.id],
    }
    response = client.post(url, data=data | {"attendee_ids": [nb.other_young.id]})
    assert response.status_code == 200
    assert "Choose publicists of boards you may record for." in response.get_data(as_text=True)
    response = client.post(url, data=data | {"hours": "0"})
    assert response.status_code == 200
    assert "Enter the hours, from 0.5 to 100." in response.get_data(as_text=True)
    db.session.refresh(own)
    assert own.topic == "远程教育课件制作"
    assert client.post(url, data=data).status_code == 302
    db.session.refresh(own)
    assert (own.topic, own.kind, float(own.hours)) == ("站点设备维护", "on_site", 3.0)
    delete = f"{PAGES}/trainings/{own.id}/delete"
    assert "Delete the training 站点设备维护?" in client.get(delete).get_data(as_text=True)
    own_id = own.id
    assert client.post(delete).status_code == 302
    db.session.expunge_all()
    assert db.session.get(Training, own_id) is None and _count(Training) == 1


def test_admin_corrects_any_training_reviewer_and_member_may_not(nb, client, login):
    mixed = _training(nb, nb.young, nb.other_young)
    for username in ("reviewer", "member"):
        _as(client, login, username)
        assert client.get(f"{PAGES}/trainings/{mixed.id}/edit").status_code == 403
        assert client.post(f"{PAGES}/trainings/{mixed.id}/delete").status_code == 403
        client.post("/logout")
    _as(client, login, "admin")
    page = client.get(f"{PAGES}/trainings/{mixed.id}/edit").get_data(as_text=True)
    assert re.search(rf'<option selected value="{nb.other_young.id}"', page)
    response = client.post(
        f"{PAGES}/trainings/{mixed.id}/edit",
        data={
            "held_on": "2026-01-10",
            "topic": "远程教育课件制作",
            "hours": "2",
            "kind": "remote",
            "attendee_ids": [nb.other_young.id],
        },
    )
    assert response.status_code == 302
    db.session.refresh(mixed)
    assert [m.id for m in mixed.attendees] == [nb.other_young.id]


# --- the board list: pages --------------------------------------------------------------------


def _many_boards(nb, n):
    long_ago = datetime.now(UTC) - timedelta(days=200)
    boards = [
        Board(village_id=nb.world.village.id, name=f"宣传栏{i:03d}", created_at=long_ago)
        for i in range(n)
    ]
    db.session.add_all(boards)
    db.session.commit()
    return boards


def test_board_list_is_paginated_and_figures_count_every_board(nb, app, client, login, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 5)
    boards = _many_boards(nb, 8)  # 10 boards in all; 9 stale (one fresh update below)
    nb.update(boards[0], 2)
    _as(client, login, "admin")
    first = client.get(f"{PAGES}/").get_data(as_text=True)
    assert first.count("data-board=") == 5 and 'class="pager"' in first
    assert 'id="nb-boards">10<' in first and 'id="nb-stale">9<' in first
    assert "Page 1 of 2" in first and f"{PAGES}/?page=2" in first
    second = client.get(f"{PAGES}/?page=2").get_data(as_text=True)
    assert second.count("data-board=") == 5
    stale = client.get(f"{PAGES}/?stale=1").get_data(as_text=True)
    assert stale.count("data-board=") == 5 and "stale=1" in stale and "Page 1 of 2" in stale
    last = client.get(f"{PAGES}/?stale=1&page=2").get_data(as_text=True)
    assert last.count("data-board=") == 4 and f'data-board="{boards[0].id}"' not in last
    assert client.get(f"{PAGES}/?page=99").status_code == 200
    assert client.get(f"{PAGES}/?page=x").status_code == 200


def test_board_list_api_is_paginated(nb, world, client, bearer):
    boards = _many_boards(nb, 8)
    nb.update(boards[0], 2)
    headers = bearer(world.admin)
    response = client.get(f"{API}/boards?page_size=4", headers=headers)
    assert response.status_code == 200 and len(response.get_json()) == 4
    assert '"total": 10' in response.headers["X-Pagination"]
    third = client.get(f"{API}/boards?page_size=4&page=3", headers=headers).get_json()
    assert len(third) == 2
    stale = client.get(f"{API}/boards?stale=true&page_size=50", headers=headers)
    assert len(stale.get_json()) == 9 and '"total": 9' in stale.headers["X-Pagination"]
    fresh = client.get(f"{API}/boards?stale=false", headers=headers).get_json()
    assert [row["id"] for row in fresh] == [boards[0].id]
    assert client.get(f"{API}/boards?page_size=500", headers=headers).status_code == 422
    leader = client.get(f"{API}/boards?stale=true", headers=bearer(world.leader)).get_json()
    assert nb.other.id not in {row["id"] for row in leader} and len(leader) == 8


# --- updates and photos: API ------------------------------------------------------------------


def test_api_corrects_and_deletes_updates_with_the_page_rules(nb, world, client, bearer):
    update = nb.update(nb.board, 3)
    url = f"{API}/updates/{update.id}"
    assert client.get(url, headers=bearer(world.member)).status_code == 200
    assert client.get(url, headers=bearer(world.other_leader)).status_code == 403
    for user in (world.reviewer, world.member, world.other_leader):
        assert client.patch(url, json={"title": "改"}, headers=bearer(user)).status_code == 403
        assert client.delete(url, headers=bearer(user)).status_code == 403
    for body, field in (
        ({"title": " "}, "title"),
        ({"updated_on": "2999-01-01"}, "updated_on"),
        ({"updated_on": "5.1."}, "updated_on"),
    ):
        bad = client.patch(url, json=body, headers=bearer(world.leader))
        assert bad.status_code == 422 and list(bad.get_json()["errors"]["json"]) == [field]
    db.session.refresh(update)
    assert update.title == "梅子病虫害防治"
    response = client.patch(url, json={"summary": "展板4块"}, headers=bearer(world.leader))
    assert response.status_code == 200 and response.get_json()["summary"] == "展板4块"
    assert response.get_json()["title"] == "梅子病虫害防治"
    assert client.delete(url, headers=bearer(world.leader)).status_code == 204
    assert _count(BoardUpdate) == 0
    assert client.get(url, headers=bearer(world.admin)).status_code == 404


def test_api_uploads_replaces_and_removes_a_photo(nb, app, world, client, bearer):
    update = nb.update(nb.board, 3)
    url = f"{API}/updates/{update.id}/photo"
    headers = bearer(world.leader)
    response = client.put(
        url,
        data={"photo": (io.BytesIO(PNG), "a.png")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["photo_url"].endswith(f"/updates/{update.id}/photo")
    db.session.refresh(update)
    first = update.photo
    assert update.photo_type == "image/png" and _stored(app, first).read_bytes() == PNG
    response = client.put(
        url,
        data={"photo": (io.BytesIO(JPEG), "b.jpg")},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    db.session.refresh(update)
    assert update.photo_type == "image/jpeg" and not _stored(app, first).exists()
    second = update.photo
    response = client.delete(url, headers=headers)
    assert response.status_code == 200 and response.get_json()["photo_url"] is None
    db.session.refresh(update)
    assert update.photo is None and not _stored(app, second).exists()


@pytest.mark.parametrize(
    "data, message",
    [
        ({}, "Choose a photo to upload."),
        (
            {"photo": (io.BytesIO(b"GIF89a" + b"0" * 40), "fake.png")},
            "Upload a JPEG, PNG or WebP image.",
        ),
        (
            {"photo": (io.BytesIO(JPEG + b"\x00" * 2000), "big.jpg")},
            "The photo is larger than 1 KB.",
        ),
    ],
)
def test_api_refuses_a_bad_photo_and_keeps_the_old_one(
    nb, app, world, client, bearer, data, message
):
    update = nb.update(nb.board, 3)
    world.admin.locale = "en"
    headers = bearer(world.admin)
    url = f"{API}/updates/{update.id}/photo"
    assert (
        client.put(
            url,
            data={"photo": (io.BytesIO(PNG), "a.png")},
            headers=headers,
            content_type="multipart/form-data",
        ).status_code
        == 200
    )
    save_settings(app, "noticeboards", {"max_photo_kb": 1})
    db.session.refresh(update)
    photo = update.photo
    response = client.put(url, data=data, headers=headers, content_type="multipart/form-data")
    assert response.status_code == 422
    assert response.get_json()["errors"]["files"] == {"photo": [message]}
    db.session.refresh(update)
    assert update.photo == photo and _stored(app, photo).exists()


def test_api_photo_writes_follow_the_update_rules(nb, world, client, bearer):
    update = nb.update(nb.board, 3)
    url = f"{API}/updates/{update.id}/photo"
    for user in (world.member, world.reviewer, world.other_leader):
        response = client.put(
            url,
            data={"photo": (io.BytesIO(PNG), "a.png")},
            headers=bearer(user),
            content_type="multipart/form-data",
        )
        assert response.status_code == 403
        assert client.delete(url, headers=bearer(user)).status_code == 403
    assert (
        client.put(
            f"{API}/updates/99999/photo",
            headers=bearer(world.admin),
            data={"photo": (io.BytesIO(PNG), "a.png")},
            content_type="multipart/form-data",
        ).status_code
        == 404
    )
    db.session.refresh(update)
    assert update.photo is None


# --- trainings: API ---------------------------------------------------------------------------


def test_api_corrects_and_deletes_trainings(nb, world, client, bearer):
    own = _training(nb, nb.young)
    mixed = _training(nb, nb.young, nb.other_young)
    leader = bearer(world.leader)
    assert client.get(f"{API}/trainings/{own.id}", headers=leader).status_code == 200
    assert (
        client.get(f"{API}/trainings/{own.id}", headers=bearer(world.other_leader)).status_code
        == 403
    )
    assert (
        client.patch(
            f"{API}/trainings/{mixed.id}", json={"topic": "改"}, headers=leader
        ).status_code
        == 403
    )
    assert client.delete(f"{API}/trainings/{mixed.id}", headers=leader).status_code == 403
    assert (
        client.patch(
            f"{API}/trainings/{own.id}", json={"topic": "改"}, headers=bearer(world.reviewer)
        ).status_code
        == 403
    )
    bad = client.patch(
        f"{API}/trainings/{own.id}",
        headers=leader,
        json={"attendee_ids": [nb.other_young.id], "kind": "x"},
    )
    assert bad.status_code == 422 and set(bad.get_json()["errors"]["json"]) == {"kind"}
    bad = client.patch(
        f"{API}/trainings/{own.id}",
        headers=leader,
        json={"attendee_ids": [nb.other_young.id], "held_on": "2999-01-01"},
    )
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]["json"]) == {"attendee_ids", "held_on"}
    response = client.patch(
        f"{API}/trainings/{own.id}", headers=leader, json={"topic": "站点设备维护", "hours": 1.5}
    )
    assert response.status_code == 200
    body = response.get_json()
    assert (body["topic"], body["hours"], body["attendee_ids"]) == (
        "站点设备维护",
        1.5,
        [nb.young.id],
    )
    assert client.delete(f"{API}/trainings/{own.id}", headers=leader).status_code == 204
    assert (
        client.delete(f"{API}/trainings/{mixed.id}", headers=bearer(world.admin)).status_code == 204
    )
    assert _count(Training) == 0


def test_openapi_documents_the_new_endpoints(nb, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"get", "patch", "delete"} <= set(paths[f"{API}/updates/{{update_id}}"])
    assert {"get", "patch", "delete"} <= set(paths[f"{API}/trainings/{{training_id}}"])
    photo = paths[f"{API}/updates/{{update_id}}/photo"]
    assert "multipart/form-data" in photo["put"]["requestBody"]["content"]
    names = {p["name"] for p in paths[f"{API}/boards"]["get"]["parameters"]}
    assert {"page", "page_size", "stale", "area"} <= names
