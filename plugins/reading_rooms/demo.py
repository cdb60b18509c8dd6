"""Demo data for the demo county: rooms, a year of monthly usage, a report, model rooms."""

import random
from datetime import date

from sqlalchemy import func, select

from core.plugin_api import Area, AreaKind, db
from plugins.reading_rooms.models import Room, UsageRecord
from plugins.reading_rooms.services import month_bounds, previous_month

#: where rooms sit, by kind of area
_PLACES = {
    AreaKind.TOWNSHIP: ["镇党群服务中心二楼", "镇文化站阅览室", "镇便民服务中心"],
    AreaKind.VILLAGE: ["村委会二楼", "村党员活动室", "村便民服务中心", "村文化礼堂"],
}
_HOURS = [
    "周二至周日 8:30-17:30",
    "每天 9:00-17:00，农忙时节延至 20:00",
    "周一至周五 8:30-17:00，周末预约开放",
    "每天 8:00-11:30、14:00-17:30",
]


def build(seed: int, today: date) -> dict[str, int]:
    """Rooms in every township and ~60% of villages, 12 months of usage before ``today``'s
    month (a few rooms kept low), two model rooms; nothing if rooms exist already."""
    if db.session.scalar(select(func.count(Room.id))):
        return {}
    rng = random.Random(seed)
    areas = db.session.scalars(
        select(Area).where(Area.kind.in_([AreaKind.TOWNSHIP, AreaKind.VILLAGE])).order_by(Area.id)
    ).all()  # not path: ids in paths sort as text
    chosen = [a for a in areas if a.kind == AreaKind.TOWNSHIP or rng.random() < 0.6]
    rooms = [
        Room(
            area_id=a.id,
            name=f"{a.name}党建科普网络书屋",
            place=rng.choice(_PLACES[a.kind]),
            opening_notes=rng.choice(_HOURS),
        )
        for a in chosen
    ]
    db.session.add_all(rooms)
    db.session.flush()
    villages = [r for r, a in zip(rooms, chosen, strict=True) if a.kind == AreaKind.VILLAGE]
    low = set(id(r) for r in rng.sample(villages, min(4, len(villages))))
    last_start, _last_end = previous_month(today)
    months = []
    year, month = last_start.year, last_start.month
    for _ in range(12):
        months.append(month_bounds(year, month))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    records = 0
    for room, area in zip(rooms, chosen, strict=True):
        if id(room) in low:
            base = rng.uniform(20, 60)
        elif area.kind == AreaKind.TOWNSHIP:
            base = rng.lognormvariate(6.2, 0.35)  # ~500 reads a month
        else:
            base = rng.lognormvariate(5.5, 0.45)  # ~250 reads a month
        for start, end in months:
            season = 1.3 if start.month in (1, 2, 7, 8) else 0.8 if start.month in (5, 6, 10) else 1
            reads = max(0, int(rng.gauss(base * season, base * 0.15)))
            downloads = max(0, int(reads * rng.uniform(0.2, 0.45)))
            readers = max(1 if reads else 0, int(reads / rng.uniform(5, 9)))
            db.session.add(
                UsageRecord(
                    room_id=room.id,
                    period_start=start,
                    period_end=end,
                    reads=reads,
                    downloads=downloads,
                    active_readers=readers,
                )
            )
            records += 1
    busiest = sorted((r for r in rooms if id(r) not in low), key=lambda r: r.id)
    models = rng.sample(busiest, min(2, len(busiest)))
    for room in models:
        room.model_since = date(months[-1][0].year, rng.choice([3, 6, 9]), 1)
    return {"reading rooms": len(rooms), "usage records": records, "model rooms": len(models)}
