"""Demo data: criteria of each tier, this year's round, nominations in every township."""

import random
from datetime import UTC, date, datetime, time, timedelta
from io import BytesIO

from PIL import Image, ImageDraw
from sqlalchemy import func, select

from core.plugin_api import (
    Area,
    AreaKind,
    Member,
    Role,
    Team,
    User,
    clean_photo,
    db,
    store_photo,
)
from plugins.model_campaign.models import (
    Assessment,
    Criterion,
    Nomination,
    NominationPhoto,
    Round,
    Score,
    Status,
    Tier,
    Transition,
)
from plugins.model_campaign.services import MAX_PHOTO_KB, PHOTO_FOLDER

#: (title, description, max score) per tier; the highest scores of a tier add up to 100
CRITERIA = {
    Tier.TOWNSHIP: [
        ("组织领导有力", "成立领导小组，党委书记负总责，年度计划和考核办法齐全", 20),
        ("科普阵地健全", "村村有科普服务站、科普宣传栏和党建科普网络书屋", 20),
        ("服务队活动经常", "各村党员科普服务队队员不少于10人，每季度开展活动", 20),
        ("产业带动明显", "依托特色产业基地和龙头企业带动农民增收", 20),
        ("群众满意度高", "问卷调查和走访群众满意度达到90%以上", 20),
    ],
    Tier.VILLAGE: [
        ("组织领导有力", "村党支部牵头，科普工作有专人负责", 20),
        ("科普阵地健全", "科普服务站、宣传栏按时更新，书屋正常开放", 20),
        ("服务队活动经常", "服务队定点联系示范基地，每月走访服务", 20),
        ("产业带动明显", "形成一村一品特色产业，带动农户发展", 20),
        ("科技培训到位", "每年举办技术培训和科普讲座不少于4场", 20),
    ],
    Tier.HOUSEHOLD: [
        ("户有科技明白人", "家庭中至少一人掌握一至两门实用技术", 25),
        ("科学种养效益好", "采用新品种、新技术，收入高于当地平均水平", 25),
        ("示范带动作用强", "主动向周边农户传授技术，带动邻里发展", 25),
        ("文明健康生活", "崇尚科学、破除迷信，家庭和睦、环境整洁", 25),
    ],
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈"
REFUSALS = [
    "科普活动记录不全，佐证材料不足，建议明年再报",
    "产业带动效果尚不明显，待基地建成后复评",
    "服务队人数不足10人，需先整改",
]
EVIDENCE = [
    "全年开展技术培训{n}场，发放科普资料{m}份，建立科普示范基地{k}个。",
    "服务队定点联系种养殖大户{k}户，走访服务{n}次，受益农户{m}户。",
    "科普宣传栏每月更新，书屋年阅读量{m}人次，举办讲座{n}场。",
]


def _user(role: Role) -> User | None:
    """The first user of ``role`` (the demo's admin and county reviewer)."""
    return db.session.scalar(select(User).where(User.role == role).order_by(User.id).limit(1))


def build(seed: int, today: date) -> dict[str, int]:
    """Add the demo campaign unless the plugin's tables already hold data; return counts."""
    if db.session.scalar(select(func.count(Criterion.id))) or db.session.scalar(
        select(func.count(Round.id))
    ):
        return {}
    rng = random.Random(seed)
    criteria: dict[Tier, list[Criterion]] = {}
    for tier, rows in CRITERIA.items():
        criteria[tier] = [
            Criterion(tier=tier, title=t, description=d, max_score=m, weight=1, position=i * 10)
            for i, (t, d, m) in enumerate(rows)
        ]
        db.session.add_all(criteria[tier])
    round_ = Round(year=today.year, name=f"{today.year}年度三级联创")
    db.session.add(round_)
    admin, reviewer = _user(Role.ADMIN), _user(Role.REVIEWER)
    townships = list(
        db.session.scalars(select(Area).where(Area.kind == AreaKind.TOWNSHIP).order_by(Area.id))
    )
    if not townships:
        db.session.flush()
        return {"criteria": sum(len(c) for c in criteria.values()), "rounds": 1}
    villages = {
        t.id: list(
            db.session.scalars(
                select(Area)
                .where(Area.parent_id == t.id, Area.kind == AreaKind.VILLAGE)
                .order_by(Area.id)
            )
        )
        for t in townships
    }
    members = {}
    for village_id, member in db.session.execute(
        select(Team.village_id, Member)
        .join(Member, Member.team_id == Team.id)
        .where(Member.deleted_at.is_(None))
        .order_by(Member.id)
    ).tuples():
        members.setdefault(village_id, []).append(member)
    nominees: list[tuple[Tier, Area, str, Member | None]] = [
        (Tier.TOWNSHIP, rng.choice(townships), "", None)
    ]
    village_picks = [rng.choice(villages[t.id]) for t in townships if villages[t.id]]
    pool = [v for t in townships for v in villages[t.id] if v not in village_picks]
    village_picks += rng.sample(pool, min(len(pool), max(0, 10 - len(village_picks))))
    nominees += [(Tier.VILLAGE, v, "", None) for v in village_picks]
    households = 0
    for i in range(25):
        township = townships[i % len(townships)]
        if not villages[township.id]:
            continue
        village = rng.choice(villages[township.id])
        head = (
            rng.choice(members[village.id])
            if members.get(village.id) and rng.random() < 0.5
            else None
        )
        name = f"{head.name[0] if head else rng.choice(SURNAMES)}家示范户{i + 1}号"
        nominees.append((Tier.HOUSEHOLD, village, name, head))
        households += 1
    start = datetime.combine(today - timedelta(days=60), time(9), UTC)
    counts = {"assessed": 0, "awarded": 0, "not_awarded": 0, "withdrawn": 0}
    withdrawn_done = False
    photos = 0
    for index, (tier, area, household, head) in enumerate(nominees):
        at = start + timedelta(hours=index * 5)
        n, m, k = rng.randint(4, 24), rng.randint(300, 5000), rng.randint(2, 8)
        nomination = Nomination(
            round=round_,
            tier=tier,
            area=area,
            household_name=household,
            member=head,
            reason=f"{household or area.name}党建引领科普工作成效突出，群众认可度高。",
            evidence=rng.choice(EVIDENCE).format(n=n, m=m, k=k),
            status=Status.NOMINATED,
            nominated_by_id=admin.id if admin else None,
        )
        db.session.add(nomination)
        if index % 4 == 0:  # the township and every fourth nominee show photos of the evidence
            photos += _add_photos(nomination, rng, 1 + index % 3)
        db.session.add(
            Transition(
                nomination=nomination,
                user_id=nomination.nominated_by_id,
                at=at,
                to_status=Status.NOMINATED,
            )
        )
        fate = rng.random()
        if not withdrawn_done and tier == Tier.HOUSEHOLD:
            withdrawn_done = True
            _move(nomination, Status.WITHDRAWN, admin, at + timedelta(days=3), "户主申请撤回")
            counts["withdrawn"] += 1
            continue
        if fate < 0.15:
            continue  # still waiting for its assessment
        assessor = reviewer or admin
        if assessor is None:
            continue
        scores = [
            Score(criterion=c, tenths=rng.randint(int(c.max_score * 6.5), c.max_score * 10))
            for c in criteria[tier]
        ]
        total = sum(s.tenths for s in scores)
        maximum = sum(c.max_score * 10 for c in criteria[tier])
        db.session.add(
            Assessment(
                nomination=nomination,
                assessor_id=assessor.id,
                scores=scores,
                total_tenths=total,
                max_tenths=maximum,
                comments="材料翔实，现场核查属实。",
            )
        )
        _move(nomination, Status.ASSESSED, assessor, at + timedelta(days=10))
        counts["assessed"] += 1
        if fate < 0.55:
            continue
        if 100 * total / maximum >= 80:
            _move(nomination, Status.AWARDED, admin, at + timedelta(days=20), "")
            counts["awarded"] += 1
        else:
            _move(
                nomination, Status.NOT_AWARDED, admin, at + timedelta(days=20), rng.choice(REFUSALS)
            )
            counts["not_awarded"] += 1
    db.session.flush()
    return {
        "criteria": sum(len(c) for c in criteria.values()),
        "rounds": 1,
        "nominations": len(nominees),
        "photos": photos,
        **counts,
    }


def _picture(rng: random.Random) -> bytes:
    """A small generated JPEG of a field under the sky (made in memory, nothing downloaded)."""
    width, height = 480, 320
    image = Image.new("RGB", (width, height), (rng.randint(150, 190), 210, 240))
    draw = ImageDraw.Draw(image)
    horizon = rng.randint(110, 170)
    draw.rectangle((0, horizon, width, height), fill=(90, rng.randint(140, 180), 70))
    for row in range(horizon + 12, height, 22):  # rows of a planted field
        draw.line((0, row, width, row + rng.randint(-8, 8)), fill=(60, 110, 45), width=5)
    x, y = rng.randint(40, width - 40), rng.randint(25, horizon - 35)
    draw.ellipse((x - 22, y - 22, x + 22, y + 22), fill=(250, 220, 90))
    left = rng.randint(30, width - 150)
    draw.rectangle((left, horizon - 60, left + 110, horizon), fill=(235, 235, 225))  # a station
    draw.polygon(
        [(left - 10, horizon - 60), (left + 55, horizon - 95), (left + 120, horizon - 60)],
        fill=(180, 50, 40),
    )
    out = BytesIO()
    image.save(out, "JPEG", quality=80)
    return out.getvalue()


def _add_photos(nomination: Nomination, rng: random.Random, count: int) -> int:
    """Attach ``count`` generated evidence photos to ``nomination``; how many."""
    for _ in range(count):
        photo = clean_photo(_picture(rng), MAX_PHOTO_KB)
        nomination.photos.append(
            NominationPhoto(
                filename=store_photo(PHOTO_FOLDER, photo),
                media_type=photo.media_type,
                size=len(photo.data),
            )
        )
    return count


def _move(
    nomination: Nomination, to: Status, user: User | None, at: datetime, reason: str = ""
) -> None:
    """Record a demo transition."""
    db.session.add(
        Transition(
            nomination=nomination,
            user_id=user.id if user else None,
            at=at,
            from_status=nomination.status,
            to_status=to,
            reason=reason,
        )
    )
    nomination.status, nomination.status_reason = to, reason
