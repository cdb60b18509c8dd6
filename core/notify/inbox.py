"""The in-app inbox of every user: writing notifications, reading them, marking them read.

:func:`notify` writes one :class:`~core.models.Notification` per user, rendered in that
user's language, and never twice for the same ``key``. Nothing is emailed here: the
``core.send_emails`` job (:mod:`core.notify.email`) sends what is not emailed yet.
"""

from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import Any

from flask import Flask, current_app, g
from flask_babel import force_locale
from flask_login import current_user
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from core.models import Notification, User, utcnow

#: a text to render: a string, a lazy string, or a callable taking the recipient
Text = str | Callable[[User], Any] | Any

_UNREAD = "_kepu_unread"


def init_app(app: Flask) -> None:
    """Give templates the unread count."""
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
