"""Wide tables carry what a phone needs to show each row as a card (kepu.css, bulletin.css):
the row's name marked as its heading, the key figures marked, and every other cell labelled
with its column's heading, so a new column needs no CSS."""

import re
from datetime import date
from pathlib import Path

import pytest

from core.bulletin.issue import issue_bulletin
from tests.plugins.noticeboards_support import PAGES, Boards

_CELL = re.compile(r'<t([hd])((?:\s+[\w-]+(?:="[^"]*")?)*)\s*>', re.S)


def _table(page: str, marker: str) -> tuple[str, list[str], list[list[dict]]]:
    """(the table's opening tag, its headings, per body row the cells' attributes)."""
    match = re.search(rf"(<table[^>]*{marker}[^>]*>)(.*?)</table>", page, re.S)
    assert match, marker
    head, body = match[2].split("</thead>")
    headings = [re.sub(r"<[^>]+>", "", h).strip() for h in re.findall(r"<th[^>]*>(.*?)</th>", head)]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        cells = []
        for tag, attrs in _CELL.findall(row):
            found = dict(re.findall(r'([\w-]+)="([^"]*)"', attrs))
            cells.append({"tag": tag, **found, "class": found.get("class", "").split()})
        rows.append(cells)
    return match[1], headings, rows


def _cards(page: str, marker: str, keys: list[str], head: int = 0) -> list[dict]:
    """Check the card markup of the first row of a table; the first row's cells."""
    opening, headings, rows = _table(page, marker)
    assert "card-rows" in opening
    cells = rows[0]
    assert len(cells) == len(headings)
    assert "row-head" in cells[head]["class"]
    for i, cell in enumerate(cells):
        if i != head:  # every other cell names its column
            assert cell.get("data-label", "").startswith(headings[i].split(" ×")[0]), (i, cell)
    marked = [c["data-label"] for c in cells if "row-key" in c["class"]]
    assert marked == keys
    return cells


@pytest.fixture
def in_english(world, client, login):
    def _as(username):
        login(username)
        client.post("/lang/en")
        return client

    return _as


def test_review_rows_head_with_the_team_and_mark_visits_and_people(in_english, world):
    world.make_visit(people_reached=12)
    client = in_english("reviewer")
    page = client.get(f"/review?area={world.township.id}&period={date.today().year}").text
    cells = _cards(page, 'data-table="teams"', ["Visits", "People reached", "Events held"])
    assert cells[0]["tag"] == "h" and cells[0]["scope"] == "row"


def test_review_flags_stand_out_on_a_card(in_english, world):
    client = in_english("reviewer")  # the team's farm was never visited: a stale farm
    page = client.get(f"/review?area={world.township.id}&period={date.today().year}").text
    _opening, _headings, rows = _table(page, 'data-table="teams"')
    assert [c["data-label"] for c in rows[0] if "flagged" in c["class"]] == ["Stale farms"]


def test_bulletin_rows_head_with_the_team(in_english, world):
    world.make_visit(people_reached=12)
    today = date.today()
    bulletin = issue_bulletin(world.reviewer, world.township.id, date(today.year, 1, 1), today)
    client = in_english("reviewer")
    page = client.get(f"/bulletins/{bulletin.id}?lang=en").text
    section = page[page.index('<section id="figures">') :]
    cells = _cards(section, 'class="card-rows"', ["Visits", "People reached"])
    assert "row-head" not in cells[1]["class"]
    css = (Path(__file__).parents[1] / "core" / "static" / "bulletin.css").read_text()
    assert "td.row-head { min-width" in css  # a team's name is never one character per line


def test_assessment_rows_mark_rank_score_and_proposal(in_english, world):
    client = in_english("reviewer")
    page = client.get("/assessments").text
    _cards(page, 'class="[^"]*assessment-table', ["Rank", "Total score", "Proposal"], head=1)


def test_noticeboard_rows_mark_the_last_update_and_its_staleness(app, world, in_english):
    Boards(app, world)
    client = in_english("admin")
    page = client.get(PAGES + "/").text
    cells = _cards(page, 'class="wide card-rows"', ["Last update"])
    stale = next(c for c in cells if "row-key" in c["class"])
    assert "flagged" in stale["class"]  # never updated: stale
