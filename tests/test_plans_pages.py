"""Visit plans: the pages, the plan-to-visit completion and the plans' calendar entries."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from core import rules
from core.extensions import db
from core.models import PlanStatus, Visit, VisitKind, VisitPlan
from core.services import Conflict
from core.services.plans import log_planned_visit, plan_entries
from core.services.visits import VisitInput


def _plans() -> int:
    return db.session.execute(select(func.count(VisitPlan.id))).scalar_one()


def _visits() -> int:
    return db.session.execute(select(func.count(Visit.id))).scalar_one()


def _day(days: int) -> date:
    return rules.today() + timedelta(days=days)


def make_plan(world, team=None, farm=None, days_ahead=3, **kw) -> VisitPlan:
    """A plan of ``team`` (default: the world's team) stored directly."""
    plan = VisitPlan(
        team=team or world.team,
        farm=farm or world.farm,
        planned_on=_day(days_ahead),
        topic=kw.pop("topic", "梅子冬季修剪"),
        kind=kw.pop("kind", VisitKind.TECHNICAL_TRAINING),
        **kw,
    )
    db.session.add(plan)
    db.session.commit()
    return plan


def _form(world, **overrides) -> dict:
    """A valid plan as the page posts it."""
    members = world.team_members(world.team)
    data = {
        "team_id": world.team.id,
        "farm_id": world.farm.id,
        "planned_on": _day(4).isoformat(),
        "start_time": "09:30",
        "kind": VisitKind.ONSITE_GUIDANCE.value,
        "topic": "梅子园冬季清园",
        "member_ids": [members[0].id, members[1].id],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def _visit_form(**overrides) -> dict:
    """The rest of a visit form sent from a plan's prefilled form."""
    data = {
        "visited_on": rules.today().isoformat(),
        "kind": VisitKind.ONSITE_GUIDANCE.value,
        "people_reached": "18",
        "households_reached": "6",
        "client_key": "plan-visit-key-0001",
    }
    data.update(overrides)
    return data


# --- planning -------------------------------------------------------------------------------


def test_leader_plans_a_visit(client, login, world):
    login("leader")
    page = client.get("/plans/new")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert world.farm.name in html and world.other_farm.name not in html
    assert f'min="{rules.today().isoformat()}"' in html and 'type="time"' in html
    assert world.team_members(world.team)[0].name in html
    response = client.post("/plans/new", data=_form(world))
    assert response.status_code == 302
    plan = db.session.execute(select(VisitPlan)).scalar_one()
    assert response.headers["Location"].endswith(f"/plans/{plan.id}")
    assert plan.team_id == world.team.id and plan.farm_id == world.farm.id
    assert plan.planned_on == _day(4) and plan.start_time == time(9, 30)
    assert plan.kind == VisitKind.ONSITE_GUIDANCE and plan.topic == "梅子园冬季清园"
    assert len(plan.members) == 2 and plan.created_by_id == world.leader.id
    assert plan.status == PlanStatus.PLANNED and plan.revision == 0
    assert plan.uid.startswith("plan-") and plan.uid.endswith("@kepu")
    detail = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "flash-success" in detail and "梅子园冬季清园" in detail
    assert f"/plans/{plan.id}/log" in detail and f"/plans/{plan.id}/edit" in detail


def test_a_plan_for_today_without_time_or_kind_is_fine(client, login, world):
    login("leader")
    data = _form(
        world, planned_on=rules.today().isoformat(), start_time="", kind="", member_ids=[], topic=""
    )
    assert client.post("/plans/new", data=data).status_code == 302
    plan = db.session.execute(select(VisitPlan)).scalar_one()
    assert plan.start_time is None and plan.kind is None and plan.members == []


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        (
            {"planned_on": "YESTERDAY"},
            "planned_on",
            "A visit cannot be planned for a day in the past.",
        ),
        ({"planned_on": ""}, "planned_on", "Enter the day of the visit."),
        ({"planned_on": "soon"}, "planned_on", "Not a valid date value"),
        ({"start_time": "25:99"}, "start_time", "Not a valid time value"),
        ({"farm_id": ""}, "farm_id", "Choose a farm from the list."),
        ({"farm_id": "999999"}, "farm_id", "Choose a farm from the list."),
        ({"farm_id": "OTHER_FARM"}, "farm_id", "Choose a farm from the list."),
        ({"member_ids": "OTHER_MEMBER"}, "member_ids", "is not a valid choice"),
        ({"kind": "picnic"}, "kind", "Not a valid choice"),
        ({"topic": "目" * 2001}, "topic", "Field cannot be longer than 2000 characters."),
    ],
)
def test_bad_plans_re_render_with_the_message_and_change_nothing(
    client, login, world, overrides, field, message
):
    refs = {
        "OTHER_FARM": world.other_farm.id,
        "YESTERDAY": _day(-1).isoformat(),
        "OTHER_MEMBER": [world.team_members(world.other_team)[0].id],
    }
    overrides = {k: refs.get(v, v) if isinstance(v, str) else v for k, v in overrides.items()}
    login("leader")
    client.post("/lang/en", data={"next": "/"})
    response = client.post("/plans/new", data=_form(world, **overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert message in html and f'id="{field}-error"' in html
    assert _plans() == 0


@pytest.mark.parametrize("username", ["member", "reviewer"])
def test_users_who_do_not_log_visits_do_not_plan_them(client, login, world, username):
    login(username)
    assert client.get("/plans/new").status_code == 403
    assert client.post("/plans/new", data=_form(world)).status_code == 403
    assert _plans() == 0


def test_a_leader_cannot_plan_for_another_team(client, login, world):
    login("leader2")
    assert client.post("/plans/new", data=_form(world)).status_code == 403
    assert _plans() == 0


def test_admin_chooses_the_team_first(client, login, world):
    login("admin")
    chooser = client.get("/plans/new")
    assert chooser.status_code == 200 and world.other_team.name in chooser.get_data(as_text=True)
    html = client.get(f"/plans/new?team={world.other_team.id}").get_data(as_text=True)
    assert world.team_members(world.other_team)[0].name in html
    data = _form(world, team_id=world.other_team.id, farm_id=world.other_farm.id, member_ids=[])
    assert client.post("/plans/new", data=data).status_code == 302
    assert db.session.execute(select(VisitPlan.team_id)).scalar_one() == world.other_team.id


# --- reading --------------------------------------------------------------------------------


def test_list_shows_upcoming_first_then_past_and_only_the_team(client, login, world):
    later = make_plan(world, days_ahead=10)
    soon = make_plan(world, days_ahead=1)
    past = make_plan(world, days_ahead=-5)
    hidden = make_plan(world, team=world.other_team, farm=world.other_farm)
    login("member")  # members read their team's plans
    html = client.get("/plans").get_data(as_text=True)
    assert html.index(f"/plans/{soon.id}") < html.index(f"/plans/{later.id}")
    assert html.index(f"/plans/{later.id}") < html.index(f"/plans/{past.id}")
    assert f"/plans/{hidden.id}" not in html
    assert "/plans/new" not in html
    assert client.get(f"/plans/{soon.id}").status_code == 200
    assert client.get(f"/plans/{hidden.id}").status_code == 403
    assert client.get("/plans/999999").status_code == 404


def test_list_filters_and_pages(client, login, world):
    near = make_plan(world, days_ahead=2)
    far = make_plan(world, days_ahead=20)
    cancelled = make_plan(world, days_ahead=3, status=PlanStatus.CANCELLED)
    other = make_plan(world, team=world.other_team, farm=world.other_farm)
    login("admin")
    html = client.get(f"/plans?date_to={_day(5).isoformat()}").get_data(as_text=True)
    assert f"/plans/{near.id}" in html and f"/plans/{far.id}" not in html
    html = client.get(f"/plans?date_from={_day(5).isoformat()}").get_data(as_text=True)
    assert f"/plans/{far.id}" in html and f"/plans/{near.id}" not in html
    html = client.get("/plans?status=cancelled").get_data(as_text=True)
    assert f"/plans/{cancelled.id}" in html and f"/plans/{near.id}" not in html
    html = client.get(f"/plans?team={world.other_team.id}").get_data(as_text=True)
    assert f"/plans/{other.id}" in html and f"/plans/{near.id}" not in html
    assert client.get("/plans?date_from=soon&status=maybe&team=x").status_code == 200
    for n in range(30):
        make_plan(world, days_ahead=n % 9)
    html = client.get("/plans").get_data(as_text=True)
    assert 'rel="next"' in html
    assert client.get("/plans?page=2").status_code == 200


def test_nav_and_home_show_the_teams_upcoming_plans(client, login, world):
    upcoming = make_plan(world, days_ahead=2, topic="春季施肥指导")
    cancelled = make_plan(world, days_ahead=3, status=PlanStatus.CANCELLED, topic="已取消的走访")
    past = make_plan(world, days_ahead=-2, topic="过去的走访")
    make_plan(world, team=world.other_team, farm=world.other_farm, topic="别队的走访")
    login("member")
    home = client.get("/").get_data(as_text=True)
    assert f"/plans/{upcoming.id}" in home and "春季施肥指导" in home
    for plan in (cancelled, past):
        assert f"/plans/{plan.id}" not in home
    assert "别队的走访" not in home
    assert 'href="/plans"' in home  # the list link under the section, not the menu
    assert 'href="/plans" aria-current' not in home
    client.post("/logout")
    login("leader")
    assert f"/plans/{upcoming.id}" in client.get("/").get_data(as_text=True)
    client.post("/logout")
    login("reviewer")  # no team: no plan section
    assert "/plans/" not in client.get("/").get_data(as_text=True)


# --- changing and cancelling ----------------------------------------------------------------


def test_leader_edits_a_plan_and_its_revision_rises(client, login, world):
    plan = make_plan(world, days_ahead=3)
    login("leader")
    page = client.get(f"/plans/{plan.id}/edit")
    assert page.status_code == 200 and "梅子冬季修剪" in page.get_data(as_text=True)
    response = client.post(
        f"/plans/{plan.id}/edit", data=_form(world, planned_on=_day(6).isoformat(), topic="改期")
    )
    assert response.status_code == 302
    db.session.refresh(plan)
    assert plan.planned_on == _day(6) and plan.topic == "改期" and plan.revision == 1


def test_an_overdue_plan_may_be_edited_but_not_moved_into_the_past(client, login, world):
    plan = make_plan(world, days_ahead=-2)
    login("leader")
    same_day = _form(world, planned_on=plan.planned_on.isoformat(), topic="补充说明")
    assert client.post(f"/plans/{plan.id}/edit", data=same_day).status_code == 302
    earlier = _form(world, planned_on=_day(-3).isoformat())
    response = client.post(f"/plans/{plan.id}/edit", data=earlier)
    assert response.status_code == 200 and 'id="planned_on-error"' in response.get_data(True)
    db.session.refresh(plan)
    assert plan.topic == "补充说明" and plan.planned_on == _day(-2)


def test_leader_cancels_a_plan(client, login, world):
    plan = make_plan(world)
    login("leader")
    assert client.get(f"/plans/{plan.id}/cancel").status_code == 405
    response = client.post(f"/plans/{plan.id}/cancel", follow_redirects=True)
    assert response.status_code == 200 and "flash-success" in response.get_data(as_text=True)
    db.session.refresh(plan)
    assert plan.status == PlanStatus.CANCELLED and plan.revision == 1
    html = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert f"/plans/{plan.id}/log" not in html and f"/plans/{plan.id}/cancel" not in html
    assert client.post(f"/plans/{plan.id}/cancel").status_code == 302  # twice: harmless
    db.session.refresh(plan)
    assert plan.revision == 1
    edit = client.get(f"/plans/{plan.id}/edit")
    assert edit.status_code == 302


@pytest.mark.parametrize("username", ["member", "reviewer", "leader2"])
def test_others_may_not_change_cancel_or_log(client, login, world, username):
    plan = make_plan(world)
    login(username)
    if username == "member":
        html = client.get(f"/plans/{plan.id}").get_data(as_text=True)
        assert f"/plans/{plan.id}/edit" not in html and f"/plans/{plan.id}/log" not in html
    assert client.get(f"/plans/{plan.id}/edit").status_code == 403
    assert client.post(f"/plans/{plan.id}/edit", data=_form(world)).status_code == 403
    assert client.post(f"/plans/{plan.id}/cancel").status_code == 403
    assert client.get(f"/plans/{plan.id}/log").status_code == 403
    data = {**_form(world), **_visit_form()}
    assert client.post(f"/plans/{plan.id}/log", data=data).status_code == 403
    db.session.refresh(plan)
    assert plan.status == PlanStatus.PLANNED and plan.revision == 0 and _visits() == 0


# --- from plan to visit ---------------------------------------------------------------------


def test_the_visit_form_of_a_plan_is_prefilled(client, login, world):
    members = world.team_members(world.team)
    plan = make_plan(
        world,
        days_ahead=2,
        members=[members[2]],
        kind=VisitKind.LECTURE,
        topic="梅子病虫害防治讲座",
    )
    login("leader")
    page = client.get(f"/plans/{plan.id}/log")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'<option selected value="{world.farm.id}">' in html
    assert 'checked id="kind-4" name="kind" required type="radio" value="lecture"' in html
    assert f'name="member_ids" type="checkbox" value="{members[2].id}"' in html
    checked = [
        line for line in html.splitlines() if 'name="member_ids"' in line and "checked" in line
    ]
    assert len(checked) == 1 and f'value="{members[2].id}"' in checked[0]
    assert "梅子病虫害防治讲座" in html
    assert f'value="{rules.today().isoformat()}"' in html  # a visit is never dated ahead
    assert f"/plans/{plan.id}" in html and 'name="client_key"' in html


def test_logging_the_visit_of_a_plan_marks_it_done_once(client, login, world):
    members = world.team_members(world.team)
    plan = make_plan(world, days_ahead=0, members=[members[0]])
    login("leader")
    data = {**_form(world, member_ids=[members[0].id, members[3].id]), **_visit_form()}
    response = client.post(f"/plans/{plan.id}/log", data=data)
    assert response.status_code == 302
    visit = db.session.execute(select(Visit)).scalar_one()
    assert response.headers["Location"].endswith(f"/visits/{visit.id}")
    db.session.refresh(plan)
    assert plan.status == PlanStatus.DONE and plan.visit_id == visit.id and plan.revision == 1
    assert visit.team_id == world.team.id and visit.people_reached == 18
    assert {m.id for m in visit.members_present} == {members[0].id, members[3].id}
    assert visit.logged_by_id == world.leader.id
    # the same form again (a double tap, the phone's outbox): one visit
    again = client.post(f"/plans/{plan.id}/log", data=data, follow_redirects=True)
    assert again.status_code == 200 and "flash-info" in again.get_data(as_text=True)
    # another form for the same plan: refused, the plan gives one visit
    other = {**data, "client_key": "plan-visit-key-0002"}
    response = client.post(f"/plans/{plan.id}/log", data=other, follow_redirects=True)
    assert "flash-info" in response.get_data(as_text=True)
    assert client.get(f"/plans/{plan.id}/log").status_code == 302
    assert _visits() == 1
    detail = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert f"/visits/{visit.id}" in detail and f"/plans/{plan.id}/edit" not in detail
    assert client.get(f"/plans/{plan.id}/edit").status_code == 302
    assert client.post(f"/plans/{plan.id}/cancel").status_code == 302
    db.session.refresh(plan)
    assert plan.status == PlanStatus.DONE


def test_a_bad_visit_from_a_plan_changes_nothing(client, login, world):
    plan = make_plan(world)
    login("leader")
    future = (rules.today() + timedelta(days=1)).isoformat()
    data = {**_form(world), **_visit_form(visited_on=future)}
    response = client.post(f"/plans/{plan.id}/log", data=data)
    assert response.status_code == 200
    assert 'id="visited_on-error"' in response.get_data(as_text=True)
    data = {**_form(world, farm_id=world.other_farm.id), **_visit_form()}
    assert client.post(f"/plans/{plan.id}/log", data=data).status_code == 200
    db.session.refresh(plan)
    assert plan.status == PlanStatus.PLANNED and plan.visit_id is None and _visits() == 0


def test_a_cancelled_plan_gives_no_visit(client, login, world):
    plan = make_plan(world, status=PlanStatus.CANCELLED)
    login("leader")
    assert client.get(f"/plans/{plan.id}/log").status_code == 302
    data = {**_form(world), **_visit_form()}
    assert client.post(f"/plans/{plan.id}/log", data=data).status_code == 302
    assert _visits() == 0


def test_deleting_the_visit_reopens_its_plan(client, login, world):
    plan = make_plan(world, days_ahead=0)
    login("leader")
    client.post(f"/plans/{plan.id}/log", data={**_form(world), **_visit_form()})
    visit_id = db.session.execute(select(Visit.id)).scalar_one()
    assert client.post(f"/visits/{visit_id}/delete").status_code == 302
    db.session.refresh(plan)
    assert plan.status == PlanStatus.PLANNED and plan.visit_id is None and plan.revision == 2


def test_plan_pages_need_login(client, world):
    plan = make_plan(world)
    for url in ("/plans", "/plans/new", f"/plans/{plan.id}", f"/plans/{plan.id}/log"):
        assert client.get(url).status_code == 302


# --- calendar entries -----------------------------------------------------------------------


def test_plan_entries_of_the_users_team(app, world):
    whole_day = make_plan(world, days_ahead=2)
    timed = make_plan(world, days_ahead=3, start_time=time(14, 30))
    cancelled = make_plan(world, days_ahead=4, status=PlanStatus.CANCELLED)
    done = make_plan(world, days_ahead=-1, status=PlanStatus.DONE)
    make_plan(world, days_ahead=60)  # outside the range
    make_plan(world, team=world.other_team, farm=world.other_farm)
    entries = plan_entries(world.member, _day(-7), _day(30))
    by_uid = {entry.uid: entry for entry in entries}
    assert set(by_uid) == {whole_day.uid, timed.uid, cancelled.uid, done.uid}
    assert plan_entries(world.leader, _day(-7), _day(30)) == entries
    first = by_uid[whole_day.uid]
    assert first.all_day and first.start == _day(2) and first.end == _day(3)
    with force_locale("en"):
        (english,) = plan_entries(world.member, _day(2), _day(3))
    assert english.title == f"Visit: {world.farm.name}"
    assert "梅子冬季修剪" in first.description and world.team.name in first.description
    assert world.farm.name in first.location and first.categories
    assert first.sequence == 0 and not first.cancelled
    second = by_uid[timed.uid]
    assert not second.all_day and second.start.tzinfo is not None
    assert second.start.astimezone(world_zone(app)).time() == time(14, 30)
    assert second.end - second.start == timedelta(hours=2)
    assert by_uid[cancelled.uid].cancelled and not by_uid[done.uid].cancelled
    # admins and reviewers have no team: their personal feeds get no plans
    assert plan_entries(world.admin, _day(-7), _day(30)) == []
    assert plan_entries(world.reviewer, _day(-7), _day(30)) == []


def test_plan_entries_keep_their_uid_and_raise_their_sequence(app, world):
    plan = make_plan(world, days_ahead=5)
    (before,) = plan_entries(world.leader, _day(0), _day(10))
    plan.topic = "改为测土配方施肥"
    db.session.commit()
    (edited,) = plan_entries(world.leader, _day(0), _day(10))
    assert edited.uid == before.uid and edited.sequence == before.sequence + 1
    assert "测土配方" in edited.description
    plan.status = PlanStatus.CANCELLED
    db.session.commit()
    (cancelled,) = plan_entries(world.leader, _day(0), _day(10))
    assert cancelled.uid == before.uid and cancelled.cancelled
    assert cancelled.sequence == edited.sequence + 1


def test_plan_entries_touching_the_range(app, world):
    zone = world_zone(app)
    plan = make_plan(world, days_ahead=5, start_time=time(9, 0))
    start = datetime.combine(_day(5), time(10, 0), tzinfo=zone)
    assert [e.uid for e in plan_entries(world.leader, start, start + timedelta(hours=1))] == [
        plan.uid
    ]
    later = datetime.combine(_day(5), time(11, 0), tzinfo=zone)
    assert plan_entries(world.leader, later, later + timedelta(hours=1)) == []
    assert plan_entries(world.leader, _day(6), _day(8)) == []  # the end is exclusive
    assert len(plan_entries(world.leader, _day(5), _day(6))) == 1


def world_zone(app):
    """The configured time zone."""
    return ZoneInfo(app.config["TIMEZONE"])


def test_of_two_completions_racing_only_the_first_logs_a_visit(app, world):
    """The plan was completed elsewhere after this request loaded it: nothing is logged."""
    plan = make_plan(world, days_ahead=0)
    assert plan.status == PlanStatus.PLANNED  # loaded, as a request would have it
    with db.engine.begin() as conn:  # the other request commits first
        conn.execute(
            VisitPlan.__table__.update()
            .where(VisitPlan.__table__.c.id == plan.id)
            .values(status=PlanStatus.DONE.value)
        )
    data = VisitInput(
        team_id=None,
        farm_id=world.farm.id,
        visited_on=rules.today(),
        kind=VisitKind.LECTURE,
        people_reached=10,
    )
    with pytest.raises(Conflict):
        log_planned_visit(world.leader, plan, data)
    assert _visits() == 0
