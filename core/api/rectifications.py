"""/api/v1/rectifications: rectification items (限期整改) and their follow-up. Reviewers write
inside their area, admins anywhere; the team concerned reads its own."""

from flask import abort
from flask.views import MethodView
from flask_babel import gettext as _
from sqlalchemy import select

from core import rules
from core.api.common import (
    COLLECTION,
    api_blueprint,
    area_subtree,
    caller,
    documents,
    field_errors,
    filter_args,
    item_rule,
    paginate,
    readable,
    save,
)
from core.api.review_schemas import (
    RectificationInputSchema,
    RectificationListArgsSchema,
    RectificationPatchSchema,
    RectificationSchema,
)
from core.extensions import db
from core.models import Rectification, RectificationStatus
from core.permissions import may_review, may_review_area, rectification_scope
from core.services import FieldErrors
from core.services.inspections import unit_in_reach
from core.services.rectifications import (
    RectificationInput,
    create_rectification,
    delete_rectification,
    mark_done,
    reopen,
    status_clause,
    update_rectification,
)

blp = api_blueprint(
    "api_rectifications",
    __name__,
    "Rectification items with a deadline, followed up to done. Reviewers write inside their "
    "area, admins anywhere; the team concerned reads its own.",
    may_write=may_review,
)


def _writable(item_id: int) -> Rectification:
    """The item when the caller may follow it up (404 / 403)."""
    item = readable(Rectification, item_id, rectification_scope)
    if not may_review_area(caller(), item.village):
        abort(403)
    return item


@blp.route(COLLECTION, strict_slashes=False)
class Rectifications(MethodView):
    """The item collection."""

    @blp.arguments(RectificationListArgsSchema, location="query")
    @blp.response(200, RectificationSchema(many=True))
    @paginate(blp)
    @documents(blp, 401)
    def get(self, args):
        """List rectification items

        By deadline. ``status``: open, done, or overdue (open past the deadline); ``area``:
        items of villages in the area's subtree; ``team``.
        """
        query = (
            select(Rectification)
            .where(rectification_scope(caller()))
            .order_by(Rectification.deadline, Rectification.id)
        )
        if "area" in args:
            query = query.where(Rectification.village_id.in_(area_subtree(args["area"])))
        if "status" in args:
            query = query.where(status_clause(args["status"]))
        return filter_args(query, args, team=Rectification.team_id)

    @blp.arguments(RectificationInputSchema)
    @blp.response(201, RectificationSchema)
    @documents(blp, 401, 403)
    def post(self, data):
        """Create a rectification item (a reviewer inside their area, or an admin)

        For a ``team_id`` or a ``village_id``, or from a criticism (``result_id``) or an
        inspection (``inspection_id``), whose unit it takes.
        """
        if (
            not data.get("result_id")
            and not data.get("inspection_id")
            and unit_in_reach(caller(), data.get("team_id"), data.get("village_id")) is False
        ):
            abort(403)
        return save(create_rectification, caller(), RectificationInput(**data))


def _check_status(item: Rectification, data: dict) -> None:
    """FieldErrors for a status change that would be refused, before anything changes."""
    status = data.get("status")
    if status is None and ("done_note" in data or "done_on" in data):
        raise FieldErrors({"status": [_("Send the status 'done' with the note.")]})
    if status == RectificationStatus.DONE and item.status != RectificationStatus.DONE:
        if not data.get("done_note"):
            raise FieldErrors({"done_note": [_("This field is required.")]})
        if data.get("done_on") and data["done_on"] > rules.today():
            raise FieldErrors({"done_on": [_("The day cannot be in the future.")]})


def _follow_up(item: Rectification, data: dict) -> Rectification:
    """Apply a PATCH: the text and deadline, then the status change. Commits."""
    _check_status(item, data)
    if {"title", "requirement", "deadline"} & set(data):
        update_rectification(
            item,
            data.get("title", item.title),
            data.get("requirement", item.requirement),
            data.get("deadline", item.deadline),
        )
    status = data.get("status")
    if status == RectificationStatus.DONE and item.status != RectificationStatus.DONE:
        mark_done(caller(), item, data.get("done_note", ""), data.get("done_on"))
    elif status == RectificationStatus.OPEN and item.status != RectificationStatus.OPEN:
        reopen(item)
    return item


@blp.route(item_rule("item_id"))
class RectificationById(MethodView):
    """One rectification item."""

    @blp.response(200, RectificationSchema)
    @documents(blp, 401, 403, 404)
    def get(self, item_id):
        """Get a rectification item"""
        return readable(Rectification, item_id, rectification_scope)

    @blp.arguments(RectificationPatchSchema(partial=True))
    @blp.response(200, RectificationSchema)
    @documents(blp, 401, 403, 404)
    def patch(self, data, item_id):
        """Follow up a rectification item (a reviewer inside their area, or an admin)

        ``status: done`` with ``done_note`` (required) and ``done_on`` (default today) records
        it put right; ``status: open`` opens it again; ``title``, ``requirement`` and
        ``deadline`` change what it asks.
        """
        item = _writable(item_id)
        try:
            return _follow_up(item, data)
        except FieldErrors as exc:
            db.session.rollback()
            field_errors(exc.errors)

    @blp.response(204)
    @documents(blp, 401, 403, 404)
    def delete(self, item_id):
        """Delete a rectification item created by mistake"""
        save(delete_rectification, _writable(item_id), caller())
