"""The roster page: upload, dry run, confirmation, a roster changed meanwhile, and who may."""

import re
from io import BytesIO

from roster_support import counts, edited

from core.extensions import db
from core.models import Member, Team


def _english(world, *users):
    for user in users:
        user.locale = "en"
    db.session.commit()


def _export(client, area=None) -> bytes:
    query = f"?area={area}" if area else ""
    response = client.get(f"/roster/export.xlsx{query}")
    assert response.status_code == 200
    return response.data


def _upload(client, data: bytes, name="roster.xlsx", **form):
    payload = {"file": (BytesIO(data), name), **form}
    return client.post("/roster/upload", data=payload, content_type="multipart/form-data")


def _token(response) -> str:
    return re.search(r'name="token" value="([^"]+)"', response.get_data(as_text=True)).group(1)


def _rename_team(wb, old, new):
    for row in wb["Teams"].iter_rows(min_row=2):
        if row[3].value == old:
            row[3].value = new
    for sheet in ("Members", "Farm links"):
        for row in wb[sheet].iter_rows(min_row=2):
            if row[3].value == old:
                row[3].value = new


def test_upload_shows_a_dry_run_and_confirm_writes_it(client, login, world):
    _english(world, world.admin)
    login("admin")
    assert client.get("/roster").status_code == 200
    data = edited(_export(client), lambda wb: _rename_team(wb, "戴家村服务队", "戴家村新服务队"))
    response = _upload(client, data)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Dry run" in page and "Nothing has been written yet." in page
    assert "Team name: 戴家村服务队 → 戴家村新服务队" in page
    assert db.session.get(Team, world.team.id).name == "戴家村服务队"  # nothing written yet

    response = client.post("/roster/confirm", data={"token": _token(response)})
    assert response.status_code == 200
    assert "Roster imported" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Team, world.team.id).name == "戴家村新服务队"
    # the token is used up
    response = client.post("/roster/confirm", data={"token": _token_like()})
    assert response.status_code == 302


def _token_like() -> str:
    return "x" * 32


def test_confirm_after_the_roster_changed_shows_the_dry_run_again(client, login, world):
    _english(world, world.admin)
    login("admin")
    data = edited(_export(client), lambda wb: _rename_team(wb, "戴家村服务队", "戴家村新服务队"))
    token = _token(_upload(client, data))
    member = world.team_members(world.team)[0]
    member.phone = "13900000000"  # someone edits the roster meanwhile
    db.session.commit()
    response = client.post("/roster/confirm", data={"token": token})
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "The roster changed since your dry run" in page
    db.session.expire_all()
    assert db.session.get(Team, world.team.id).name == "戴家村服务队"
    assert "Phone: 13900000000 → " in page  # the new dry run shows what the file would undo
    response = client.post("/roster/confirm", data={"token": _token(response)})
    assert response.status_code == 200
    db.session.expire_all()
    assert db.session.get(Team, world.team.id).name == "戴家村新服务队"


def test_a_file_with_problems_cannot_be_confirmed(client, login, world):
    _english(world, world.admin)
    login("admin")

    def edit(wb):
        wb["Members"]["F2"] = "12ab"

    response = _upload(client, edited(_export(client), edit))
    page = response.get_data(as_text=True)
    assert "1 problem: nothing is imported" in page
    assert "Bad phone number" in page
    assert 'name="token"' not in page


def test_a_file_that_is_not_a_workbook_is_refused_clearly(client, login, world):
    _english(world, world.admin)
    login("admin")
    response = _upload(client, b"PK\x03\x04 not really a zip")
    assert response.status_code == 400
    assert "This is not an .xlsx workbook Kepu can read." in response.get_data(as_text=True)


def test_someone_else_cannot_confirm_my_dry_run(client, login, world):
    _english(world, world.admin)
    login("admin")
    data = edited(_export(client), lambda wb: _rename_team(wb, "戴家村服务队", "改名"))
    token = _token(_upload(client, data))
    client.post("/logout")
    world.make_user("admin2", world.admin.role)
    db.session.commit()
    login("admin2")
    response = client.post("/roster/confirm", data={"token": token})
    assert response.status_code == 302
    assert db.session.get(Team, world.team.id).name == "戴家村服务队"


def test_township_reviewer_imports_within_their_area_only(client, login, world):
    _english(world, world.reviewer)
    login("reviewer")
    assert client.get("/roster").status_code == 200
    assert client.get(f"/roster?area={world.other_township.id}").status_code == 403
    data = _export(client)
    response = _upload(client, data, area=str(world.other_township.id))
    assert response.status_code == 403

    def edit(wb):
        wb["Members"].append([None, "洪蓝镇", "傅家边村", "傅家边村服务队", "外来", "13800000000"])
        wb["Areas"].append([None, "测试县", "洪蓝镇", "新村"])

    response = _upload(client, edited(data, edit))
    page = response.get_data(as_text=True)
    assert "This township is outside your area." in page
    assert "Unknown village 傅家边村 in 洪蓝镇." in page
    before = counts()
    other = world.team_members(world.other_team)[0]
    # an id of a row outside the area is refused, not matched
    response = _upload(
        client,
        edited(
            data,
            lambda wb: wb["Members"].append([other.id, "永阳镇", "戴家村", "戴家村服务队", "x"]),
        ),
    )
    assert "outside your area" in response.get_data(as_text=True)
    assert counts() == before
    assert db.session.get(Member, other.id).name == other.name


