"""Demo party days and equipment for the demo county.

A year of quarterly online science party days: most villages hold every quarter's, some miss
one, and in the current quarter some have not held theirs yet (the reminder job's work). Topics
follow each village's leading industry, about half with an expert of the agricultural
university online. About a third of the villages have no computer (27 of 92 in the source).
This year's county-wide viewing (集中观摩) was watched in most villages, and this year's best
party day case competition has its entries scored, its winners confirmed and compiled.
"""

import random
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from core.plugin_api import Area, AreaKind, Farm, Role, User, db, local_zone
from plugins.party_day.competition import DEFAULT_CRITERIA, ranking
from plugins.party_day.models import (
    Case,
    CaseCriterion,
    CaseRound,
    CaseScore,
    Equipment,
    PartyDay,
    Viewing,
    ViewingVillage,
)
from plugins.party_day.services import quarter_bounds, quarter_of

SUFFIXES = (
    "病虫害绿色防控",
    "栽培管理新技术",
    "市场行情与网上销售",
    "优良品种引进",
    "标准化生产与质量安全",
    "冬季管护要点",
)
EXPERTS = (
    ("南京农业大学 王建平教授", "果树修剪与保花保果"),
    ("南京农业大学 李秀兰副教授", "设施草莓病害诊断"),
    ("南京农业大学 陈志强教授", "水产健康养殖"),
    ("南京农业大学 周红梅研究员", "茶园管理与名茶加工"),
    ("南京农业大学 刘德明教授", "农业法律与土地流转"),
    ("县农业农村局 赵国华高级农艺师", "测土配方施肥"),
)
NOTES = (
    "黄党员在线提问3个，专家当场解答，村信息员整理成册。",
    "会后组织党员到基地现场交流，带动周边农户参加。",
    "网络不稳定，中途改用手机热点，活动按计划完成。",
    "结合“三会一课”开展，党员发言踊跃。",
)
SCHEMES = (
    "县、镇、村分别出资购买",
    "党员企业主重点联系帮助解决",
    "机关联系点单位赠送",
    "村干部自配电脑",
)


def _industry(village: Area, industries: dict[int, list[str]], rng: random.Random) -> str:
    """The village's leading industry: its farms' most common, else a local staple."""
    names = industries.get(village.id)
    return max(set(names), key=names.count) if names else rng.choice(("水稻", "青梅", "茶叶"))


def build(seed: int, today: date) -> dict[str, int]:
    """Add the demo rows (nothing when the plugin's tables already hold data); return counts."""
    if db.session.scalar(select(func.count(PartyDay.id))) or db.session.scalar(
        select(func.count(Equipment.id))
    ):
        return {}
    rng = random.Random(f"party_day-{seed}")
    villages = db.session.scalars(
        select(Area).where(Area.kind == AreaKind.VILLAGE).order_by(Area.id)
    ).all()
    industries: dict[int, list[str]] = {}
    for village_id, name in db.session.execute(
        select(Farm.village_id, Farm.industry).where(Farm.deleted_at.is_(None))
    ).tuples():
        if name:
            industries.setdefault(village_id, []).append(name)
    equipment = []
    for village in villages:
        computer = rng.random() >= 0.34
        equipment.append(
            Equipment(
                village_id=village.id,
                has_computer=computer,
                has_display=computer and rng.random() < 0.8,
                has_network=rng.random() < (0.9 if computer else 0.4),
                notes=rng.choice(SCHEMES) if computer else "",
            )
        )
    db.session.add_all(equipment)
    year, quarter = quarter_of(today)
    quarters = []
    for _ in range(4):
        quarters.insert(0, (year, quarter))
        year, quarter = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    days = []
    for village, kit in zip(villages, equipment, strict=True):
        size = rng.randint(22, 95)
        industry = _industry(village, industries, rng)
        for year, quarter in quarters:
            first, last = quarter_bounds(year, quarter)
            current = last >= today
            if rng.random() < (0.45 if current else 0.12):
                continue  # missed (or not yet held this quarter)
            last = min(last, today - timedelta(days=1))
            if last < first:
                continue
            expert = rng.choice(EXPERTS) if rng.random() < 0.5 else ("", "")
            days.append(
                PartyDay(
                    village_id=village.id,
                    held_on=first + timedelta(days=rng.randint(0, (last - first).days)),
                    start_time=time(rng.choice((9, 14, 19)), rng.choice((0, 30))),
                    topic=f"{industry}{rng.choice(SUFFIXES)}",
                    industry=industry,
                    expert_name=expert[0],
                    expert_topic=expert[1],
                    present=rng.randint(int(size * 0.55), size),
                    branch_size=size,
                    equipment_used=(
                        "村部电脑和投影仪"
                        if kit.has_computer and kit.has_display
                        else "村部电脑"
                        if kit.has_computer
                        else "借用镇电教中心笔记本电脑"
                    ),
                    notes=rng.choice(NOTES),
                    revision=0,
                )
            )
    db.session.add_all(days)
    watched = _viewing(rng, villages, today)
    cases, winners = _competition(rng, villages, industries, today)
    return {
        "party days": len(days),
        "villages surveyed": len(equipment),
        "villages at the county-wide viewing": watched,
        "cases": cases,
        "winning cases": winners,
    }


