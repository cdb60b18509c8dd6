"""Noticeboards API: reads per role, writes allowed and refused, 422 naming fields, OpenAPI."""

import pytest
from noticeboards_support import API, Boards
from sqlalchemy import func, select

from core.extensions import db
from core.plugins.state import set_enabled
from plugins.noticeboards.models import Board, BoardUpdate, Station, Training


@pytest.fixture
def nb(app, world):
    """The plugin enabled, with boards in two villages."""
    return Boards(app, world)


def _count(model) -> int:
    return db.session.scalar(select(func.count(model.id)))


def _ids(response) -> list[int]:
    assert response.status_code == 200, response.get_json()
    return sorted(row["id"] for row in response.get_json())


@pytest.mark.parametrize(
    "role, visible",
    [
        ("admin", {"board", "other"}),
        ("reviewer", {"board"}),
        ("leader", {"board"}),
        ("member", {"board"}),
        ("other_leader", {"other"}),
    ],
)
def test_boards_listed_within_scope(nb, world, client, bearer, role, visible):
    headers = bearer(getattr(world, role))
    expected = sorted(getattr(nb, name).id for name in visible)
    assert _ids(client.get(f"{API}/boards", headers=headers)) == expected
    status = 200 if "other" in visible else 403
    assert client.get(f"{API}/boards/{nb.other.id}", headers=headers).status_code == status


def test_board_shows_last_update_stale_and_publicist_flag(nb, world, client, bearer):
    nb.update(nb.board, 5)
    nb.update(nb.other, 45)
    rows = {r["id"]: r for r in client.get(f"{API}/boards", headers=bearer(world.admin)).get_json()}
    assert rows[nb.board.id]["stale"] is False and rows[nb.other.id]["stale"] is True
    assert rows[nb.board.id]["publicist_is_young_official"] is True
    stale = client.get(f"{API}/boards?stale=true", headers=bearer(world.admin)).get_json()
    assert [r["id"] for r in stale] == [nb.other.id]


def test_unauthenticated_and_unknown(nb, world, client, bearer):
    assert client.get(f"{API}/boards").status_code == 401
    assert client.get(f"{API}/boards/99999", headers=bearer(world.admin)).status_code == 404


def test_admin_creates_stations_and_boards_others_may_not(nb, world, client, bearer):
    body = {"village_id": world.other_village.id, "name": "傅家边村科普服务站"}
    for role in ("reviewer", "member", "leader"):
        assert (
            client.post(
                f"{API}/stations", json=body, headers=bearer(getattr(world, role))
            ).status_code
            == 403
        )
    response = client.post(f"{API}/stations", json=body, headers=bearer(world.admin))
    assert response.status_code == 201
    station_id = response.get_json()["id"]
    response = client.post(
        f"{API}/boards",
        headers=bearer(world.admin),
        json={"name": "宣传栏", "station_id": station_id, "publicist_id": nb.other_young.id},
    )
    assert response.status_code == 201
    assert response.get_json()["village_id"] == world.other_village.id
    response = client.patch(
        f"{API}/boards/{nb.board.id}",
        headers=bearer(world.admin),
        json={"publicist_id": nb.plain.id},
    )
    assert response.status_code == 200
    assert response.get_json()["publicist_is_young_official"] is False


@pytest.mark.parametrize(
    "path, body, fields",
    [
        ("stations", {"village_id": 99999, "name": "站"}, {"village_id"}),
        ("stations", {"village_id": 1, "name": " "}, {"name"}),
        ("boards", {"name": "x", "station_id": 99999}, {"station_id", "village_id"}),
        ("boards", {"name": "x", "village_id": "a"}, {"village_id"}),
    ],
)
def test_bad_station_or_board_is_422_and_nothing_changes(
    nb, world, client, bearer, path, body, fields
):
    before = (_count(Station), _count(Board))
    response = client.post(f"{API}/{path}", json=body, headers=bearer(world.admin))
    assert response.status_code == 422
    assert set(response.get_json()["errors"]["json"]) == fields
    assert (_count(Station), _count(Board)) == before


