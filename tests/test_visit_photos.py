"""Photos of visits (工作留痕): logged with the visit, added and removed, served to readers,
through the pages and the API, and counted by the review."""

from io import BytesIO
from pathlib import Path

import pytest
from image_support import JPEG, PNG, image_bytes
from sqlalchemy import func, select

from core import rules
from core.extensions import db
from core.models import AuditEvent, Visit, VisitKind, VisitPhoto
from core.models.soft_delete import INCLUDE_DELETED

GIF = b"GIF89a" + b"\x00" * 40
KEY = "5a1d2c3b-0000-4000-8000-00000000abcd"


def _files(*images) -> list[tuple[BytesIO, str]]:
    """Multipart parts of the field ``photos``."""
    return [(BytesIO(data), f"photo{i}.png") for i, data in enumerate(images)]


def _form(world, photos=(), **overrides) -> dict:
    """A valid visit as the page posts it, with ``photos``."""
    data = {
        "team_id": world.team.id,
        "farm_id": world.farm.id,
        "visited_on": rules.today().isoformat(),
        "kind": VisitKind.ONSITE_GUIDANCE.value,
        "people_reached": "12",
        "households_reached": "5",
        "topics": "梅子病虫害防治",
        "client_key": KEY,
        "photos": _files(*photos),
    }
    data.update(overrides)
    return data


@pytest.fixture
def signed_in(app, client, log_in):
    """A new test client signed in as ``username``, the pages in English."""

    def _signed_in(username: str):
        other = log_in(app.test_client(), username)  # the ``client`` fixture made it isolated
        other.post("/lang/en")
        return other

    return _signed_in


def _post(client, data, url="/visits/new"):
    return client.post(url, data=data, content_type="multipart/form-data")


def _visits() -> int:
    return db.session.scalar(select(func.count(Visit.id)))


def _stored(app) -> set[str]:
    folder = Path(app.instance_path) / "uploads" / "visits"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def _visit_with_photos(world, n=1, team=None) -> Visit:
    """A visit of ``team`` (the world's) with ``n`` photos logged through the service."""
    from core.services.visits import VisitInput, log_visit

    team = team or world.team
    farm = world.farm if team is world.team else world.other_farm
    user = world.leader if team is world.team else world.other_leader
    visit, _created = log_visit(
        user,
        VisitInput(
            team_id=team.id,
            farm_id=farm.id,
            visited_on=rules.today(),
            kind=VisitKind.LECTURE,
            people_reached=30,
            photos=[PNG] * n,
        ),
    )
    return visit


# --- the form -------------------------------------------------------------------------------


def test_the_form_offers_the_camera_and_states_the_limits(signed_in, world):
    client = signed_in("leader")
    html = client.get("/visits/new").get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in html and 'data-outbox="visit"' in html
    assert 'type="file"' in html and 'accept="image/*"' in html and "multiple" in html
    assert 'data-max-photos="4"' in html and 'data-max-kb="3072"' in html
    assert "Up to 4 photos of at most 3072 KB each." in html


def test_a_visit_is_logged_with_its_photos_in_one_go(signed_in, world, app):
    client = signed_in("leader")
    response = _post(client, _form(world, photos=(PNG, JPEG)))
    assert response.status_code == 302
    visit = db.session.scalar(select(Visit))
    assert [p.media_type for p in visit.photos] == ["image/png", "image/jpeg"]
    assert {p.filename for p in visit.photos} <= _stored(app)
    html = client.get(f"/visits/{visit.id}").get_data(as_text=True)
    first = visit.photos[0].id
    assert f'<a href="/visits/photos/{first}"><img src="/visits/photos/{first}?thumbnail=1"' in html
    with client.get(f"/visits/photos/{first}") as photo:
        assert photo.status_code == 200 and photo.data == PNG
        assert photo.headers["Cache-Control"] == "private, no-store"
    with client.get(f"/visits/photos/{first}?thumbnail=1") as thumbnail:
        assert thumbnail.status_code == 200 and thumbnail.mimetype == "image/png"


