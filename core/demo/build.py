"""Building the demo county: areas, teams, members, farms and users (activity in ``activity``).

Everything that shapes the data comes from one ``random.Random(seed)`` and the given ``today``,
so a seed and a day always give the same rows. Rows are written with bulk INSERTs, one per
table and level, inside a single transaction that the caller commits.
"""

import random
import uuid
from collections.abc import Callable
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update
from werkzeug.security import generate_password_hash

from core.audit.bulk import record_bulk
from core.audit.record import UPDATE
from core.demo import names as N
from core.demo.activity import ActivityMixin
from core.demo.common import HOME_TOWN, HOME_VILLAGE, VillageInfo, bulk_insert, local_time
from core.demo.plans import PlanMixin
from core.demo.reviews import ReviewMixin
from core.extensions import db
from core.models import AreaKind, Assignment, Farm, FarmKind, Member, Role, Team, User
from core.services.areas import add_area

#: (name of the user, role, what they see) — see ``core.demo.demo_logins``
USERS = (
    ("admin", Role.ADMIN, "系统管理员"),
    ("county", Role.REVIEWER, "周海燕"),
    ("township", Role.REVIEWER, "孙立新"),
    ("leader", Role.LEADER, ""),
    ("member", Role.MEMBER, ""),
    ("expert", Role.EXPERT, "刘春燕"),
)
#: people named in the sources, by village; the first of each leads the village's team
SOURCE_PEOPLE = {
    "戴家村": ("方光林", "毛火金"),
    "傅家边村": ("吴春明",),
    "沈家山村": ("魏广金", "罗召钦"),
    "三里亭村": ("李敏", "张才文", "黄同友"),
}


