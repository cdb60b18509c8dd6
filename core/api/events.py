"""/api/v1/events: outreach events. Everyone reads; admins and organising leaders write."""

from flask import abort
from flask.views import MethodView
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.api.activity_schemas import (
    EventInputSchema,
    EventListArgsSchema,
    EventPatchSchema,
    EventSchema,
)
from core.api.common import (
    COLLECTION,
    api_blueprint,
    area_subtree,
    caller,
    documents,
    item_rule,
    local_day_range,
    may_log_team_records,
    paginate,
    raise_field_errors,
)
from core.models import Event, event_teams
from core.permissions import can_edit_event, event_scope, get_readable_or_404
from core.services import FieldErrors
from core.services.events import (
    EventInput,
    cancel_event,
    create_event,
    delete_event,
    update_event,
)

blp = api_blueprint(
    "api_events",
    __name__,
    "Outreach events. Admins write any; a leader writes the events their team organises.",
    may_write=may_log_team_records,
)

#: what a PATCH starts from: the stored values of these fields
EDITABLE = (
    "title", "venue_kind", "starts_at", "ends_at", "place", "campaign_id", "area_id",
    "description", "all_day", "status",
)


def _event(event_id: int) -> Event:
    """The live event ``event_id`` (404); events are public to signed-in users."""
    return get_readable_or_404(Event, event_id, event_scope(caller()))


def _editable(event_id: int) -> Event:
    """The event ``event_id`` when the caller may change it (404 / 403)."""
    event = _event(event_id)
    if not can_edit_event(caller(), event):
        abort(403)
    return event


def _save(func, *args) -> Event:
    """Run a service write; its FieldErrors answer 422 naming each field."""
    try:
        return func(*args)
    except FieldErrors as exc:
        raise_field_errors(exc)


@blp.route(COLLECTION, strict_slashes=False)
class Events(MethodView):
    """The event collection."""

    @blp.arguments(EventListArgsSchema, location="query")
    @blp.response(200, EventSchema(many=True))
    @paginate(blp)
    @documents(blp, 401)
    def get(self, args):
        """List events

        By start. ``from``/``to``: local days (configured zone) of the start; ``area``: events
        held in the area's subtree; ``team``: events the team organises; ``campaign``,
        ``venue``, ``status``.
        """
        query = (
            select(Event)
            .where(Event.deleted_at.is_(None), event_scope(caller()))
            .options(selectinload(Event.teams))
            .order_by(Event.starts_at, Event.id)
        )
        if "area" in args:
            query = query.where(Event.area_id.in_(area_subtree(args["area"])))
        if "team" in args:
            organised = select(event_teams.c.event_id).where(event_teams.c.team_id == args["team"])
            query = query.where(Event.id.in_(organised))
        for arg, column in (
            ("campaign", Event.campaign_id),
            ("venue", Event.venue_kind),
            ("status", Event.status),
        ):
            if arg in args:
                query = query.where(column == args[arg])
        return query.where(
            *local_day_range(Event.starts_at, args.get("date_from"), args.get("date_to"))
        )

    @blp.arguments(EventInputSchema)
    @blp.response(201, EventSchema)
    @documents(blp, 401, 403)
    def post(self, data):
        """Schedule an event (admin, or a team leader)

        A leader's own team is always among the organisers.
        """
        return _save(create_event, caller(), EventInput(**data))


@blp.route(item_rule("event_id"))
class EventById(MethodView):
    """One event."""

    @blp.response(200, EventSchema)
    @documents(blp, 401, 404)
    def get(self, event_id):
        """Get an event"""
        return _event(event_id)

    @blp.arguments(EventPatchSchema(partial=True))
    @blp.response(200, EventSchema)
    @documents(blp, 401, 403, 404)
    def patch(self, data, event_id):
        """Change an event (admin, or an organising team's leader)

        Fields left out keep their value; the revision rises.
        """
        event = _editable(event_id)
        values = {name: getattr(event, name) for name in EDITABLE}
        values["team_ids"] = [team.id for team in event.teams]
        values.update(data)
        return _save(update_event, caller(), event, EventInput(**values))

    @blp.response(204)
    @documents(blp, 401, 403, 404)
    def delete(self, event_id):
        """Delete an event (admin, or an organising team's leader)

        Soft delete: the event leaves lists and feeds but is kept for history.
        """
        delete_event(_editable(event_id))


@blp.route(item_rule("event_id", "/cancel"))
class EventCancel(MethodView):
    """Cancelling an event."""

    @blp.response(200, EventSchema)
    @documents(blp, 401, 403, 404)
    def post(self, event_id):
        """Cancel an event (admin, or an organising team's leader)

        The event stays listed with status ``cancelled`` so calendars drop it.
        """
        return cancel_event(_editable(event_id))
