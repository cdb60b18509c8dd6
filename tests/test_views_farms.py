"""Farm pages: what each role sees, last visits and stale flags, filters, admin writes, 403s."""

from datetime import timedelta

import flask_babel
import pytest
from babel.dates import format_date
from flask import url_for
from query_counter import count_queries
from sqlalchemy import func, select

from core import rules
from core.extensions import db
from core.models import Assignment, Farm, FarmKind, Member, Visit, VisitKind


@pytest.fixture
def as_user(client, login):
    """Log the client in as ``username`` (after logging out) with the UI in English."""

    def _as(username):
        client.post("/logout")
        assert login(username).status_code == 302
        client.post("/lang/en", data={"next": "/"})
        flask_babel.refresh()  # the tests share one app context, where Babel caches the locale

    return _as


def html_of(client, path):
    """The page at ``path``, which must answer 200."""
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def get_queries(client, path):
    """How many SQL statements a GET of ``path`` runs."""
    db.session.expire_all()
    with count_queries() as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def snapshot():
    """Every farm row, read fresh from the database."""
    return db.session.execute(
        select(
            Farm.id,
            Farm.name,
            Farm.kind,
            Farm.village_id,
            Farm.industry,
            Farm.contact_phone,
            Farm.deleted_at,
        ).order_by(Farm.id)
    ).all()


def visit(world, farm, days_ago, team=None):
    """A visit ``days_ago`` days before today (local date)."""
    row = Visit(
        team=team or world.team,
        farm=farm,
        kind=VisitKind.ONSITE_GUIDANCE,
        visited_on=rules.today() - timedelta(days=days_ago),
        people_reached=7,
    )
    db.session.add(row)
    db.session.commit()
    return row


# --- who sees what ---------------------------------------------------------------------------


def test_admin_sees_every_farm(client, as_user, world):
    as_user("admin")
    html = html_of(client, "/farms")
    assert world.farm.name in html and world.other_farm.name in html and "New farm" in html


@pytest.mark.parametrize("username", ["reviewer", "leader", "member"])
def test_others_see_the_farms_of_their_township_or_team(client, as_user, world, username):
    as_user(username)
    html = html_of(client, "/farms")
    assert world.farm.name in html and world.other_farm.name not in html
    assert "New farm" not in html
    assert client.get(f"/farms/{world.farm.id}").status_code == 200
    assert client.get(f"/farms/{world.other_farm.id}").status_code == 403


def test_a_leader_also_sees_farms_assigned_outside_the_village(client, as_user, world):
    member = world.team_members(world.team)[0]
    db.session.add(Assignment(member=member, farm=world.other_farm))
    db.session.commit()
    as_user("leader")
    assert world.other_farm.name in html_of(client, "/farms")


def test_reviewer_cannot_widen_the_scope_with_a_filter(client, as_user, world):
    as_user("reviewer")
    html = html_of(client, f"/farms?village={world.other_village.id}")
    assert world.other_farm.name not in html


def test_unknown_farm_is_404_and_pages_need_login(client, as_user, world):
    assert client.get("/farms").status_code == 302
    as_user("admin")
    assert client.get("/farms/999999").status_code == 404


# --- list contents, filters, paging ----------------------------------------------------------


def test_list_shows_kind_village_members_last_visit_and_stale_flag(client, as_user, world):
    fresh = visit(world, world.farm, 90)
    as_user("admin")
    html = html_of(client, "/farms")
    assert "Industry base" in html and world.village.name in html and "梅子" in html
    row = html.split(world.farm.name, 1)[1].split("</tr>", 1)[0]
    assert "<td>10</td>" in row
    assert format_date(fresh.visited_on, "medium", locale="en") in row
    assert "Stale" not in row
    other_row = html.split(world.other_farm.name, 1)[1].split("</tr>", 1)[0]
    assert "Never" in other_row and "Stale" in other_row


def test_a_farm_visited_91_days_ago_is_stale(client, as_user, world):
    visit(world, world.farm, 91)
    as_user("admin")
    row = html_of(client, "/farms").split(world.farm.name, 1)[1].split("</tr>", 1)[0]
    assert "Stale" in row


