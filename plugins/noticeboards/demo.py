"""Demo stations, boards, publicists, updates, reminders and training for the demo county.

Most villages get a station and one or two boards, the village's young official as publicist
(another member, flagged, where the team has none), updates every few weeks over the last half
year with some boards left stale, the reminders the daily job would have sent, and training:
the first class of 20 network e-education information officers (网络电教信息员) and later
on-site and remote-education (远程教育) sessions.
"""

import random
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from core.plugin_api import Area, AreaKind, Member, Team, db, local_zone
from plugins.noticeboards.models import Board, BoardUpdate, Reminder, Station, Training
from plugins.noticeboards.services import stale_days

PLACES = ("村党员活动室", "村便民服务中心", "村文化活动中心", "村综合服务社", "村部二楼")
SPOTS = ("村口", "文化广场", "村部门前", "小学旁", "集贸点")
TOPICS = (
    "春季梅子病虫害绿色防控",
    "草莓大棚温湿度管理",
    "石榴冬季修剪技术",
    "科学施肥与测土配方",
    "生猪养殖防疫要点",
    "水稻集中育秧",
    "农产品电商入门",
    "农村安全用电常识",
    "夏季防溺水安全提示",
    "秸秆禁烧与综合利用",
    "冬季森林防火",
    "防范电信网络诈骗",
    "健康生活方式与慢病预防",
    "垃圾分类从我做起",
    "食品安全小常识",
    "惠农补贴政策解读",
    "农村饮用水安全",
    "应急避险与自救常识",
)
TRAINING_TOPICS = (
    ("科普宣传栏内容编排与更新", "on_site"),
    ("远程教育站点操作与维护", "remote"),
    ("农业实用技术远程课堂", "remote"),
    ("科普信息采集与上报", "on_site"),
    ("党员远程教育课件制作", "remote"),
    ("科普活动摄影与记录", "on_site"),
)
TRAINERS = ("县科协", "县委组织部电教中心", "县农业农村局", "镇农技站", "县科协 王建华")


def _stamp(day: date, hour: int, minute: int = 0) -> datetime:
    """A local time on ``day`` as an aware UTC instant."""
    return datetime.combine(day, time(hour, minute), local_zone()).astimezone(UTC)


def build(seed: int, today: date) -> dict[str, int]:
    """Add the demo rows (nothing when the plugin's tables already hold data); return counts."""
    if db.session.scalar(select(func.count(Station.id))) or db.session.scalar(
        select(func.count(Board.id))
    ):
        return {}
    rng = random.Random(f"noticeboards-{seed}")
    days = stale_days()
    villages = (
        db.session.execute(select(Area).where(Area.kind == AreaKind.VILLAGE).order_by(Area.id))
        .scalars()
        .all()
    )
    members: dict[int, list[Member]] = {}
    for member, village_id in db.session.execute(
        select(Member, Team.village_id)
        .join(Team, Team.id == Member.team_id)
        .where(Member.deleted_at.is_(None), Team.deleted_at.is_(None))
        .order_by(Member.id)
    ).tuples():
        members.setdefault(village_id, []).append(member)
    counts = dict.fromkeys(("stations", "boards", "updates", "reminders", "trainings"), 0)
    boards: list[Board] = []
    opened = today - timedelta(days=rng.randint(200, 240))
    for village in villages:
        if rng.random() > 0.9:
            continue
        people = members.get(village.id, [])
        young = [m for m in people if m.is_young_official]
        publicist = (
            young[0] if young else (rng.choice(people) if people and rng.random() < 0.5 else None)
        )
        created = _stamp(opened + timedelta(days=rng.randint(0, 20)), 10)
        station = Station(
            village_id=village.id,
            name=f"{village.name}科普服务站",
            place=rng.choice(PLACES),
            created_at=created,
            updated_at=created,
        )
        db.session.add(station)
        counts["stations"] += 1
        made = [
            Board(
                village_id=village.id,
                station=station,
                name="科普党务宣传栏",
                location=f"{station.place}门前",
                publicist=publicist,
                created_at=created,
                updated_at=created,
            )
        ]
        if rng.random() < 0.35:
            made.append(
                Board(
                    village_id=village.id,
                    name="科普宣传栏",
                    location=rng.choice(SPOTS),
                    publicist=publicist,
                    created_at=created,
                    updated_at=created,
                )
            )
        boards += made
        db.session.add_all(made)
    counts["boards"] = len(boards)
    db.session.flush()
    for board in boards:
        stale = rng.random() < 0.15
        last = today - timedelta(
            days=rng.randint(days + 3, days + 80) if stale else rng.randint(0, max(0, days - 8))
        )
        day, first = last, board.created_at.date()
        while day >= first:
            title = rng.choice(TOPICS)
            db.session.add(
                BoardUpdate(
                    board_id=board.id,
                    updated_on=day,
                    title=title,
                    summary=f"{title}：展板{rng.randint(2, 6)}块，图文并茂，"
                    f"发放资料{rng.randint(20, 120)}份。",
                    created_at=_stamp(day, 18),
                    updated_at=_stamp(day, 18),
                )
            )
            counts["updates"] += 1
            day -= timedelta(days=rng.randint(10, max(11, days - 4)))
        if stale and board.publicist_id is not None:
            due = last + timedelta(days=days)
            db.session.add(
                Reminder(
                    board_id=board.id,
                    member_id=board.publicist_id,
                    due_since=due,
                    sent_at=_stamp(due, 8, 30),
                )
            )
            counts["reminders"] += 1
    counts["trainings"] = _trainings(rng, boards, today)
    return counts


def _trainings(rng: random.Random, boards: list[Board], today: date) -> int:
    """The first class of 20 information officers, then sessions per township."""
    publicists = {b.publicist.id: b for b in boards if b.publicist is not None}
    young = [b.publicist for b in publicists.values() if b.publicist.is_young_official]
    first_day = today - timedelta(days=rng.randint(170, 190))
    first = Training(
        held_on=first_day,
        topic="首期网络电教信息员培训班",
        hours=Decimal("16"),
        trainer="县委组织部电教中心",
        kind="on_site",
        attendees=rng.sample(young, min(20, len(young))),
    )
    made = [first]
    by_township: dict[int, list[Member]] = {}
    for board in publicists.values():
        by_township.setdefault(board.village.parent_id, []).append(board.publicist)
    for _township, people in sorted(by_township.items()):
        for _ in range(rng.randint(1, 3)):
            topic, kind = rng.choice(TRAINING_TOPICS)
            size = max(1, min(len(people), rng.randint(len(people) // 2, len(people))))
            made.append(
                Training(
                    held_on=today - timedelta(days=rng.randint(5, 160)),
                    topic=topic,
                    hours=Decimal(rng.choice(("2", "2.5", "3", "4"))),
                    trainer=rng.choice(TRAINERS),
                    kind=kind,
                    attendees=rng.sample(people, size),
                )
            )
    db.session.add_all(made)
    return len(made)
