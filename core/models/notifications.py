"""The in-app inbox: notifications to users, optionally also sent by email."""

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import Base, UTCDateTime, utcnow
from core.models.users import User


class Notification(Base):
    """A message to one user, read in the inbox (and emailed when SMTP is configured)."""

    __tablename__ = "notifications"
    __table_args__ = (
        # The dedupe key: a reminder with the same key never reaches the same user twice.
        UniqueConstraint("user_id", "key"),
        # The header's unread count.
        Index("ix_notifications_user_read", "user_id", "read_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the recipient
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    #: one line, in the recipient's language
    subject: Mapped[str] = mapped_column(String(200))
    #: the message, plain text
    body: Mapped[str] = mapped_column(Text, default="")
    #: a page of Kepu the message is about (a path), if any
    url: Mapped[str | None] = mapped_column(String(500))
    #: what the message is about, e.g. ``event-reminder:12:3``; NULL for one-off messages
    key: Mapped[str | None] = mapped_column(String(200))
    #: when it was made
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    #: when the recipient marked it read
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: when it was emailed (NULL: not yet, or no email to send)
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: failed email attempts so far
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: the last email error
    email_error: Mapped[str] = mapped_column(Text, default="")

    user: Mapped[User] = relationship()