def test_filters_kind_area_stale_and_search(client, as_user, world):
    grower = world.make_farm(world.village, "张家养猪场", kind=FarmKind.LARGE_GROWER)
    grower.industry = "生猪"
    db.session.commit()
    visit(world, world.farm, 3)
    as_user("admin")
    names = [world.farm.name, world.other_farm.name, grower.name]

    def shown(query):
        html = html_of(client, "/farms?" + query)
        return [n for n in names if n in html]

    assert shown("kind=large_grower") == [grower.name]
    assert shown(f"township={world.other_township.id}") == [world.other_farm.name]
    assert shown(f"village={world.village.id}") == [world.farm.name, grower.name]
    assert shown("stale=y") == [world.other_farm.name, grower.name]
    assert shown("q=生猪") == [grower.name]
    assert shown("q=草莓") == [world.other_farm.name]
    assert shown("q=%25") == []
    assert shown("kind=nonsense&township=x&village=999999&page=abc") == names


def test_list_is_paginated_and_the_pager_keeps_filters(app, client, as_user, world, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    as_user("admin")
    first = html_of(client, "/farms?stale=y&kind=industry_base")
    second = html_of(client, "/farms?stale=y&kind=industry_base&page=2")
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    next_link = first.split('rel="next"')[0].rsplit("<a", 1)[1]
    assert "stale=y" in next_link and "kind=industry_base" in next_link


def test_farm_list_runs_the_same_queries_for_2_and_20_farms(client, as_user, world):
    as_user("admin")
    two = get_queries(client, "/farms")
    members = world.team_members(world.team)
    for i in range(18):
        farm = world.make_farm(world.village if i % 2 else world.other_village, f"农场{i:02d}")
        db.session.add(Assignment(member=members[i % len(members)], farm=farm))
        if i % 3:
            db.session.add(
                Visit(
                    team=world.team,
                    farm=farm,
                    kind=VisitKind.LECTURE,
                    visited_on=rules.today() - timedelta(days=i * 10),
                )
            )
    db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(Farm)) == 20
    assert get_queries(client, "/farms") == two
    assert get_queries(client, "/farms?stale=y") == get_queries(client, "/farms?stale=y")


def test_farm_list_query_count_is_the_same_for_a_leader(client, as_user, world):
    as_user("leader")
    few = get_queries(client, "/farms")
    for i in range(10):
        world.make_farm(world.village, f"村内农场{i}")
    db.session.commit()
    assert get_queries(client, "/farms") == few


# --- detail ----------------------------------------------------------------------------------


def test_detail_shows_details_members_and_visits(app, client, as_user, world):
    world.farm.contact_name, world.farm.contact_phone = "戴老板", "025 5555 0000"
    db.session.commit()
    mine = visit(world, world.farm, 5)
    theirs = visit(world, world.farm, 4, team=world.other_team)
    as_user("admin")
    html = html_of(client, f"/farms/{world.farm.id}")
    assert "戴老板" in html and 'href="tel:02555550000"' in html
    assert html.count("队员") >= 10 and world.team.name in html
    with app.test_request_context():
        mine_url = url_for("visits.detail", visit_id=mine.id)
        theirs_url = url_for("visits.detail", visit_id=theirs.id)
    assert mine_url in html and theirs_url in html
    as_user("leader")
    html = html_of(client, f"/farms/{world.farm.id}")
    assert mine_url in html and theirs_url not in html  # visits of other teams stay private


def test_detail_hides_admin_buttons_from_others(client, as_user, world):
    as_user("reviewer")
    html = html_of(client, f"/farms/{world.farm.id}")
    assert "Edit farm" not in html and "Delete farm" not in html


# --- admin writes ----------------------------------------------------------------------------


def _data(world, **changes):
    data = {
        "name": "新农场",
        "kind": "leading_enterprise",
        "village_id": world.village.id,
        "industry": "草莓",
        "contact_name": "李经理",
        "contact_phone": "+86 138 0000 0000",
        "notes": "",
    }
    data.update(changes)
    return data


