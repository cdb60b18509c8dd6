"""Forgotten passwords: one-time links to set a new one.

A user who forgot their password asks for a link on the login page: when email is on
(``MAIL_SERVER``) and the account has an address, the page puts the link in a notification,
which the ``core.send_emails`` job emails (nothing is sent inside the request). Otherwise an admin
makes a link on the user's admin page and hands it over. Either link works once, for
``PASSWORD_RESET_HOURS`` hours; only a hash of its token is stored, and a newer link of the
same user replaces the older ones. Setting the password ends every session of the account.
"""

import secrets
from datetime import timedelta

from flask import current_app, url_for
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from core.audit.bulk import record_event
from core.audit.record import UPDATE
from core.extensions import db
from core.models import PasswordReset, User, utcnow
from core.models.users import hash_token
from core.services import FieldErrors
from core.services.users import password_errors


def email_enabled() -> bool:
    """True when an SMTP server is configured (``MAIL_SERVER``)."""
    return bool(current_app.config.get("MAIL_SERVER"))


def issue(user: User, by: User | None = None) -> str:
    """A new reset link's token for ``user`` (shown or sent once; older links stop working)."""
    now = utcnow()
    for older in db.session.scalars(
        select(PasswordReset).where(
            PasswordReset.user_id == user.id, PasswordReset.used_at.is_(None)
        )
    ):
        older.used_at = now  # through the session: the trail records each link ended
    raw = secrets.token_urlsafe(32)
    hours = int(current_app.config["PASSWORD_RESET_HOURS"])
    db.session.add(
        PasswordReset(
            user_id=user.id,
            token_hash=hash_token(raw),
            created_by_id=by.id if by is not None else None,
            created_at=now,
            expires_at=now + timedelta(hours=hours),
        )
    )
    db.session.commit()
    return raw


def link(raw: str) -> str:
    """The absolute address of the reset page for token ``raw``."""
    base = current_app.config.get("PUBLIC_URL", "").rstrip("/")
    if base:
        return base + url_for("auth.reset", token=raw)
    return url_for("auth.reset", token=raw, _external=True)


def request_link(username: str) -> tuple[User, str] | None:
    """A new link for ``username`` when it can be emailed (email on, an active account with an
    address): the user and the token; else None. The caller sends it through the inbox."""
    name = (username or "").strip()
    if not name or not email_enabled():
        return None
    user = db.session.execute(
        select(User).where(func.lower(User.username) == name.lower())
    ).scalar_one_or_none()
    if user is None or not user.active or not user.email:
        return None
    return user, issue(user)


def valid(raw: str) -> PasswordReset | None:
    """The unused, unexpired link of an active user whose token is ``raw``, or None."""
    reset = db.session.execute(
        select(PasswordReset).where(PasswordReset.token_hash == hash_token(raw or ""))
    ).scalar_one_or_none()
    if reset is None or reset.used_at is not None or reset.expires_at <= utcnow():
        return None
    return reset if reset.user.active else None


def complete(reset: PasswordReset, password: str) -> User:
    """Set the new password through ``reset``, once; every session of the account ends."""
    user = reset.user
    if problems := password_errors(password, user.username):
        raise FieldErrors({"password": problems})
    used_at = utcnow()
    used = db.session.execute(
        update(PasswordReset)
        .where(PasswordReset.id == reset.id, PasswordReset.used_at.is_(None))
        .values(used_at=used_at)
    )
    if used.rowcount != 1:  # the same link used at the same moment elsewhere
        db.session.rollback()
        raise FieldErrors({"password": [str(_l("This link has already been used."))]})
    # the guarded UPDATE bypasses the ORM's flush: its change is recorded here
    changes = {"used_at": [None, used_at.isoformat()]}
    record_event(UPDATE, PasswordReset.__tablename__, str(reset.id), changes)
    user.set_password(password)
    user.end_sessions()
    db.session.commit()
    return user