def test_a_resubmitted_form_adds_neither_the_visit_nor_its_photos_twice(signed_in, world):
    client = signed_in("leader")
    assert _post(client, _form(world, photos=(PNG,))).status_code == 302
    again = _post(client, _form(world, photos=(PNG,)))
    assert again.status_code == 302
    assert _visits() == 1
    assert db.session.scalar(select(func.count(VisitPhoto.id))) == 1


@pytest.mark.parametrize(
    "photos, message",
    [
        ((PNG,) * 5, "A visit keeps at most 4 photos."),
        ((PNG, GIF), "Upload JPEG, PNG or WebP images only."),
        ((image_bytes("PNG", (1200, 1200), mode="RGB"),), "A photo is larger than 1 KB."),
    ],
)
def test_a_refused_photo_saves_nothing_and_keeps_the_fields(
    signed_in, world, app, monkeypatch, photos, message
):
    if "1 KB" in message:
        monkeypatch.setitem(app.config, "VISIT_PHOTO_MAX_KB", 1)
    client = signed_in("leader")
    before = _stored(app)
    response = _post(client, _form(world, photos=photos))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html and 'aria-invalid="true"' in html
    assert "梅子病虫害防治" in html  # the other fields are kept
    assert _visits() == 0 and _stored(app) == before


def test_the_refusal_is_translated(client, login, world):
    login("leader")
    client.post("/lang/zh_CN")
    html = _post(client, _form(world, photos=(PNG,) * 5)).get_data(as_text=True)
    assert "每次走访最多保存4张照片。" in html


def test_editing_adds_photos_up_to_the_limit(signed_in, world):
    visit = _visit_with_photos(world, 3)
    client = signed_in("leader")
    form = _form(world, photos=(PNG, PNG))
    form.pop("client_key")
    html = _post(client, form, f"/visits/{visit.id}/edit").get_data(as_text=True)
    assert "A visit keeps at most 4 photos." in html
    assert "The visit has 3 photos." in html
    form = _form(world, photos=(JPEG,))
    form.pop("client_key")
    assert _post(client, form, f"/visits/{visit.id}/edit").status_code == 302
    db.session.refresh(visit)
    assert len(visit.photos) == 4 and visit.topics == "梅子病虫害防治"


def test_removing_a_photo_is_soft_and_on_the_trail(signed_in, world, app):
    visit = _visit_with_photos(world, 2)
    photo = visit.photos[0]
    photo_id, name = photo.id, photo.filename
    assert signed_in("member").post(f"/visits/photos/{photo_id}/delete").status_code == 403
    assert signed_in("leader2").post(f"/visits/photos/{photo_id}/delete").status_code == 403
    client = signed_in("leader")
    response = client.post(f"/visits/photos/{photo_id}/delete")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        f"/visits/{visit.id}"
    )
    db.session.refresh(visit)
    assert [p.id for p in visit.photos] == [visit.photos[0].id] and photo_id not in [
        p.id for p in visit.photos
    ]
    kept = db.session.scalar(
        select(VisitPhoto)
        .where(VisitPhoto.id == photo_id)
        .execution_options(**{INCLUDE_DELETED: True})
    )
    assert kept.deleted_at is not None and kept.deleted_by_id == world.leader.id
    assert name in _stored(app)  # evidence: the file stays, an admin can restore it
    assert client.get(f"/visits/photos/{photo_id}").status_code == 404
    trail = db.session.scalars(
        select(AuditEvent.action).where(
            AuditEvent.object_type == "visit_photos", AuditEvent.object_id == str(photo_id)
        )
    ).all()
    assert trail == ["create", "delete"]
    history = client.get(f"/visits/{visit.id}").get_data(as_text=True).split("Change history")[1]
    assert "Photo added" in history and "Photo removed" in history and "leader" in history


