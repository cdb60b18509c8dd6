"""The demo's activity: a year of visits, this year's campaigns and their events."""

import io
from datetime import date, timedelta

from sqlalchemy import select

from core.dates import first_of_month, month_starts
from core.demo import names as N
from core.demo.common import VillageInfo, bulk_insert, bulk_link, local_time, nth_weekday
from core.extensions import db
from core.models import (
    Area,
    AreaKind,
    Campaign,
    CampaignKind,
    CampaignTarget,
    Event,
    EventStatus,
    FarmKind,
    VenueKind,
    Visit,
    VisitKind,
    VisitPhoto,
    event_teams,
    visit_members,
)
from core.review.targets import campaign_progress
from core.services.uploads import Photo, clean_photo, store_photo
from core.services.visit_photos import PHOTO_FOLDER

VISIT_KIND_WEIGHTS = {
    VisitKind.TECHNICAL_TRAINING: 30,
    VisitKind.ONSITE_GUIDANCE: 25,
    VisitKind.LECTURE: 15,
    VisitKind.PARTY_EDUCATION: 15,
    VisitKind.POLICY_STUDY: 15,
}
#: background colours of the demo's visit photos (field green, soil, sky, plum)
PHOTO_COLOURS = ((74, 124, 89), (150, 111, 51), (84, 140, 190), (142, 68, 110))
#: share of the other teams' visits with photos (the home team's recent ones all have some)
PHOTO_SHARE = 0.01
#: days back from today in which every visit of the home team has photos
HOME_PHOTO_DAYS = 45
PEOPLE_RANGE = {
    VisitKind.LECTURE: (30, 120),
    VisitKind.TECHNICAL_TRAINING: (15, 60),
    VisitKind.ONSITE_GUIDANCE: (3, 20),
    VisitKind.PARTY_EDUCATION: (8, 30),
    VisitKind.POLICY_STUDY: (8, 35),
}


