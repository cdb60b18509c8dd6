"""The sample plugin's one table (prefixed with the plugin's name)."""

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.plugin_api import Base, UTCDateTime, utcnow


class SampleNote(Base):
    """A line of text the plugin writes when its hooks run."""

    __tablename__ = "kepu_sample_notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the text of the note
    body: Mapped[str] = mapped_column(String(200))
    #: the visit the note is about, if any (plugins may reference core tables)
    visit_id: Mapped[int | None] = mapped_column(
        ForeignKey("visits.id", ondelete="SET NULL"), index=True
    )
    #: when the note was written
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
