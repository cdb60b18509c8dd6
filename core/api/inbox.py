"""/api/v1/inbox: the caller's own notifications; marking them read (with a bearer token)."""

from flask import abort
from flask.views import MethodView
from marshmallow import Schema, fields

from core.api.common import COLLECTION, api_blueprint, caller, documents, item_rule, paginate
from core.api.fieldtypes import LocalDateTime
from core.extensions import db
from core.models import Notification
from core.notify.inbox import inbox_query, mark_read

blp = api_blueprint(
    "api_inbox",
    __name__,
    "The caller's notifications (reminders, flags, digests). Every user reads and marks their "
    "own; nobody else's.",
    may_write=lambda user: True,
)


class NotificationSchema(Schema):
    """A notification."""

    id = fields.Integer(dump_only=True)
    subject = fields.String()
    body = fields.String()
    url = fields.String(allow_none=True, metadata={"description": "A page it is about (a path)"})
    created_at = LocalDateTime(dump_only=True)
    read_at = LocalDateTime(allow_none=True)


class InboxArgsSchema(Schema):
    """Inbox filters."""

    unread = fields.Boolean(
        load_default=False, metadata={"description": "Only the notifications not read yet"}
    )


class UnreadSchema(Schema):
    """How many notifications are unread."""

    unread = fields.Integer()


class MarkedSchema(Schema):
    """How many notifications were marked read."""

    marked = fields.Integer()


@blp.route(COLLECTION, strict_slashes=False)
class Inbox(MethodView):
    """The caller's notifications."""

    @blp.arguments(InboxArgsSchema, location="query")
    @blp.response(200, NotificationSchema(many=True))
    @paginate(blp)
    @documents(blp, 401)
    def get(self, args):
        """List my notifications

        Newest first; ``unread=true`` keeps the unread ones.
        """
        return inbox_query(caller(), unread_only=args["unread"])


@blp.route("/unread-count")
class UnreadCount(MethodView):
    """The unread count."""

    @blp.response(200, UnreadSchema)
    @documents(blp, 401)
    def get(self):
        """Count my unread notifications"""
        return {
            "unread": db.session.scalar(
                inbox_query(caller(), unread_only=True)
                .with_only_columns(db.func.count(Notification.id))
                .order_by(None)
            )
        }


@blp.route(item_rule("notification_id", "/read"))
class ReadOne(MethodView):
    """Marking one notification read."""

    @blp.response(200, NotificationSchema)
    @documents(blp, 401, 403, 404)
    def post(self, notification_id):
        """Mark one of my notifications read

        Another user's notification answers 404. Marking a read one again changes nothing.
        """
        note = db.session.get(Notification, notification_id)
        if note is None or note.user_id != caller().id:
            abort(404)
        mark_read(caller(), note.id)
        db.session.refresh(note)
        return note


@blp.route("/read-all")
class ReadAll(MethodView):
    """Marking every notification read."""

    @blp.response(200, MarkedSchema)
    @documents(blp, 401, 403)
    def post(self):
        """Mark all my notifications read"""
        return {"marked": mark_read(caller())}
