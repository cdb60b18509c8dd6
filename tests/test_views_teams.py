"""Team pages: what each role sees, rule flags, filters, paging, admin writes, 403s, soft delete."""

from datetime import timedelta

import flask_babel
import pytest
from babel.dates import format_date
from flask import url_for
from query_counter import count_queries
from sqlalchemy import func, select

from core import rules
from core.extensions import db
from core.models import Assignment, Member, Team, Visit, VisitKind
from core.services import FieldErrors
from core.services import teams as service


@pytest.fixture
def as_user(client, login):
    """Log the client in as ``username`` (after logging out) with the UI in English."""

    def _as(username):
        client.post("/logout")
        assert login(username).status_code == 302
        client.post("/lang/en", data={"next": "/"})
        flask_babel.refresh()  # the tests share one app context, where Babel caches the locale

    return _as


def html_of(client, url):
    """The page at ``url``, which must answer 200."""
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def url(app, endpoint, **values):
    """The path of ``endpoint`` (other helpers own visits and events: ask Flask, not a guess)."""
    with app.test_request_context():
        return url_for(endpoint, **values)


def get_queries(client, path):
    """How many SQL statements a GET of ``path`` runs."""
    db.session.expire_all()
    with count_queries() as statements:
        assert client.get(path).status_code == 200
    return len(statements)


def snapshot():
    """Every team, member and assignment row, read fresh from the database."""
    return (
        db.session.execute(
            select(
                Team.id, Team.name, Team.village_id, Team.leader_id, Team.notes, Team.deleted_at
            ).order_by(Team.id)
        ).all(),
        db.session.execute(
            select(
                Member.id,
                Member.name,
                Member.phone,
                Member.team_id,
                Member.is_expert,
                Member.deleted_at,
            ).order_by(Member.id)
        ).all(),
        db.session.execute(
            select(Assignment.id, Assignment.member_id, Assignment.farm_id).order_by(Assignment.id)
        ).all(),
    )


def visit(world, farm, days_ago, team=None):
    """A visit ``days_ago`` days before today (local date)."""
    row = Visit(
        team=team or world.team,
        farm=farm,
        kind=VisitKind.LECTURE,
        visited_on=rules.today() - timedelta(days=days_ago),
    )
    db.session.add(row)
    db.session.commit()
    return row


# --- who sees what ---------------------------------------------------------------------------


def test_admin_sees_every_team(client, as_user, world):
    as_user("admin")
    html = html_of(client, "/teams")
    assert world.team.name in html and world.other_team.name in html
    assert "New team" in html


def test_reviewer_sees_their_township_only(client, as_user, world):
    as_user("reviewer")
    html = html_of(client, "/teams")
    assert world.team.name in html and world.other_team.name not in html
    assert "New team" not in html
    assert client.get(f"/teams/{world.team.id}").status_code == 200
    assert client.get(f"/teams/{world.other_team.id}").status_code == 403


def test_reviewer_cannot_widen_the_scope_with_a_filter(client, as_user, world):
    as_user("reviewer")
    html = html_of(client, f"/teams?township={world.other_township.id}")
    assert world.other_team.name not in html


@pytest.mark.parametrize("username", ["leader", "member"])
def test_leader_and_member_see_only_their_team(client, as_user, world, username):
    as_user(username)
    html = html_of(client, "/teams")
    assert world.team.name in html and world.other_team.name not in html
    assert client.get(f"/teams/{world.other_team.id}").status_code == 403
    detail = html_of(client, f"/teams/{world.team.id}")
    assert "Edit team" not in detail and "Add a member" not in detail


def test_other_leader_sees_only_the_other_team(client, as_user, world):
    as_user("leader2")
    html = html_of(client, "/teams")
    assert world.other_team.name in html and world.team.name not in html
    assert client.get(f"/teams/{world.team.id}").status_code == 403


def test_pages_need_login(client, world):
    response = client.get("/teams")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_unknown_team_is_404(client, as_user, world):
    as_user("admin")
    assert client.get("/teams/999999").status_code == 404


# --- flags -----------------------------------------------------------------------------------


def _flagged_team(world):
    """A team of 8: one member with 3 farms, seven with none; every farm stale."""
    small = world.make_team(world.village, "八人服务队", size=8)
    members = world.team_members(small)
    farms = [world.make_farm(world.village, f"示范农场{i}") for i in range(3)]
    db.session.add_all(Assignment(member=members[0], farm=farm) for farm in farms)
    db.session.commit()
    return small, members, farms