def _viewing(rng: random.Random, villages, today: date) -> int:
    """This year's county-wide viewing, held in June (or a month ago early in the year)."""
    county = db.session.scalar(select(Area).where(Area.kind == AreaKind.COUNTY).order_by(Area.id))
    if county is None:
        return 0
    held = date(today.year, 6, 10) if today >= date(today.year, 6, 11) else today - timedelta(30)
    named = [v.name for v in villages[:3]]
    viewing = Viewing(
        area_id=county.id,
        held_on=held,
        start_time=time(9, 0),
        title=f"{held.year}年全县农村党员网上科技党日集中观摩",
        hosts="、".join(named),
        notes="县委组织部和县科技局组织，南京农业大学专家在线答疑。",
        revision=0,
    )
    db.session.add(viewing)
    db.session.flush()
    rows = [
        ViewingVillage(viewing_id=viewing.id, village_id=v.id, present=rng.randint(25, 110))
        for v in villages
        if rng.random() < 0.9
    ]
    db.session.add_all(rows)
    return len(rows)


CASE_TITLES = (
    "把党日搬到田头：{industry}党员“田头课堂”",
    "网上问专家，{industry}增收有门道",
    "“支部+协会”，{industry}党员带富一方",
    "老党员学电脑，网上科技党日进农家",
    "党员示范户结对帮扶，{industry}新技术人人会",
)


def _competition(rng: random.Random, villages, industries, today: date) -> tuple[int, int]:
    """This year's round: about half the villages enter a case, two reviewers score each, the
    winners are confirmed (the top fifth, at most 20)."""
    reviewers = [  # the county scores: admins and county reviewers
        user
        for user in db.session.scalars(
            select(User).where(User.role.in_((Role.REVIEWER, Role.ADMIN))).order_by(User.id)
        )
        if user.role == Role.ADMIN or (user.area is not None and user.area.kind == AreaKind.COUNTY)
    ]
    round_ = CaseRound(year=today.year, name=f"{today.year}年度基层党支部最佳党日活动案例竞赛")
    round_.criteria = [
        CaseCriterion(title=title, max_score=score, position=n)
        for n, (title, score) in enumerate(DEFAULT_CRITERIA)
    ]
    db.session.add(round_)
    entering = [v for v in villages if rng.random() < 0.5]
    cases = []
    for village in entering:
        industry = _industry(village, industries, rng)
        cases.append(
            Case(
                round=round_,
                village_id=village.id,
                title=rng.choice(CASE_TITLES).format(industry=industry),
                summary=(
                    f"{village.name}党支部以{industry}产业为纽带，每季度开展网上科技党日，"
                    f"组织党员在线向专家提问{rng.randint(8, 45)}个。\n"
                    f"活动后党员带头示范，带动{rng.randint(30, 300)}户农户应用新技术。"
                ),
            )
        )
    db.session.add_all(cases)
    db.session.flush()
    for case in cases:
        for reviewer in reviewers[:2]:
            for criterion in round_.criteria:
                low = criterion.max_score // 2
                db.session.add(
                    CaseScore(
                        case_id=case.id,
                        criterion_id=criterion.id,
                        reviewer_id=reviewer.id,
                        score=rng.randint(low, criterion.max_score),
                    )
                )
    round_.winners_wanted = max(1, min(20, len(cases) // 5))
    db.session.flush()
    if not reviewers or not cases:
        return len(cases), 0
    ranked = ranking(round_)
    for item in ranked:
        item.case.final_rank, item.case.winner = item.rank, item.proposed
    confirmed = datetime.combine(today - timedelta(days=7), time(10, 0), local_zone())
    round_.confirmed_at = confirmed.astimezone(UTC)
    round_.confirmed_by_id = reviewers[0].id
    return len(cases), sum(1 for item in ranked if item.proposed)
