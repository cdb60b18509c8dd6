"""Shared set-up of the noticeboards tests: the plugin enabled, a station, boards, publicists."""

from datetime import UTC, date, datetime, timedelta

from image_support import JPEG, PNG  # noqa: F401  (re-exported)
from query_counter import count_queries  # noqa: F401  (re-exported)
from sqlalchemy import select

from core.extensions import db
from core.models import Member
from core.plugins.state import set_enabled
from plugins.noticeboards.models import Board, BoardUpdate, Station

PAGES = "/plugins/noticeboards"
API = "/api/v1/plugins/noticeboards"


class Boards:
    """The world plus a station and board in the township's village and one elsewhere."""

    def __init__(self, app, world):
        set_enabled(app, "noticeboards", True)
        self.world = world
        self.young = self.members(world.team)[1]
        self.young.is_young_official = True
        self.plain = self.members(world.team)[2]
        self.other_young = self.members(world.other_team)[1]
        self.other_young.is_young_official = True
        long_ago = datetime.now(UTC) - timedelta(days=200)
        self.station = Station(
            village_id=world.village.id,
            name="戴家村科普服务站",
            place="村党员活动室",
            created_at=long_ago,
        )
        db.session.add(self.station)
        self.board = Board(
            village_id=world.village.id,
            station=self.station,
            name="科普党务宣传栏",
            location="村部门前",
            publicist=self.young,
            created_at=long_ago,
        )
        self.other = Board(
            village_id=world.other_village.id,
            name="科普宣传栏",
            location="村口",
            publicist=self.other_young,
            created_at=long_ago,
        )
        db.session.add_all([self.board, self.other])
        db.session.commit()

    @staticmethod
    def members(team) -> list[Member]:
        """The team's members by id."""
        return list(
            db.session.scalars(select(Member).where(Member.team_id == team.id).order_by(Member.id))
        )

    def update(self, board, days_ago: int, title: str = "梅子病虫害防治") -> BoardUpdate:
        """An update of ``board`` dated ``days_ago`` days back."""
        row = BoardUpdate(
            board_id=board.id,
            title=title,
            summary="",
            updated_on=date.today() - timedelta(days=days_ago),
        )
        db.session.add(row)
        db.session.commit()
        return row