class ActivityMixin:
    """Visits and events of a ``DemoBuilder`` (uses its generator, villages, farms and users)."""

    def build_visits(self) -> int:
        """A year of visits per team, a few a month, with stale and never-visited farms."""
        rng = self.rng
        start = self.today - timedelta(days=364)
        staffed = [v for v in self.villages if v.team_id]
        home = self.home()
        # Deliberate staleness: some assigned farms never visited, some not for > 90 days.
        candidates = [
            v for v in staffed if len(self.farms_of_team[v.team_id]) >= 3 and v is not home
        ]
        never = {min(self.farms_of_team[v.team_id]) for v in rng.sample(candidates, 4)}
        cutoff: dict[int, date] = {
            max(self.farms_of_team[v.team_id]): self.today - timedelta(days=rng.randint(100, 220))
            for v in rng.sample(candidates, 8)
        }
        home_stale = max(self.farms_of_team[home.team_id])
        cutoff[home_stale] = self.today - timedelta(days=rng.randint(95, 130))
        farms_by_id = {f["id"]: f for v in self.villages for f in v.farms}
        leader_user = self.user_ids.get("leader")
        visits, present = [], []
        months = month_starts(first_of_month(start), self.today)
        for village in staffed:
            team_farms = sorted(self.farms_of_team[village.team_id] - never)
            last_seen = dict.fromkeys(team_farms, start)
            for month in months:
                next_month = first_of_month(month, 1)
                first, last = max(month, start), min(next_month - timedelta(days=1), self.today)
                per_month = rng.randint(4, 7) if village is home else rng.randint(2, 6)
                days = sorted(
                    first + timedelta(days=rng.randint(0, (last - first).days))
                    for _ in range(per_month)
                )
                for day in days:
                    eligible = [f for f in team_farms if f not in cutoff or day <= cutoff[f]]
                    if not eligible:
                        continue
                    # Half the visits go to the farm waited on longest: few go stale by chance.
                    if rng.random() < 0.5:
                        farm_id = min(eligible, key=lambda f: (last_seen[f], f))
                    else:
                        farm_id = rng.choice(eligible)
                    last_seen[farm_id] = day
                    farm = farms_by_id[farm_id]
                    visit, members = self._visit(village, farm, day)
                    visit["logged_by_id"] = leader_user if village is home else None
                    visits.append(visit)
                    present.append(members)
        ids = bulk_insert(Visit, visits)
        links = [
            {"visit_id": visit_id, "member_id": member_id}
            for visit_id, members in zip(ids, present, strict=True)
            for member_id in members
        ]
        bulk_link(visit_members, links)
        photos = self._visit_photos(visits, ids, home.team_id)
        self.counts.update(visits=len(ids), visit_members=len(links), visit_photos=photos)
        return len(ids)

    def _visit_photos(self, visits: list[dict], ids: list[int], home_team: int) -> int:
        """Photos for the home team's recent visits and a few others: a handful of small
        images made once in memory, each stored again under its own name."""
        rng = self.rng
        recent = self.today - timedelta(days=HOME_PHOTO_DAYS)
        images = [demo_photo(colour, n) for n, colour in enumerate(PHOTO_COLOURS, 1)]
        rows = []
        for visit, visit_id in zip(visits, ids, strict=True):
            home = visit["team_id"] == home_team and visit["visited_on"] >= recent
            if not home and rng.random() >= PHOTO_SHARE:
                continue
            for image in rng.sample(images, rng.randint(1, 2)):
                rows.append(
                    {
                        "visit_id": visit_id,
                        # named by the generator: one seed, the same files
                        "filename": store_photo(
                            PHOTO_FOLDER, image, stem=f"{rng.getrandbits(128):032x}"
                        ),
                        "media_type": image.media_type,
                        "size": len(image.data),
                        "created_at": visit["created_at"],
                        "updated_at": visit["created_at"],
                    }
                )
        bulk_insert(VisitPhoto, rows)
        return len(rows)

    def _visit(self, village: VillageInfo, farm: dict, day: date) -> tuple[dict, list[int]]:
        rng = self.rng
        kind = rng.choices(list(VISIT_KIND_WEIGHTS), weights=list(VISIT_KIND_WEIGHTS.values()))[0]
        facts = N.INDUSTRIES[farm["industry"]]
        low, high = PEOPLE_RANGE[kind]
        people = rng.randint(low, high)
        households = max(1, round(people * rng.uniform(0.35, 0.8)))
        if kind == VisitKind.PARTY_EDUCATION:
            topics = [rng.choice(N.PARTY_TOPICS)]
        elif kind == VisitKind.POLICY_STUDY:
            topics = rng.sample(N.POLICY_TOPICS, rng.randint(1, 2))
        else:
            topics = rng.sample(facts["topics"], rng.randint(1, 2))
        material = ""
        training = kind == VisitKind.TECHNICAL_TRAINING
        if kind == VisitKind.LECTURE or (training and rng.random() < 0.5):
            material = rng.choice(facts["materials"] + N.GENERAL_MATERIALS[:1])
        elif kind == VisitKind.POLICY_STUDY and rng.random() < 0.3:
            material = rng.choice(N.GENERAL_MATERIALS)
        technical = kind not in (VisitKind.PARTY_EDUCATION, VisitKind.POLICY_STUDY)
        questions = ""
        if rng.random() < (0.45 if technical else 0.1):
            questions = "\n".join(rng.sample(facts["questions"], rng.randint(1, 2)))
        linked = [m["id"] for m in village.members if farm["id"] in m["farms"]]
        others = [m["id"] for m in village.members if m["id"] not in linked]
        size = rng.randint(3, min(8, len(village.members)))
        members = rng.sample(linked, min(len(linked), rng.randint(1, 2)))
        members += rng.sample(others, max(0, min(len(others), size - len(members))))
        leader = village.members[0]["id"]
        if leader not in members and rng.random() < 0.6:
            members.append(leader)
        when = self.stamp(day, 20)
        visit = {
            "team_id": village.team_id,
            "farm_id": farm["id"],
            "visited_on": day,
            "kind": kind,
            "people_reached": people,
            "households_reached": households,
            "topics": "；".join(topics),
            "material": material,
            "questions": questions,
            "notes": rng.choice(N.VISIT_NOTES),
            "created_at": when,
            "updated_at": when,
        }
        return visit, sorted(set(members))

    def build_events(self) -> int:
        """This year's three campaigns, an 'other' one around today, and stand-alone events."""
        rng = self.rng
        year = self.today.year
        st_week = nth_weekday(year, 5, 5, 3)
        science_day = nth_weekday(year, 9, 5, 3)
        season = {
            1: "冬春",
            2: "冬春",
            3: "春季",
            4: "春季",
            5: "春季",
            6: "夏季",
            7: "夏季",
            8: "夏季",
            9: "秋季",
            10: "秋季",
            11: "冬春",
            12: "冬春",
        }[self.today.month]
        other_start = self.today - timedelta(days=10)
        campaigns = [
            (
                CampaignKind.OUTREACH_MONTH,
                f"{year}年科普宣传月",
                date(year, 3, 1),
                date(year, 3, 31),
            ),
            (CampaignKind.ST_WEEK, f"{year}年科技活动周", st_week, st_week + timedelta(days=7)),
            (
                CampaignKind.SCIENCE_DAY,
                f"{year}年全国科普日",
                science_day,
                science_day + timedelta(days=6),
            ),
            (
                CampaignKind.OTHER,
                f"{other_start.year}年{season}科技下乡服务行动",
                other_start,
                self.today + timedelta(days=45),
            ),
        ]
        campaign_ids = bulk_insert(
            Campaign,
            [
                {
                    "name": name,
                    "kind": kind,
                    "year": first.year,
                    "starts_on": first,
                    "ends_on": last,
                    "description": N.CAMPAIGN_TEXTS[kind.value],
                }
                for kind, name, first, last in campaigns
            ],
        )
        events: list[dict] = []
        organisers: list[list[int]] = []
        for campaign_id, (kind, name, first, last) in zip(campaign_ids, campaigns, strict=True):
            count = rng.randint(18, 24)
            for n in range(count):
                venue = (
                    list(VenueKind)[n]
                    if n < len(VenueKind)
                    else rng.choices(list(VenueKind), weights=[8, 3, 3, 2, 2])[0]
                )
                if kind == CampaignKind.OTHER:  # mostly ahead, so upcoming lists are never empty
                    day = self.today + timedelta(
                        days=rng.randint(-9, 42) if n % 4 == 0 else rng.randint(1, 42)
                    )
                else:
                    day = first + timedelta(days=rng.randint(0, (last - first).days))
                home_team = n == count - 1 or (kind == CampaignKind.OTHER and n in (5, 6))
                event, teams = self._event(campaign_id, venue, day, home_team)
                if n == 1 and kind in (CampaignKind.OUTREACH_MONTH, CampaignKind.SCIENCE_DAY):
                    # a whole-day exhibition at the market town (venue 1 of the five)
                    event.update(
                        all_day=True,
                        title=f"{name}科普主题展",
                        starts_at=local_time(day, 0, 0, self.zone),
                        ends_at=local_time(day + timedelta(days=1), 0, 0, self.zone),
                    )
                events.append(event)
                organisers.append(teams)
        events.extend(self._standalone(organisers))
        now = local_time(self.today, 0, 0, self.zone)
        past = [e for e in events if e["starts_at"] < now and not e["all_day"]]
        ahead = [e for e in events if e["starts_at"] > now + timedelta(days=1) and not e["all_day"]]
        for pool in (past, ahead):  # one past, one upcoming cancellation
            if not pool:
                continue
            event = rng.choice(pool)
            event.update(
                status=EventStatus.CANCELLED,
                revision=1,
                description=event["description"] + rng.choice(N.CANCEL_REASONS),
            )
        ids = bulk_insert(Event, events)
        bulk_link(
            event_teams,
            [
                {"event_id": event_id, "team_id": team_id}
                for event_id, teams in zip(ids, organisers, strict=True)
                for team_id in teams
            ],
        )
        self.counts.update(campaigns=len(campaign_ids), events=len(ids))
        self.counts.update(campaign_targets=self._targets(campaign_ids))
        return len(ids)

    def _targets(self, campaign_ids: list[int]) -> int:
        """Every township's targets for each campaign, set from what its teams did: about
        two townships in three meet theirs, the others are behind (a campaign still ahead:
        usual targets, nothing done yet). No draw from the generator: later steps keep theirs.
        """
        townships = list(
            db.session.scalars(
                select(Area).where(Area.kind == AreaKind.TOWNSHIP).order_by(Area.name, Area.id)
            )
        )
        rows = []
        for c, campaign_id in enumerate(campaign_ids):
            campaign = db.session.get(Campaign, campaign_id)
            for t, row in enumerate(campaign_progress(campaign, townships)):
                behind = (t + c) % 3 == 0
                if campaign.starts_on > self.today:
                    values = {name: USUAL_TARGETS.get(name, 0) for name, _ in row.figures}
                else:
                    values = {
                        name: _demo_target(figure.done, behind, name)
                        for name, figure in row.figures
                    }
                when = self.stamp(min(campaign.starts_on, self.today) - timedelta(days=14), 10)
                rows.append(
                    {
                        "campaign_id": campaign_id,
                        "area_id": row.area.id,
                        **values,
                        "created_at": when,
                        "updated_at": when,
                    }
                )
        return len(bulk_insert(CampaignTarget, rows))

    def _event(
        self, campaign_id: int | None, venue: VenueKind, day: date, home_team: bool
    ) -> tuple[dict, list[int]]:
        rng = self.rng
        village = self.home() if home_team else rng.choice([v for v in self.villages if v.team_id])
        neighbours = [
            v.team_id
            for v in self.villages
            if v.town == village.town and v.team_id and v is not village
        ]
        teams = [village.team_id] + rng.sample(neighbours, rng.choice([0, 0, 1, 2]))
        enterprises = [
            f
            for v in self.villages
            if v.town == village.town
            for f in v.farms
            if f["kind"] == FarmKind.LEADING_ENTERPRISE
        ]
        # an enterprise event is about the enterprise's own industry
        farm = rng.choice(enterprises if venue == VenueKind.ENTERPRISE else village.farms)
        industry = farm["industry"]
        fill = {
            "village": village.name,
            "town": village.town,
            "town_stem": village.town[:-1],
            "industry": industry,
            "county": N.COUNTY,
            "enterprise": farm["name"],
        }
        title = rng.choice(N.EVENT_TITLES[venue.value]).format(**fill)
        place = rng.choice(N.EVENT_PLACES[venue.value]).format(**fill)
        if venue == VenueKind.VILLAGE:
            hour, minute, length = rng.choice([(9, 0, 120), (14, 0, 150), (19, 0, 90)])
        else:
            hour, minute, length = rng.choice([(8, 30, 180), (9, 0, 150), (14, 30, 120)])
        starts = local_time(day, hour, minute, self.zone)
        return self._event_row(
            campaign_id,
            venue,
            title,
            place,
            starts,
            length,
            village.id if venue == VenueKind.VILLAGE else village.town_id,
            home_team,
            industry,
        ), teams

    def _event_row(
        self, campaign_id, venue, title, place, starts, minutes, area_id, home_team, industry
    ) -> dict:
        created = min(
            starts - timedelta(days=self.rng.randint(7, 30)),
            local_time(self.today, 9, 0, self.zone),
        )
        creator = self.user_ids.get("leader") if home_team else self.user_ids.get("admin")
        return {
            "uid": self.uid(),
            "title": title,
            "campaign_id": campaign_id,
            "venue_kind": venue,
            "place": place,
            "area_id": area_id,
            "starts_at": starts,
            "ends_at": starts + timedelta(minutes=minutes),
            "all_day": False,
            "description": f"由党员科普服务队组织，围绕{industry}等主导产业"
            "开展科普宣传和技术咨询。",
            "status": EventStatus.SCHEDULED,
            "revision": 0,
            "created_by_id": creator,
            "created_at": created,
            "updated_at": created,
        }

    def _standalone(self, organisers: list[list[int]]) -> list[dict]:
        """The quarterly online science party days of the source villages (no campaign)."""
        source = [v for v in self.villages if v.name in ("戴家村", "傅家边村", "明觉村")]
        rows = []
        for quarter, (month, day) in enumerate([(3, 20), (6, 10), (9, 20), (12, 10)], start=1):
            when = local_time(date(self.today.year, month, day), 14, 0, self.zone)
            title = f"第{'一二三四'[quarter - 1]}季度网上科技党日"
            if quarter == 2:
                title = "全县网上科技党日集中观摩（戴家村、傅家边村、明觉村主会场）"
            rows.append(
                self._event_row(
                    None,
                    VenueKind.VILLAGE,
                    title,
                    "戴家村党员远程教育站点",
                    when,
                    150,
                    self.county_id,
                    True,
                    "梅果",
                )
            )
            organisers.append([v.team_id for v in source])
        return rows


