"""The header's search on a phone: a leader finds a visit by a word of its notes and opens it;
nothing scrolls sideways and the menu keeps its row and "More"."""

import pytest

pytestmark = pytest.mark.e2e


def test_a_leader_searches_from_the_header_on_a_phone(phone, world):
    visit = world.make_visit(notes="示范了梅子树的夏季修剪，" * 10)
    world.make_visit(team=world.other_team, farm=world.other_farm, notes="夏季修剪")
    page = phone
    page.log_in("leader")
    # the header holds the search; on a phone its button opens the search page
    header_search = page.locator("header.site form[role=search]")
    assert header_search.locator("button").is_visible()
    header_search.locator("button").click()
    page.wait_for_url(page.base + "/search?q=")
    assert page.evaluate("document.activeElement.id") == "search-q"
    page.fill("#search-q", "夏季修剪")
    page.click("form[role=search] button[type=submit]")
    page.wait_for_selector("#search-visits")
    results = page.locator("#search-visits li")
    assert results.count() == 1  # another team's visit is not the leader's to read
    assert "夏季修剪" in results.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    results.locator("a").click()
    page.wait_for_url(page.base + f"/visits/{visit.id}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # the menu still has its short row and "More" on a phone, with the search beside it
    assert page.locator("header.site nav").is_visible()
    assert page.console_errors == [] and page.foreign_requests == []


def test_a_wide_screen_types_into_the_header(phone, world):
    world.make_visit(notes="梅子套袋")
    page = phone
    page.set_viewport_size({"width": 1200, "height": 800})
    page.log_in("leader")
    page.fill("#site-search-q", "套袋")
    page.press("#site-search-q", "Enter")
    page.wait_for_selector("#search-visits")
    assert page.input_value("#search-q") == "套袋"
