"""/api/v1/rectifications: rectification items (限期整改) and their follow-up. Reviewers write
inside their area, admins anywhere; the team concerned reads its own, and its leader reports
progress (``/reports``), which a reviewer accepts or sends back (``/accept``, ``/send-back``)."""

from flask import abort, request
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import abort as smorest_abort
from marshmallow import ValidationError
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
from core.api.rectification_step_schemas import (
    REPORT_BODY,
    AcceptInputSchema,
    ReportInputSchema,
    SendBackInputSchema,
    StepSchema,
)
from core.api.review_schemas import (
    RectificationInputSchema,
    RectificationListArgsSchema,
    RectificationPatchSchema,
    RectificationSchema,
)
from core.extensions import db
from core.models import Rectification, RectificationPhoto, RectificationStatus, Role, User
from core.notify.rectifications import tell_other_side
from core.permissions import (
    may_report_rectification,
    may_review,
    may_review_area,
    rectification_scope,
)
from core.services import Conflict, FieldErrors
from core.services.inspections import unit_in_reach
from core.services.rectification_steps import (
    accept_report,
    photo_response,
    report_progress,
    send_back,
    steps_of,
)
from core.services.rectifications import (
    RectificationInput,
    create_rectification,
    delete_rectification,
    mark_done,
    reopen,
    status_clause,
    update_rectification,
)
from core.services.uploads import uploaded_photos


def _may_write(user: User) -> bool:
    """Reviewers and admins follow items up; a team's leader reports progress."""
    return may_review(user) or (user.role == Role.LEADER and user.team_id is not None)


blp = api_blueprint(
    "api_rectifications",
    __name__,
    "Rectification items with a deadline, followed up to done. Reviewers write inside their "
    "area, admins anywhere; the team concerned reads its own, and its leader reports progress "
    "for a reviewer to accept or send back.",
    may_write=_may_write,
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
        if not may_review(caller()):
            abort(403)
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


# --- the follow-up between the unit and its reviewers ----------------------------------------


def _reportable(item_id: int) -> Rectification:
    """The item when the caller is the leader of its unit (404 / 403)."""
    item = readable(Rectification, item_id, rectification_scope)
    if not may_report_rectification(caller(), item):
        abort(403)
    return item


def _report_input() -> tuple[str, list[bytes], str]:
    """The text and photos of a report (JSON, or multipart with files), and where the text
    came from (``json`` or ``form``); 422 naming ``text`` when it is missing or too long."""
    if request.mimetype == "multipart/form-data":
        body, location = request.form.to_dict(), "form"
        photos = uploaded_photos()
    else:
        body, location, photos = request.get_json(silent=True), "json", []
    try:
        data = ReportInputSchema().load(body if isinstance(body, dict) else {})
    except ValidationError as exc:
        smorest_abort(422, messages={location: exc.messages})
    return data["text"], photos, location


def _save_report(item: Rectification, text: str, photos: list[bytes], location: str):
    """Record the report and tell the reviewers; refused photos answer 422 under ``files``,
    the text under ``location``, a closed item 409."""
    try:
        step = report_progress(caller(), item, text, photos)
    except FieldErrors as exc:
        db.session.rollback()
        messages = {}
        for name, errors in exc.errors.items():
            where = "files" if name == "photos" else location
            messages.setdefault(where, {})[name] = [str(m) for m in errors]
        smorest_abort(422, messages=messages)
    except Conflict as exc:
        db.session.rollback()
        abort(409, description=str(exc))
    tell_other_side(item, step)
    return step


@blp.route(item_rule("item_id", "/steps"))
class RectificationSteps(MethodView):
    """The follow-up history of an item."""

    @blp.response(200, StepSchema(many=True))
    @documents(blp, 401, 403, 404)
    def get(self, item_id):
        """List an item's follow-up steps

        Oldest first: the unit's progress reports (with photos), and the reviewers'
        acceptances and send-backs. Anyone who may read the item reads them.
        """
        return steps_of(readable(Rectification, item_id, rectification_scope))


@blp.route(item_rule("item_id", "/reports"))
class RectificationReports(MethodView):
    """The unit's progress reports."""

    @blp.doc(requestBody=REPORT_BODY)
    @blp.response(201, StepSchema)
    @documents(blp, 401, 403, 404, 409, 422)
    def post(self, item_id):
        """Report progress on an item (the leader of the unit concerned)

        The leader of the item's team (for a village as a whole: of a team of that village)
        reports what has been done, with photos when sent as multipart/form-data. The item then
        awaits review (``awaiting_review``) and the reviewers are told; it stays open with its
        deadline. A done item answers 409.
        """
        item = _reportable(item_id)
        return _save_report(item, *_report_input())


@blp.route(item_rule("item_id", "/accept"))
class RectificationAccept(MethodView):
    """Accepting a report."""

    @blp.arguments(AcceptInputSchema)
    @blp.response(200, RectificationSchema)
    @documents(blp, 401, 403, 404, 409)
    def post(self, data, item_id):
        """Accept the report awaiting review (a reviewer of the item's area, or an admin)

        The item is done today, by the caller, put right as the last report says; ``note`` is
        optional. 409 when no report awaits review or the item is done.
        """
        item = _writable(item_id)
        tell_other_side(item, save(accept_report, caller(), item, data.get("note", "")))
        return item


@blp.route(item_rule("item_id", "/send-back"))
class RectificationSendBack(MethodView):
    """Sending a report back."""

    @blp.arguments(SendBackInputSchema)
    @blp.response(200, RectificationSchema)
    @documents(blp, 401, 403, 404, 409)
    def post(self, data, item_id):
        """Send the report awaiting review back (a reviewer of the item's area, or an admin)

        ``reason`` is required. The item stays open with its deadline, no longer awaiting
        review, and the team is told. 409 when no report awaits review or the item is done.
        """
        item = _writable(item_id)
        tell_other_side(item, save(send_back, caller(), item, data["reason"]))
        return item


@blp.route(item_rule("item_id", "/photos" + item_rule("photo_id")))
class RectificationPhotoById(MethodView):
    """One photo of a progress report."""

    @blp.response(200, content_type="image/*", description="The image")
    @documents(blp, 401, 403, 404)
    def get(self, item_id, photo_id):
        """Get a report photo's image (anyone who may read the item)"""
        item = readable(Rectification, item_id, rectification_scope)
        photo = db.session.get(RectificationPhoto, photo_id)
        if photo is None or photo.step.rectification_id != item.id:
            abort(404)
        return photo_response(photo)
