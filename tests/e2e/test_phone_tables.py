"""Wide tables and long pickers on a 390-px phone.

The review's and the bulletin's rows become cards: the row's name and its key figures show
within the screen, nothing scrolls sideways; a desktop still gets the table with its header.
A long team list gets a filter box that narrows it to a township's team, and the team picked
is the one submitted.
"""

from datetime import date

import pytest

from core.bulletin.issue import issue_bulletin
from core.extensions import db
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

WIDTH = 390


def _box(page, selector):
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box


def _on_screen(page, selector):
    """The element is laid out within the phone's width (no sideways scrolling to see it)."""
    box = _box(page, selector)
    assert box["width"] > 0 and box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, (
        selector,
        box,
    )
    return box


def _no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH


def _review_url(page, world):
    year = date.today().year
    return f"{page.base}/review?area={world.township.id}&period={year}"


def test_review_rows_are_cards_with_the_key_figures_first(phone, world):
    world.make_visit(people_reached=37, days_ago=1)
    page = phone
    page.log_in("reviewer")
    page.goto(_review_url(page, world))
    row = "table[data-table=teams] tbody tr:first-child"
    page.wait_for_selector(row)
    _no_sideways_scroll(page)
    name = _on_screen(page, f"{row} > .row-head")
    assert page.inner_text(f"{row} > .row-head") == "戴家村服务队"
    # the key figures come right after the name, before the other columns
    people = f'{row} > td[data-label="服务人数"]'
    assert "37" in page.inner_text(people)
    key = _on_screen(page, people)
    village = _box(page, f'{row} > td[data-label="村"]')
    assert name["y"] < key["y"] < village["y"]
    assert page.locator(f"{row} > .row-key").count() >= 2
    # every other column is labelled by its heading
    label = page.evaluate(
        "el => getComputedStyle(el, '::before').content",
        page.locator(f'{row} > td[data-label="村"]').element_handle(),
    )
    assert label == '"村"'
    assert page.console_errors == [] and page.foreign_requests == []


def test_the_review_keeps_its_table_on_a_desktop(browser, live_server, world):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.base = live_server
    try:
        log_in(page, "reviewer")
        page.goto(_review_url(page, world))
        header = page.locator("table[data-table=teams] thead th").first
        assert header.is_visible()
        assert (
            page.eval_on_selector("table[data-table=teams]", "t => getComputedStyle(t).display")
            == "table"
        )
    finally:
        context.close()


def test_the_review_prints_as_a_table_from_a_phone(phone, world):
    page = phone
    page.log_in("reviewer")
    page.goto(_review_url(page, world))
    page.emulate_media(media="print")
    display = page.eval_on_selector("table[data-table=teams]", "t => getComputedStyle(t).display")
    assert display == "table"


def test_bulletin_rows_show_the_team_and_its_figures(phone, world):
    world.make_visit(people_reached=41, days_ago=1)
    today = date.today()
    bulletin = issue_bulletin(world.reviewer, world.township.id, date(today.year, 1, 1), today)
    page = phone
    page.log_in("reviewer")
    page.goto(f"{page.base}/bulletins/{bulletin.id}")
    row = "section#figures tbody tr:first-child"
    page.wait_for_selector(row)
    _no_sideways_scroll(page)
    name = _on_screen(page, f"{row} > .row-head")
    assert page.inner_text(f"{row} > .row-head") == "戴家村服务队"
    # a team name is one line, not one character per line
    line = page.eval_on_selector(
        f"{row} > .row-head", "e => parseFloat(getComputedStyle(e).lineHeight)"
    )
    assert name["height"] <= line * 1.5
    people = f'{row} > td[data-label="服务人数"]'
    assert "41" in page.inner_text(people)
    assert name["y"] < _on_screen(page, people)["y"]
    assert page.console_errors == [] and page.foreign_requests == []


@pytest.fixture
def many_teams(world):
    """Ten more teams in the first township: a list long enough for a filter box."""
    teams = [world.make_team(world.village, f"戴家村{n}组", size=1) for n in range(1, 11)]
    db.session.commit()
    return teams


def test_a_short_list_gets_no_filter_box(phone, world):
    page = phone
    page.log_in("admin")
    page.goto(page.base + "/visits/new")
    assert page.locator("#team optgroup").count() == 2
    assert page.locator("#team-filter").count() == 0


def test_a_team_picker_filters_by_name_and_submits_the_team_picked(phone, world, many_teams):
    page = phone
    page.log_in("admin")
    page.goto(page.base + "/visits/new")
    options = "#team option:not([value=''])"
    assert page.locator(options).count() == 12
    label = page.locator("label[for=team-filter]")
    assert label.is_visible()
    page.fill("#team-filter", "傅家")
    assert page.locator(options).count() == 1
    assert page.locator("#team optgroup").evaluate_all("gs => gs.map(g => g.label)") == ["洪蓝镇"]
    assert page.is_visible("#team-filter-status")
    page.select_option("#team", str(world.other_team.id))
    page.click("form button[type=submit].primary")
    page.wait_for_url(f"**/visits/new?team={world.other_team.id}")
    assert "傅家边村服务队" in page.inner_text("main")
    _no_sideways_scroll(page)
    assert page.console_errors == [] and page.foreign_requests == []


def test_the_filter_matches_a_township_and_enter_picks_the_only_team(phone, world, many_teams):
    page = phone
    page.log_in("admin")
    page.goto(page.base + "/visits/new")
    options = "#team option:not([value=''])"
    page.fill("#team-filter", "永阳")  # the township's name: all its teams stay
    assert page.locator(options).count() == 11
    page.fill("#team-filter", "服务队")
    assert page.locator(options).all_inner_texts() == ["戴家村服务队", "傅家边村服务队"]
    page.fill("#team-filter", "戴家村服务")
    page.press("#team-filter", "Enter")  # the only team left is picked, nothing is submitted
    assert page.input_value("#team") == str(world.team.id)
    assert page.evaluate("document.activeElement.id") == "team"
    assert "/visits/new" in page.url and "team=" not in page.url
    page.fill("#team-filter", "")
    assert page.locator(options).count() == 12
    assert page.input_value("#team") == str(world.team.id)


def test_organising_teams_filter_keeps_the_ticked_ones(phone, world, many_teams):
    page = phone
    page.log_in("admin")
    page.goto(page.base + "/events/new")
    boxes = "fieldset[data-searchable] label.choice"
    assert page.locator(boxes).count() == 12
    page.check(f"input[name=team_ids][value='{world.team.id}']")
    page.fill("fieldset[data-searchable] input[type=search]", "傅家")
    visible = page.locator(f"{boxes}:visible")
    assert visible.all_inner_texts() == ["戴家村服务队", "傅家边村服务队"]
    page.uncheck(f"input[name=team_ids][value='{world.team.id}']")
    page.fill("fieldset[data-searchable] input[type=search]", "傅家边")
    assert page.locator(f"{boxes}:visible").all_inner_texts() == ["傅家边村服务队"]
    _no_sideways_scroll(page)
