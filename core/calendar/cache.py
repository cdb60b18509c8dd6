"""The cache of rendered VEVENT texts: one row per event and language, kept fresh by fingerprint.

icalendar renders about 2,000 events a second; a feed of 10,000 events is therefore assembled
from stored texts, and only the events whose fingerprint changed are rendered again, in bulk.
Events are also rendered as soon as they change (the core's ``event_changed`` hook), so a feed
rarely renders anything at all.
"""

import logging
from collections.abc import Iterable, Sequence

from flask import current_app
from sqlalchemy import delete, insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import joinedload

from core.calendar.writer import fingerprint, render_event
from core.dates import local_zone
from core.extensions import db
from core.models import CalendarCache, Event, utcnow

logger = logging.getLogger(__name__)

#: events loaded and rendered per query when many are stale (keeps SQL parameters few)
CHUNK = 2000


def event_fingerprint(event: Event) -> str:
    """The fingerprint of a loaded event (the one a feed query computes from its row)."""
    name = event.campaign.name if event.campaign is not None else None
    return fingerprint(
        event.revision or 0,
        event.updated_at,
        event.deleted_at,
        name,
        current_app.config["TIMEZONE"],
    )


def render(ids: Sequence[int], locale: str) -> dict[int, tuple[str, str]]:
    """Render the events ``ids`` in ``locale``: ``{id: (fingerprint, text)}``, one query a chunk."""
    rendered: dict[int, tuple[str, str]] = {}
    tz = local_zone()
    for start in range(0, len(ids), CHUNK):
        events = db.session.execute(
            select(Event)
            .where(Event.id.in_(ids[start : start + CHUNK]))
            .options(joinedload(Event.campaign))
        ).scalars()
        for event in events:
            rendered[event.id] = (event_fingerprint(event), render_event(event, locale, tz))
    return rendered


def store(rendered: dict[int, tuple[str, str]], locale: str) -> None:
    """Replace the cached texts of the rendered events, and commit.

    The cache only saves work: when two requests store the same rows at once, or the database
    refuses the write, the texts are simply not kept this time.
    """
    if not rendered:
        return
    ids = list(rendered)
    now = utcnow()
    try:
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start : start + CHUNK]
            db.session.execute(
                delete(CalendarCache).where(
                    CalendarCache.event_id.in_(chunk), CalendarCache.locale == locale
                )
            )
            db.session.execute(
                insert(CalendarCache),
                [
                    {
                        "event_id": i,
                        "locale": locale,
                        "fingerprint": rendered[i][0],
                        "vevent": rendered[i][1],
                        "rendered_at": now,
                    }
                    for i in chunk
                ],
            )
        db.session.commit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        logger.warning("calendar cache not stored: %s", exc.__class__.__name__)


def refresh(ids: Iterable[int], locales: Iterable[str] | None = None) -> None:
    """Render and store the texts of events ``ids`` in every configured language."""
    ids = list(ids)
    for locale in locales or current_app.config["LANGUAGES"]:
        store(render(ids, locale), locale)


def row_fingerprint(row) -> str:
    """The fingerprint an event row of a feed query should have in the cache."""
    return fingerprint(
        row.revision or 0,
        row.updated_at,
        row.deleted_at,
        row.campaign_name,
        current_app.config["TIMEZONE"],
    )


def texts(rows: Sequence, locale: str, wanted: dict[int, str] | None = None) -> dict[int, str]:
    """The current text of each event row, rendering (and storing) only the stale ones.

    ``rows`` carry ``id``, ``revision``, ``updated_at``, ``deleted_at``, ``campaign_name``,
    ``cached_fingerprint`` and ``cached_vevent`` (see :func:`core.calendar.feeds.event_rows`);
    ``wanted`` holds fingerprints already computed from them.
    """
    wanted = wanted or {}
    result: dict[int, str] = {}
    stale: list[int] = []
    for row in rows:
        expected = wanted.get(row.id) or row_fingerprint(row)
        if row.cached_fingerprint == expected:
            result[row.id] = row.cached_vevent
        else:
            stale.append(row.id)
    if stale:
        rendered = render(stale, locale)
        store(rendered, locale)
        result.update({i: text for i, (_, text) in rendered.items()})
    return result
