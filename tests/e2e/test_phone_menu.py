"""On a phone the menu shows its first entries and "More (n)" for the rest (a reviewer has
14); a wide screen shows them all in the row."""

import pytest

pytestmark = pytest.mark.e2e


def _visible_links(page) -> list[str]:
    return page.evaluate(
        """() => Array.from(document.querySelectorAll('header.site nav a'))
            .filter(a => a.checkVisibility()).map(a => a.getAttribute('href'))"""
    )


def test_a_reviewer_finds_every_entry_on_a_phone(phone, world):
    page = phone
    page.log_in("reviewer")
    page.goto(page.base + "/")
    row = _visible_links(page)
    assert len(row) == 4 and "/" in row
    more = page.locator("header.site nav details.nav-more summary")
    assert more.is_visible() and "7" in more.inner_text()  # roster workbook included
    more.click()
    opened = _visible_links(page)
    assert len(opened) > len(row) and "/audit" in opened and len(set(opened)) == len(opened)
    assert "/roster" in opened
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.goto(page.base + "/audit")  # the current page's entry stays in the row
    assert "/audit" in _visible_links(page)
    assert page.console_errors == []


def test_a_wide_screen_shows_the_whole_row(phone, world):
    page = phone
    page.set_viewport_size({"width": 1200, "height": 800})
    page.log_in("reviewer")
    page.goto(page.base + "/")
    links = _visible_links(page)
    assert "/audit" in links and len(links) > 4
    assert not page.locator("header.site nav details.nav-more").is_visible()
