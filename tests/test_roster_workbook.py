"""The roster workbook: its sheets, headers, drop-down lists and notes; the export's rows."""

from io import BytesIO

from openpyxl import load_workbook

SHEETS_ZH = ["地区", "服务队", "队员", "示范基地", "定点联系", "填写说明"]


def _book(response):
    assert response.status_code == 200
    assert response.mimetype.endswith("spreadsheetml.sheet")
    return load_workbook(BytesIO(response.data))


def test_template_has_every_sheet_header_list_and_note(runner, tmp_path, app):
    path = tmp_path / "template.xlsx"
    result = runner.invoke(args=["roster", "template", str(path), "--lang", "en"])
    assert result.exit_code == 0, result.output
    book = load_workbook(path)
    assert book.sheetnames == ["Areas", "Teams", "Members", "Farms", "Farm links", "How to fill in"]
    members = book["Members"]
    headers = [c.value for c in members[1]]
    assert headers == [
        "Id",
        "Township",
        "Village",
        "Team name",
        "Member name",
        "Phone",
        "Party member",
        "Young village official",
        "Expert",
        "Speciality",
    ]
    assert members.max_row == 1  # empty
    lists = {
        str(v.sqref).split(":")[0]: v.formula1 for v in members.data_validations.dataValidation
    }
    assert lists["G2"] == '"Yes,No"'
    farms = book["Farms"]
    kinds = [v.formula1 for v in farms.data_validations.dataValidation]
    assert kinds == ['"Industry base,Large grower/breeder,Leading agricultural enterprise"']
    notes = [row for row in book["How to fill in"].iter_rows(values_only=True)]
    assert ("Members", "Phone", "Digits, spaces and + - ( ) only") in notes


def test_template_is_in_chinese_by_default(runner, tmp_path, app):
    path = tmp_path / "template.xlsx"
    assert runner.invoke(args=["roster", "template", str(path)]).exit_code == 0
    book = load_workbook(path)
    for title in SHEETS_ZH:
        assert title in book.sheetnames
    assert [c.value for c in book["队员"][1]][:6] == [
        "编号",
        "乡镇",
        "村",
        "服务队名称",
        "姓名",
        "电话",
    ]


def test_page_downloads_template_and_export(client, login, world):
    login("admin")
    book = _book(client.get("/roster/template.xlsx"))
    assert book["地区"].max_row == 1
    book = _book(client.get(f"/roster/export.xlsx?area={world.county.id}"))
    teams = list(book["服务队"].iter_rows(values_only=True))[1:]
    assert {row[3] for row in teams} == {"戴家村服务队", "傅家边村服务队"}
    assert len(list(book["队员"].iter_rows(values_only=True))) == 21
    links = list(book[book.sheetnames[4]].iter_rows(values_only=True))
    assert len(links) == 21


def test_reviewer_exports_own_township_only(client, login, world):
    login("reviewer")
    book = _book(client.get("/roster/export.xlsx"))
    teams = list(book["服务队"].iter_rows(values_only=True))[1:]
    assert [row[3] for row in teams] == ["戴家村服务队"]
    assert client.get(f"/roster/export.xlsx?area={world.other_township.id}").status_code == 403
    assert client.get(f"/roster/export.xlsx?area={world.county.id}").status_code == 403


def test_leaders_and_members_may_not_open_the_page(client, login, world):
    for user in ("leader", "member"):
        login(user)
        assert client.get("/roster").status_code == 403
        assert client.get("/roster/template.xlsx").status_code == 403
        client.post("/logout")
