"""The review's figures on a hand-built world: every number of every team and area."""

from datetime import date

import pytest
from review_world import END, START, ReviewWorld

from core.models import VisitKind
from core.review.figures import (
    events_by_campaign_and_venue,
    team_figures,
    visits_per_month,
)
from core.review.rollup import area_rollup


@pytest.fixture
def rw(world):
    return ReviewWorld(world)


def _kinds(**counts):
    return {k.value: counts.get(k.value, 0) for k in VisitKind}


def test_team_figures_of_the_township(rw):
    figures = team_figures(rw.world.township, START, END)
    assert list(figures) == [rw.team_a.id, rw.team_b.id]  # by name; the other township is out
    a, b = figures[rw.team_a.id], figures[rw.team_b.id]
    assert (a.team_name, a.area_id, a.area_name) == ("戴家村服务队", rw.world.village.id, "戴家村")
    assert (a.members, a.meets_min_size, a.members_without_farms, a.members_over_max) == (
        10,
        True,
        0,
        0,
    )
    assert (a.farms_assigned, a.farms_visited, a.farms_stale) == (1, 2, 0)
    assert a.visits_by_kind == _kinds(
        technical_training=1, lecture=1, policy_study=1, party_education=1
    )
    assert (a.visits, a.people_reached, a.households_reached) == (4, 59, 21)
    # two photos of one visit count it once; a removed photo and last year's do not count
    assert (a.visits_with_photos, b.visits_with_photos) == (1, 1)
    assert a.events_held == 2  # the cancelled one and last year's are out
    assert a.last_activity == date(2025, 11, 1)  # the 2026 visit is after the period
    assert (b.members, b.meets_min_size, b.members_without_farms, b.members_over_max) == (
        3,
        False,
        1,
        1,
    )
    assert (b.farms_assigned, b.farms_visited, b.farms_stale) == (3, 1, 3)
    assert b.visits_by_kind == _kinds(onsite_guidance=1)
    assert (b.visits, b.people_reached, b.households_reached, b.events_held) == (1, 7, 3, 1)
    assert b.last_activity == date(2025, 5, 5)  # the shared event, after its visit


def test_stale_depends_on_the_reference_day(rw):
    a = team_figures(rw.world.township, date(2025, 1, 1), date(2025, 3, 31))[rw.team_a.id]
    assert a.farms_stale == 0  # visited on 20 March
    a = team_figures(rw.world.township, date(2025, 8, 1), date(2025, 8, 31))[rw.team_a.id]
    assert a.farms_stale == 1  # last visit 20 March is more than 90 days before 31 August
    assert (a.visits, a.farms_visited, a.last_activity) == (0, 0, date(2025, 6, 1))


def test_village_and_empty_areas(rw):
    only = team_figures(rw.village_b, START, END)
    assert list(only) == [rw.team_b.id]
    assert (
        team_figures(rw.world.township, date(2023, 1, 1), date(2023, 1, 31))[
            rw.team_a.id
        ].last_activity
        is None
    )


def test_rollup_per_child_area_and_total(rw):
    area = rw.world.township
    rows = area_rollup(area, START, END, team_figures(area, START, END))
    dai, shi, total = rows
    assert [r.area_name for r in rows] == ["戴家村", "石湫村", "永阳镇"] and total.total
    assert (dai.teams, dai.teams_meeting_min, dai.members, dai.farms, dai.farms_covered) == (
        1,
        1,
        10,
        1,
        1,
    )
    assert (dai.farms_assigned, dai.farms_visited, dai.farms_stale, dai.events_held) == (1, 2, 0, 2)
    assert (
        shi.teams,
        shi.teams_meeting_min,
        shi.members,
        shi.members_without_farms,
        shi.members_over_max,
    ) == (1, 0, 3, 1, 1)
    assert (
        shi.farms,
        shi.farms_covered,
        shi.farms_assigned,
        shi.farms_visited,
        shi.farms_stale,
        shi.events_held,
    ) == (3, 2, 3, 1, 3, 1)
    assert (
        total.teams,
        total.teams_meeting_min,
        total.members,
        total.members_without_farms,
        total.members_over_max,
    ) == (2, 1, 13, 1, 1)
    assert (
        total.farms,
        total.farms_covered,
        total.farms_assigned,
        total.farms_visited,
        total.farms_stale,
    ) == (4, 3, 4, 3, 3)
    assert total.events_held == 2  # the event both teams organised counts once
    assert (total.visits, total.people_reached, total.households_reached) == (5, 66, 24)
    assert (dai.visits_with_photos, shi.visits_with_photos, total.visits_with_photos) == (1, 1, 2)
    assert total.visits_by_kind == _kinds(
        technical_training=1, lecture=1, policy_study=1, party_education=1, onsite_guidance=1
    )
    assert total.last_activity == date(2025, 11, 1)
    assert total.coverage == 0.75 and shi.coverage == pytest.approx(2 / 3)


def test_rollup_of_the_county(rw):
    county = rw.world.county
    rows = area_rollup(county, START, END, team_figures(county, START, END))
    assert [(r.area_name, r.teams, r.visits, r.events_held) for r in rows] == [
        ("永阳镇", 2, 5, 2),
        ("洪蓝镇", 1, 1, 1),
        ("测试县", 3, 6, 3),
    ]
    assert [r.visits_with_photos for r in rows] == [2, 1, 3]


def test_events_and_months(rw):
    counts = events_by_campaign_and_venue(rw.world.township, START, END)
    assert {(c.campaign_name, c.venue_kind, c.events) for c in counts} == {
        ("2026年全国科普日", "village", 1),
        ("", "school", 1),
    }
    months = visits_per_month(rw.world.township, START, END)
    assert months == {
        (2025, 2): {"onsite_guidance": 1},
        (2025, 3): {"technical_training": 1, "lecture": 1},
        (2025, 6): {"party_education": 1},
        (2025, 11): {"policy_study": 1},
    }
