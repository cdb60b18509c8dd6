"""The demo's reviews: inspections (督查), year-end assessments, rectification items, a bulletin.

Everything goes through the services the pages use, as the demo's county and township
reviewers would do it over the months: about twenty inspections in this year and the last, last
year's county assessment scored by hand and confirmed (one proposal changed, with its reason),
which opens rectification items for the criticised teams; some of those put right, one given a
later deadline, the rest overdue; three items from inspection findings (one overdue, two
open); the home team's reports on its items, answered or awaiting review
(:mod:`core.demo.follow_up`); last year's bulletin (督查通报); and this year's assessments left
as drafts.

The services commit and judge dates against ``rules.today()``: :func:`demo_services` turns
their commits into flushes (the demo is one transaction) and sets the day each action happens.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import select

from core import rules
from core.bulletin.issue import issue_bulletin
from core.demo import names as N
from core.demo.common import HOME_TOWN, VillageInfo
from core.demo.follow_up import build_follow_up
from core.extensions import db
from core.models import (
    AnnualAssessment,
    Area,
    Inspection,
    InspectionKind,
    Outcome,
    Rectification,
    RectificationStatus,
    User,
)
from core.permissions import may_review_area
from core.services.assessments import Decision, assessment_view, confirm, save_manual_scores
from core.services.inspections import InspectionInput, record_inspection
from core.services.rectifications import (
    RectificationInput,
    create_rectification,
    mark_done,
    update_rectification,
)
from core.services.rubric import MANUAL, ensure_rubric

#: what inspectors note as done well ({industry}, {farm}, {topic} filled in)
GOOD = (
    "队伍建设规范，队员名册和结对联系农户台账齐全，{industry}基地挂牌明确。",
    "查阅走访记录，队员定点联系{industry}种养户，技术指导内容记录较完整。",
    "现场走访{farm}，负责人反映服务队经常上门讲解“{topic}”，群众满意度较高。",
    "科普宣传栏内容更新及时，张贴有{industry}生产技术明白纸。",
    "队长带头开展科普服务，党员队员亮身份、作表率，作用发挥明显。",
    "年轻队员协助种养户开展农产品网上销售，效果较好。",
)
#: what inspectors find wrong, and the title of the rectification item it may bring
PROBLEMS = (
    ("部分队员走访记录过于简单，只记日期不记内容，难以反映服务实效。", "规范队员走访记录"),
    ("个别队员长期未联系所包农户，{farm}反映近三个月无人上门。", "恢复对结对农户的定期走访"),
    ("科普活动照片、签到表等佐证材料归档不及时。", "及时归档科普活动佐证材料"),
    ("年轻队员参与度不高，农产品电商等新技能培训尚未开展。", "组织年轻队员开展电商技能培训"),
    ("队员与种养大户结对关系未及时更新，台账与实际不符。", "更新队员结对联系台账"),
    ("科普宣传栏内容陈旧，仍为上一季度的资料。", "更新科普宣传栏内容"),
)
#: what inspectors ask for
ASKS = (
    "要求一个月内补齐走访台账，下次督查重点核查。",
    "建议结合{industry}生产季节，组织一次现场技术培训。",
    "请村党总支督促队员按月走访，做到结对农户全覆盖。",
    "请于下月底前更新宣传栏内容，并报镇科协备案。",
)
#: findings of a village inspected as a whole (one without a team), and the item they bring
VILLAGE_FINDINGS = (
    "该村尚未组建党员科普服务队。村两委表示已物色队长人选，正在动员党员和种养能手报名。",
    "要求年内完成组队，队员名册报镇党委备案。",
)
VILLAGE_ITEM = "完成党员科普服务队组建"
#: the reason for the one proposal the county reviewer changes
COMMEND_REASON = (
    "该队在{industry}产业科普中成效突出，结对农户普遍反映技术服务及时，经研究予以表扬。"
)
#: notes of criticised teams' items put right
DONE_NOTES = (
    "已召开队员大会通报考核结果，补齐走访台账，重新明确每名队员结对联系的种养户。",
    "已调整结对关系，每名队员至少联系一户种养大户，镇科协复核通过。",
    "已新吸收3名党员和种养能手入队，并开展一次集中技术培训。",
)


@contextmanager
def demo_services(day: date) -> Iterator["Clock"]:
    """Run services inside the demo's transaction, on a day the caller moves.

    The services commit and check dates against ``rules.today()``: here a commit only flushes
    (the demo's caller commits once, or rolls everything back) and ``rules.today()`` answers
    the clock's day, so the data depends on the demo's ``today`` and never on the real one.
    """
    session = db.session()
    clock = Clock(day)
    saved = rules.today
    rules.today = lambda: clock.day
    session.commit = session.flush  # the instance attribute hides Session.commit
    try:
        yield clock
    finally:
        rules.today = saved
        del session.commit


@dataclass
class Clock:
    """The day the demo's services think it is."""

    day: date


@dataclass
class Planned:
    """An inspection to record: its unit, day, kind and inspector."""

    village: VillageInfo
    day: date
    kind: InspectionKind
    inspector: User


class ReviewMixin:
    """Reviews of a ``DemoBuilder`` (uses its generator, villages, users and ``today``)."""

    def build_reviews(self) -> int:
        """Inspections, assessments, rectification items and a bulletin; returns the rows made."""
        users = {
            u.username: u
            for u in db.session.scalars(
                select(User)
                .where(User.username.in_(("admin", "county", "township")))
                .order_by(User.id)
            )
        }
        county = db.session.get(Area, self.county_id)
        town = db.session.get(Area, self.towns[HOME_TOWN])
        county_user = next(
            (
                users[n]
                for n in ("county", "admin")
                if n in users and may_review_area(users[n], county)
            ),
            None,
        )
        if county_user is None:  # existing users kept that review elsewhere
            self.echo("(no reviewer of the county: skipped) ", nl=False)
            return 0
        township = users.get("township")
        town_user = township if township and may_review_area(township, town) else county_user
        self.last_year = self.today.year - 1
        with demo_services(self.today) as clock:
            inspections = self._inspections(county_user, town_user)
            items = self._confirm_last_year(clock, county_user, county)
            clock.day += timedelta(days=3)
            bulletin = issue_bulletin(
                county_user, county.id, date(self.last_year, 1, 1), date(self.last_year, 12, 31)
            )
            bulletin.created_at = bulletin.updated_at = self.stamp(bulletin.issued_on, 10)
            items += self._items_from_findings(clock, inspections)
            self._follow_up(clock, items, county_user, town_user)
            items += build_follow_up(self, clock, items, self.home().team_id, town_user)
            clock.day = self.today
            drafts = self._drafts(county, town, inspections)
        done = sum(item.status == RectificationStatus.DONE for item in items)
        self.counts.update(
            inspections=len(inspections),
            rectifications=len(items),
            rectifications_done=done,
            bulletins=1,
            assessments=1 + drafts,
        )
        self.echo(
            f"({len(inspections)} inspections, 1 confirmed assessment and {drafts} drafts, "
            f"{len(items)} rectification items of which {done} done, 1 bulletin) ",
            nl=False,
        )
        return len(inspections) + len(items) + 1 + 1 + drafts

    # -- inspections ---------------------------------------------------------------------------

    def _schedule(self, county_user: User, town_user: User) -> list[Planned]:
        """About twenty inspections: every township last year and this year, two more in the
        home township, the home team lately, and a village without a team."""
        rng = self.rng
        staffed = [v for v in self.villages if v.team_id]
        home = self.home()
        this_year = date(self.today.year, 1, 1)
        plan: list[Planned] = []
        for year_start, last in (
            (date(self.last_year, 3, 1), date(self.last_year, 12, 20)),
            (this_year, self.today - timedelta(days=2)),
        ):
            towns = list(self.towns)
            towns.append(HOME_TOWN)
            for town in towns:
                village = rng.choice([v for v in staffed if v.town == town and v is not home])
                span = max(0, (last - year_start).days)
                plan.append(
                    Planned(
                        village,
                        year_start + timedelta(days=rng.randint(0, span)),
                        InspectionKind.SCHEDULED,
                        county_user,
                    )
                )
        # the home team, unannounced, long enough ago for the item it brought to be overdue
        plan.append(
            Planned(
                home,
                self.today - timedelta(days=rng.randint(60, 80)),
                InspectionKind.UNANNOUNCED,
                town_user,
            )
        )
        teamless = [v for v in self.villages if not v.team_id]
        if teamless:
            plan.append(
                Planned(
                    rng.choice(teamless),
                    self.today - timedelta(days=rng.randint(10, 40)),
                    InspectionKind.SCHEDULED,
                    county_user,
                )
            )
        for i, p in enumerate(plan):
            if p.village.town == HOME_TOWN:
                p.inspector = town_user
            if i % 3 == 1:
                p.kind = InspectionKind.UNANNOUNCED
        plan.sort(key=lambda p: (p.day, p.village.id))
        return plan

    def _findings(self, village: VillageInfo) -> tuple[str, str, str]:
        """Findings about ``village``'s team (what is good, what is wrong, what to do), and the
        title and requirement of a rectification item they may bring."""
        rng = self.rng
        if not village.team_id:
            return "".join(VILLAGE_FINDINGS), VILLAGE_ITEM, "".join(VILLAGE_FINDINGS)
        farm = rng.choice(village.farms)
        facts = {
            "industry": farm["industry"],
            "farm": farm["name"],
            "topic": rng.choice(N.INDUSTRIES[farm["industry"]]["topics"]),
        }
        good = [g.format(**facts) for g in rng.sample(GOOD, 2)]
        problems = rng.sample(PROBLEMS, rng.randint(1, 2))
        wrong = [text.format(**facts) for text, _title in problems]
        ask = rng.choice(ASKS).format(**facts)
        return "".join([*good, *wrong, ask]), problems[0][1], wrong[0] + ask

    def _inspections(self, county_user: User, town_user: User) -> list[Inspection]:
        """Record the scheduled inspections with the service, oldest first."""
        made = []
        self.item_texts: dict[int, tuple[str, str]] = {}
        for p in self._schedule(county_user, town_user):
            findings, title, requirement = self._findings(p.village)
            inspection = record_inspection(
                p.inspector,
                InspectionInput(
                    team_id=p.village.team_id,
                    village_id=p.village.id,
                    kind=p.kind,
                    inspected_on=p.day,
                    findings=findings,
                ),
            )
            inspection.created_at = inspection.updated_at = self.stamp(p.day, 18)
            self.item_texts[inspection.id] = (title, requirement)
            made.append(inspection)
        return made

    # -- last year's assessment ----------------------------------------------------------------

    def _confirmed_on(self) -> tuple[date, date]:
        """When last year's assessment is confirmed (mid-January) and its items' deadline
        (end of March), both early enough before today for the items to be overdue."""
        confirmed = min(date(self.today.year, 1, 15), self.today - timedelta(days=45))
        return confirmed, min(date(self.today.year, 3, 31), self.today - timedelta(days=14))

    def _hand_scores(self, area: Area, year: int, villages: list[VillageInfo]) -> None:
        """Score the teams of ``villages`` on the hand-scored criteria, from the seed; teams that
        break a rule (known from the build, so no figures are computed here) score lower."""
        manual = [c.id for c in ensure_rubric() if c.metric == MANUAL]
        scores = {}
        for village in sorted(villages, key=lambda v: v.team_id):
            breaks = village is self.small_village or any(
                not m["farms"] or len(m["farms"]) > 2 for m in village.members
            )
            low, high = (50, 75) if breaks else (68, 96)
            for criterion_id in manual:
                scores[(village.team_id, criterion_id)] = self.rng.randint(low, high)
        save_manual_scores(area, year, scores)

    def _confirm_last_year(self, clock: Clock, user: User, county: Area) -> list[Rectification]:
        """Score, then confirm last year's county assessment, commending one more team than
        proposed; returns the rectification items it opened for the criticised teams."""
        confirmed_on, deadline = self._confirmed_on()
        clock.day = confirmed_on
        self._hand_scores(county, self.last_year, [v for v in self.villages if v.team_id])
        view = assessment_view(county, self.last_year)
        decisions = []
        extra = next(
            (r for r in view.results if r.proposed == Outcome.NONE and not r.rule_breaks), None
        )
        if extra is not None:
            industry = next(v.industries[0] for v in self.villages if v.team_id == extra.team_id)
            decisions.append(
                Decision(extra.team_id, Outcome.COMMEND, COMMEND_REASON.format(industry=industry))
            )
        assessment = confirm(
            user,
            county,
            self.last_year,
            decisions,
            deadline,
            remarks=f"{self.last_year}年度党员科普服务队专项考核结果经县委组织部、"
            "县科协研究确定。被通报批评的服务队须按期完成整改。",
        )
        assessment.confirmed_at = self.stamp(confirmed_on, 16)
        assessment.created_at = assessment.updated_at = self.stamp(confirmed_on, 9)
        items = list(
            db.session.scalars(
                select(Rectification)
                .where(Rectification.result_id.in_([r.id for r in assessment.results]))
                .order_by(Rectification.id)
            )
        )
        for item in items:
            item.created_at = item.updated_at = self.stamp(confirmed_on, 16)
        return items

    # -- rectification items -------------------------------------------------------------------

    def _items_from_findings(
        self, clock: Clock, inspections: list[Inspection]
    ) -> list[Rectification]:
        """Items from inspection findings: the home team's (now overdue), the latest other
        team's and the village without a team's (both still open)."""
        home_team = self.home().team_id
        sources = [
            next((i for i in inspections if i.team_id == home_team), None),
            next((i for i in reversed(inspections) if i.team_id not in (None, home_team)), None),
            next((i for i in inspections if i.team_id is None), None),
        ]
        days = int(current_app.config["RECTIFICATION_DAYS"])
        made = []
        for n, inspection in enumerate(sources):
            if inspection is None:
                continue
            clock.day = day = inspection.inspected_on
            deadline = day + timedelta(days=days)
            if n:  # still open: given until the year's end, or a few weeks from today
                year_end = date(self.today.year, 12, 31)
                deadline = max(
                    deadline,
                    year_end
                    if (year_end - self.today).days >= 14
                    else self.today + timedelta(days=days),
                )
            title, requirement = self.item_texts[inspection.id]
            item = create_rectification(
                inspection.inspector,
                RectificationInput(
                    requirement=f"{day.year}年{day.month}月{day.day}日督查发现：{requirement}",
                    deadline=deadline,
                    title=title,
                    inspection_id=inspection.id,
                ),
            )
            item.created_at = item.updated_at = self.stamp(day, 19)
            made.append(item)
        return made

    def _follow_up(
        self, clock: Clock, items: list[Rectification], county_user: User, town_user: User
    ) -> None:
        """Put a third of the criticised teams' items right, give one a later deadline; the
        others stay overdue."""
        clock.day = self.today
        confirmed_on = self._confirmed_on()[0]
        criticised = [i for i in items if i.result_id is not None]
        done = len(criticised) // 3
        for n, item in enumerate(criticised[:done]):
            day = min(confirmed_on + timedelta(days=self.rng.randint(20, 60)), self.today)
            user = town_user if may_review_area(town_user, item.village) else county_user
            mark_done(user, item, DONE_NOTES[n % len(DONE_NOTES)], day)
            item.updated_at = self.stamp(day, 17)
        if len(criticised) > done + 1:
            item = criticised[done]
            update_rectification(
                item,
                item.title,
                item.requirement + "（因队长调整，经申请延期至新的期限。）",
                self.today + timedelta(days=self.rng.randint(10, 30)),
            )

    # -- this year's drafts --------------------------------------------------------------------

    def _drafts(self, county: Area, town: Area, inspections: list[Inspection]) -> int:
        """This year's county draft, hand-scored for the teams inspected so far, and the home
        township's, fully scored; neither confirmed. Returns how many drafts were stored."""
        this_year = self.today.year
        inspected = {
            i.team_id for i in inspections if i.team_id and i.inspected_on.year == this_year
        }
        self._hand_scores(county, this_year, [v for v in self.villages if v.team_id in inspected])
        self._hand_scores(
            town, this_year, [v for v in self.villages if v.team_id and v.town_id == town.id]
        )
        for assessment in db.session.scalars(
            select(AnnualAssessment)
            .where(AnnualAssessment.year == this_year)
            .order_by(AnnualAssessment.id)
        ):
            assessment.created_at = assessment.updated_at = self.stamp(self.today, 9)
        return 2