def test_list_flags_small_team_farm_counts_and_stale_farms(client, as_user, world):
    small, _members, _farms = _flagged_team(world)
    visit(world, world.farm, 3)  # the world's team meets every rule
    as_user("admin")
    html = html_of(client, "/teams")
    assert "8 members (fewer than 10)" in html
    assert "7 members without a farm" in html
    assert "1 member with more than 2 farms" in html
    assert "3 farms not visited for 90 days" in html
    assert "Meets the rules" in html  # the world's team


def test_detail_flags_members_and_stale_farms_with_last_visit(app, client, as_user, world):
    small, members, farms = _flagged_team(world)
    old = visit(world, farms[0], 120, team=small)
    as_user("admin")
    html = html_of(client, f"/teams/{small.id}")
    assert "8 members (fewer than 10)" in html
    assert "3 farms (more than 2)" in html
    assert html.count("No farm assigned") == 7
    assert "Last visit: " + format_date(old.visited_on, "medium", locale="en") in html
    assert "Never visited" in html
    assert html.count('class="flag">Stale<') == 3


def test_ten_members_each_with_a_visited_farm_meet_the_rules(client, as_user, world):
    visit(world, world.farm, 90)
    as_user("leader")
    html = html_of(client, f"/teams/{world.team.id}")
    assert "The team meets the rules" in html
    assert "fewer than" not in html and "No farm assigned" not in html


def test_detail_shows_members_visits_and_upcoming_events(app, client, as_user, world):
    lead = db.session.get(Member, world.team.leader_id)
    lead.phone, lead.is_young_official, lead.is_expert = "138 0000 0000", True, True
    lead.speciality = "果树栽培"
    db.session.commit()
    done = world.make_visit()
    coming = world.make_event(title="梅子栽培讲座")
    world.make_event(days_ahead=-10, title="已结束的活动")
    as_user("member")
    html = html_of(client, f"/teams/{world.team.id}")
    assert lead.name in html and 'href="tel:13800000000"' in html
    assert "Young village official" in html and "Expert" in html and "果树栽培" in html
    assert "Party member" in html
    assert url(app, "visits.detail", visit_id=done.id) in html
    assert url(app, "events.detail", event_id=coming.id) in html
    assert "已结束的活动" not in html
    assert url(app, "farms.detail", farm_id=world.farm.id) in html


# --- filters, paging, query counts -----------------------------------------------------------


def test_filters_by_township_village_and_flags(client, as_user, world):
    visit(world, world.farm, 3)
    as_user("admin")
    html = html_of(client, f"/teams?township={world.township.id}")
    assert world.team.name in html and world.other_team.name not in html
    html = html_of(client, f"/teams?village={world.other_village.id}")
    assert world.other_team.name in html and world.team.name not in html
    html = html_of(client, "/teams?flagged=y")
    assert world.other_team.name in html and world.team.name not in html


def test_bad_filter_values_are_ignored(client, as_user, world):
    as_user("admin")
    html = html_of(client, "/teams?township=abc&village=999999&page=x")
    assert world.team.name in html and world.other_team.name in html


def test_list_is_paginated_and_the_pager_keeps_filters(app, client, as_user, world, monkeypatch):
    monkeypatch.setitem(app.config, "PAGE_SIZE", 1)
    as_user("admin")
    first = html_of(client, "/teams?flagged=y")
    second = html_of(client, "/teams?flagged=y&page=2")
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    assert "flagged=y" in first.split('rel="next"')[0].rsplit("<a", 1)[1]
    names = {world.team.name, world.other_team.name}
    assert {n for n in names if n in first} | {n for n in names if n in second} == names
    assert not {n for n in names if n in first} & {n for n in names if n in second}


def test_team_list_runs_the_same_queries_for_2_and_20_teams(client, as_user, world):
    as_user("admin")
    two = get_queries(client, "/teams")
    for i in range(18):
        team = world.make_team(world.village, f"测试服务队{i:02d}", size=3)
        db.session.add(Assignment(member=world.team_members(team)[0], farm=world.farm))
    visit(world, world.farm, 100)
    assert db.session.scalar(select(func.count()).select_from(Team)) == 20
    twenty = get_queries(client, "/teams")
    assert twenty == two
    assert get_queries(client, "/teams?flagged=y") == get_queries(client, "/teams?flagged=y")


