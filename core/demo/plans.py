"""The demo's visit plans: a few weeks of visits planned ahead, most by the demo leader's team.

The demo leader's team gets four upcoming plans (one of them cancelled) and one plan already
turned into its visit (its latest one); a dozen other teams get one or two upcoming plans.
"""

import uuid
from datetime import time, timedelta

from sqlalchemy import select

from core.demo import names as N
from core.demo.common import VillageInfo, bulk_insert, bulk_link
from core.extensions import db
from core.models import PlanStatus, Visit, VisitKind, VisitPlan, visit_members, visit_plan_members

#: start times a plan may have; None is a whole-day plan
START_TIMES = (None, time(8, 30), time(9, 0), time(14, 0), time(14, 30))
#: how many other teams (besides the demo leader's) have plans
OTHER_TEAMS = 12


class PlanMixin:
    """Visit plans of a ``DemoBuilder`` (uses its generator, villages, farms and users)."""

    def build_plans(self) -> int:
        """Upcoming plans for the home team and a dozen others, one cancelled, one done."""
        rng = self.rng
        home = self.home()
        others = rng.sample([v for v in self.villages if v.team_id and v is not home], OTHER_TEAMS)
        rows: list[dict] = []
        expected: list[list[int]] = []
        for village in [home, *others]:
            for _ in range(4 if village is home else rng.randint(1, 2)):
                plan, members = self._plan(village, self.today + timedelta(days=rng.randint(1, 21)))
                rows.append(plan)
                expected.append(members)
        rows[1].update(status=PlanStatus.CANCELLED, revision=1)  # one of the home team's
        done = self._done_plan(home)
        if done is not None:
            rows.append(done[0])
            expected.append(done[1])
        ids = bulk_insert(VisitPlan, rows)
        links = [
            {"plan_id": plan_id, "member_id": member_id}
            for plan_id, members in zip(ids, expected, strict=True)
            for member_id in members
        ]
        bulk_link(visit_plan_members, links)
        self.counts.update(visit_plans=len(ids))
        return len(ids)

    def _plan(self, village: VillageInfo, day) -> tuple[dict, list[int]]:
        """One upcoming plan of ``village``'s team at one of its farms, and the members
        expected (those linked to the farm, and sometimes the leader)."""
        rng = self.rng
        farm_id = rng.choice(sorted(self.farms_of_team[village.team_id]))
        farm = next(f for f in village.farms if f["id"] == farm_id)
        kind = rng.choice([None, *VisitKind])
        if kind in (VisitKind.PARTY_EDUCATION, VisitKind.POLICY_STUDY):
            topic = rng.choice(
                N.PARTY_TOPICS if kind == VisitKind.PARTY_EDUCATION else N.POLICY_TOPICS
            )
        else:
            topic = rng.choice(N.INDUSTRIES[farm["industry"]]["topics"])
        linked = [m["id"] for m in village.members if farm_id in m["farms"]]
        members = rng.sample(linked, min(len(linked), rng.randint(1, 3)))
        if rng.random() < 0.5:
            members.append(village.members[0]["id"])
        created = self.stamp(self.today - timedelta(days=rng.randint(1, 6)), 19)
        home = village is self.home()
        return {
            "uid": self._plan_uid(),
            "team_id": village.team_id,
            "farm_id": farm_id,
            "planned_on": day,
            "start_time": rng.choice(START_TIMES),
            "kind": kind,
            "topic": topic,
            "status": PlanStatus.PLANNED,
            "revision": 0,
            "visit_id": None,
            "created_by_id": self.user_ids.get("leader") if home else None,
            "created_at": created,
            "updated_at": created,
        }, sorted(set(members))

    def _done_plan(self, village: VillageInfo) -> tuple[dict, list[int]] | None:
        """A plan already turned into the team's latest visit (as the plan pages do it)."""
        visit = db.session.execute(
            select(Visit.id, Visit.farm_id, Visit.visited_on, Visit.kind, Visit.topics)
            .where(Visit.team_id == village.team_id)
            .order_by(Visit.visited_on.desc(), Visit.id.desc())
            .limit(1)
        ).first()
        if visit is None:
            return None
        members = list(
            db.session.scalars(
                select(visit_members.c.member_id)
                .where(visit_members.c.visit_id == visit.id)
                .order_by(visit_members.c.member_id)
            )
        )
        created = self.stamp(visit.visited_on - timedelta(days=3), 19)
        return {
            "uid": self._plan_uid(),
            "team_id": village.team_id,
            "farm_id": visit.farm_id,
            "planned_on": visit.visited_on,
            "start_time": time(9, 0),
            "kind": visit.kind,
            "topic": visit.topics,
            "status": PlanStatus.DONE,
            "revision": 1,
            "visit_id": visit.id,
            "created_by_id": self.user_ids.get("leader"),
            "created_at": created,
            "updated_at": self.stamp(visit.visited_on, 20),
        }, members

    def _plan_uid(self) -> str:
        """A plan's calendar UID drawn from the seeded generator."""
        return f"plan-{uuid.UUID(int=self.rng.getrandbits(128), version=4)}@kepu"
