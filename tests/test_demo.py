"""``kepu demo``: the demo county is complete, breaks the rules on purpose, and is reproducible."""

import hashlib
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text

from core import rules
from core.demo import DEMO_PASSWORD, demo_logins
from core.extensions import db
from core.models import (
    AnnualAssessment,
    Area,
    AreaKind,
    AssessmentStatus,
    Assignment,
    Bulletin,
    Campaign,
    CampaignKind,
    Event,
    EventStatus,
    Farm,
    FarmKind,
    Inspection,
    InspectionKind,
    Member,
    Outcome,
    PlanStatus,
    Rectification,
    RectificationStatus,
    Role,
    Team,
    User,
    VenueKind,
    Visit,
    VisitKind,
    VisitPlan,
)

TODAY = "2026-11-25"
DAY = date.fromisoformat(TODAY)
TZ = ZoneInfo("Asia/Shanghai")


def run_demo(runner, *args):
    result = runner.invoke(args=["demo", "--today", TODAY, *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def table_counts() -> dict[str, int]:
    return {
        t.name: db.session.scalar(select(func.count()).select_from(t))
        for t in db.metadata.sorted_tables
    }


#: JSON columns holding rubric criterion ids: how to rank them (confirmed assessments freeze
#: the rubric with its ids, and the scores per criterion id)
CRITERIA_IN_JSON = {
    ("assessments", "criteria_snapshot"): lambda value, ranks: [
        {**c, "id": ranks.get(c["id"])} for c in value
    ],
    ("assessment_results", "scores"): lambda value, ranks: sorted(
        ((ranks.get(int(k)), v) for k, v in value.items()), key=repr
    ),
}


def fingerprint() -> str:
    """A digest of every row of every table, ids replaced by their rank in their table.

    Ranks keep the comparison valid where ids do not restart (PostgreSQL sequences after
    DELETE), so references, the areas' materialized paths and the criterion ids inside the
    assessments' JSON are ranked too; timestamps of the run and salted password hashes are
    left out, and so is the audit trail (it records the run: when, which command) with the
    positions in it that confirmed results cite, and the random names stored photos get; a
    notification's link and key name the raw id of what they point to (a bulletin's), so
    only the rest of it counts. Who deleted a row is a user id (no foreign key): ranked too.
    """
    skip = {"created_at", "updated_at", "password_hash", "audit_position", "filename"}
    skip_in = {"notifications": {"url", "key"}}
    tables = [t for t in db.metadata.sorted_tables if t.name != "audit_events"]
    rank = {}
    for table in tables:
        if "id" in table.c and table.c.id.primary_key:
            ids = db.session.scalars(select(table.c.id).order_by(table.c.id))
            rank[table.name] = {value: n for n, value in enumerate(ids)}
    digest = hashlib.sha256()
    for table in tables:
        left_out = skip | skip_in.get(table.name, set())
        columns = [c for c in table.columns if c.name not in left_out]
        rows = db.session.execute(select(*columns).order_by(*table.primary_key.columns))
        for row in rows:
            values = []
            for column, value in zip(columns, row, strict=True):
                if column.foreign_keys and value is not None:
                    target = next(iter(column.foreign_keys)).column.table.name
                    value = ("ref", target, rank[target][value])
                elif column.name == "deleted_by_id" and value is not None:
                    value = ("ref", "users", rank["users"][value])
                elif column.name == "id" and table.name in rank:
                    value = ("id", rank[table.name][value])
                elif table.name == "areas" and column.name == "path":  # "/1/4/27/" holds ids
                    value = [rank["areas"][int(part)] for part in value.strip("/").split("/")]
                elif (table.name, column.name) in CRITERIA_IN_JSON:
                    value = CRITERIA_IN_JSON[table.name, column.name](
                        value, rank["assessment_criteria"]
                    )
                values.append(value)
            digest.update(repr((table.name, values)).encode())
    return digest.hexdigest()


def test_demo_builds_the_county_of_the_sources(runner):
    result = run_demo(runner)
    assert "[8/8]" in result.output and DEMO_PASSWORD in result.output

    kinds = dict(db.session.execute(select(Area.kind, func.count()).group_by(Area.kind)).all())
    assert kinds == {AreaKind.COUNTY: 1, AreaKind.TOWNSHIP: 8, AreaKind.VILLAGE: 92}
    villages = db.session.scalars(select(Area).where(Area.kind == AreaKind.VILLAGE)).all()
    assert all(v.name.endswith("村") and v.path == f"{v.parent.path}{v.id}/" for v in villages)
    assert len({v.name for v in villages}) == 92

    assert 85 <= count(Team) <= 91
    assert 900 <= count(Member) <= 2300
    assert 276 <= count(Farm) <= 552
    assert 2500 <= count(Visit) <= 8000
    assert {k for (k,) in db.session.execute(select(Farm.kind).distinct())} == set(FarmKind)
    assert {k for (k,) in db.session.execute(select(Visit.kind).distinct())} == set(VisitKind)
    assert {k for (k,) in db.session.execute(select(Event.venue_kind).distinct())} == set(VenueKind)

    # Every team led by one of its members; sizes 10–25 except the deliberate team of 8.
    teams = db.session.scalars(select(Team)).all()
    sizes = rules.member_counts([t.id for t in teams])
    assert sorted(sizes.values())[0] == 8 and sorted(sizes.values())[1] >= 10
    assert max(sizes.values()) <= 25
    for team in teams:
        assert db.session.get(Member, team.leader_id).team_id == team.id
    assert db.session.scalar(select(func.count()).where(Member.is_young_official)) >= 60
    assert db.session.scalar(select(func.count()).where(Member.speciality != "")) >= 30

    # A year of visits up to the given today.
    first, last = db.session.execute(
        select(func.min(Visit.visited_on), func.max(Visit.visited_on))
    ).one()
    assert last <= DAY and first >= DAY - timedelta(days=365)
    assert (
        db.session.scalar(
            select(func.count()).where(Visit.kind == VisitKind.LECTURE, Visit.material == "")
        )
        == 0
    )

    # This year's three campaigns, each with events at all five venues, plus upcoming events.
    campaigns = {c.kind: c for c in db.session.scalars(select(Campaign))}
    three = (CampaignKind.OUTREACH_MONTH, CampaignKind.ST_WEEK, CampaignKind.SCIENCE_DAY)
    assert set(three) <= set(campaigns)
    assert [campaigns[k].starts_on.month for k in three] == [3, 5, 9]
    for kind in three:
        campaign = campaigns[kind]
        assert campaign.year == 2026
        venues = set(
            db.session.scalars(select(Event.venue_kind).where(Event.campaign_id == campaign.id))
        )
        assert venues == set(VenueKind)
    now = datetime.combine(DAY, datetime.min.time(), tzinfo=TZ)
    upcoming = db.session.scalars(
        select(Event).where(
            Event.starts_at > now,
            Event.starts_at < now + timedelta(days=42),
            Event.status == EventStatus.SCHEDULED,
        )
    ).all()
    assert len(upcoming) >= 5
    assert (
        count(Event) > 0
        and db.session.scalar(select(func.count()).where(Event.status == EventStatus.CANCELLED))
        >= 2
    )
    events = db.session.scalars(select(Event)).all()
    assert all(e.teams and e.ends_at > e.starts_at and e.uid.endswith("@kepu") for e in events)

    # Visit plans: upcoming ones for several teams, one cancelled, one done with its visit.
    plans = db.session.scalars(select(VisitPlan)).all()
    statuses = [p.status for p in plans]
    assert statuses.count(PlanStatus.CANCELLED) == 1 and statuses.count(PlanStatus.DONE) == 1
    assert len({p.team_id for p in plans}) >= 10
    assert all(p.planned_on > DAY for p in plans if p.status == PlanStatus.PLANNED)
    done = next(p for p in plans if p.status == PlanStatus.DONE)
    assert done.visit.team_id == done.team_id and done.visit.plan is done


def test_demo_reviews_inspect_assess_and_follow_up(runner):
    run_demo(runner)
    users = {u.username: u for u in db.session.scalars(select(User))}
    inspections = db.session.scalars(select(Inspection).order_by(Inspection.id)).all()
    assert 15 <= len(inspections) <= 25
    assert {i.kind for i in inspections} == set(InspectionKind)
    assert {i.inspected_on.year for i in inspections} == {DAY.year - 1, DAY.year}
    assert all(i.inspected_on <= DAY and i.findings and not i.photos for i in inspections)
    assert {i.inspector_id for i in inspections} == {users["county"].id, users["township"].id}
    assert len({i.village.parent_id for i in inspections}) == 8
    assert any(i.team_id is None for i in inspections)

    # Last year's county assessment is confirmed, one proposal changed with its reason.
    confirmed = db.session.scalar(
        select(AnnualAssessment).where(AnnualAssessment.year == DAY.year - 1)
    )
    assert confirmed.status == AssessmentStatus.CONFIRMED
    assert confirmed.area_id == users["county"].area_id
    assert confirmed.confirmed_by_id == users["county"].id and confirmed.confirmed_at
    assert len(confirmed.results) == count(Team)
    changed = [r for r in confirmed.results if r.outcome != r.proposed]
    assert len(changed) == 1 and changed[0].reason
    criticised = {r.id for r in confirmed.results if r.outcome == Outcome.CRITICISE}
    assert criticised
    drafts = db.session.scalars(
        select(AnnualAssessment).where(AnnualAssessment.year == DAY.year)
    ).all()
    assert drafts and all(a.status == AssessmentStatus.DRAFT and a.manual_scores for a in drafts)

    # Rectification items: one per criticised team, and from findings; done, open, overdue.
    items = db.session.scalars(select(Rectification).order_by(Rectification.id)).all()
    assert {i.result_id for i in items if i.result_id} == criticised
    assert any(i.inspection_id for i in items)
    done = [i for i in items if i.status == RectificationStatus.DONE]
    still_open = [i for i in items if i.status == RectificationStatus.OPEN]
    assert done and all(i.done_note and i.done_on <= DAY for i in done)
    assert any(i.deadline >= DAY for i in still_open)
    assert any(i.deadline < DAY for i in still_open)
    bulletin = db.session.scalars(select(Bulletin)).one()
    assert (bulletin.starts_on, bulletin.ends_on) == (
        date(DAY.year - 1, 1, 1),
        date(DAY.year - 1, 12, 31),
    )
    assert bulletin.area_id == users["county"].area_id and bulletin.issued_on <= DAY


def test_demo_township_reviewer_sees_overdue_rectifications(runner, app):
    run_demo(runner)
    town = db.session.scalar(select(User).where(User.username == "township")).area
    overdue = db.session.scalars(
        select(Rectification)
        .join(Area, Area.id == Rectification.village_id)
        .where(
            Rectification.status == RectificationStatus.OPEN,
            Rectification.deadline < DAY,
            Area.path.startswith(town.path),
        )
        .order_by(Rectification.id)
    ).all()
    assert overdue
    client = app.test_client()
    with app.app_context():
        client.post("/login", data={"username": "township", "password": DEMO_PASSWORD})
    for url in ("/", "/inspections", "/assessments", "/rectifications"):
        with app.app_context():
            response = client.get(url)
        assert response.status_code == 200, url
        if url == "/":
            page = response.get_data(as_text=True)
            assert all(f"/rectifications/{item.id}" in page for item in overdue)


def test_demo_breaks_the_rules_on_purpose(runner):
    run_demo(runner)
    team_ids = db.session.scalars(select(Team.id)).all()
    flags = rules.team_flags(team_ids)
    assert [f.size for f in flags.values() if f.undersized] == [8]
    assert sum(len(f.members_without_farms) for f in flags.values()) >= 1
    over = [m for f in flags.values() for m in f.members_over_limit]
    assert over and 3 in rules.farm_counts(over).values()
    last = rules.last_visits(db.session.scalars(select(Farm.id)))
    never = [f for f, day in last.items() if day is None]
    long_ago = [f for f, day in last.items() if day and (DAY - day).days > 90]
    assert len(never) >= 3 and len(long_ago) >= 3
    assert sum(rules.is_stale(day, on=DAY) for day in last.values()) == len(never) + len(long_ago)


def test_demo_users_belong_where_the_readme_says(runner):
    run_demo(runner)
    users = {u.username: u for u in db.session.scalars(select(User))}
    assert {u for u, _, _ in demo_logins()} == set(users)
    for username, role, _ in demo_logins():
        assert users[username].role == Role(role)
        assert users[username].display_name and not users[username].display_name.isascii()
    assert users["county"].area.kind == AreaKind.COUNTY
    assert users["township"].area.name == "永阳镇"
    leader, member = users["leader"], users["member"]
    team = leader.team
    assert team.village.name == "戴家村" and team.village.parent.name == "永阳镇"
    assert team.leader_id == leader.member_id and member.team_id == team.id
    members = db.session.scalars(select(Member.id).where(Member.team_id == team.id)).all()
    assert len(members) >= 10
    farms = rules.farm_counts(members)
    assert all(1 <= n <= 2 for n in farms.values())
    villages = set(
        db.session.scalars(
            select(Farm.village_id).join(Assignment).where(Assignment.member_id.in_(members))
        )
    )
    assert villages == {team.village_id}
    assert db.session.scalar(select(func.count()).where(Visit.team_id == team.id)) >= 40


def _post_login(app, username: str, password: str):
    """Log in with a fresh client and a fresh app context (Flask-Login caches the user in g)."""
    client = app.test_client()
    with app.app_context():
        response = client.post("/login", data={"username": username, "password": password})
    with client.session_transaction() as session:
        return response, session.get("_user_id")


def test_demo_users_can_log_in(runner, app):
    run_demo(runner)
    ids = dict(db.session.execute(select(User.username, User.id)).all())
    for username, _, _ in demo_logins():
        response, user_id = _post_login(app, username, DEMO_PASSWORD)
        assert response.status_code == 302, username
        assert "/login" not in response.headers["Location"]
        assert user_id.split(":")[0] == str(ids[username])
    response, user_id = _post_login(app, "leader", "not-the-demo-password")
    assert response.status_code == 200 and user_id is None


def test_second_run_changes_nothing(runner):
    run_demo(runner)
    before = table_counts()
    result = run_demo(runner)
    assert "already present" in result.output
    assert table_counts() == before
    # the logins are named, but the password is printed only when the users are created
    assert "Demo logins: admin" in result.output and DEMO_PASSWORD not in result.output


def test_same_seed_same_data_other_seed_other_data_and_reset_rebuilds(runner):
    run_demo(runner)
    first = fingerprint()
    counts = table_counts()
    result = run_demo(runner, "--reset")
    assert "Deleted all rows" in result.output
    assert table_counts() == counts
    assert fingerprint() == first
    run_demo(runner, "--reset", "--seed", "7")
    assert fingerprint() != first
    assert count(Area) == 101


def test_reset_keeps_nothing_of_the_old_data(runner):
    run_demo(runner)
    db.session.add(Area(name="多余的镇", kind=AreaKind.TOWNSHIP, path="/x/"))
    db.session.commit()
    run_demo(runner, "--reset")
    assert db.session.scalar(select(func.count()).where(Area.name == "多余的镇")) == 0


def test_demo_keeps_existing_users(runner):
    admin = User(username="admin", role=Role.ADMIN, display_name="已有管理员")
    admin.set_password("something-else-1")
    db.session.add(admin)
    db.session.commit()
    result = run_demo(runner)
    assert "existing users kept" in result.output
    kept = db.session.scalar(select(User).where(User.username == "admin"))
    assert kept.display_name == "已有管理员" and kept.check_password("something-else-1")
    assert count(User) == 6


@pytest.mark.parametrize("bad", ["2026-13-01", "tomorrow"])
def test_bad_today_is_refused_without_building(runner, bad):
    result = runner.invoke(args=["demo", "--today", bad])
    assert result.exit_code == 2
    assert count(Area) == 0


def test_the_demo_leaves_postgresql_with_the_tables_statistics(runner):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the planner's statistics are PostgreSQL's")
    run_demo(runner)
    rows = db.session.scalar(text("SELECT reltuples FROM pg_class WHERE relname = 'visits'"))
    assert rows == count(Visit)  # ANALYZE read every row of so small a table