def test_team_detail_query_count_does_not_grow_with_members(client, as_user, world):
    as_user("admin")
    before = get_queries(client, f"/teams/{world.team.id}")
    farms = [world.make_farm(world.village, f"农场{i}") for i in range(5)]
    for i in range(15):
        member = Member(name=f"新队员{i}", team=world.team)
        db.session.add_all([member, Assignment(member=member, farm=farms[i % 5])])
    db.session.commit()
    for farm in farms:
        visit(world, farm, 10)
    assert get_queries(client, f"/teams/{world.team.id}") == before


# --- admin writes: teams ---------------------------------------------------------------------


def test_admin_creates_a_team(client, as_user, world):
    as_user("admin")
    assert "Village" in html_of(client, "/teams/new")
    data = {"name": " 新建服务队 ", "village_id": world.village.id}
    response = client.post("/teams/new", data=data)
    assert response.status_code == 302
    team = db.session.execute(select(Team).where(Team.name == "新建服务队")).scalar_one()
    assert team.village_id == world.village.id and team.leader_id is None
    assert "新建服务队" in html_of(client, "/teams")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "village_id": "village"}, "Enter a name."),
        ({"name": "x", "village_id": ""}, "Choose a village."),
        ({"name": "x", "village_id": "township"}, "Choose a village."),
        ({"name": "x" * 121, "village_id": "village"}, "120"),
    ],
)
def test_bad_team_input_is_refused_and_changes_nothing(client, as_user, world, data, message):
    as_user("admin")
    ids = {"village": world.village.id, "township": world.township.id}
    data = {k: ids.get(v, v) for k, v in data.items()}
    before = snapshot()
    response = client.post("/teams/new", data=data)
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert snapshot() == before


def test_service_refuses_a_non_village_and_a_foreign_leader(world):
    with pytest.raises(FieldErrors) as exc:
        service.create_team(service.TeamInput("x", world.township.id))
    assert "village_id" in exc.value.errors
    foreign = world.team_members(world.other_team)[0]
    with pytest.raises(FieldErrors) as exc:
        service.update_team(world.team, service.TeamInput("x", world.village.id, foreign.id))
    assert set(exc.value.errors) == {"leader_id"}


def test_admin_edits_a_team_and_picks_a_leader_among_its_members(client, as_user, world):
    new_leader = world.team_members(world.team)[3]
    as_user("admin")
    form = html_of(client, f"/teams/{world.team.id}/edit")
    assert f'value="{new_leader.id}"' in form
    response = client.post(
        f"/teams/{world.team.id}/edit",
        data={
            "name": "戴家村党员科普服务队",
            "village_id": world.village.id,
            "leader_id": new_leader.id,
            "notes": "新备注",
        },
    )
    assert response.status_code == 302
    team = db.session.get(Team, world.team.id)
    assert (team.name, team.leader_id) == ("戴家村党员科普服务队", new_leader.id)
    assert team.notes == "新备注"


def test_a_leader_from_another_team_is_a_form_error(client, as_user, world):
    foreign = world.team_members(world.other_team)[0]
    as_user("admin")
    before = snapshot()
    response = client.post(
        f"/teams/{world.team.id}/edit",
        data={"name": "x", "village_id": world.village.id, "leader_id": foreign.id},
    )
    assert response.status_code == 200
    assert "Choose the leader among the team" in response.get_data(as_text=True)
    assert snapshot() == before


def test_soft_deleted_team_vanishes_and_its_visits_remain(client, as_user, world):
    done = world.make_visit()
    as_user("admin")
    assert "Delete" in html_of(client, f"/teams/{world.team.id}/delete")
    response = client.post(f"/teams/{world.team.id}/delete", follow_redirects=True)
    assert f"The team {world.team.name} was deleted." in response.get_data(as_text=True)
    assert world.team.name not in html_of(client, "/teams")
    assert client.get(f"/teams/{world.team.id}").status_code == 404
    assert client.get(f"/teams/{world.team.id}/edit").status_code == 404
    kept = db.session.get(Visit, done.id)
    assert kept.team_id == world.team.id and kept.team.is_deleted
    as_user("reviewer")
    assert client.get(f"/teams/{world.team.id}").status_code == 404


