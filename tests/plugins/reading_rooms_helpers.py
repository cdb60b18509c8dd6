"""Shared set-up of the reading rooms tests (not a test module)."""

from datetime import date

from core.extensions import db
from core.plugins.state import set_enabled
from plugins.reading_rooms.models import Room, UsageRecord

PLUGIN = "reading_rooms"
BASE = "/plugins/reading_rooms"
API = "/api/v1/plugins/reading_rooms"


class Rooms:
    """Rooms in the world's township, village and other village, with January usage."""

    def __init__(self, app, world):
        set_enabled(app, PLUGIN, True)
        self.township = Room(area_id=world.township.id, name="永阳镇书屋", place="镇中心")
        self.village = Room(area_id=world.village.id, name="戴家村书屋", place="村委会")
        self.other = Room(area_id=world.other_village.id, name="傅家边村书屋")
        db.session.add_all([self.township, self.village, self.other])
        db.session.flush()
        self.add(self.township, 1, 300, 100, 40)
        self.add(self.village, 1, 60, 20, 12)  # usage 80: below 100
        self.add(self.other, 1, 150, 50, 20)
        db.session.commit()

    def add(self, room, month, reads, downloads, readers, year=2026):
        """A month of usage for ``room``."""
        start = date(year, month, 1)
        end = date(year + (month == 12), month % 12 + 1, 1).toordinal() - 1
        db.session.add(
            UsageRecord(
                room_id=room.id,
                period_start=start,
                period_end=date.fromordinal(end),
                reads=reads,
                downloads=downloads,
                active_readers=readers,
            )
        )


def count_records() -> int:
    """How many usage records there are."""
    return db.session.query(UsageRecord).count()
