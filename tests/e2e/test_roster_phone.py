"""The roster workbook on a phone: a township reviewer downloads the roster, uploads an edited
copy, sees the dry run with the progress bar, confirms, and the change is written."""

from io import BytesIO

import pytest
from openpyxl import load_workbook

from core.extensions import db
from core.models import Member

pytestmark = pytest.mark.e2e


def _fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width


def test_a_reviewer_imports_an_edited_roster_from_a_phone(phone, world, tmp_path):
    member = world.team_members(world.team)[1]
    page = phone
    page.log_in("reviewer")
    page.goto(page.base + "/roster")
    _fits(page)
    with page.expect_download() as caught:
        page.click(f"a[href$='/roster/export.xlsx?area={world.township.id}']")
    book = load_workbook(BytesIO(caught.value.path().read_bytes()))
    for row in book["队员"].iter_rows(min_row=2):
        if row[0].value == member.id:
            row[5].value = "13700000000"
    path = tmp_path / "花名册.xlsx"
    out = BytesIO()
    book.save(out)
    path.write_bytes(out.getvalue())

    page.set_input_files("#roster-file", str(path))
    page.click("form[data-roster-progress] button[type=submit]")
    page.wait_for_selector("form[action$='/roster/confirm']")
    assert "预检" in page.content()
    _fits(page)
    db.session.expire_all()
    assert db.session.get(Member, member.id).phone == ""  # nothing written before confirming
    page.click("form[action$='/roster/confirm'] button[type=submit]")
    page.wait_for_selector(".flash-success")
    _fits(page)
    db.session.expire_all()
    assert db.session.get(Member, member.id).phone == "13700000000"
    assert page.console_errors == [] and page.foreign_requests == []
