"""A hand-built review world on top of the conftest ``World``, with every expected number.

The review period is the year 2025 (reference day 2025-12-31, stale before 2025-10-02).

永阳镇 (the reviewer's township)
- 戴家村: team A (the world's team, 10 members each linked to 戴家梅子基地), plus a deleted member.
- 石湫村: team B, 3 members: one without farms, one with three, one with one (+ a deleted farm).
洪蓝镇: the world's other team, with one visit (outside the township).
Visits with photos in 2025: team A's of 10 March (two photos, one visit), team B's, the other
team's; team A's of 1 November has only a removed photo, and its 2024 one is out of the period.
"""

from datetime import UTC, date, datetime, timedelta

from core.extensions import db
from core.models import (
    AreaKind,
    Assignment,
    Event,
    EventStatus,
    Member,
    VenueKind,
    Visit,
    VisitKind,
    VisitPhoto,
)
from core.services.areas import add_area

START, END = date(2025, 1, 1), date(2025, 12, 31)
TZ_OFFSET = timedelta(hours=8)


def _at(day: date, hour: int = 9) -> datetime:
    """An aware instant at ``hour`` local time (Asia/Shanghai) on ``day``."""
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC) - TZ_OFFSET


class ReviewWorld:
    """The world plus a second village and team, farms, visits and events of 2024-2026."""

    def __init__(self, world):
        self.world = world
        w = world
        self.village_b = add_area("石湫村", AreaKind.VILLAGE, w.township)
        self.team_a = w.team
        self.team_b = w.make_team(self.village_b, "石湫村服务队", size=3)
        gone = Member(name="离队队员", team=self.team_a, deleted_at=datetime.now(UTC))
        db.session.add(gone)
        self.farm_a = w.farm
        self.farm2 = w.make_farm(self.village_b, "石湫草莓园")
        self.farm3 = w.make_farm(self.village_b, "石湫养猪场")
        self.farm4 = w.make_farm(self.village_b, "石湫茶园")
        self.farm_gone = w.make_farm(self.village_b, "已撤销基地")
        self.farm_gone.deleted_at = datetime.now(UTC)
        _none, many, one = w.team_members(self.team_b)
        for farm in (self.farm2, self.farm3, self.farm4):
            db.session.add(Assignment(member=many, farm=farm))
        db.session.add_all(
            [Assignment(member=one, farm=self.farm2), Assignment(member=one, farm=self.farm_gone)]
        )
        last_year = self.visit(
            self.team_a, self.farm_a, date(2024, 12, 31), VisitKind.LECTURE, 100, 50
        )
        march = self.visit(
            self.team_a, self.farm_a, date(2025, 3, 10), VisitKind.TECHNICAL_TRAINING, 20, 8
        )
        self.visit(self.team_a, self.farm_a, date(2025, 3, 20), VisitKind.LECTURE, 30, 10)
        november = self.visit(
            self.team_a, self.farm_a, date(2025, 11, 1), VisitKind.POLICY_STUDY, 5, 2
        )
        self.visit(self.team_a, self.farm2, date(2025, 6, 1), VisitKind.PARTY_EDUCATION, 4, 1)
        self.visit(self.team_a, self.farm_a, date(2026, 1, 5), VisitKind.LECTURE, 60, 30)
        b = self.visit(self.team_b, self.farm3, date(2025, 2, 1), VisitKind.ONSITE_GUIDANCE, 7, 3)
        other = self.visit(w.other_team, w.other_farm, date(2025, 4, 1), VisitKind.LECTURE, 99, 40)
        for visit in (last_year, march, march, november, b, other):
            visit.photos.append(VisitPhoto(filename="x.jpg", media_type="image/jpeg", size=1))
        november.photos[0].deleted_at = datetime.now(UTC)
        self.sep = self.event(
            "科普日讲座", [self.team_a], date(2025, 9, 20), VenueKind.VILLAGE, w.campaign
        )
        self.event(
            "取消的讲座",
            [self.team_a],
            date(2025, 5, 10),
            VenueKind.VILLAGE,
            w.campaign,
            status=EventStatus.CANCELLED,
        )
        self.shared = self.event(
            "进学校", [self.team_a, self.team_b], date(2025, 5, 5), VenueKind.SCHOOL, None
        )
        self.event("去年的活动", [self.team_a], date(2024, 6, 1), VenueKind.SCHOOL, None)
        self.event("洪蓝活动", [w.other_team], date(2025, 7, 1), VenueKind.ENTERPRISE, None)
        db.session.commit()

    @staticmethod
    def visit(team, farm, day, kind, people, households) -> Visit:
        """Add a visit."""
        visit = Visit(
            team=team,
            farm=farm,
            visited_on=day,
            kind=kind,
            people_reached=people,
            households_reached=households,
        )
        db.session.add(visit)
        return visit

    @staticmethod
    def event(title, teams, day, venue, campaign, status=EventStatus.SCHEDULED) -> Event:
        """Add an event of two hours at 09:00 local time on ``day``."""
        event = Event(
            title=title,
            venue_kind=venue,
            starts_at=_at(day),
            ends_at=_at(day, 11),
            campaign=campaign,
            area=teams[0].village,
            teams=teams,
            status=status,
        )
        db.session.add(event)
        return event
