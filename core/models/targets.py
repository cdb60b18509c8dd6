"""A township's targets for one outreach campaign: events per venue, visits, people."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from core.models.areas import Area
from core.models.base import Base, TimestampMixin
from core.models.enums import VenueKind
from core.models.events import Campaign

#: the columns holding the target events of each venue kind (五进), by VenueKind value
EVENT_COLUMNS = {kind.value: f"events_{kind.value}" for kind in VenueKind}


class CampaignTarget(TimestampMixin, Base):
    """What one township means to achieve during one campaign (0: no target for that figure).

    Who set or changed it is on the audit trail, like every write.
    """

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Campaign target")

    __tablename__ = "campaign_targets"
    __table_args__ = (UniqueConstraint("campaign_id", "area_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the campaign
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaigns.id"))
    #: the township the targets are for
    area_id: Mapped[int] = mapped_column(ForeignKey("areas.id"), index=True)
    #: events to hold in villages (进农村)
    events_village: Mapped[int] = mapped_column(Integer, default=0)
    #: events to hold in market towns (进场镇)
    events_market_town: Mapped[int] = mapped_column(Integer, default=0)
    #: events to hold in schools (进学校)
    events_school: Mapped[int] = mapped_column(Integer, default=0)
    #: events to hold in government offices (进机关)
    events_government: Mapped[int] = mapped_column(Integer, default=0)
    #: events to hold in enterprises (进企业)
    events_enterprise: Mapped[int] = mapped_column(Integer, default=0)
    #: visits the township's teams log during the campaign
    visits: Mapped[int] = mapped_column(Integer, default=0)
    #: people those visits reach
    people_reached: Mapped[int] = mapped_column(Integer, default=0)

    # deleting a campaign (allowed only while it has no events) takes its targets along,
    # through the session so that the trail records it
    campaign: Mapped[Campaign] = relationship(
        backref=backref("targets", cascade="all, delete-orphan")
    )
    area: Mapped[Area] = relationship()

    def events_for(self, venue: VenueKind | str) -> int:
        """The target events of one venue kind."""
        return getattr(self, EVENT_COLUMNS[VenueKind(venue).value])
