"""/api/v1/events: outreach events. Everyone reads; admins, organising leaders and the
reviewers of the organising teams' area write."""

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
    caller,
    documents,
    filter_args,
    item_rule,
    live_rows,
    local_day_range,
    paginate,
    patched,
    readable,
    save,
)
from core.models import Event, event_teams
from core.notify.events import tell_organisers
from core.permissions import can_edit_event, event_scope, may_create_events
from core.services.events import (
    EventInput,
    cancel_event,
    create_event,
    delete_event,
    schedule_of,
    update_event,
    what_changed,
)

blp = api_blueprint(
    "api_events",
    __name__,
    "Outreach events. Admins write any; a leader writes the events their team organises; a "
    "reviewer those whose organising teams all lie inside their area.",
    may_write=may_create_events,
)


def _editable(event_id: int) -> Event:
    """The event ``event_id`` when the caller may change it (404 / 403)."""
    event = readable(Event, event_id, event_scope)
    if not can_edit_event(caller(), event):
        abort(403)
    return event


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
        query = live_rows(Event, event_scope, Event.starts_at, Event.id).options(
            selectinload(Event.teams)
        )
        if "team" in args:
            organised = select(event_teams.c.event_id).where(event_teams.c.team_id == args["team"])
            query = query.where(Event.id.in_(organised))
        query = filter_args(
            query,
            args,
            area=Event.area_id,
            campaign=Event.campaign_id,
            venue=Event.venue_kind,
            status=Event.status,
        )
        return query.where(
            *local_day_range(Event.starts_at, args.get("date_from"), args.get("date_to"))
        )

    @blp.arguments(EventInputSchema)
    @blp.response(201, EventSchema)
    @documents(blp, 401, 403)
    def post(self, data):
        """Schedule an event (admin, team leader, or reviewer)

        A leader's own team is always among the organisers; a reviewer names teams inside
        their area (422 for another team).
        """
        return save(create_event, caller(), EventInput(**data))


@blp.route(item_rule("event_id"))
class EventById(MethodView):
    """One event."""

    @blp.response(200, EventSchema)
    @documents(blp, 401, 404)
    def get(self, event_id):
        """Get an event"""
        return readable(Event, event_id, event_scope)

    @blp.arguments(EventPatchSchema(partial=True))
    @blp.response(200, EventSchema)
    @documents(blp, 401, 403, 404)
    def patch(self, data, event_id):
        """Change an event (admin, an organising team's leader, or their area's reviewer)

        Fields left out keep their value; the revision rises. Cancelling it or moving it
        (another time or place) tells its organising teams in their inbox.
        """
        event = _editable(event_id)
        values = patched(EventInput, event, data, team_ids=[team.id for team in event.teams])
        before = schedule_of(event)
        save(update_event, caller(), event, values)
        tell_organisers(event, what_changed(before, event), caller())
        return event

    @blp.response(204)
    @documents(blp, 401, 403, 404)
    def delete(self, event_id):
        """Delete an event (admin, an organising team's leader, or their area's reviewer)

        Soft delete: the event leaves lists and feeds but is kept for history.
        """
        save(delete_event, _editable(event_id), caller())


@blp.route(item_rule("event_id", "/cancel"))
class EventCancel(MethodView):
    """Cancelling an event."""

    @blp.response(200, EventSchema)
    @documents(blp, 401, 403, 404)
    def post(self, event_id):
        """Cancel an event (admin, an organising team's leader, or their area's reviewer)

        The event stays listed with status ``cancelled`` so calendars drop it; its
        organising teams are told in their inbox.
        """
        event = _editable(event_id)
        before = schedule_of(event)
        save(cancel_event, event)
        tell_organisers(event, what_changed(before, event), caller())
        return event
