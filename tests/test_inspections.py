"""Inspections: who records and reads them, validation, photos, pages and API."""

from datetime import date
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import Inspection, InspectionKind, InspectionPhoto
from core.models.soft_delete import INCLUDE_DELETED
from core.services import FieldErrors
from core.services.inspections import InspectionInput, record_inspection
from tests.assessment_support import TODAY
from tests.image_support import JPEG, PNG, decoded, image_bytes


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch, app, tmp_path):
    monkeypatch.setattr("core.rules.today", lambda: TODAY)
    monkeypatch.setattr(app, "instance_path", str(tmp_path))


def _inspection(world, **kw):
    data = {
        "team_id": world.team.id,
        "village_id": None,
        "kind": "unannounced",
        "inspected_on": date(2026, 11, 18),
        "findings": "台账不全",
    } | kw
    return record_inspection(world.reviewer, InspectionInput(**data))


def _form(world, **kw):
    return {
        "team_id": str(world.team.id),
        "village_id": "",
        "kind": "scheduled",
        "inspected_on": "2026-11-19",
        "findings": "队员到岗率低",
    } | kw


# --- service --------------------------------------------------------------------------------


def test_record_for_a_team_takes_its_village(world):
    inspection = _inspection(world)
    assert inspection.village_id == world.village.id and inspection.team_id == world.team.id
    assert inspection.inspector_id == world.reviewer.id
    assert inspection.kind == InspectionKind.UNANNOUNCED


def test_record_for_a_village_as_a_whole(world):
    inspection = _inspection(world, team_id=None, village_id=world.village.id)
    assert inspection.team is None and inspection.unit_name == "戴家村"


def test_validation_names_every_bad_field(world):
    with pytest.raises(FieldErrors) as exc:
        _inspection(
            world,
            team_id=None,
            village_id=world.township.id,
            kind="surprise",
            inspected_on=date(2026, 11, 21),
            findings=" ",
        )
    assert set(exc.value.errors) == {"village_id", "kind", "inspected_on", "findings"}
    with pytest.raises(FieldErrors) as exc:
        _inspection(world, inspected_on=None)
    assert "inspected_on" in exc.value.errors
    assert db.session.scalar(db.select(db.func.count(Inspection.id))) == 0


def test_reviewer_cannot_record_outside_their_area(world):
    with pytest.raises(FieldErrors) as exc:
        _inspection(world, team_id=world.other_team.id)
    assert "team_id" in exc.value.errors


def test_photos_are_checked_and_stored(world, app, monkeypatch):
    inspection = _inspection(world, photos=[PNG, JPEG])
    assert [p.media_type for p in inspection.photos] == ["image/png", "image/jpeg"]
    stored = Path(app.instance_path) / "uploads" / "inspections" / inspection.photos[0].filename
    assert stored.read_bytes() == PNG
    with pytest.raises(FieldErrors) as exc:
        _inspection(world, photos=[b"GIF89a" + b"\x00" * 20])
    assert "photos" in exc.value.errors
    with monkeypatch.context() as patch:
        patch.setitem(app.config, "INSPECTION_MAX_PHOTO_KB", 1)
        with pytest.raises(FieldErrors):
            _inspection(world, photos=[PNG + b"\x00" * 2048])
    with pytest.raises(FieldErrors) as exc:
        _inspection(world, photos=[PNG] * 7)
    assert "6" in exc.value.errors["photos"][0]


# --- pages ----------------------------------------------------------------------------------


