"""Inspection bulletins: issuing and numbering, the print view, the .xlsx and .html files."""

import re
from datetime import date, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from core.bulletin.issue import issue_bulletin
from core.extensions import db
from core.models import Bulletin
from core.services import FieldErrors
from core.services.assessments import Decision, confirm, save_manual_scores, save_settings
from core.services.inspections import InspectionInput, record_inspection
from tests.assessment_support import TODAY, YEAR, AssessmentWorld


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("core.rules.today", lambda: TODAY)


@pytest.fixture
def aw(world):
    """The assessment world with a confirmed 2026 assessment and an inspection."""
    aw = AssessmentWorld(world)
    _v, _b, manual = aw.simple_rubric()
    save_settings(aw.township, YEAR, "top_n", 1, 1)
    save_manual_scores(
        aw.township,
        YEAR,
        {(t.id, manual.id): s for t, s in ((aw.team_a, 50), (aw.team_b, 100), (aw.team_c, 0))},
    )
    confirm(
        world.reviewer,
        aw.township,
        YEAR,
        [Decision(aw.team_b.id, "none")],
        TODAY + timedelta(days=30),
    )
    record_inspection(
        world.reviewer,
        InspectionInput(aw.team_c.id, None, "unannounced", date(2026, 11, 10), "队员不足十人"),
    )
    return aw


def _issue(world, aw, **kw):
    args = {"area_id": aw.township.id, "start": date(2026, 1, 1), "end": date(2026, 11, 20)}
    return issue_bulletin(world.reviewer, **(args | kw))


def test_numbers_count_within_area_and_year(world, aw):
    first, second = _issue(world, aw), _issue(world, aw)
    county = issue_bulletin(world.admin, world.county.id, date(2026, 1, 1), date(2026, 6, 30))
    assert (first.number, second.number, county.number) == (1, 2, 1)
    assert first.year == 2026 and first.issued_on == TODAY


def test_issue_validation_and_scope(world, aw):
    with pytest.raises(FieldErrors) as exc:
        _issue(world, aw, start=date(2026, 5, 1), end=date(2026, 4, 1))
    assert "ends_on" in exc.value.errors
    with pytest.raises(FieldErrors) as exc:
        _issue(world, aw, area_id=world.other_township.id)
    assert "area_id" in exc.value.errors
    with pytest.raises(FieldErrors) as exc:
        _issue(world, aw, area_id=world.village.id, start=None)
    assert {"area_id", "starts_on"} <= set(exc.value.errors)
    assert db.session.scalar(db.select(db.func.count(Bulletin.id))) == 0


def _cells(html: str, table_id: str) -> list[list[str]]:
    """The body cells of a section's table in the print view."""
    section = html.split(f'id="{table_id}"', 1)[1].split("</section>", 1)[0]
    body = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def test_reviewer_issues_and_prints(world, aw, client, login):
    login("reviewer")
    response = client.post(
        "/bulletins",
        data={"area_id": str(aw.township.id), "starts_on": "2026-01-01", "ends_on": "2026-11-20"},
    )
    assert response.status_code == 302
    bulletin = db.session.scalar(db.select(Bulletin))
    page = client.get(f"/bulletins/{bulletin.id}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="zh-CN">' in html
    # print CSS (fingerprinted), no inline style
    assert re.search(r"/bulletin\.[0-9a-f]{12}\.css", html) and "<style>" not in html
    figures = _cells(html, "figures")
    by_team = {row[0]: row for row in figures}
    # team, village, members, without farm, assigned, visited, stale, visits, people, ...
    assert by_team["戴家村服务队"][2:10] == ["10", "0", "1", "1", "0", "3", "90", "30"]
    assert by_team["石湫村二队"][2:4] == ["8", "8"]
    assert figures[-1][7:9] == ["4", "100"]  # the total row
    assert [row[2] for row in _cells(html, "commendations")] == ["戴家村服务队"]
    assert [row[2] for row in _cells(html, "criticisms")] == ["石湫村二队"]
    rect = _cells(html, "rectifications")
    assert rect[0][0] == "石湫村二队" and len(rect) == 1
    assert "队员不足十人" in _cells(html, "inspections")[0][3]
    assert "2026" in html and aw.township.name in html


def test_english_on_request(world, aw, client, login):
    bulletin = _issue(world, aw)
    login("reviewer")
    html = client.get(f"/bulletins/{bulletin.id}?lang=en").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Figures per team" in html and "Commendations" in html
    assert f"inspection bulletin [2026] No. {bulletin.number}" in html


def test_xlsx_matches_the_page(world, aw, client, login):
    bulletin = _issue(world, aw)
    login("reviewer")
    html = client.get(f"/bulletins/{bulletin.id}").get_data(as_text=True)
    response = client.get(f"/bulletins/{bulletin.id}/bulletin.xlsx")
    assert response.status_code == 200
    assert "attachment" in response.headers["Content-Disposition"]
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    book = load_workbook(BytesIO(response.data))
    assert len(book.sheetnames) == 6
    figures = book.worksheets[1]
    rows = [[c.value for c in row] for row in figures.iter_rows(min_row=2)]
    page_rows = _cells(html, "figures")
    assert [[str(v) if v is not None else "" for v in row] for row in rows] == page_rows
    assert isinstance(rows[0][7], int)  # numbers stay numbers
    cover = book.worksheets[0]
    assert aw.township.name in cover["B2"].value and str(bulletin.number) in cover["B2"].value
    criticisms = book.worksheets[3]
    assert criticisms.cell(row=2, column=3).value == "石湫村二队"


def test_html_download_is_standalone(world, aw, client, login):
    bulletin = _issue(world, aw)
    login("reviewer")
    response = client.get(f"/bulletins/{bulletin.id}/bulletin.html")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "<style>" in html and "@media print" in html
    assert 'rel="stylesheet"' not in html and "<script" not in html
    assert "戴家村服务队" in html


def test_scope(world, aw, client, login):
    theirs = issue_bulletin(
        world.admin, world.other_township.id, date(2026, 1, 1), date(2026, 6, 30)
    )
    mine = _issue(world, aw)
    login("reviewer")
    assert client.get(f"/bulletins/{theirs.id}").status_code == 403
    assert client.get(f"/bulletins/{theirs.id}/bulletin.xlsx").status_code == 403
    assert client.get("/bulletins/99999").status_code == 404
    listed = client.get("/bulletins").get_data(as_text=True)
    assert f"/bulletins/{mine.id}" in listed and f'/bulletins/{theirs.id}"' not in listed
    response = client.post(
        "/bulletins",
        data={
            "area_id": str(world.other_township.id),
            "starts_on": "2026-01-01",
            "ends_on": "2026-06-30",
        },
    )
    assert response.status_code == 200  # re-rendered with the error
    assert db.session.scalar(db.select(db.func.count(Bulletin.id))) == 2


def test_team_users_issue_nothing(world, aw, client, login):
    login("leader")
    response = client.post(
        "/bulletins",
        data={"area_id": str(aw.township.id), "starts_on": "2026-01-01", "ends_on": "2026-11-20"},
    )
    assert response.status_code == 403
    assert db.session.scalar(db.select(db.func.count(Bulletin.id))) == 0