# --- admin writes: members -------------------------------------------------------------------


def test_admin_adds_edits_and_removes_a_member(client, as_user, world):
    as_user("admin")
    response = client.post(
        f"/teams/{world.team.id}/members/new",
        data={
            "name": "王新",
            "phone": "+86 139-0000-0000",
            "is_party_member": "y",
            "is_expert": "y",
            "speciality": "植保",
        },
    )
    assert response.status_code == 302
    member = db.session.execute(select(Member).where(Member.name == "王新")).scalar_one()
    assert (member.team_id, member.is_party_member, member.is_expert, member.is_young_official) == (
        world.team.id,
        True,
        True,
        False,
    )
    html = html_of(client, f"/teams/{world.team.id}")
    assert "王新" in html and "植保" in html
    response = client.post(
        f"/teams/{world.team.id}/members/{member.id}/edit",
        data={"name": "王新", "phone": "", "is_young_official": "y"},
    )
    assert response.status_code == 302
    member = db.session.get(Member, member.id)
    assert (member.is_party_member, member.is_young_official, member.phone) == (False, True, "")
    response = client.post(
        f"/teams/{world.team.id}/members/{member.id}/delete", follow_redirects=True
    )
    assert "王新 was removed from the team." in response.get_data(as_text=True)
    assert "王新" not in html_of(client, f"/teams/{world.team.id}")
    assert db.session.get(Member, member.id).is_deleted


def test_member_form_groups_the_flags_in_a_fieldset(client, as_user, world):
    as_user("admin")
    html = html_of(client, f"/teams/{world.team.id}/members/new")
    assert "<fieldset>" in html and "<legend>Roles</legend>" in html
    assert 'type="tel"' in html and '<label for="phone">' in html


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "phone": ""}, "Enter a name."),
        ({"name": "李四", "phone": "call me"}, "Use digits, spaces and + - ( ) only."),
        ({"name": "李四", "speciality": "x" * 121}, "120"),
    ],
)
def test_bad_member_input_is_refused_and_changes_nothing(client, as_user, world, data, message):
    member = world.team_members(world.team)[1]
    as_user("admin")
    before = snapshot()
    for path in (
        f"/teams/{world.team.id}/members/new",
        f"/teams/{world.team.id}/members/{member.id}/edit",
    ):
        response = client.post(path, data=data)
        assert response.status_code == 200
        assert message in response.get_data(as_text=True)
    assert snapshot() == before


def test_removed_member_stays_on_their_visits_and_a_removed_leader_leaves_the_team(
    client, as_user, world
):
    lead = db.session.get(Member, world.team.leader_id)
    done = world.make_visit(members_present=[lead])
    as_user("admin")
    assert client.post(f"/teams/{world.team.id}/members/{lead.id}/delete").status_code == 302
    assert db.session.get(Team, world.team.id).leader_id is None
    assert [m.id for m in db.session.get(Visit, done.id).members_present] == [lead.id]
    assert client.get(f"/teams/{world.team.id}/members/{lead.id}/edit").status_code == 404
    html = html_of(client, f"/teams/{world.team.id}")
    assert "No leader yet" in html and "9 members (fewer than 10)" in html


def test_a_member_of_another_team_is_404_through_this_team(client, as_user, world):
    foreign = world.team_members(world.other_team)[0]
    as_user("admin")
    assert client.get(f"/teams/{world.team.id}/members/{foreign.id}/edit").status_code == 404
    assert client.post(f"/teams/{world.team.id}/members/{foreign.id}/delete").status_code == 404


# --- admin writes: assignments ---------------------------------------------------------------


def test_a_third_farm_is_assigned_and_flagged(client, as_user, world):
    member = world.team_members(world.team)[2]
    farms = [world.make_farm(world.village, f"新农场{i}") for i in range(2)]
    db.session.commit()
    as_user("admin")
    picker = html_of(client, f"/teams/{world.team.id}/assignments/new?member_id={member.id}")
    assert f'<option selected value="{member.id}">' in picker
    for farm in farms:
        response = client.post(
            f"/teams/{world.team.id}/assignments/new",
            data={"member_id": member.id, "farm_id": farm.id, "since": "2026-03-01"},
        )
        assert response.status_code == 302
    assert rules.farm_counts([member.id]) == {member.id: 3}
    html = html_of(client, f"/teams/{world.team.id}")
    assert "3 farms (more than 2)" in html and "1 member with more than 2 farms" in html


