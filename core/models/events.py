"""Campaigns and their outreach events (活动)."""

import uuid
from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import Base, TimestampMixin, UTCDateTime
from core.models.enums import CampaignKind, EventStatus, VenueKind, db_enum
from core.models.revisions import RevisionMixin
from core.models.soft_delete import SoftDeleteMixin
from core.models.teams import Team

event_teams = Table(
    "event_teams",
    Base.metadata,
    Column("event_id", ForeignKey("events.id", ondelete="CASCADE"), primary_key=True),
    Column("team_id", ForeignKey("teams.id"), primary_key=True),
)


#: the campaign years Kepu accepts, for pages and API alike
CAMPAIGN_YEARS = (2000, 2100)


class Campaign(TimestampMixin, Base):
    """A yearly outreach period: Science Outreach Month, S&T Week, National Science Day."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Campaign")

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: display name, e.g. 2026年全国科普日
    name: Mapped[str] = mapped_column(String(120))
    #: which campaign this is
    kind: Mapped[CampaignKind] = mapped_column(db_enum(CampaignKind))
    #: the campaign year
    year: Mapped[int] = mapped_column(Integer, index=True)
    #: first day
    starts_on: Mapped[date] = mapped_column(Date)
    #: last day (inclusive)
    ends_on: Mapped[date] = mapped_column(Date)
    #: free description
    description: Mapped[str] = mapped_column(Text, default="")


def new_uid() -> str:
    """A calendar UID that never changes for the life of the event."""
    return f"{uuid.uuid4()}@kepu"


class Event(RevisionMixin, SoftDeleteMixin, TimestampMixin, Base):
    """A scheduled outreach event, published in calendar feeds (its revision: ``RevisionMixin``)."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Event")

    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stable calendar UID
    uid: Mapped[str] = mapped_column(String(255), unique=True, default=new_uid)
    #: title
    title: Mapped[str] = mapped_column(String(200))
    #: the campaign the event belongs to; NULL for a stand-alone event
    campaign_id: Mapped[int | None] = mapped_column(ForeignKey("campaigns.id"), index=True)
    #: one of the five venues (五进)
    venue_kind: Mapped[VenueKind] = mapped_column(db_enum(VenueKind))
    #: the place, e.g. 永阳镇集市
    place: Mapped[str] = mapped_column(String(200), default="")
    #: the area the event is held in, for area filters
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    #: start instant (aware)
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    #: end instant (aware), after the start
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: true when the event takes whole days (calendar DATE values)
    all_day: Mapped[bool] = mapped_column(default=False)
    #: details
    description: Mapped[str] = mapped_column(Text, default="")
    #: scheduled or cancelled
    status: Mapped[EventStatus] = mapped_column(db_enum(EventStatus), default=EventStatus.SCHEDULED)
    #: the user who created it
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    campaign: Mapped[Campaign | None] = relationship()
    area: Mapped["Area | None"] = relationship()  # noqa: F821
    teams: Mapped[list[Team]] = relationship(secondary=event_teams, order_by="Team.name")
