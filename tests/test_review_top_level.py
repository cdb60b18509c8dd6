"""A top-level area's review keeps its own teams, also when another top-level area has some.

The review filters the visits of a top-level area differently (see
``core.review.figures.of_teams``): these tests put a second county beside the test county,
with a team whose visits must never count in the test county's figures, except in the
coverage of the test county's farms it visits.
"""

from datetime import date

import pytest
from review_world import END, START, ReviewWorld

from core.extensions import db
from core.models import AreaKind, Farm, FarmKind, Member, Team, Visit, VisitKind
from core.review.figures import team_figures, visits_per_month
from core.review.rollup import area_rollup
from core.services.areas import add_area


@pytest.fixture
def other_county(world):
    """A second county with a township, a village, a team of 3 and a farm; its team visits
    its own farm twice and one farm of the test county's township once, in 2025."""
    rw = ReviewWorld(world)
    county = add_area("邻县", AreaKind.COUNTY)
    township = add_area("邻镇", AreaKind.TOWNSHIP, county)
    village = add_area("邻村", AreaKind.VILLAGE, township)
    team = Team(name="邻村服务队", village=village)
    farm = Farm(name="邻村基地", kind=FarmKind.LARGE_GROWER, village=village)
    ours = db.session.scalars(
        db.select(Farm).where(Farm.village_id == world.village.id).order_by(Farm.id)
    ).first()
    db.session.add_all([team, farm, *(Member(name=f"邻员{i}", team=team) for i in range(3))])
    db.session.add_all(
        [
            Visit(
                team=team,
                farm=farm,
                visited_on=date(2025, 4, 1),
                kind=VisitKind.LECTURE,
                people_reached=100,
                households_reached=50,
            ),
            Visit(
                team=team,
                farm=farm,
                visited_on=date(2025, 4, 2),
                kind=VisitKind.LECTURE,
                people_reached=100,
                households_reached=50,
            ),
            Visit(
                team=team,
                farm=ours,
                visited_on=date(2025, 4, 3),
                kind=VisitKind.LECTURE,
                people_reached=100,
                households_reached=50,
            ),
        ]
    )
    db.session.commit()
    return rw, county, team


def test_the_other_county_does_not_count_in_ours(other_county):
    rw, county, team = other_county
    ours = team_figures(rw.world.county, START, END)
    assert team.id not in ours and len(ours) == 3
    rows = area_rollup(rw.world.county, START, END, ours)
    assert [(r.area_name, r.teams, r.visits, r.events_held) for r in rows] == [
        ("永阳镇", 2, 5, 2),
        ("洪蓝镇", 1, 1, 1),
        ("测试县", 3, 6, 3),
    ]
    township = rows[0]
    assert (township.farms, township.farms_covered, township.farms_visited) == (4, 3, 3)
    months = visits_per_month(rw.world.county, START, END)
    assert sum(n for month in months.values() for n in month.values()) == 6


def test_the_other_county_has_its_own_figures(other_county):
    rw, county, team = other_county
    figures = team_figures(county, START, END)
    assert list(figures) == [team.id]
    mine = figures[team.id]
    assert (mine.visits, mine.people_reached, mine.farms_visited, mine.members) == (3, 300, 2, 3)
    assert mine.last_activity == date(2025, 4, 3)
    total = area_rollup(county, START, END, figures)[-1]
    assert (total.teams, total.visits, total.farms, total.farms_covered, total.farms_visited) == (
        1,
        3,
        1,
        1,
        2,
    )
    assert visits_per_month(county, START, END) == {(2025, 4): {"lecture": 3}}