def test_reviewer_records_with_photos_and_reads(world, client, login, app):
    login("reviewer")
    assert client.get("/inspections/new").status_code == 200
    data = _form(world) | {"photos": [(BytesIO(PNG), "a.png"), (BytesIO(JPEG), "b.jpg")]}
    response = client.post("/inspections/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 302
    inspection = db.session.scalar(db.select(Inspection))
    assert len(inspection.photos) == 2 and inspection.findings == "队员到岗率低"
    html = client.get(f"/inspections/{inspection.id}").get_data(as_text=True)
    assert "队员到岗率低" in html and "/inspections/photos/" in html
    photo = client.get(f"/inspections/photos/{inspection.photos[0].id}")
    assert photo.status_code == 200 and photo.data == PNG
    assert photo.headers["Cache-Control"] == "private, no-store"
    photo.close()
    assert "戴家村服务队" in client.get("/inspections").get_data(as_text=True)


def test_the_page_previews_thumbnails_served_like_the_photos(world, client, login):
    big = image_bytes("JPEG", (1600, 1200))
    own = _inspection(world, photos=[big])
    elsewhere = record_inspection(
        world.admin,
        InspectionInput(
            world.other_team.id, None, "scheduled", date(2026, 11, 1), "好", photos=[big]
        ),
    )
    photo, other = own.photos[0].id, elsewhere.photos[0].id
    login("leader")  # the team inspected reads the photos
    html = client.get(f"/inspections/{own.id}").get_data(as_text=True)
    assert f'<a href="/inspections/photos/{photo}"><img src="/inspections/photos/{photo}' in html
    assert f'src="/inspections/photos/{photo}?thumbnail=1"' in html
    with client.get(f"/inspections/photos/{photo}?thumbnail=1") as thumbnail:
        assert thumbnail.status_code == 200 and thumbnail.mimetype == "image/jpeg"
        assert thumbnail.headers["Cache-Control"] == "private, no-store"
        assert decoded(thumbnail.data).size == (320, 240)
    with client.get(f"/inspections/photos/{photo}") as full:
        assert decoded(full.data).size == (1600, 1200)
    assert client.get(f"/inspections/photos/{other}?thumbnail=1").status_code == 403
    assert client.get(f"/inspections/photos/{other}").status_code == 403
    assert client.get("/inspections/photos/99999?thumbnail=1").status_code == 404


def test_form_errors_rerender_with_200(world, client, login):
    login("reviewer")
    response = client.post("/inspections/new", data=_form(world, findings="", kind=""))
    assert response.status_code == 200
    assert db.session.scalar(db.select(db.func.count(Inspection.id))) == 0
    bad = _form(world) | {"photos": [(BytesIO(b"not an image"), "x.png")]}
    response = client.post("/inspections/new", data=bad, content_type="multipart/form-data")
    assert response.status_code == 200
    assert db.session.scalar(db.select(db.func.count(Inspection.id))) == 0


def test_reviewer_of_another_township_gets_403(world, client, login):
    login("reviewer")
    response = client.post("/inspections/new", data=_form(world, team_id=str(world.other_team.id)))
    assert response.status_code == 403
    elsewhere = record_inspection(
        world.admin,
        InspectionInput(world.other_team.id, None, "scheduled", date(2026, 11, 1), "好"),
    )
    assert client.get(f"/inspections/{elsewhere.id}").status_code == 403
    assert client.get(f"/inspections/{elsewhere.id}/edit").status_code == 403
    assert client.get("/inspections/99999").status_code == 404


def test_leader_reads_own_team_but_cannot_write(world, client, login):
    own = _inspection(world)
    village_wide = _inspection(world, team_id=None, village_id=world.village.id)
    other = record_inspection(
        world.admin,
        InspectionInput(world.other_team.id, None, "scheduled", date(2026, 11, 1), "好"),
    )
    login("leader")
    assert client.get(f"/inspections/{own.id}").status_code == 200
    assert client.get(f"/inspections/{village_wide.id}").status_code == 200
    assert client.get(f"/inspections/{other.id}").status_code == 403
    assert client.get("/inspections/new").status_code == 403
    assert client.post("/inspections/new", data=_form(world)).status_code == 403
    assert client.post(f"/inspections/{own.id}/delete").status_code == 403
    html = client.get(f"/inspections/{own.id}").get_data(as_text=True)
    assert "/edit" not in html


def test_edit_adds_photos_and_delete_keeps_them_for_a_restore(world, client, login, app):
    inspection = _inspection(world, photos=[PNG])
    path = Path(app.instance_path) / "uploads" / "inspections" / inspection.photos[0].filename
    login("reviewer")
    data = _form(world, findings="已补齐台账") | {"photos": [(BytesIO(JPEG), "c.jpg")]}
    response = client.post(
        f"/inspections/{inspection.id}/edit", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    db.session.refresh(inspection)
    assert inspection.findings == "已补齐台账" and len(inspection.photos) == 2
    photo_id = inspection.photos[1].id
    assert client.post(f"/inspections/photos/{photo_id}/delete").status_code == 302
    assert db.session.get(InspectionPhoto, photo_id) is None
    inspection_id = inspection.id
    assert client.post(f"/inspections/{inspection_id}/delete").status_code == 302
    hidden = db.session.scalar(select(Inspection).where(Inspection.id == inspection_id))
    assert hidden is None and path.exists()
    kept = db.session.get(Inspection, inspection_id, execution_options={INCLUDE_DELETED: True})
    assert kept.deleted_by_id == world.reviewer.id and len(kept.photos) == 1


# --- API ------------------------------------------------------------------------------------


def test_api_create_list_get_patch_delete(world, client, bearer):
    headers = bearer(world.reviewer)
    body = {
        "team_id": world.team.id,
        "kind": "unannounced",
        "inspected_on": "2026-11-18",
        "findings": "资料未更新",
    }
    response = client.post("/api/v1/inspections/", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert created["village_id"] == world.village.id and created["photo_urls"] == []
    listed = client.get(
        f"/api/v1/inspections/?area={world.township.id}&kind=unannounced", headers=headers
    )
    assert [i["id"] for i in listed.get_json()] == [created["id"]]
    assert "X-Pagination" in listed.headers
    url = f"/api/v1/inspections/{created['id']}"
    response = client.patch(url, json={"findings": "已更新"}, headers=headers)
    assert response.status_code == 200 and response.get_json()["findings"] == "已更新"
    response = client.patch(url, json={"village_id": world.village.id}, headers=headers)
    assert response.get_json()["team_id"] is None
    assert client.delete(url, headers=headers).status_code == 204
    assert client.get(url, headers=headers).status_code == 404


def test_api_validation_and_scope(world, client, bearer):
    reviewer = bearer(world.reviewer)
    response = client.post(
        "/api/v1/inspections/",
        json={
            "team_id": world.team.id,
            "kind": "scheduled",
            "inspected_on": "2026-12-01",
            "findings": "x",
        },
        headers=reviewer,
    )
    assert response.status_code == 422
    assert "inspected_on" in response.get_json()["errors"]["json"]
    response = client.post(
        "/api/v1/inspections/",
        json={
            "team_id": world.other_team.id,
            "kind": "scheduled",
            "inspected_on": "2026-11-01",
            "findings": "x",
        },
        headers=reviewer,
    )
    assert response.status_code == 403
    leader = bearer(world.leader)
    response = client.post(
        "/api/v1/inspections/",
        json={
            "team_id": world.team.id,
            "kind": "scheduled",
            "inspected_on": "2026-11-01",
            "findings": "x",
        },
        headers=leader,
    )
    assert response.status_code == 403
    own = _inspection(world)
    assert client.get(f"/api/v1/inspections/{own.id}", headers=leader).status_code == 200
    assert (
        client.patch(
            f"/api/v1/inspections/{own.id}", json={"findings": "y"}, headers=leader
        ).status_code
        == 403
    )


def test_edit_form_shows_the_stored_values(world, client, login):
    inspection = _inspection(world, photos=[PNG])
    login("reviewer")
    html = client.get(f"/inspections/{inspection.id}/edit").get_data(as_text=True)
    assert "台账不全" in html and 'type="file"' in html and 'value="2026-11-18"' in html
    assert "InspectionPhoto" not in html


def test_api_photos_upload_read_and_remove(world, client, bearer, app):
    reviewer, leader = bearer(world.reviewer), bearer(world.leader)
    own = _inspection(world)
    url = f"/api/v1/inspections/{own.id}/photos"
    response = client.post(
        url, headers=reviewer, data={"photos": [(BytesIO(PNG), "a.png"), (BytesIO(JPEG), "b.jpg")]}
    )
    assert response.status_code == 201, response.get_json()
    photos = response.get_json()["photos"]
    assert [p["media_type"] for p in photos] == ["image/png", "image/jpeg"]
    image = client.get(photos[0]["url"], headers=leader)  # the team inspected reads it
    assert image.status_code == 200 and image.data == PNG
    assert image.headers["Content-Type"] == "image/png"
    image.close()
    assert client.delete(photos[0]["url"], headers=leader).status_code == 403
    assert client.delete(photos[0]["url"], headers=reviewer).status_code == 204
    assert client.get(photos[0]["url"], headers=reviewer).status_code == 404
    assert [
        p["id"]
        for p in client.get(f"/api/v1/inspections/{own.id}", headers=reviewer).get_json()["photos"]
    ] == [photos[1]["id"]]
    stored = Path(app.instance_path) / "uploads" / "inspections"
    assert len(list(stored.iterdir())) == 2  # the other photo and its thumbnail


def test_api_photos_refused_store_nothing(world, client, bearer, app):
    reviewer = bearer(world.reviewer)
    own = _inspection(world)
    url = f"/api/v1/inspections/{own.id}/photos"
    for data, message in [
        ({"photos": [(BytesIO(PNG), "a.png"), (BytesIO(b"not an image"), "x.png")]}, "JPEG"),
        ({}, "照片"),
        ({"photos": [(BytesIO(PNG), f"{n}.png") for n in range(7)]}, "6"),
    ]:
        response = client.post(url, headers=reviewer, data=data)
        assert response.status_code == 422
        assert message in response.get_json()["errors"]["files"]["photos"][0]
    db.session.expire_all()
    assert db.session.get(Inspection, own.id).photos == []
    elsewhere = record_inspection(
        world.admin,
        InspectionInput(
            world.other_team.id, None, "scheduled", date(2026, 11, 1), "好", photos=[PNG]
        ),
    )
    other_url = f"/api/v1/inspections/{elsewhere.id}/photos"
    assert (
        client.post(
            other_url, headers=reviewer, data={"photos": [(BytesIO(PNG), "a.png")]}
        ).status_code
        == 403
    )
    # a photo of another inspection is not reachable under this one
    assert (
        client.get(f"{url}/{elsewhere.photos[0].id}", headers=bearer(world.admin)).status_code
        == 404
    )
    assert client.get(f"{url}/99999999999999", headers=reviewer).status_code == 404
