"""A small hand-made township for the inspection, assessment, rectification and bulletin tests.

Today is fixed at ``TODAY`` (2026-11-20). 永阳镇 (the reviewer's township) has three teams:

- A: the world's team (戴家村), 10 members all linked to 戴家梅子基地; 3 visits in 2026, 30 people
  each (90 people);
- B: 石湫村, 10 members all linked to 石湫草莓园; 1 visit in 2026, 10 people;
- C: 石湫村, 8 members without any farm (too small, 8 members without a farm); no visit.

洪蓝镇 has the world's other team, outside the reviewer's area.
"""

from datetime import date

from core.extensions import db
from core.models import AreaKind, Assignment, Direction, RubricCriterion, Visit, VisitKind
from core.services.areas import add_area

TODAY = date(2026, 11, 20)
YEAR = 2026


class AssessmentWorld:
    """The conftest world plus teams B and C and the year's visits."""

    def __init__(self, world):
        self.world = w = world
        self.township = w.township
        self.team_a = w.team
        self.village_b = add_area("石湫村", AreaKind.VILLAGE, w.township)
        self.team_b = w.make_team(self.village_b, "石湫村服务队", size=10)
        self.team_c = w.make_team(self.village_b, "石湫村二队", size=8)
        self.farm_b = w.make_farm(self.village_b, "石湫草莓园")
        for member in w.team_members(self.team_b):
            db.session.add(Assignment(member=member, farm=self.farm_b))
        for day in (date(2026, 3, 1), date(2026, 5, 1), date(2026, 9, 1)):
            self.visit(self.team_a, w.farm, day, 30)
        self.visit(self.team_b, self.farm_b, date(2026, 4, 1), 10)
        self.visit(self.team_a, w.farm, date(2025, 6, 1), 500)  # another year: not counted
        db.session.commit()

    def visit(self, team, farm, day, people):
        """A technical training visit of ``team`` on ``day``."""
        db.session.add(
            Visit(
                team=team,
                farm=farm,
                visited_on=day,
                people_reached=people,
                households_reached=people // 3,
                kind=VisitKind.TECHNICAL_TRAINING,
            )
        )

    def simple_rubric(self):
        """visits ×50 (higher), rule breaks ×30 (lower), inspection results ×20 (by hand)."""
        db.session.execute(db.delete(RubricCriterion))
        rows = [
            RubricCriterion(
                name="走访次数", metric="visits", weight=50, direction=Direction.HIGHER, position=10
            ),
            RubricCriterion(
                name="违规情况",
                metric="rule_breaks",
                weight=30,
                direction=Direction.LOWER,
                position=20,
            ),
            RubricCriterion(
                name="督查结果", metric="manual", weight=20, direction=Direction.HIGHER, position=30
            ),
        ]
        db.session.add_all(rows)
        db.session.commit()
        return rows
