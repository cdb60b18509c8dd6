"""Email: the notifications of users who gave an address, sent when SMTP is configured.

Nothing is emailed inside a request: :func:`send_pending_emails` (the ``core.send_emails``
job) sends what is not emailed yet, records failures on the notification and tries them
again at its next runs. Email is off while ``MAIL_SERVER`` is empty.
"""

from datetime import timedelta

from flask import Flask, current_app
from flask_mail import Message
from sqlalchemy import select

from core.errors import describe_error
from core.extensions import db, mail
from core.models import Notification, User, utcnow


def init_app(app: Flask) -> None:
    """Bind Flask-Mail to ``app``."""
    mail.init_app(app)


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
