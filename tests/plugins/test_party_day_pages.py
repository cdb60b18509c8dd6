"""Party day pages: leaders record their own village's, attendance is checked, the menu item,
the equipment survey, and pages that 404 while the plugin is disabled."""

import re
from datetime import date

import pytest
from party_day_support import PAGES, enable, form, make_day
from sqlalchemy import func, select

from core.extensions import db
from core.plugins.state import set_enabled
from plugins.party_day.models import Equipment, PartyDay


@pytest.fixture
def on(app, world):
    """The plugin enabled in the world, its users reading English."""
    enable(app)
    for user in (world.admin, world.reviewer, world.leader, world.other_leader, world.member):
        user.locale = "en"
    db.session.commit()
    return world


def _count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(PartyDay.id)))


def test_pages_404_while_disabled_and_the_menu_item_follows(app, world, client, login):
    login("leader")
    assert client.get(PAGES + "/").status_code == 404
    assert "/plugins/party_day/" not in client.get("/").get_data(as_text=True)
    enable(app)
    assert client.get(PAGES + "/").status_code == 200
    assert "/plugins/party_day/" in client.get("/").get_data(as_text=True)


def test_leader_records_a_party_day_for_own_village(on, client, login):
    login("leader")
    page = client.get(PAGES + "/new")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'value="梅子"' in text  # the farm's industry is suggested
    assert re.search(r'<input[^>]*id="branch_size"[^>]*value="10"', text)  # the team's members
    response = client.post(PAGES + "/new", data=form(on.village))
    assert response.status_code == 302
    row = db.session.scalar(select(PartyDay))
    assert (row.village_id, row.present, row.branch_size) == (on.village.id, 24, 31)
    assert row.held_on == date(2026, 4, 10) and row.expert_name == "南京农业大学 王教授"
    shown = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "梅子栽培管理新技术" in shown and "77%" in shown


def test_leader_may_not_record_for_another_village(on, client, login):
    login("leader")
    assert client.post(PAGES + "/new", data=form(on.other_village)).status_code == 403
    assert _count() == 0
    other = make_day(on.other_village, date(2026, 4, 2))
    assert client.get(f"{PAGES}/days/{other.id}").status_code == 403
    assert client.get(f"{PAGES}/days/{other.id}/edit").status_code == 403
    assert client.post(f"{PAGES}/days/{other.id}/delete").status_code == 403


def test_members_read_but_never_write(on, client, login):
    own = make_day(on.village, date(2026, 4, 2))
    login("member")
    assert client.get(f"{PAGES}/days/{own.id}").status_code == 200
    assert client.get(PAGES + "/new").status_code == 403
    assert client.post(f"{PAGES}/days/{own.id}/edit", data=form(on.village)).status_code == 403


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"present": "32"}, "present", "More members present than the branch has."),
        ({"present": "-1"}, "present", "Enter the party members present, 0 or more."),
        ({"branch_size": "0"}, "branch_size", "Enter the branch&#39;s party members"),
        ({"topic": " "}, "topic", "This field is required."),
        ({"held_on": "2999-01-01"}, "held_on", "The day may not be in the future."),
    ],
)
def test_bad_attendance_and_fields_are_refused_beside_the_field(
    on, client, login, overrides, field, message
):
    login("leader")
    response = client.post(PAGES + "/new", data=form(on.village, **overrides))
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert f'id="{field}-error"' in text and message in text
    assert _count() == 0


def test_leader_corrects_and_deletes_own_party_day(on, client, login):
    own = make_day(on.village, date(2026, 4, 2))
    login("leader")
    response = client.post(f"{PAGES}/days/{own.id}/edit", data=form(on.village, present="30"))
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(PartyDay, own.id).present == 30
    assert db.session.get(PartyDay, own.id).revision == 1
    assert client.post(f"{PAGES}/days/{own.id}/delete").status_code == 302
    assert _count() == 0  # hidden, kept for an admin to restore


def test_the_list_filters_and_names_this_quarters_missing_villages(on, client, login):
    make_day(on.village, date(2026, 4, 2))
    make_day(on.other_village, date(2026, 7, 2))
    login("admin")
    text = client.get(PAGES + "/").get_data(as_text=True)
    assert "2 party days" in text and "No party day yet in" in text
    text = client.get(PAGES + "/?from=2026-06-01&to=2026-09-30").get_data(as_text=True)
    assert "1 party day" in text and "傅家边村" in text
    text = client.get(f"{PAGES}/?area={on.township.id}").get_data(as_text=True)
    assert "1 party day" in text
    assert client.get(PAGES + "/?from=junk").status_code == 400


def test_equipment_shows_which_villages_need_help(on, client, login):
    login("leader")
    page = client.get(PAGES + "/equipment").get_data(as_text=True)
    assert "Not surveyed" in page and "傅家边村" not in page  # own village only
    response = client.post(
        f"{PAGES}/equipment/{on.village.id}", data={"has_computer": "y", "has_network": "y"}
    )
    assert response.status_code == 302
    row = db.session.scalar(select(Equipment))
    assert (row.has_computer, row.has_display, row.has_network) == (True, False, True)
    page = client.get(PAGES + "/equipment?lacking=1").get_data(as_text=True)
    assert "Lacks: projector or TV" in page
    assert client.post(f"{PAGES}/equipment/{on.other_village.id}", data={}).status_code == 403
    assert client.get(f"{PAGES}/equipment/{on.township.id}").status_code == 404


def test_reviewer_writes_inside_the_area_only(on, client, login):
    login("reviewer")
    assert client.post(PAGES + "/new", data=form(on.village)).status_code == 302
    assert client.post(PAGES + "/new", data=form(on.other_village)).status_code == 403
    assert _count() == 1


def test_disabled_plugin_keeps_its_data(app, on, client, login):
    make_day(on.village, date(2026, 4, 2))
    set_enabled(app, "party_day", False)
    login("admin")
    assert client.get(PAGES + "/").status_code == 404
    assert _count() == 1