def test_api_dry_run_then_import_with_the_fingerprint(client, world, bearer, login):
    headers = {**bearer(world.admin), "Accept-Language": "en"}
    response = client.get(f"/api/v1/roster/export?area={world.county.id}", headers=headers)
    assert response.status_code == 200
    data = edited(response.data, lambda wb: _rename_team(wb, "戴家村服务队", "新名"))

    def post(**form):
        payload = {"file": (BytesIO(data), "roster.xlsx"), **form}
        return client.post(
            "/api/v1/roster/import",
            data=payload,
            content_type="multipart/form-data",
            headers=headers,
        )

    dry = post()
    assert dry.status_code == 200, dry.get_json()
    body = dry.get_json()
    assert body["ok"] and not body["written"]
    assert body["counts"]["teams"]["updated"] == 1
    assert db.session.get(Team, world.team.id).name == "戴家村服务队"
    assert post(dry_run="false").status_code == 422  # no fingerprint
    assert post(dry_run="false", fingerprint="stale").status_code == 409
    done = post(dry_run="false", fingerprint=body["fingerprint"])
    assert done.status_code == 200 and done.get_json()["written"]
    db.session.expire_all()
    assert db.session.get(Team, world.team.id).name == "新名"


def test_api_refuses_other_roles_and_areas(client, world, bearer):
    payload = {"file": (BytesIO(b"x"), "a.csv")}
    response = client.post(
        "/api/v1/roster/import",
        data=payload,
        content_type="multipart/form-data",
        headers=bearer(world.leader),
    )
    assert response.status_code == 403
    response = client.get(
        f"/api/v1/roster/export?area={world.other_township.id}", headers=bearer(world.reviewer)
    )
    assert response.status_code == 403


def test_page_refuses_old_formats_and_oversized_files_clearly(client, login, world, app):
    _english(world, world.admin)
    login("admin")
    response = _upload(client, b"\xd0\xcf\x11\xe0" + b"\0" * 100, name="名单.xls")
    assert response.status_code == 400
    assert "名单.xls is an old Excel or WPS file: save it as .xlsx" in response.get_data(
        as_text=True
    )
    app.config["ROSTER_IMPORT_MAX_BYTES"] = 100
    try:
        response = _upload(client, _export(client))
    finally:
        app.config["ROSTER_IMPORT_MAX_BYTES"] = 10 * 1024 * 1024
    assert response.status_code == 400
    assert "roster.xlsx is larger than 1 KB." in response.get_data(as_text=True)


def test_progress_of_a_confirmed_import_is_read_by_its_owner_only(
    client, login, world, monkeypatch
):
    _english(world, world.admin)
    login("admin")
    data = edited(_export(client), lambda wb: _rename_team(wb, "戴家村服务队", "改名"))
    response = _upload(client, data)
    token = _token(response)
    assert f"/roster/progress/{token}" in response.get_data(as_text=True)
    assert client.get(f"/roster/progress/{token}").get_json() == {"done": 0, "total": 0}
    from core.roster import pending

    pending.write_progress(token, 2, 5)
    assert client.get(f"/roster/progress/{token}").get_json() == {"done": 2, "total": 5}
    client.post("/logout")
    login("reviewer")
    assert client.get(f"/roster/progress/{token}").get_json() == {"done": None, "total": None}
    client.post("/logout")
    login("admin")
    steps = []
    write = pending.write_progress
    monkeypatch.setattr(
        pending, "write_progress", lambda t, d, n: (steps.append((d, n)), write(t, d, n))
    )
    assert client.post("/roster/confirm", data={"token": token}).status_code == 200
    assert steps == [(0, 5), (1, 5), (2, 5), (3, 5), (4, 5), (5, 5)]
    finished = client.get(f"/roster/progress/{token}").get_json()
    assert finished == {"done": None, "total": None}  # done and dropped


def test_a_row_written_meanwhile_shows_the_dry_run_again(client, login, world, monkeypatch):
    from sqlalchemy.exc import IntegrityError

    from core.roster import run

    _english(world, world.admin)
    login("admin")
    data = edited(_export(client), lambda wb: _rename_team(wb, "戴家村服务队", "改名"))
    token = _token(_upload(client, data))

    def clash(*_args):
        raise IntegrityError("INSERT", {}, Exception("unique"))

    monkeypatch.setattr(run, "apply_plan", clash)
    response = client.post("/roster/confirm", data={"token": token})
    assert response.status_code == 409
    assert "The roster changed since your dry run" in response.get_data(as_text=True)


def test_with_two_counties_the_admin_works_on_the_chosen_one(client, login, world):
    from core.models import AreaKind
    from core.services.areas import add_area

    other = add_area("另一县", AreaKind.COUNTY)
    db.session.commit()
    login("admin")
    page = client.get("/roster").get_data(as_text=True)
    assert "测试县" in page and "另一县" in page
    assert client.get(f"/roster?area={other.id}").status_code == 200
    assert client.get("/roster/export.xlsx").status_code == 200  # the first county
