"""Demo party days and equipment for the demo county.

A year of quarterly online science party days: most villages hold every quarter's, some miss
one, and in the current quarter some have not held theirs yet (the reminder job's work). Topics
follow each village's leading industry, about half with an expert of the agricultural
university online. About a third of the villages have no computer (27 of 92 in the source).
"""

import random
from datetime import date, time, timedelta

from sqlalchemy import func, select

from core.plugin_api import Area, AreaKind, Farm, db
from plugins.party_day.models import Equipment, PartyDay
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
    return {"party days": len(days), "villages surveyed": len(equipment)}
