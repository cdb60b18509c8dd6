"""The weekly digest of a reviewer, assembled from the ``digest_sections`` hook.

Every enabled plugin may give sections for a reviewer and a week (:func:`compose`); the core's
own are the parts of ``DIGEST_PARTS`` (:mod:`core.notify.sections`), which :mod:`core.defaults`
gives through :func:`core_sections`. A part is ``(user, start, end) -> DigestSection | None``
and runs under the reviewer's language; one that raises is logged and left out, and a plugin
that raises loses only its own sections: the others still go out.
"""

import logging
from collections.abc import Callable
from datetime import date, timedelta

from flask import current_app
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from core import rules
from core.contracts import DigestSection
from core.extensions import db
from core.models import Role, User
from core.notify.inbox import notify, path_for, user_locale
from core.notify.sections import new_visits, overdue_items, rule_flags, upcoming_events
from core.plugins import call_each, implementers, record_failure

logger = logging.getLogger(__name__)

#: the hook every digest is assembled from
HOOK = "digest_sections"

#: the core's own parts, in order; each ``(user, start, end) -> DigestSection | None``
DIGEST_PARTS: list[Callable[[User, date, date], DigestSection | None]] = [
    new_visits,
    rule_flags,
    upcoming_events,
    overdue_items,
]


def core_sections(user: User, start: date, end: date) -> list[DigestSection]:
    """The core's sections of ``user``'s digest (its ``digest_sections``): each part in turn."""
    found = []
    for part in DIGEST_PARTS:
        try:
            section = part(user, start, end)
        except Exception:  # one broken part must not cost the reviewer the others
            logger.exception("digest part %s failed", getattr(part, "__name__", part))
            db.session.rollback()
            continue
        if section is not None:
            found.append(section)
    return found


def compose(user: User, start: date, end: date) -> list[DigestSection]:
    """The sections of ``user``'s digest for ``start``..``end``, sorted by ``order``.

    Each enabled plugin's (the core's included) through the ``digest_sections`` hook. A
    plugin that raises, or returns something else than sections, is recorded as failed and
    left out.
    """
    app = current_app._get_current_object()
    found: list[DigestSection] = []
    # One plugin at a time, so that a failed query is rolled back before the next one reads.
    for plugin in implementers(app, HOOK):
        for result in call_each(app, HOOK, only={plugin}, user=user, start=start, end=end):
            if result.failed:
                db.session.rollback()
                continue
            values = result.value if isinstance(result.value, list | tuple) else [result.value]
            for value in values:
                if isinstance(value, DigestSection):
                    found.append(value)
                else:
                    error = TypeError(f"returned {type(value).__name__}, not DigestSection")
                    record_failure(app, plugin, HOOK, error)
    return sorted(found, key=lambda section: section.order)


def as_text(sections: list[DigestSection]) -> str:
    """The digest as plain text: each heading, then its lines."""
    blocks = []
    for section in sections:
        blocks.append("\n".join([section.title, *(f"- {line}" for line in section.lines)]))
    return "\n\n".join(blocks)


def week_before(on: date) -> tuple[date, date]:
    """The seven days before ``on``: (``on`` - 7, ``on`` - 1)."""
    return on - timedelta(days=7), on - timedelta(days=1)


def send_weekly_digests(on: date | None = None) -> int:
    """Send every active reviewer with an area the digest of the week before ``on`` (today).

    Once per reviewer and week (the key names the week); a reviewer with nothing to read gets
    nothing. Returns how many digests were sent.
    """
    start, end = week_before(on or rules.today())
    reviewers = db.session.scalars(
        select(User)
        .where(User.role == Role.REVIEWER, User.active.is_(True), User.area_id.is_not(None))
        .order_by(User.id)
    ).all()
    sent = 0
    for user in reviewers:
        with user_locale(user):
            found = compose(user, start, end)
            if not found:
                continue
            subject = _(
                "Weekly digest, %(start)s to %(end)s",
                start=format_date(start, "medium"),
                end=format_date(end, "medium"),
            )
            body = as_text(found)
        sent += notify(
            [user], subject, body, url=path_for("home.index"), key=f"digest:{start.isoformat()}"
        )
    return sent
