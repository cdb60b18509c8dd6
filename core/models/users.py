"""User accounts and their API tokens."""

import hashlib
import secrets
import time
from datetime import datetime

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import Boolean, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from core.models.areas import Area
from core.models.base import Base, TimestampMixin, UTCDateTime, utcnow
from core.models.enums import Role, db_enum
from core.models.teams import Member, Team


class User(UserMixin, TimestampMixin, Base):
    """Someone who logs in: an admin, reviewer, team leader or member."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("User")

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: login name, unique
    username: Mapped[str] = mapped_column(String(64), unique=True)
    #: display name
    display_name: Mapped[str] = mapped_column(String(80), default="")
    #: password hash (werkzeug scrypt)
    password_hash: Mapped[str] = mapped_column(String(255), default="")
    #: admin, reviewer, leader or member
    role: Mapped[Role] = mapped_column(db_enum(Role))
    #: the team of a leader or member
    team_id: Mapped[int | None] = mapped_column(ForeignKey("teams.id"), index=True)
    #: the area subtree a reviewer reads
    area_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"))
    #: the volunteer record of this person, if any
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    #: preferred UI language (zh_CN or en); empty for the default
    locale: Mapped[str] = mapped_column(String(8), default="")
    #: where notifications are emailed (when SMTP is configured); empty for none
    email: Mapped[str] = mapped_column(String(254), default="")
    #: false blocks login and tokens without deleting history
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: the generation of the user's sessions: raised on logout, a password change or reset and
    #: "log out everywhere", which ends every session and remember cookie made before
    session_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    team: Mapped[Team | None] = relationship()
    area: Mapped[Area | None] = relationship()
    member: Mapped[Member | None] = relationship()
    tokens: Mapped[list["ApiToken"]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    def set_password(self, password: str) -> None:
        """Store a salted hash of ``password``."""
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        """True when ``password`` matches the stored hash."""
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    def get_id(self) -> str:  # Flask-Login
        """The session's alternative id: ``user id:session generation:login time`` (seconds).

        It is what the session and the remember cookie hold, so raising ``session_version``
        ends them all, and the login time lets them expire (``core.security``).
        """
        return f"{self.id}:{self.session_version or 0}:{int(time.time())}"

    def end_sessions(self) -> None:
        """End every session and remember cookie of the user (the caller commits)."""
        self.session_version = (self.session_version or 0) + 1

    @property
    def is_active(self) -> bool:  # Flask-Login
        """Flask-Login refuses inactive users."""
        return self.active

    @property
    def name(self) -> str:
        """Display name, or the username."""
        return self.display_name or self.username


def hash_token(raw: str) -> str:
    """The stored form of an API token: its SHA-256 (tokens are long and random)."""
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(TimestampMixin, Base):
    """A revocable bearer token; only its hash is stored."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("API token")

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: owner
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: SHA-256 of the token
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: what it is for, e.g. "field tablet"
    label: Mapped[str] = mapped_column(String(80), default="")
    #: last time it authenticated a request
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: set when revoked; a revoked token never authenticates again
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")

    @classmethod
    def issue(cls, user: User, label: str = "") -> tuple["ApiToken", str]:
        """Create a token for ``user``; returns the row and the raw token (shown once)."""
        raw = "kepu_" + secrets.token_urlsafe(32)
        return cls(user=user, token_hash=hash_token(raw), label=label), raw

    def revoke(self) -> None:
        """Stop the token from authenticating."""
        self.revoked_at = utcnow()


class PasswordReset(Base):
    """A one-time link to set a new password: emailed on request, or made by an admin.

    Only the token's SHA-256 is stored. It works once (``used_at``), until ``expires_at``, and
    a newer link of the same user replaces it.
    """

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Password reset link")

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: whose password it resets
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    #: SHA-256 of the token in the link
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    #: the admin who made it; NULL when the user asked for it by email
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: when it was made
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: the link stops working then
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: set when used (or replaced by a newer link); it never works again
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
