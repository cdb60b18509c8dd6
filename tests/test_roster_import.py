"""Importing a roster file: matching, updates, removals, refusals and the command's options."""

from roster_support import counts, edited, export_world

from core.extensions import db
from core.models import AuditEvent, Farm, Member, Team


def _import(runner, tmp_path, data: bytes, *args: str, name="roster.xlsx", input=None):
    path = tmp_path / name
    path.write_bytes(data)
    return runner.invoke(args=["roster", "import", str(path), "--lang", "en", *args], input=input)


def test_a_changed_cell_updates_that_field_only(runner, tmp_path, world):
    member = db.session.get(Member, world.team_members(world.team)[3].id)
    name, before = member.name, counts()

    def edit(wb):
        ws = wb["Members"]
        for row in ws.iter_rows(min_row=2):
            if row[0].value == member.id:
                row[5].value = "13912345678"
                row[9].value = "果树栽培"

    data = edited(export_world(runner, tmp_path), edit)
    result = _import(runner, tmp_path, data, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "members: 0 created, 1 updated, 19 unchanged" in result.output
    assert "Phone:  -> 13912345678; Speciality:  -> 果树栽培" in result.output
    db.session.expire_all()
    assert db.session.get(Member, member.id).phone == ""  # a dry run writes nothing

    audit_rows = db.session.query(AuditEvent).count()
    result = _import(runner, tmp_path, data, "--yes")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    member = db.session.get(Member, member.id)
    assert (member.name, member.phone, member.speciality) == (name, "13912345678", "果树栽培")
    assert counts() == before
    assert db.session.query(AuditEvent).count() > audit_rows


def test_the_confirmation_answered_no_writes_nothing(runner, tmp_path, world):
    data = edited(export_world(runner, tmp_path), lambda wb: wb["Teams"].cell(2, 7, "新备注"))
    result = _import(runner, tmp_path, data, input="n\n")
    assert result.exit_code == 1
    assert "nothing imported" in result.output
    assert db.session.query(Team).filter(Team.notes == "新备注").count() == 0
    result = _import(runner, tmp_path, data, input="y\n")
    assert result.exit_code == 0, result.output
    assert db.session.query(Team).filter(Team.notes == "新备注").count() == 1


def test_rows_without_ids_match_by_names_and_new_rows_are_created(runner, tmp_path, world):
    def edit(wb):
        for ws in wb.worksheets[:5]:
            for row in ws.iter_rows(min_row=2):
                row[0].value = None
        ws = wb["Members"]
        ws.append(
            [
                None,
                "永阳镇",
                "戴家村",
                "戴家村服务队",
                "新队员",
                "139 0000 0000",
                "Yes",
                "No",
                "No",
                "",
            ]
        )
        wb["Farm links"].append(
            [
                None,
                "永阳镇",
                "戴家村",
                "戴家村服务队",
                "新队员",
                "139 0000 0000",
                None,
                "永阳镇",
                "戴家村",
                "戴家梅子基地",
                None,
            ]
        )

    before = counts()
    result = _import(runner, tmp_path, edited(export_world(runner, tmp_path), edit), "--yes")
    assert result.exit_code == 0, result.output
    assert "members: 1 created, 0 updated, 20 unchanged" in result.output
    assert counts() == {**before, "members": before["members"] + 1, "links": before["links"] + 1}


def test_a_removed_row_is_reported_and_removed_only_when_asked(runner, tmp_path, world):
    def edit(wb):
        for sheet, column in (("Farms", 3), ("Farm links", 9)):
            ws = wb[sheet]
            keep = [
                r for r in ws.iter_rows(min_row=2, values_only=True) if r[column] != "戴家梅子基地"
            ]
            ws.delete_rows(2, ws.max_row)
            for r in keep:
                ws.append(list(r))

    data = edited(export_world(runner, tmp_path), edit)
    result = _import(runner, tmp_path, data, "--yes")
    assert result.exit_code == 0, result.output
    assert "not in the file (farms): 戴家梅子基地" in result.output
    assert "nothing to change" in result.output
    assert db.session.get(Farm, world.farm.id).deleted_at is None
    result = _import(runner, tmp_path, data, "--yes", "--remove-missing")
    assert result.exit_code == 0, result.output
    db.session.expire_all()
    assert db.session.get(Farm, world.farm.id).deleted_at is not None
    assert counts()["links"] == 10


def test_a_file_over_the_size_limit_is_refused(runner, tmp_path, world, app):
    app.config["ROSTER_IMPORT_MAX_BYTES"] = 1000
    try:
        result = _import(runner, tmp_path, export_world(runner, tmp_path), "--yes")
    finally:
        app.config["ROSTER_IMPORT_MAX_BYTES"] = 10 * 1024 * 1024
    assert result.exit_code == 1
    assert "larger than" in result.output and "nothing imported" in result.output


def test_csv_files_one_per_sheet(runner, tmp_path, world):
    members = (
        "Township,Village,Team name,Name,Phone,Party member\n"
        + "".join(
            f"永阳镇,戴家村,新服务队,队员{i},１３９００００００{i:02d} ,是\n" for i in range(3)
        )
    ).encode("utf-8-sig")
    teams = "乡镇,村,队名,队长\n永阳镇,戴家村,新服务队,队员1\n".encode("gb18030")
    (tmp_path / "Teams.csv").write_bytes(teams)
    (tmp_path / "members.csv").write_bytes(members)
    result = runner.invoke(
        args=[
            "roster",
            "import",
            str(tmp_path / "Teams.csv"),
            str(tmp_path / "members.csv"),
            "--yes",
        ]
    )
    assert result.exit_code == 0, result.output
    team = db.session.query(Team).filter_by(name="新服务队").one()
    assert team.leader.name == "队员1"
    assert sorted(m.phone for m in team.members) == ["13900000000", "13900000001", "13900000002"]


def test_a_leader_moved_to_another_team_stops_leading_the_old_one(runner, tmp_path, world):
    leader_id = world.team.leader_id

    def edit(wb):
        for title in ("Teams", "Farms", "Farm links"):
            del wb[title]
        for row in wb["Members"].iter_rows(min_row=2):
            if row[0].value == leader_id:
                row[1].value, row[2].value, row[3].value = "洪蓝镇", "傅家边村", "傅家边村服务队"

    result = _import(runner, tmp_path, edited(export_world(runner, tmp_path), edit), "--yes")
    assert result.exit_code == 0, result.output
    assert "members: 0 created, 1 updated, 19 unchanged" in result.output
    db.session.expire_all()
    assert db.session.get(Member, leader_id).team_id == world.other_team.id
    assert db.session.get(Team, world.team.id).leader_id is None


def test_a_village_renamed_by_id_keeps_its_teams_and_farms(runner, tmp_path, world):
    def edit(wb):
        for ws in wb.worksheets[:5]:
            for row in ws.iter_rows(min_row=2):
                for cell in row:
                    if cell.value == "戴家村":
                        cell.value = "戴家社区"

    result = _import(runner, tmp_path, edited(export_world(runner, tmp_path), edit), "--yes")
    assert result.exit_code == 0, result.output
    assert "areas: 0 created, 1 updated" in result.output
    assert "teams: 0 created, 0 updated, 2 unchanged" in result.output
    assert "links: 0 created, 0 updated, 20 unchanged" in result.output
    db.session.expire_all()
    assert world.team.village.name == "戴家社区"


def test_damaged_files_and_odd_cells_are_refused_with_a_message(runner, tmp_path, world):
    (tmp_path / "members.csv").write_bytes(b'Township,Village\n"' + b"x" * 200_000 + b'",a\n')
    result = runner.invoke(
        args=["roster", "import", str(tmp_path / "members.csv"), "--yes", "--lang", "en"]
    )
    assert result.exit_code == 1
    assert "members.csv is not a CSV file Kepu can read. (nothing imported)" in result.output

    def edit(wb):
        wb["Members"]["A2"] = "99999999999999999999"
        wb["Areas"]["B2"] = "县" * 200

    before = counts()
    result = _import(runner, tmp_path, edited(export_world(runner, tmp_path), edit))
    assert result.exit_code == 1
    assert "Members, row 2, Id: An id is a whole number." in result.output
    assert "Areas, row 2, County: Use at most 120 characters." in result.output
    assert counts() == before
