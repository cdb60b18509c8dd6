"""A bulletin's total row is the review's total for the same area and period: an event several
teams organise, or a farm several teams are linked to, counts once in the total (the page, the
HTML download and the workbook), while each team's row still counts it."""

import re
from datetime import UTC, date, datetime, timedelta
from io import BytesIO

import pytest
from openpyxl import load_workbook

from core.bulletin.content import FIGURE_FIELDS
from core.bulletin.issue import issue_bulletin
from core.extensions import db
from core.models import Assignment, Event, VenueKind
from core.review.figures import team_figures
from core.review.rollup import area_rollup
from tests.assessment_support import TODAY, YEAR, AssessmentWorld

START, END = date(YEAR, 1, 1), date(YEAR, 12, 31)

#: the figures columns after team and village, as the bulletin shows them
FIELDS = FIGURE_FIELDS
EVENTS = 2 + FIELDS.index("events_held")
ASSIGNED = 2 + FIELDS.index("farms_assigned")


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("core.rules.today", lambda: TODAY)


def _event(title: str, teams, day: date) -> Event:
    start = datetime(day.year, day.month, day.day, 1, tzinfo=UTC)  # 09:00 in Shanghai
    event = Event(
        title=title,
        venue_kind=VenueKind.VILLAGE,
        place="村部",
        starts_at=start,
        ends_at=start + timedelta(hours=2),
        area=teams[0].village,
        teams=teams,
    )
    db.session.add(event)
    return event


@pytest.fixture
def aw(world):
    """永阳镇 with an event teams A and B organise together, one of team A alone, and
    石湫草莓园 linked to a member of team A as well as to team B's members."""
    aw = AssessmentWorld(world)
    _event("梅子栽培讲座", [aw.team_a, aw.team_b], date(YEAR, 6, 1))
    _event("草莓病虫害防治", [aw.team_a], date(YEAR, 7, 1))
    _event("取消前的计划", [aw.team_b], date(YEAR, 12, 10))  # after today: not held
    db.session.add(Assignment(member=world.team_members(aw.team_a)[0], farm=aw.farm_b))
    aw.visit(aw.team_a, aw.farm_b, date(YEAR, 8, 1), 5)
    db.session.commit()
    return aw


def _cells(html: str) -> list[list[str]]:
    """The body cells of the figures table of a bulletin document."""
    section = html.split('id="figures"', 1)[1].split("</section>", 1)[0]
    body = section.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def _review_total(world) -> dict:
    """The review's total row of 永阳镇 for the year (the module and the API agree)."""
    area = world.township
    total = area_rollup(area, START, END, team_figures(area, START, END))[-1]
    assert total.total and total.area_id == area.id
    return {name: getattr(total, name) for name in FIELDS}


def test_totals_equal_the_review(world, aw, client, login, bearer):
    expected = _review_total(world)
    assert expected["events_held"] == 2 and expected["farms_assigned"] == 2

    body = client.get(
        "/api/v1/review/",
        query_string={"area": world.township.id, "period": str(YEAR)},
        headers=bearer(world.reviewer),
    ).get_json()
    api_total = body["areas"][-1]
    assert api_total["total"] is True
    assert {name: api_total[name] for name in FIELDS} == expected

    bulletin = issue_bulletin(world.reviewer, world.township.id, START, END)
    login("reviewer")
    want_total = ["合计：永阳镇", "", *(str(expected[name]) for name in FIELDS)]

    page = client.get(f"/bulletins/{bulletin.id}")
    assert page.status_code == 200
    rows = _cells(page.get_data(as_text=True))
    by_team = {row[0]: row for row in rows[:-1]}
    # each team's row counts every event it organises: the shared one in both
    assert by_team["戴家村服务队"][EVENTS] == "2"
    assert by_team["石湫村服务队"][EVENTS] == "1"
    assert by_team["石湫村二队"][EVENTS] == "0"
    # and the shared farm in both teams' rows
    assert by_team["戴家村服务队"][ASSIGNED] == "2"
    assert by_team["石湫村服务队"][ASSIGNED] == "1"
    assert rows[-1] == want_total
    assert rows[-1][EVENTS] == "2"  # not 3, the sum of the team rows

    download = client.get(f"/bulletins/{bulletin.id}/bulletin.html")
    assert download.status_code == 200
    assert _cells(download.get_data(as_text=True)) == rows

    english = client.get(f"/bulletins/{bulletin.id}?lang=en").get_data(as_text=True)
    assert _cells(english)[-1] == ["Total: 永阳镇", "", *want_total[2:]]

    response = client.get(f"/bulletins/{bulletin.id}/bulletin.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(BytesIO(response.data)).worksheets[1]
    sheet_rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert sheet_rows[-1][2:] == [expected[name] for name in FIELDS]
    assert sheet_rows[-1][EVENTS] == 2
    xlsx_teams = {row[0]: row for row in sheet_rows[:-1]}
    assert xlsx_teams["戴家村服务队"][EVENTS] == 2 and xlsx_teams["石湫村服务队"][EVENTS] == 1
    assert [[str(v) if v is not None else "" for v in row] for row in sheet_rows] == rows


def test_additive_totals_are_the_sums_of_the_teams(world, aw, client, login):
    """Members, visits, people and households are each team's own: the total is their sum."""
    bulletin = issue_bulletin(world.reviewer, world.township.id, START, END)
    login("reviewer")
    rows = _cells(client.get(f"/bulletins/{bulletin.id}").get_data(as_text=True))
    for name in ("members", "members_without_farms", "visits", "people_reached"):
        column = 2 + FIELDS.index(name)
        assert int(rows[-1][column]) == sum(int(row[column]) for row in rows[:-1])
    households = 2 + FIELDS.index("households_reached")
    assert int(rows[-1][households]) == sum(int(row[households]) for row in rows[:-1])
