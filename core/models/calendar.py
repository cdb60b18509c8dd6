"""Calendar feeds: each event's rendered VEVENT text, and each user's private feed."""

import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models.base import Base, TimestampMixin, UTCDateTime, utcnow
from core.models.users import User, hash_token


class CalendarCache(Base):
    """The VEVENT text of one event in one language, rendered with icalendar when it changes.

    Feeds are assembled from these strings; a row whose fingerprint no longer matches the
    event (revision, last change, campaign name ...) is rendered again.
    """

    __tablename__ = "calendar_cache"

    #: the event rendered
    event_id: Mapped[int] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    #: the language of the text (zh_CN, en)
    locale: Mapped[str] = mapped_column(String(8), primary_key=True)
    #: digest of everything the text was made from
    fingerprint: Mapped[str] = mapped_column(String(64))
    #: the VEVENT lines, folded, CRLF-terminated, without the URL line and END:VEVENT
    vevent: Mapped[str] = mapped_column(Text)
    #: when the text was rendered
    rendered_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def new_feed_token() -> str:
    """A random, URL-safe secret for a personal feed address."""
    return secrets.token_urlsafe(24)


class CalendarFeed(TimestampMixin, Base):
    """A user's personal calendar feed: the hash of the secret in its address, and what it
    includes. The address is shown once, when it is made; only its SHA-256 is stored."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Personal calendar address")

    __tablename__ = "calendar_feeds"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the owner
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), unique=True)
    #: SHA-256 of the secret of the feed's address; NULL once revoked (the address answers 404)
    token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    #: true when the feed also lists the user's own planned visits
    include_plans: Mapped[bool] = mapped_column(Boolean, default=False)

    user: Mapped[User] = relationship()

    @property
    def has_address(self) -> bool:
        """True while the feed has a working address."""
        return self.token_hash is not None

    def regenerate(self) -> str:
        """Give the feed a new address (the old one stops working); returns its secret, to
        show once."""
        raw = new_feed_token()
        self.token_hash = hash_token(raw)
        return raw

    def revoke(self) -> None:
        """Switch the feed's address off until a new one is made."""
        self.token_hash = None
