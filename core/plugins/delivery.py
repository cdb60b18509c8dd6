"""Tell enabled plugins that a visit was logged or an event changed, once it is committed.

Pages, the API, commands and the demo all change visits and events through the session, so
the core listens there instead of in each caller: a flush notes new visits and new or
changed events, a commit makes the notes deliverable, a rollback drops them. They are
delivered (``visit_logged``, ``event_changed``) after the request's view returns, or when an
app context ends outside requests, to each plugin in turn, committing its writes or rolling
them back if it raised. Nothing a plugin does while being told triggers further notices.
"""

import logging
from contextlib import contextmanager

from flask import Flask, Response
from sqlalchemy import event
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from core.errors import describe_error
from core.extensions import db
from core.models import Event, Visit
from core.plugins.calls import call_committing

logger = logging.getLogger(__name__)

_FLUSHED, _COMMITTED, _PAUSED = "kepu_flushed", "kepu_committed", "kepu_paused"


def init_app(app: Flask) -> None:
    """Deliver committed notices after each request and when an app context ends."""

    @app.after_request
    def _deliver_after_request(response: Response) -> Response:
        """Tell plugins about this request's changes before the response leaves."""
        deliver(app)
        return response

    @app.teardown_appcontext
    def _deliver_on_teardown(exc: BaseException | None) -> None:
        """Commands, jobs and failed requests: deliver what was committed."""
        if exc is not None and db.session.registry.has():
            db.session.rollback()
        deliver(app)


@event.listens_for(Session, "after_flush")
def _note_changes(session: Session, flush_context) -> None:
    """Note the visits and events this flush wrote (ids are known now)."""
    if session.info.get(_PAUSED):
        return
    notes = session.info.setdefault(_FLUSHED, [])
    for obj in session.new:
        if isinstance(obj, Visit):
            notes.append(("visit_logged", "visit", Visit, obj.id))
        elif isinstance(obj, Event):
            notes.append(("event_changed", "event", Event, obj.id))
    for obj in session.dirty:
        if isinstance(obj, Event) and session.is_modified(obj):
            notes.append(("event_changed", "event", Event, obj.id))


@event.listens_for(Session, "after_commit")
def _commit_notes(session: Session) -> None:
    """The noted changes are now committed: make them deliverable."""
    flushed = session.info.pop(_FLUSHED, [])
    if flushed:
        session.info.setdefault(_COMMITTED, []).extend(flushed)


@event.listens_for(Session, "after_rollback")
def _drop_notes(session: Session) -> None:
    """Rolled-back changes never happened: forget them."""
    session.info.pop(_FLUSHED, None)


@contextmanager
def paused():
    """Send no notices for changes made inside the block (the demo builds thousands)."""
    info = db.session.info
    before = info.get(_PAUSED, False)
    info[_PAUSED] = True
    try:
        yield
    finally:
        info[_PAUSED] = before


def deliver(app: Flask) -> None:
    """Call ``visit_logged`` / ``event_changed`` for every committed, undelivered change."""
    if not db.session.registry.has():
        return
    session = db.session()
    notes = session.info.pop(_COMMITTED, None)
    if not notes:
        return
    with paused():
        for hook_name, argument, model, ident in dict.fromkeys(notes):
            try:
                obj = session.get(model, ident)
                if obj is not None:
                    call_committing(app, hook_name, **{argument: obj})
            except SQLAlchemyError as exc:
                session.rollback()
                logger.error(
                    "could not deliver %s for %s %s: %s",
                    hook_name,
                    model.__name__,
                    ident,
                    describe_error(exc),
                )