#: the usual targets of a township for one campaign, by figure
USUAL_TARGETS = {
    "events_village": 3,
    "events_market_town": 1,
    "events_school": 1,
    "visits": 20,
    "people_reached": 500,
}


def _demo_target(done: int, behind: bool, name: str) -> int:
    """A plausible target for a figure whose teams did ``done``: a little under it (met) or
    well over it (behind); when nothing was done, the usual target (behind) or none."""
    if done == 0:
        return USUAL_TARGETS.get(name, 0) if behind else 0
    if name.startswith("events_"):
        return done + 1 + done // 2 if behind else max(1, done - done // 3)
    step = 10 if name == "visits" else 100
    if behind:
        return (done * 5 // 4 + step) // step * step  # rounded up, always over ``done``
    return done * 9 // 10 // step * step or done  # rounded down, never over ``done``


def demo_photo(colour: tuple[int, int, int], n: int) -> Photo:
    """A 640x480 JPEG of one colour with a caption, ready to store (with its thumbnail)."""
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 480), colour)
    draw = ImageDraw.Draw(image)
    draw.rectangle((40, 300, 600, 440), fill=(245, 245, 235))
    draw.text((60, 330), f"Kepu demo visit photo {n}", fill=(30, 30, 30))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=85)
    return clean_photo(out.getvalue(), max_kb=1024)