def test_a_duplicate_assignment_is_a_form_error(client, as_user, world):
    member = world.team_members(world.team)[2]
    as_user("admin")
    before = snapshot()
    response = client.post(
        f"/teams/{world.team.id}/assignments/new",
        data={"member_id": member.id, "farm_id": world.farm.id},
    )
    assert response.status_code == 200
    assert f"{member.name} is already assigned to {world.farm.name}." in response.get_data(
        as_text=True
    )
    assert snapshot() == before


@pytest.mark.parametrize("field", ["member_id", "farm_id"])
def test_bad_assignment_choices_are_refused(client, as_user, world, field):
    as_user("admin")
    data = {"member_id": world.team_members(world.team)[0].id, "farm_id": world.farm.id}
    data[field] = {"member_id": world.team_members(world.other_team)[0].id, "farm_id": 999999}[
        field
    ]
    before = snapshot()
    response = client.post(f"/teams/{world.team.id}/assignments/new", data=data)
    assert response.status_code == 200
    assert "Choose a" in response.get_data(as_text=True)
    assert snapshot() == before


def test_admin_removes_an_assignment(client, as_user, world):
    member = world.team_members(world.team)[0]
    assignment = db.session.execute(
        select(Assignment).where(Assignment.member_id == member.id)
    ).scalar_one()
    assignment_id = assignment.id
    as_user("admin")
    path = f"/teams/{world.team.id}/assignments/{assignment_id}/delete"
    assert path in html_of(client, f"/teams/{world.team.id}")
    assert client.post(path).status_code == 302
    assert db.session.get(Assignment, assignment_id) is None
    assert "1 member without a farm" in html_of(client, "/teams")
    assert client.get(path).status_code == 405  # GET never writes
    assert (
        client.post(f"/teams/{world.other_team.id}/assignments/{assignment_id}/delete").status_code
        == 404
    )


def test_assignment_of_another_team_cannot_be_removed_through_this_team(client, as_user, world):
    foreign = db.session.execute(
        select(Assignment).join(Member).where(Member.team_id == world.other_team.id).limit(1)
    ).scalar_one()
    as_user("admin")
    assert client.post(f"/teams/{world.team.id}/assignments/{foreign.id}/delete").status_code == 404
    assert db.session.get(Assignment, foreign.id) is not None


# --- nobody but the admin writes -------------------------------------------------------------


def _writes(world):
    member = world.team_members(world.team)[1]
    assignment = db.session.execute(
        select(Assignment.id).where(Assignment.member_id == member.id)
    ).scalar_one()
    team = world.team.id
    edit = {"name": "改名", "village_id": world.village.id, "leader_id": member.id}
    return [
        ("get", "/teams/new", None),
        ("post", "/teams/new", {"name": "偷建", "village_id": world.village.id}),
        ("get", f"/teams/{team}/edit", None),
        ("post", f"/teams/{team}/edit", edit),
        ("get", f"/teams/{team}/delete", None),
        ("post", f"/teams/{team}/delete", {}),
        ("get", f"/teams/{team}/members/new", None),
        ("post", f"/teams/{team}/members/new", {"name": "偷加"}),
        ("post", f"/teams/{team}/members/{member.id}/edit", {"name": "改名", "is_expert": "y"}),
        ("post", f"/teams/{team}/members/{member.id}/delete", {}),
        ("get", f"/teams/{team}/assignments/new", None),
        (
            "post",
            f"/teams/{team}/assignments/new",
            {"member_id": member.id, "farm_id": world.other_farm.id},
        ),
        ("post", f"/teams/{team}/assignments/{assignment}/delete", {}),
    ]


@pytest.mark.parametrize("username", ["reviewer", "leader", "member", "leader2"])
def test_non_admins_get_403_on_every_write_and_nothing_changes(client, as_user, world, username):
    as_user(username)
    writes = _writes(world)
    before = snapshot()
    for method, path, data in writes:
        response = getattr(client, method)(path, data=data)
        assert response.status_code == 403, (method, path)
    assert snapshot() == before