def test_publicist_from_another_village_is_422(nb, world, client, bearer):
    response = client.patch(
        f"{API}/boards/{nb.board.id}",
        headers=bearer(world.admin),
        json={"publicist_id": nb.other_young.id},
    )
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["json"]) == ["publicist_id"]
    db.session.expire_all()
    assert db.session.get(Board, nb.board.id).publicist_id == nb.young.id


def test_updates_written_by_admin_and_the_villages_leader(nb, world, client, bearer):
    url = f"{API}/boards/{nb.board.id}/updates"
    body = {"updated_on": "2026-01-05", "title": "科学施肥", "summary": "展板3块"}
    for role, status in (
        ("reviewer", 403),
        ("member", 403),
        ("other_leader", 403),
        ("leader", 201),
        ("admin", 201),
    ):
        response = client.post(url, json=body, headers=bearer(getattr(world, role)))
        assert response.status_code == status, role
    assert _count(BoardUpdate) == 2
    rows = client.get(url, headers=bearer(world.member)).get_json()
    assert len(rows) == 2 and rows[0]["photo_url"] is None
    assert (
        client.get(f"{API}/boards/{nb.other.id}/updates", headers=bearer(world.member)).status_code
        == 403
    )
    assert (
        client.post(
            f"{API}/boards/99999/updates", json=body, headers=bearer(world.admin)
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    "body, fields",
    [
        ({"title": "x"}, {"updated_on"}),
        ({"updated_on": "2999-01-01", "title": "x"}, {"updated_on"}),
        ({"updated_on": "2026-01-05", "title": "  "}, {"title"}),
        ({"updated_on": "2026-13-45", "title": "x" * 201}, {"updated_on", "title"}),
    ],
)
def test_bad_update_is_422_naming_fields(nb, world, client, bearer, body, fields):
    response = client.post(
        f"{API}/boards/{nb.board.id}/updates", json=body, headers=bearer(world.leader)
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]["json"]) == fields
    assert _count(BoardUpdate) == 0


def test_trainings_by_scope(nb, world, client, bearer):
    body = {
        "held_on": "2026-01-10",
        "topic": "远程教育课件制作",
        "hours": 3,
        "kind": "remote",
        "trainer": "县委组织部电教中心",
        "attendee_ids": [nb.young.id],
    }
    assert (
        client.post(f"{API}/trainings", json=body, headers=bearer(world.reviewer)).status_code
        == 403
    )
    response = client.post(
        f"{API}/trainings",
        json=body | {"attendee_ids": [nb.other_young.id]},
        headers=bearer(world.leader),
    )
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["json"]) == ["attendee_ids"]
    response = client.post(
        f"{API}/trainings", json=body | {"kind": "x", "hours": 0}, headers=bearer(world.leader)
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]["json"]) == {"kind", "hours"}
    assert _count(Training) == 0
    response = client.post(f"{API}/trainings", json=body, headers=bearer(world.leader))
    assert response.status_code == 201 and response.get_json()["attendee_ids"] == [nb.young.id]
    both = body | {"attendee_ids": [nb.young.id, nb.other_young.id], "kind": "on_site"}
    assert (
        client.post(f"{API}/trainings", json=both, headers=bearer(world.admin)).status_code == 201
    )
    assert len(_ids(client.get(f"{API}/trainings", headers=bearer(world.reviewer)))) == 2
    assert len(_ids(client.get(f"{API}/trainings", headers=bearer(world.other_leader)))) == 1
    assert (
        len(_ids(client.get(f"{API}/trainings?from=2026-02-01", headers=bearer(world.admin)))) == 0
    )


def test_openapi_documents_the_endpoints(nb, client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in (
        "/stations",
        "/boards",
        "/boards/{board_id}",
        "/boards/{board_id}/updates",
        "/trainings",
        "/reminders",
    ):
        assert f"{API}{path}" in paths, path


def test_disabled_plugin_api_is_404_and_data_kept(nb, app, world, client, bearer):
    headers = bearer(world.admin)
    set_enabled(app, "noticeboards", False)
    assert client.get(f"{API}/boards", headers=headers).status_code == 404
    assert (
        client.post(
            f"{API}/stations", headers=headers, json={"village_id": world.village.id, "name": "x"}
        ).status_code
        == 404
    )
    assert _count(Board) == 2
    set_enabled(app, "noticeboards", True)
    assert len(_ids(client.get(f"{API}/boards", headers=headers))) == 2