def test_photos_are_served_only_to_readers_of_the_visit(app, client, world, signed_in):
    visit = _visit_with_photos(world)
    photo_id = visit.photos[0].id
    assert client.get(f"/visits/photos/{photo_id}").status_code == 302  # to the login page
    for username, status in (
        ("member", 200),
        ("reviewer", 200),
        ("admin", 200),
        ("leader2", 403),
    ):
        with signed_in(username).get(f"/visits/photos/{photo_id}?thumbnail=1") as response:
            assert response.status_code == status, username
    client = signed_in("leader")
    assert client.get("/visits/photos/99999").status_code == 404
    assert client.post(f"/visits/{visit.id}/delete").status_code == 302
    assert client.get(f"/visits/photos/{photo_id}").status_code == 404  # its visit is deleted


def test_the_list_filters_visits_with_photos(signed_in, world):
    _visit_with_photos(world)
    world.make_visit()
    client = signed_in("leader")
    assert "2 visits" in client.get("/visits").get_data(as_text=True)
    html = client.get("/visits?photos=y").get_data(as_text=True)
    assert "1 visit" in html and '<option selected value="y">With photos</option>' in html


# --- the API --------------------------------------------------------------------------------


def test_visit_json_lists_its_photos(client, bearer, world):
    visit = _visit_with_photos(world, 2)
    body = client.get(f"/api/v1/visits/{visit.id}", headers=bearer(world.member)).get_json()
    first = visit.photos[0]
    assert body["photos"][0] == {
        "id": first.id,
        "media_type": "image/png",
        "size": first.size,
        "url": f"/api/v1/visits/{visit.id}/photos/{first.id}",
        "thumbnail_url": f"/api/v1/visits/{visit.id}/photos/{first.id}?thumbnail=1",
    }
    listed = client.get("/api/v1/visits/", headers=bearer(world.member)).get_json()
    assert [len(v["photos"]) for v in listed] == [2]


def test_api_adds_serves_and_removes_photos(client, bearer, world):
    visit = _visit_with_photos(world)
    url = f"/api/v1/visits/{visit.id}/photos"
    leader = bearer(world.leader)
    for user in (world.member, world.other_leader, world.reviewer):
        response = client.post(url, data={"photos": _files(PNG)}, headers=bearer(user))
        assert response.status_code == 403, user.username
    refused = client.post(url, data={"photos": _files(PNG, GIF)}, headers=leader)
    assert refused.status_code == 422 and "photos" in refused.get_json()["errors"]["files"]
    empty = client.post(url, data={}, headers=leader)
    assert empty.status_code == 422
    added = client.post(url, data={"photos": _files(JPEG, PNG)}, headers=leader)
    assert added.status_code == 201 and len(added.get_json()["photos"]) == 3
    too_many = client.post(url, data={"photos": _files(PNG, PNG)}, headers=leader)
    assert too_many.status_code == 422
    photo_id = added.get_json()["photos"][1]["id"]
    with client.get(f"{url}/{photo_id}", headers=bearer(world.member)) as image:
        assert image.status_code == 200 and image.data == JPEG
    with client.get(f"{url}/{photo_id}?thumbnail=1", headers=bearer(world.member)) as small:
        assert small.status_code == 200
    assert client.get(f"{url}/{photo_id}", headers=bearer(world.other_leader)).status_code == 403
    assert client.delete(f"{url}/{photo_id}", headers=bearer(world.member)).status_code == 403
    assert client.delete(f"{url}/{photo_id}", headers=leader).status_code == 204
    assert client.get(f"{url}/{photo_id}", headers=leader).status_code == 404
    assert client.delete(f"{url}/{photo_id}", headers=leader).status_code == 404
    other = _visit_with_photos(world, team=world.other_team)
    wrong = f"{url}/{other.photos[0].id}"  # a photo of another visit
    assert client.get(wrong, headers=bearer(world.admin)).status_code == 404


def test_patching_a_visit_keeps_its_photos(client, bearer, world):
    visit = _visit_with_photos(world, 2)
    response = client.patch(
        f"/api/v1/visits/{visit.id}", json={"people_reached": 44}, headers=bearer(world.leader)
    )
    assert response.status_code == 200
    body = response.get_json()
    assert body["people_reached"] == 44 and len(body["photos"]) == 2


