"""The sources' rules (core/rules.py): thresholds from configuration and their boundaries."""

from datetime import timedelta

import pytest
from sqlalchemy import delete

from core import rules
from core.extensions import db
from core.models import Assignment, Member, Visit, VisitKind


def _visit(world, farm, days_ago):
    """A visit of the world's team to ``farm`` ``days_ago`` days before today (local date)."""
    db.session.add(
        Visit(
            team=world.team,
            farm=farm,
            kind=VisitKind.TECHNICAL_TRAINING,
            visited_on=rules.today() - timedelta(days=days_ago),
        )
    )
    db.session.commit()


def test_thresholds_come_from_configuration(app, monkeypatch):
    assert rules.thresholds() == {
        "min_team_size": 10,
        "farms_min": 1,
        "farms_max": 2,
        "stale_farm_days": 90,
    }
    monkeypatch.setitem(app.config, "MIN_TEAM_SIZE", 12)
    monkeypatch.setitem(app.config, "FARMS_PER_MEMBER_MAX", 3)
    monkeypatch.setitem(app.config, "STALE_FARM_DAYS", 30)
    assert rules.thresholds() == {
        "min_team_size": 12,
        "farms_min": 1,
        "farms_max": 3,
        "stale_farm_days": 30,
    }


def test_ten_members_is_enough_and_nine_is_flagged(world):
    nine = world.make_team(world.village, "九人队", size=9)
    db.session.commit()
    flags = rules.team_flags([world.team.id, nine.id])
    assert flags[world.team.id].size == 10 and not flags[world.team.id].undersized
    assert flags[nine.id].size == 9 and flags[nine.id].undersized


def test_team_size_threshold_is_configurable(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "MIN_TEAM_SIZE", 11)
    assert rules.team_flags([world.team.id])[world.team.id].undersized


def test_soft_deleted_members_do_not_count(world):
    member = world.team_members(world.team)[0]
    member.soft_delete()
    db.session.commit()
    assert rules.member_counts([world.team.id]) == {world.team.id: 9}
    assert rules.team_flags([world.team.id])[world.team.id].undersized


@pytest.mark.parametrize(("count", "flag"), [(0, "none"), (1, None), (2, None), (3, "too_many")])
def test_farm_count_boundaries(app, count, flag):
    assert rules.farm_count_flag(count) == flag


def test_members_with_none_or_three_farms_are_flagged(world):
    members = world.team_members(world.team)
    extra = [world.make_farm(world.village, f"农场{i}") for i in range(3)]
    zero, one, two, three = members[0], members[1], members[2], members[3]
    db.session.execute(delete(Assignment).where(Assignment.member_id == zero.id))
    db.session.add_all(
        [Assignment(member=two, farm=extra[0])]
        + [Assignment(member=three, farm=f) for f in extra[:2]]
    )
    db.session.commit()
    counts = rules.farm_counts([zero.id, one.id, two.id, three.id])
    assert counts == {zero.id: 0, one.id: 1, two.id: 2, three.id: 3}
    flags = rules.team_flags([world.team.id])[world.team.id]
    assert flags.members_without_farms == [zero.id]
    assert flags.members_over_limit == [three.id]


def test_soft_deleted_farms_do_not_count_for_members(world):
    member = world.team_members(world.team)[0]
    world.farm.soft_delete()
    db.session.commit()
    assert rules.farm_counts([member.id]) == {member.id: 0}


def test_ninety_days_is_fresh_and_ninety_one_is_stale(app):
    today = rules.today()
    assert not rules.is_stale(today - timedelta(days=90))
    assert rules.is_stale(today - timedelta(days=91))
    assert rules.is_stale(None)
    assert not rules.is_stale(today)


def test_staleness_is_measured_from_the_given_day(app, monkeypatch):
    day = rules.today() - timedelta(days=200)
    assert not rules.is_stale(day, on=day + timedelta(days=90))
    assert rules.is_stale(day, on=day + timedelta(days=91))
    monkeypatch.setitem(app.config, "STALE_FARM_DAYS", 7)
    assert rules.is_stale(day, on=day + timedelta(days=8))


def test_last_visits_are_the_latest_per_farm(world):
    _visit(world, world.farm, 100)
    _visit(world, world.farm, 5)
    last = rules.last_visits([world.farm.id, world.other_farm.id])
    assert last == {world.farm.id: rules.today() - timedelta(days=5), world.other_farm.id: None}


@pytest.mark.parametrize(("days_ago", "stale"), [(90, False), (91, True)])
def test_team_flags_list_stale_farms(world, days_ago, stale):
    _visit(world, world.farm, days_ago)
    flags = rules.team_flags([world.team.id])[world.team.id]
    assert flags.stale_farms == ([world.farm.id] if stale else [])


def test_a_deleted_visit_does_not_keep_a_farm_fresh(world):
    _visit(world, world.farm, 100)
    _visit(world, world.farm, 1)
    recent = db.session.scalars(
        Visit.__table__.select().where(Visit.farm_id == world.farm.id).order_by(Visit.id.desc())
    ).first()
    db.session.get(Visit, recent).soft_delete()
    db.session.commit()
    assert rules.team_flags([world.team.id])[world.team.id].stale_farms == [world.farm.id]


def test_pending_changes_are_seen_by_the_flags(world):
    db.session.add(
        Visit(
            team=world.team,
            farm=world.farm,
            kind=VisitKind.TECHNICAL_TRAINING,
            visited_on=rules.today(),
        )
    )  # not committed: the flags' read flushes it first, as an ORM query would
    assert rules.team_flags([world.team.id])[world.team.id].stale_farms == []


def test_a_never_visited_farm_is_stale(world):
    assert rules.team_flags([world.other_team.id])[world.other_team.id].stale_farms == [
        world.other_farm.id
    ]


def test_a_team_that_meets_every_rule_has_no_flags(world):
    _visit(world, world.farm, 1)
    flags = rules.team_flags([world.team.id])[world.team.id]
    assert flags.count == 0 and not flags.undersized


def test_no_ids_need_no_queries(app):
    assert rules.team_flags([]) == {}
    assert rules.member_counts([]) == {} and rules.farm_counts([]) == {}
    assert rules.last_visits([]) == {}


def test_a_member_without_a_team_is_ignored(world):
    loner = Member(name="散户")
    db.session.add(loner)
    db.session.commit()
    flags = rules.team_flags([world.team.id])[world.team.id]
    assert loner.id not in flags.members_without_farms
