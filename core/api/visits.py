"""/api/v1/visits: what a team did at a farm on a day. Admins and the team's leader write."""

from flask import abort, request
from flask.views import MethodView
from flask_babel import gettext as _
from sqlalchemy import select

from core.api.activity_schemas import (
    VISIT_PHOTOS_BODY,
    VisitHistoryEntrySchema,
    VisitInputSchema,
    VisitListArgsSchema,
    VisitPatchSchema,
    VisitSchema,
)
from core.api.common import (
    COLLECTION,
    api_blueprint,
    caller,
    documents,
    field_errors,
    filter_args,
    item_rule,
    paginate,
    patched,
    readable,
    require_team_writable,
    save,
    save_upload,
    teams_in_area,
    writable_team_record,
)
from core.audit.history import record_history
from core.extensions import db
from core.models import Role, Visit, VisitPhoto
from core.permissions import can_write_some_team_records, can_write_team_records, visit_scope
from core.services.uploads import uploaded_photos
from core.services.visit_photos import add_photos, photo_response, remove_photo
from core.services.visits import VisitInput, delete_visit, log_visit, update_visit

blp = api_blueprint(
    "api_visits",
    __name__,
    "Visits of teams to farms. Admins write any; a leader writes their own team's.",
    may_write=can_write_some_team_records,
)


def _writable(visit_id: int) -> Visit:
    """The visit ``visit_id`` when the caller may change it (404 / 403)."""
    return writable_team_record(Visit, visit_id, visit_scope)


@blp.route(COLLECTION, strict_slashes=False)
class Visits(MethodView):
    """The visit collection."""

    @blp.arguments(VisitListArgsSchema, location="query")
    @blp.response(200, VisitSchema(many=True))
    @paginate(blp)
    @documents(blp, 401)
    def get(self, args):
        """List visits

        Most recent first. ``area``: visits of teams whose village lies in the area's subtree;
        ``team``, ``farm``, ``kind``; ``from``/``to``: the day of the visit.
        """
        query = (
            select(Visit)
            .where(visit_scope(caller()))
            .order_by(Visit.visited_on.desc(), Visit.id.desc())
        )
        if "area" in args:
            query = query.where(Visit.team_id.in_(teams_in_area(args["area"])))
        query = filter_args(query, args, team=Visit.team_id, farm=Visit.farm_id, kind=Visit.kind)
        if args.get("date_from"):
            query = query.where(Visit.visited_on >= args["date_from"])
        if args.get("date_to"):
            query = query.where(Visit.visited_on <= args["date_to"])
        return query

    @blp.arguments(VisitInputSchema)
    @blp.response(201, VisitSchema)
    @blp.alt_response(
        200,
        schema=VisitSchema,
        description="A retry: the visit already logged with this client_key",
        success=True,
    )
    @documents(blp, 401, 403, 409)
    def post(self, data):
        """Log a visit (admin, or the team's leader)

        A leader may leave out ``team_id``. Posting again with the same ``client_key`` answers
        200 with the visit already logged.
        """
        user = caller()
        if data.get("team_id") is None:
            data["team_id"] = user.team_id if user.role == Role.LEADER else None
        require_team_writable(data.get("team_id"))
        visit, created = save(log_visit, user, VisitInput(**data))
        if not created and not can_write_team_records(user, visit.team_id):
            field_errors({"client_key": [_("This key belongs to another team's visit.")]})
        return visit, 201 if created else 200


@blp.route(item_rule("visit_id"))
class VisitById(MethodView):
    """One visit."""

    @blp.response(200, VisitSchema)
    @documents(blp, 401, 403, 404)
    def get(self, visit_id):
        """Get a visit"""
        return readable(Visit, visit_id, visit_scope)

    @blp.arguments(VisitPatchSchema(partial=True))
    @blp.response(200, VisitSchema)
    @documents(blp, 401, 403, 404)
    def patch(self, data, visit_id):
        """Change a visit (admin, or the team's leader)

        Fields left out keep their value; the same checks as logging a visit apply.
        """
        visit = _writable(visit_id)
        require_team_writable(data.get("team_id"))
        members = [member.id for member in visit.members_present]
        # no new photos: they are added at /photos (a visit's ``photos`` are its stored ones)
        values = patched(VisitInput, visit, data, member_ids=members, photos=[])
        return save(update_visit, caller(), visit, values)

    @blp.response(204)
    @documents(blp, 401, 403, 404)
    def delete(self, visit_id):
        """Delete a visit logged by mistake (admin, or the team's leader)

        Soft: gone from every list and figure, kept with who deleted it and when; an admin
        can restore it (``POST /api/v1/deleted/visits/{id}/restore``).
        """
        save(delete_visit, _writable(visit_id), caller())


@blp.route(item_rule("visit_id", "/history"))
class VisitHistory(MethodView):
    """Who logged, changed, deleted and restored one visit."""

    @blp.response(200, VisitHistoryEntrySchema(many=True))
    @documents(blp, 401, 404)
    def get(self, visit_id):
        """Get a visit's history

        Every change of the visit, oldest first: when, who (a username, or the command or job
        that made it), what (create, update, delete, restore) and each field before and after.
        404 for a visit the caller may not read, as for one that does not exist.
        """
        visible = db.session.execute(
            select(Visit.id).where(
                Visit.id == visit_id, Visit.deleted_at.is_(None), visit_scope(caller())
            )
        ).first()
        if visible is None:
            abort(404)
        return record_history(Visit.__tablename__, visit_id)


def _photo_of(visit: Visit, photo_id: int) -> VisitPhoto:
    """The live photo ``photo_id`` of ``visit`` (404 when it belongs to another one)."""
    photo = db.session.get(VisitPhoto, photo_id)
    if photo is None or photo.is_deleted or photo.visit_id != visit.id:
        abort(404)
    return photo


@blp.route(item_rule("visit_id", "/photos"))
class VisitPhotos(MethodView):
    """The photos of a visit."""

    @blp.doc(requestBody=VISIT_PHOTOS_BODY)
    @blp.response(201, VisitSchema)
    @documents(blp, 401, 403, 404, 422)
    def post(self, visit_id):
        """Add photos to a visit (admin, or the team's leader)

        A multipart/form-data request with one or more files in the field ``photos``. All are
        stored or none: a refused one (type, size, too many) answers 422 naming ``photos``.
        """
        visit = _writable(visit_id)
        photos = uploaded_photos()
        return save_upload(add_photos, caller(), visit, photos)


@blp.route(item_rule("visit_id", "/photos" + item_rule("photo_id")))
class VisitPhotoById(MethodView):
    """One photo of a visit."""

    @blp.response(200, content_type="image/*", description="The image")
    @documents(blp, 401, 403, 404)
    def get(self, visit_id, photo_id):
        """Get a photo's image, or its thumbnail with ``?thumbnail=1`` (anyone who may read
        the visit)"""
        photo = _photo_of(readable(Visit, visit_id, visit_scope), photo_id)
        return photo_response(photo, thumbnail=request.args.get("thumbnail") == "1")

    @blp.response(204)
    @documents(blp, 401, 403, 404)
    def delete(self, visit_id, photo_id):
        """Remove a photo from a visit (admin, or the team's leader)

        Soft, like a visit: the photo is evidence counted by the review; an admin can restore
        it (``POST /api/v1/deleted/visit_photos/{id}/restore``).
        """
        visit = _writable(visit_id)
        save(remove_photo, _photo_of(visit, photo_id), caller())