def test_admin_restores_a_removed_photo(client, bearer, world, signed_in):
    visit = _visit_with_photos(world)
    photo_id = visit.photos[0].id
    url = f"/api/v1/visits/{visit.id}/photos/{photo_id}"
    assert client.delete(url, headers=bearer(world.leader)).status_code == 204
    listed = signed_in("admin").get("/admin/deleted/?kind=visit_photos")
    assert listed.status_code == 200 and "Visit photo" in listed.get_data(as_text=True)
    restore = f"/api/v1/deleted/visit_photos/{photo_id}/restore"
    assert client.post(restore, headers=bearer(world.admin)).status_code in (200, 204)
    with client.get(url, headers=bearer(world.leader)) as image:
        assert image.status_code == 200


def test_the_openapi_document_has_the_photo_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    upload = paths["/api/v1/visits/{visit_id}/photos"]["post"]
    assert "multipart/form-data" in upload["requestBody"]["content"]
    assert {"get", "delete"} <= set(paths["/api/v1/visits/{visit_id}/photos/{photo_id}"])


# --- the review -----------------------------------------------------------------------------


def test_review_counts_the_visits_with_photos_as_the_list_shows_them(
    client, signed_in, world, bearer
):
    _visit_with_photos(world, 2)
    _visit_with_photos(world, 1)
    removed = _visit_with_photos(world, 1)
    world.make_visit(days_ago=0)
    _visit_with_photos(world, 1, team=world.other_team)  # another township
    client = signed_in("leader")
    client.post(f"/visits/photos/{removed.photos[0].id}/delete")
    year = str(rules.today().year)
    body = client.get(
        "/api/v1/review", query_string={"period": year}, headers=bearer(world.reviewer)
    ).get_json()
    team = next(t for t in body["teams"] if t["team_id"] == world.team.id)
    assert (team["visits"], team["visits_with_photos"]) == (4, 2)
    listing = client.get(
        f"/visits?team={world.team.id}&photos=y&date_from={year}-01-01&date_to={year}-12-31"
    ).get_data(as_text=True)
    assert "2 visits" in listing


def test_the_visit_list_leaves_a_removed_photo_out(client, bearer, world):
    visit = _visit_with_photos(world, 2)
    removed, kept = visit.photos[0].id, visit.photos[1].id
    leader = bearer(world.leader)
    url = f"/api/v1/visits/{visit.id}/photos/{removed}"
    assert client.delete(url, headers=leader).status_code == 204
    listed = client.get(f"/api/v1/visits/?team={world.team.id}", headers=leader).get_json()
    assert [p["id"] for p in listed[0]["photos"]] == [kept]
    assert listed[0]["photos"][0]["url"] == f"/api/v1/visits/{visit.id}/photos/{kept}"


def test_a_plan_completed_meanwhile_leaves_no_photo_files(app, world):
    from sqlalchemy import update

    from core.models import PlanStatus, VisitPlan
    from core.services import Conflict
    from core.services.plans import log_planned_visit
    from core.services.visits import VisitInput

    plan = VisitPlan(team=world.team, farm=world.farm, planned_on=rules.today(), topic="修剪")
    db.session.add(plan)
    db.session.commit()
    before = _stored(app)
    # another request completes the plan after this one loaded it (the race the guarded
    # UPDATE settles): this one's photos are written, then its transaction rolls back
    db.session.execute(
        update(VisitPlan).where(VisitPlan.id == plan.id).values(status=PlanStatus.DONE),
        execution_options={"synchronize_session": False},
    )
    data = VisitInput(
        team_id=world.team.id,
        farm_id=world.farm.id,
        visited_on=rules.today(),
        kind=VisitKind.LECTURE,
        people_reached=10,
        photos=[PNG, JPEG],
    )
    with pytest.raises(Conflict):
        log_planned_visit(world.leader, plan, data)
    assert _stored(app) == before
