"""The core's jobs: event reminders, stale farms and the weekly digest, each never twice."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from core.contracts import DigestSection
from core.extensions import db
from core.jobs.builtin import flag_stale_farms, remind_event_teams
from core.models import AreaKind, EventStatus, Notification, Role, VisitKind
from core.notify import digest
from core.notify.digest import compose, send_weekly_digests
from core.rules import today
from core.services.areas import add_area


def _inbox(user) -> list[Notification]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    )


@pytest.fixture
def english(world):
    """Every user of the world reads English."""
    for user in (world.admin, world.reviewer, world.leader, world.other_leader, world.member):
        user.locale = "en"
    db.session.commit()
    return world


def test_organising_teams_are_reminded_the_day_before_once_per_revision(english):
    world = english
    event = world.make_event(days_ahead=1, title="梅子栽培讲座")
    world.make_event(days_ahead=2, title="later")
    world.make_event(days_ahead=1, title="cancelled", status=EventStatus.CANCELLED)
    assert remind_event_teams() == 2  # the team's leader and member
    [note] = _inbox(world.member)
    assert note.subject == "Tomorrow: 梅子栽培讲座" and "戴家村村部" in note.body
    assert note.url == f"/events/{event.id}"
    assert _inbox(world.leader)[0].key == f"event-reminder:{event.id}:{event.revision}"
    assert _inbox(world.other_leader) == [] and _inbox(world.admin) == []
    assert remind_event_teams() == 0  # never twice for one revision
    event.place = "村文化广场"
    db.session.commit()  # an edit raises the revision: a new reminder may go out
    assert remind_event_teams() == 2
    assert "村文化广场" in _inbox(world.member)[-1].body
    assert remind_event_teams(today() + timedelta(days=5)) == 0  # nothing the day after that


def test_leaders_hear_of_stale_farms_once_per_staleness_period(english):
    world = english
    assert flag_stale_farms() == 2  # never visited: each team's leader, for its farm
    [note] = _inbox(world.leader)
    assert note.subject == "Farm not visited for 90 days: 戴家梅子基地"
    assert "never been visited" in note.body and note.url == f"/farms/{world.farm.id}"
    assert [n.subject for n in _inbox(world.other_leader)] == [
        "Farm not visited for 90 days: 傅家边草莓园"
    ]
    assert _inbox(world.member) == [] and _inbox(world.reviewer) == []
    assert flag_stale_farms() == 0  # the same period: not again
    visit = world.make_visit(days_ago=100)  # visited long ago: a new period, still stale
    assert flag_stale_farms() == 1
    assert visit.visited_on.isoformat() in _inbox(world.leader)[-1].body
    world.make_visit(days_ago=3)
    assert flag_stale_farms() == 0
    assert flag_stale_farms(date.today() + timedelta(days=200)) == 1  # stale again later


def test_the_weekly_digest_covers_the_reviewers_area_once_a_week(english):
    world = english
    world.make_visit(days_ago=2, kind=VisitKind.LECTURE, people_reached=30)
    world.make_visit(days_ago=3, people_reached=12)
    world.make_visit(team=world.other_team, farm=world.other_farm, days_ago=2)  # elsewhere
    world.make_visit(days_ago=20)  # before the week
    world.make_event(days_ahead=3, title="草莓种植讲座")
    world.make_event(team=world.other_team, days_ahead=3, title="elsewhere")
    for member in world.team_members(world.team)[:2]:
        member.soft_delete()  # the team drops below 10
    db.session.commit()
    assert send_weekly_digests() == 1  # the only reviewer with an area
    [note] = _inbox(world.reviewer)
    assert note.subject.startswith("Weekly digest")
    body = note.body
    assert "2 visits, 42 people reached" in body and "Lecture: 1" in body
    assert "戴家村服务队: 8 members (fewer than 10)" in body
    assert "草莓种植讲座" in body
    assert "傅家边村服务队" not in body and "elsewhere" not in body
    assert send_weekly_digests() == 0  # once a week
    assert send_weekly_digests(today() + timedelta(days=7)) == 1  # the next week


def test_a_reviewer_with_nothing_to_read_gets_no_digest(world):
    quiet = add_area("白马镇", AreaKind.TOWNSHIP, world.county)  # no teams, visits or events
    calm = world.make_user("reviewer2", Role.REVIEWER, area=quiet)
    nowhere = world.make_user("reviewer3", Role.REVIEWER)  # no area at all
    db.session.commit()
    start, end = digest.week_before(today())
    assert compose(calm, start, end) == []
    assert send_weekly_digests() == 1  # only the reviewer whose area has something
    assert _inbox(calm) == [] and _inbox(nowhere) == [] and len(_inbox(world.reviewer)) == 1


def test_digest_parts_can_be_added_and_a_broken_one_is_left_out(english, monkeypatch):
    world = english

    def overdue(user, start, end):
        return DigestSection("Overdue rectifications", (f"{user.username}: 1 overdue",))

    def broken(user, start, end):
        raise RuntimeError("part failed")

    monkeypatch.setattr(digest, "DIGEST_PARTS", [*digest.DIGEST_PARTS, broken, overdue])
    assert send_weekly_digests() == 1
    body = _inbox(world.reviewer)[0].body
    assert body.endswith("Overdue rectifications\n- reviewer: 1 overdue")