def test_admin_creates_edits_and_deletes_a_farm(client, as_user, world):
    as_user("admin")
    assert "<legend>Contact on site</legend>" in html_of(client, "/farms/new")
    assert client.post("/farms/new", data=_data(world)).status_code == 302
    farm = db.session.execute(select(Farm).where(Farm.name == "新农场")).scalar_one()
    assert (farm.kind, farm.village_id, farm.contact_phone) == (
        FarmKind.LEADING_ENTERPRISE,
        world.village.id,
        "+86 138 0000 0000",
    )
    edited = _data(world, name="新农场二期", kind="large_grower", village_id=world.other_village.id)
    assert client.post(f"/farms/{farm.id}/edit", data=edited).status_code == 302
    farm = db.session.get(Farm, farm.id)
    assert (farm.name, farm.kind, farm.village_id) == (
        "新农场二期",
        FarmKind.LARGE_GROWER,
        world.other_village.id,
    )
    assert "Delete" in html_of(client, f"/farms/{farm.id}/delete")
    response = client.post(f"/farms/{farm.id}/delete", follow_redirects=True)
    assert "was deleted" in response.get_data(as_text=True)
    assert db.session.get(Farm, farm.id).is_deleted


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": ""}, "Enter a name."),
        ({"kind": "castle"}, "Choose the kind of farm."),
        ({"kind": ""}, "Choose the kind of farm."),
        ({"village_id": "township"}, "Choose a village."),
        ({"village_id": ""}, "Choose a village."),
        ({"contact_phone": "ring ring"}, "Use digits, spaces and + - ( ) only."),
        ({"industry": "x" * 81}, "80"),
    ],
)
def test_bad_farm_input_is_refused_and_changes_nothing(client, as_user, world, changes, message):
    if changes.get("village_id") == "township":
        changes["village_id"] = world.township.id
    as_user("admin")
    before = snapshot()
    for path in ("/farms/new", f"/farms/{world.farm.id}/edit"):
        response = client.post(path, data=_data(world, **changes))
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert message in html and 'aria-invalid="true"' in html
    assert snapshot() == before


def test_soft_deleted_farm_vanishes_and_its_visits_remain(client, as_user, world):
    done = visit(world, world.farm, 5)
    as_user("admin")
    assert client.post(f"/farms/{world.farm.id}/delete", follow_redirects=True).status_code == 200
    assert world.farm.name not in html_of(client, "/farms")
    assert client.get(f"/farms/{world.farm.id}").status_code == 404
    assert client.get(f"/farms/{world.farm.id}/edit").status_code == 404
    assert world.farm.name not in html_of(client, f"/teams/{world.team.id}/assignments/new")
    assert db.session.get(Visit, done.id).farm_id == world.farm.id
    # the members assigned only to it now have no farm: flagged, not hidden
    assert "10 members without a farm" in html_of(client, "/teams")
    as_user("reviewer")
    assert client.get(f"/farms/{world.farm.id}").status_code == 404


def test_deleted_members_are_not_listed_on_the_farm(client, as_user, world):
    member = world.team_members(world.team)[0]
    member.soft_delete()
    db.session.commit()
    as_user("admin")
    html = html_of(client, f"/farms/{world.farm.id}")
    assert f">{member.name}<" not in html and f"{member.name}\n" not in html
    row = html_of(client, "/farms").split(world.farm.name, 1)[1].split("</tr>", 1)[0]
    assert "<td>9</td>" in row


@pytest.mark.parametrize("username", ["reviewer", "leader", "member", "leader2"])
def test_non_admins_get_403_on_every_write_and_nothing_changes(client, as_user, world, username):
    as_user(username)
    before = snapshot()
    farm = world.farm.id
    for method, path, data in [
        ("get", "/farms/new", None),
        ("post", "/farms/new", _data(world)),
        ("get", f"/farms/{farm}/edit", None),
        ("post", f"/farms/{farm}/edit", _data(world, name="改名")),
        ("get", f"/farms/{farm}/delete", None),
        ("post", f"/farms/{farm}/delete", {}),
    ]:
        assert getattr(client, method)(path, data=data).status_code == 403, (method, path)
    assert snapshot() == before
    assert db.session.scalar(select(func.count()).select_from(Member)) == 20
