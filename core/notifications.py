"""Notifications: the in-app inbox of every user, and email when SMTP is configured.

:func:`notify` writes one :class:`~core.models.Notification` per user, rendered in that
user's language, and never twice for the same ``key``. Nothing is emailed inside a request:
:func:`send_pending_emails` (the ``core.send_emails`` job) sends what is not emailed yet,
records failures on the notification and tries them again at its next runs.
"""

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from datetime import timedelta
from typing import Any

from flask import Flask, current_app, g
from flask_babel import force_locale
from flask_login import current_user
from flask_mail import Message
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from core.errors import describe_error
from core.extensions import db, mail
from core.models import Notification, User, utcnow

#: a text to render: a string, a lazy string, or a callable taking the recipient
Text = str | Callable[[User], Any] | Any

_UNREAD = "_kepu_unread"


def init_app(app: Flask) -> None:
    """Bind Flask-Mail and give templates the unread count."""
    mail.init_app(app)
    app.jinja_env.globals["unread_count"] = unread_count


def user_locale(user: User) -> AbstractContextManager:
    """Render texts in ``user``'s language (theirs, else the default) inside this block."""
    languages = current_app.config["LANGUAGES"]
    locale = user.locale if user.locale in languages else current_app.config["BABEL_DEFAULT_LOCALE"]
    return force_locale(locale)


def render(value: Text, user: User) -> str:
    """``value`` as text for ``user`` (called with the user when callable)."""
    if callable(value):
        value = value(user)
    return "" if value is None else str(value)


def path_for(endpoint: str, **values: Any) -> str:
    """The path of a page, built outside requests too (jobs have no request to build from)."""
    adapter = current_app.url_map.bind(
        "localhost", script_name=current_app.config["APPLICATION_ROOT"]
    )
    return adapter.build(endpoint, values)


def notify(
    users: Iterable[User],
    subject: Text,
    body: Text = "",
    url: str | None = None,
    key: str | None = None,
) -> int:
    """Put a notification in the inbox of each of ``users``; how many were made.

    ``subject`` and ``body`` are rendered for each user under their language: pass lazy
    strings, or callables taking the user. With ``key`` (e.g. ``"event-reminder:12:3"``), a
    user who already holds a notification with that key is skipped, so a job that runs
    again never notifies twice. Inactive users are skipped. Commits.
    """
    recipients = list({user.id: user for user in users if user.active}.values())
    if not recipients:
        return 0
    for attempt in range(2):  # a concurrent writer of the same key: read the holders again
        held = set()
        if key is not None:
            held = set(
                db.session.scalars(
                    select(Notification.user_id).where(
                        Notification.key == key,
                        Notification.user_id.in_([user.id for user in recipients]),
                    )
                )
            )
        made = 0
        for user in recipients:
            if user.id in held:
                continue
            with user_locale(user):
                note = Notification(
                    user_id=user.id,
                    subject=render(subject, user)[:200],
                    body=render(body, user),
                    url=url,
                    key=key,
                )
            db.session.add(note)
            made += 1
        try:
            db.session.commit()
            return made
        except IntegrityError:
            db.session.rollback()
            if attempt:
                raise
    return 0


# --- the inbox -----------------------------------------------------------------------------


def unread_count() -> int:
    """Unread notifications of the signed-in user (one query per request; 0 when anonymous)."""
    if not getattr(current_user, "is_authenticated", False):
        return 0
    if _UNREAD not in g:
        setattr(
            g,
            _UNREAD,
            db.session.scalar(
                select(func.count(Notification.id)).where(
                    Notification.user_id == current_user.id, Notification.read_at.is_(None)
                )
            ),
        )
    return g.get(_UNREAD)


def inbox_query(user: User, unread_only: bool = False):
    """A SELECT of ``user``'s notifications, newest first."""
    query = (
        select(Notification)
        .where(Notification.user_id == user.id)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
    )
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    return query


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one of ``user``'s notifications (or all of them) read; how many changed. Commits."""
    query = (
        update(Notification)
        .where(Notification.user_id == user.id, Notification.read_at.is_(None))
        .values(read_at=utcnow())
    )
    if notification_id is not None:
        query = query.where(Notification.id == notification_id)
    changed = db.session.execute(query).rowcount
    db.session.commit()
    g.pop(_UNREAD, None)
    return changed


# --- email ---------------------------------------------------------------------------------


def email_enabled(app: Flask | None = None) -> bool:
    """True when an SMTP server is configured (``MAIL_SERVER``)."""
    return bool((app or current_app).config.get("MAIL_SERVER"))


def _message(note: Notification) -> Message:
    """The email of a notification: its subject, its body and the link."""
    body = note.body
    if note.url:
        base = current_app.config.get("PUBLIC_URL", "").rstrip("/")
        body = f"{body}\n\n{base}{note.url}".strip()
    return Message(subject=note.subject, recipients=[note.user.email], body=body)


def pending_emails():
    """A SELECT of the notifications to email now: not sent, recent, tries left, an address."""
    cfg = current_app.config
    since = utcnow() - timedelta(days=int(cfg["MAIL_MAX_AGE_DAYS"]))
    return (
        select(Notification)
        .join(User, User.id == Notification.user_id)
        .where(
            Notification.emailed_at.is_(None),
            Notification.created_at >= since,
            Notification.email_attempts < int(cfg["MAIL_MAX_ATTEMPTS"]),
            User.email != "",
            User.active.is_(True),
        )
        .order_by(Notification.id)
        .limit(int(cfg["MAIL_BATCH_SIZE"]))
    )


def send_pending_emails() -> int:
    """Email the pending notifications (:func:`pending_emails`); how many were sent.

    Does nothing while ``MAIL_SERVER`` is empty. A failure is recorded on the notification
    (attempts, error) and retried at the next run; if any failed, this raises after the
    others were sent, so the job's run shows the failure.
    """
    if not email_enabled():
        return 0
    notes = db.session.scalars(pending_emails()).all()
    if not notes:
        return 0
    sent, errors = 0, []
    try:
        with mail.connect() as conn:
            for note in notes:
                try:
                    conn.send(_message(note))
                except Exception as exc:  # one bad address must not stop the others
                    _failed(note, exc)
                    errors.append(describe_error(exc))
                else:
                    note.emailed_at = utcnow()
                    sent += 1
                db.session.commit()
    except Exception as exc:  # no connection to the server: every one waits for the next run
        db.session.rollback()
        for note in db.session.scalars(pending_emails()).all():
            if note.emailed_at is None and note.id in {n.id for n in notes}:
                _failed(note, exc)
        db.session.commit()
        raise
    if errors:
        raise RuntimeError(f"{len(errors)} of {len(notes)} emails failed: {errors[0]}")
    return sent


def _failed(note: Notification, exc: BaseException) -> None:
    """Count a failed attempt to email ``note`` and keep its error."""
    note.email_attempts = (note.email_attempts or 0) + 1
    note.email_error = describe_error(exc)[:1000]
