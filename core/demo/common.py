"""What the demo builder's modules share: the home village, a village record, small helpers."""

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Table, insert

from core.audit.bulk import record_bulk
from core.extensions import db

#: the village of the demo leader and member (永阳镇戴家村 in the sources)
HOME_TOWN, HOME_VILLAGE = "永阳镇", "戴家村"


@dataclass
class VillageInfo:
    """A village being built, with what later steps need."""

    id: int
    name: str
    town: str
    town_id: int
    industries: tuple[str, ...]
    team_id: int | None = None
    members: list[dict] = field(default_factory=list)
    farms: list[dict] = field(default_factory=list)


def local_time(day: date, hour: int, minute: int, zone: ZoneInfo) -> datetime:
    """An aware instant: ``day`` at hour:minute in ``zone``."""
    return datetime.combine(day, time(hour, minute), tzinfo=zone)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    """The n-th given weekday (Monday = 0) of a month."""
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def bulk_insert(model, rows: list[dict]) -> list[int]:
    """Bulk-insert ``rows`` and return their new ids in the same order (portable RETURNING).

    The statement bypasses the ORM's flush, so the audit trail gets one row for it
    (:func:`core.audit.bulk.record_bulk`: the table, the id range, how many rows).
    """
    if not rows:
        return []
    stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
    ids = list(db.session.execute(stmt, rows).scalars())
    record_bulk(model.__table__.name, ids)
    return ids


def bulk_link(table: Table, links: list[dict]) -> int:
    """Bulk-insert the rows of a many-to-many ``table``; how many. One audit row records the
    statement (the table and the number of links)."""
    if not links:
        return 0
    db.session.execute(insert(table), links)
    record_bulk(table.name, count=len(links))
    return len(links)