class DemoBuilder(ActivityMixin, PlanMixin, ReviewMixin):
    """Builds the demo county into the current session (no commit)."""

    def __init__(
        self, seed: int, today: date, zone: ZoneInfo, echo: Callable[..., None] | None = None
    ):
        self.rng = random.Random(seed)
        self.today = today
        self.zone = zone
        self.echo = echo or (lambda message, nl=True: None)
        self.villages: list[VillageInfo] = []
        self.towns: dict[str, int] = {}
        self.counts: dict[str, int] = {}
        self.user_ids: dict[str, int] = {}
        self._uids = 0

    # -- helpers -------------------------------------------------------------------------------

    def phone(self) -> str:
        """A fake mobile number: the 0000 middle block marks it as made up."""
        rng = self.rng
        return f"1{rng.choice('3589')}{rng.randint(0, 9)}0000{rng.randint(0, 9999):04d}"

    def person(self, young: bool = False) -> str:
        """A Chinese name: surname and given name."""
        surname = self.rng.choice(N.SURNAMES)
        if young:
            return surname + self.rng.choice(N.GIVEN_YOUNG)
        pool = N.GIVEN_MALE if self.rng.random() < 0.7 else N.GIVEN_FEMALE
        return surname + self.rng.choice(pool)

    def uid(self) -> str:
        """A calendar UID drawn from the seeded generator."""
        self._uids += 1
        return f"demo-{uuid.UUID(int=self.rng.getrandbits(128), version=4)}@kepu"

    def stamp(self, day: date, hour: int = 20) -> datetime:
        """An aware instant on ``day``, for created_at/updated_at of generated rows."""
        return local_time(day, hour, 0, self.zone)

    # -- steps ---------------------------------------------------------------------------------

    def steps(self) -> list[tuple[str, Callable[[], int]]]:
        """The build steps in order: (label, function returning the number of rows made)."""
        return [
            ("areas", self.build_areas),
            ("teams and members", self.build_teams),
            ("farms and assignments", self.build_farms),
            ("users", self.build_users),
            ("visits", self.build_visits),
            ("campaigns and events", self.build_events),
            ("visit plans", self.build_plans),
            ("inspections, assessments and rectifications", self.build_reviews),
        ]

    def build_areas(self) -> int:
        """The county, its 8 townships and 92 villages (materialized paths via ``add_area``)."""
        county = add_area(N.COUNTY, AreaKind.COUNTY)
        self.county_id = county.id
        fixed = {v for _, vs, _ in N.TOWNSHIPS.values() for v in vs}
        stems = [s for s in N.VILLAGE_STEMS if s + "村" not in fixed]
        self.rng.shuffle(stems)
        for town, (count, must, industries) in N.TOWNSHIPS.items():
            township = add_area(town, AreaKind.TOWNSHIP, county)
            self.towns[town] = township.id
            village_names = list(must) + [stems.pop() + "村" for _ in range(count - len(must))]
            for name in village_names:
                village = add_area(name, AreaKind.VILLAGE, township)
                self.villages.append(VillageInfo(village.id, name, town, township.id, industries))
        db.session.flush()
        self.counts.update(
            areas=1 + len(self.towns) + len(self.villages),
            townships=len(self.towns),
            villages=len(self.villages),
        )
        return self.counts["areas"]

    def home(self) -> VillageInfo:
        """The demo leader's village."""
        return next(v for v in self.villages if v.name == HOME_VILLAGE and v.town == HOME_TOWN)

    def build_teams(self) -> int:
        """A team in every village but two; one team of 8; the rest 10–25; leaders set."""
        rng = self.rng
        fixed = {v for _, vs, _ in N.TOWNSHIPS.values() for v in vs}
        ordinary = [v for v in self.villages if v.name not in fixed]
        picked = rng.sample(ordinary, 3)
        without_team, self.small_village = picked[:2], picked[2]
        staffed = [v for v in self.villages if v not in without_team]
        team_ids = bulk_insert(
            Team,
            [
                {
                    "name": f"{v.name}党员科普服务队",
                    "village_id": v.id,
                    "notes": (
                        "由村党总支书记任队长，队员定点联系特色产业基地、种养殖大户和农业龙头企业。"
                    ),
                }
                for v in staffed
            ],
        )
        rows: list[dict] = []
        for village, team_id in zip(staffed, team_ids, strict=True):
            village.team_id = team_id
            if village is self.small_village:
                size = 8
            elif village.name == "傅家边村":
                size = 25  # the plum-fruit party branch of the sources has 25 members
            elif village.name == HOME_VILLAGE:
                size = rng.randint(14, 18)
            else:
                size = int(rng.triangular(10, 25.99, 14))
            village.members = self._members(village, size)
            for m in village.members:
                m["team_id"] = team_id
            rows.extend(village.members)
        ids = bulk_insert(Member, rows)
        for row, member_id in zip(rows, ids, strict=True):
            row["id"] = member_id
        db.session.execute(
            update(Team), [{"id": v.team_id, "leader_id": v.members[0]["id"]} for v in staffed]
        )
        record_bulk(Team.__table__.name, team_ids, UPDATE, fields=["leader_id"])
        self.counts.update(teams=len(team_ids), members=len(ids))
        return len(ids)

    def _members(self, village: VillageInfo, size: int) -> list[dict]:
        """Member rows of one team; the first is the leader (a party member)."""
        rng = self.rng
        known = SOURCE_PEOPLE.get(village.name, ())
        specialities = [N.INDUSTRIES[i]["speciality"] for i in village.industries]
        has_young = rng.random() < 0.88 or village.name == HOME_VILLAGE
        young_at = rng.randint(1, size - 1) if has_young else 0
        experts = set(rng.sample(range(1, size), min(size - 1, rng.choice([0, 1, 1, 2, 2, 3]))))
        experts.discard(young_at)
        taken: set[str] = set()
        members = []
        for i in range(size):
            young = i == young_at and i > 0
            if i < len(known):
                name = known[i]
            else:
                name = self.person(young)
                while name in taken:
                    name = self.person(young)
            taken.add(name)
            expert = i in experts
            speciality = ""
            if expert:
                speciality = rng.choice(specialities + list(N.EXTRA_SPECIALITIES[:3]))
            elif young and rng.random() < 0.4:
                speciality = "农产品电商"
            members.append(
                {
                    "name": name,
                    "phone": self.phone(),
                    "is_party_member": True
                    if i == 0
                    else (rng.random() < 0.7 if young else rng.random() < 0.92),
                    "is_young_official": young,
                    "is_expert": expert,
                    "speciality": speciality,
                }
            )
        return members

    def build_farms(self) -> int:
        """3–6 farms of the three kinds per village; every member linked to 1–2 of them."""
        rng = self.rng
        rows: list[dict] = []
        enterprises: dict[str, int] = {}
        for village in self.villages:
            count = 6 if village.name == "傅家边村" else rng.randint(3, 6)
            kinds = [FarmKind.INDUSTRY_BASE, FarmKind.LARGE_GROWER] + rng.choices(
                list(FarmKind), weights=[3, 5, 2], k=count - 2
            )
            if village.name == "傅家边村":
                industries = ["梅子", "草莓", "石榴", "梅子", "草莓", "茶叶"]
            else:
                industries = rng.sample(village.industries, min(count, len(village.industries)))
                industries += rng.choices(village.industries, k=count - len(industries))
            names: set[str] = set()
            for kind, industry in zip(kinds, industries, strict=True):
                farm = self._farm(village, kind, industry, names)
                village.farms.append(farm)
                rows.append(farm)
                if kind == FarmKind.LEADING_ENTERPRISE:
                    enterprises[village.town] = enterprises.get(village.town, 0) + 1
        for town in self.towns:  # an enterprise in every township, for the events held there
            if not enterprises.get(town):
                farm = next(
                    f
                    for v in self.villages
                    if v.town == town
                    for f in v.farms
                    if f["kind"] == FarmKind.LARGE_GROWER
                )
                farm.update(
                    kind=FarmKind.LEADING_ENTERPRISE, name=self._enterprise_name(farm["industry"])
                )
        ids = bulk_insert(Farm, rows)
        for row, farm_id in zip(rows, ids, strict=True):
            row["id"] = farm_id
        assignments = self._assignments()
        bulk_insert(Assignment, assignments)
        self.counts.update(farms=len(ids), assignments=len(assignments))
        return len(ids)

    def _enterprise_name(self, industry: str) -> str:
        suffix = self.rng.choice(("农业发展有限公司", "生态农业有限公司", "农业科技有限公司"))
        return f"溧水{self.rng.choice(N.ENTERPRISE_STEMS)}{industry}{suffix}"

    def _farm(self, village: VillageInfo, kind: FarmKind, industry: str, names: set) -> dict:
        rng = self.rng
        facts = N.INDUSTRIES[industry]
        stem = village.name.removesuffix("村")
        for attempt in range(20):
            contact = self.person()
            if kind == FarmKind.INDUSTRY_BASE:
                name = stem + rng.choice(facts["base"])
                name += "" if attempt < 4 else f"（{attempt}区）"
            elif kind == FarmKind.LARGE_GROWER:
                name = contact + facts["grower"]
            else:
                name = self._enterprise_name(industry)
            if name not in names:
                break
        names.add(name)
        size = {
            FarmKind.LARGE_GROWER: 1,
            FarmKind.INDUSTRY_BASE: 3,
            FarmKind.LEADING_ENTERPRISE: 5,
        }[kind]
        if industry == "生猪":
            scale = f"存栏生猪约{rng.randint(2, 8) * size * 100}头"
        elif industry == "肉鸭":
            scale = f"年出栏肉鸭约{rng.randint(1, 6) * size}万羽"
        elif industry == "螃蟹":
            scale = f"养殖水面约{rng.randint(3, 12) * size * 10}亩"
        elif industry == "食用菌":
            scale = f"年产菌棒约{rng.randint(2, 10) * size}万棒"
        else:
            scale = f"种植面积约{rng.randint(3, 15) * size * 10}亩"
        if village.name == "傅家边村" and kind == FarmKind.INDUSTRY_BASE and industry == "梅子":
            scale = "全村700多农户发展青梅、草莓、石榴等经济林果，种植面积7000多亩"
        return {
            "name": name,
            "kind": kind,
            "village_id": village.id,
            "industry": industry,
            "contact_name": contact,
            "contact_phone": self.phone(),
            "notes": scale + "。",
        }

    def _assignments(self) -> list[dict]:
        """Links of members to their village's farms, with the deliberate rule breaks."""
        rng = self.rng
        staffed = [v for v in self.villages if v.team_id and v.name != HOME_VILLAGE]
        over = {id(v) for v in rng.sample([v for v in staffed if len(v.farms) >= 3], 3)}
        without = {id(v) for v in rng.sample(staffed, 5)}
        self.farms_of_team: dict[int, set[int]] = {}
        rows = []
        for village in self.villages:
            if not village.team_id:
                continue
            farm_ids = [f["id"] for f in village.farms]
            order = list(range(len(village.members)))
            rng.shuffle(order)
            extra = order[-1] if id(village) in over else None
            none = order[-2] if id(village) in without and order[-2] != 0 else None
            for rank, index in enumerate(order):
                member = village.members[index]
                if index == none:
                    member["farms"] = []
                    continue
                if index == extra:
                    chosen = rng.sample(farm_ids, 3)
                elif rank < len(farm_ids):  # every farm gets somebody first
                    chosen = [farm_ids[rank]]
                    if rng.random() < 0.4:
                        chosen.append(rng.choice([f for f in farm_ids if f != farm_ids[rank]]))
                else:
                    chosen = rng.sample(farm_ids, 1 if rng.random() < 0.6 else 2)
                member["farms"] = chosen
                for farm_id in chosen:
                    rows.append(
                        {
                            "member_id": member["id"],
                            "farm_id": farm_id,
                            "since": self.today - timedelta(days=rng.randint(60, 720)),
                        }
                    )
            self.farms_of_team[village.team_id] = {f for m in village.members for f in m["farms"]}
        return rows

    def build_users(self) -> int:
        """The six demo logins (one password hash, computed once: scrypt is slow)."""
        home = self.home()
        leader = home.members[0]
        member = next(m for m in home.members[1:] if m["farms"] and not m["is_young_official"])
        existing = set(
            db.session.scalars(
                select(User.username).where(User.username.in_([u for u, _, _ in USERS]))
            )
        )
        password_hash = generate_password_hash(_password())
        extra = {
            "county": {"area_id": self.county_id},
            "township": {"area_id": self.towns[HOME_TOWN]},
            "leader": {
                "team_id": home.team_id,
                "member_id": leader["id"],
                "display_name": leader["name"],
            },
            "member": {
                "team_id": home.team_id,
                "member_id": member["id"],
                "display_name": member["name"],
            },
        }
        if existing:
            kept = ", ".join(sorted(existing))
            self.echo(f"(existing users kept as they are: {kept}) ", nl=False)
        rows = []
        for username, role, display in USERS:
            if username in existing:
                continue
            row = {
                "username": username,
                "role": role,
                "display_name": display,
                "password_hash": password_hash,
                "team_id": None,
                "area_id": None,
                "member_id": None,
            }
            row.update(extra.get(username, {}))
            rows.append(row)
        ids = bulk_insert(User, rows)
        self.user_ids = {row["username"]: i for row, i in zip(rows, ids, strict=True)}
        self.counts["users"] = len(ids)
        return len(ids)


def _password() -> str:
    from core.demo import DEMO_PASSWORD

    return DEMO_PASSWORD
