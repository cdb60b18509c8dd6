"""/api/v1/inspections: inspections (督查) of teams and villages. Reviewers write inside their
area, admins anywhere; the leader and members of the team inspected read them."""

from flask import abort
from flask.views import MethodView
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from core.api.common import (
    COLLECTION,
    api_blueprint,
    area_subtree,
    caller,
    documents,
    filter_args,
    item_rule,
    paginate,
    patched,
    readable,
    save,
    save_upload,
)
from core.api.review_schemas import (
    INSPECTION_PHOTOS_BODY,
    InspectionInputSchema,
    InspectionListArgsSchema,
    InspectionPatchSchema,
    InspectionSchema,
)
from core.extensions import db
from core.models import Inspection, InspectionPhoto
from core.permissions import inspection_scope, may_review, may_review_area
from core.services.inspections import (
    InspectionInput,
    add_photos,
    delete_inspection,
    delete_photo,
    photo_response,
    record_inspection,
    unit_in_reach,
    update_inspection,
)
from core.services.uploads import uploaded_photos

blp = api_blueprint(
    "api_inspections",
    __name__,
    "Inspections of teams and villages. Reviewers write inside their area, admins anywhere; "
    "the team inspected reads its own.",
    may_write=may_review,
)


def _require_unit(data: dict) -> None:
    """403 when the body names an existing unit outside the caller's area."""
    if unit_in_reach(caller(), data.get("team_id"), data.get("village_id")) is False:
        abort(403)


def _writable(inspection_id: int) -> Inspection:
    """The inspection when the caller may change it (404 / 403)."""
    inspection = readable(Inspection, inspection_id, inspection_scope)
    if not may_review_area(caller(), inspection.village):
        abort(403)
    return inspection


@blp.route(COLLECTION, strict_slashes=False)
class Inspections(MethodView):
    """The inspection collection."""

    @blp.arguments(InspectionListArgsSchema, location="query")
    @blp.response(200, InspectionSchema(many=True))
    @paginate(blp)
    @documents(blp, 401)
    def get(self, args):
        """List inspections

        Most recent first. ``area``: inspections of villages in the area's subtree; ``team``,
        ``kind``; ``from``/``to``: the day of the inspection.
        """
        query = (
            select(Inspection)
            .where(inspection_scope(caller()))
            .options(selectinload(Inspection.photos))
            .order_by(Inspection.inspected_on.desc(), Inspection.id.desc())
        )
        if "area" in args:
            query = query.where(Inspection.village_id.in_(area_subtree(args["area"])))
        query = filter_args(query, args, team=Inspection.team_id, kind=Inspection.kind)
        if args.get("date_from"):
            query = query.where(Inspection.inspected_on >= args["date_from"])
        if args.get("date_to"):
            query = query.where(Inspection.inspected_on <= args["date_to"])
        return query

    @blp.arguments(InspectionInputSchema)
    @blp.response(201, InspectionSchema)
    @documents(blp, 401, 403)
    def post(self, data):
        """Record an inspection (a reviewer inside their area, or an admin)

        Give ``team_id`` for a team, or ``village_id`` for a village as a whole.
        """
        _require_unit(data)
        return save(record_inspection, caller(), InspectionInput(**data))


@blp.route(item_rule("inspection_id"))
class InspectionById(MethodView):
    """One inspection."""

    @blp.response(200, InspectionSchema)
    @documents(blp, 401, 403, 404)
    def get(self, inspection_id):
        """Get an inspection"""
        return readable(Inspection, inspection_id, inspection_scope)

    @blp.arguments(InspectionPatchSchema(partial=True))
    @blp.response(200, InspectionSchema)
    @documents(blp, 401, 403, 404)
    def patch(self, data, inspection_id):
        """Change an inspection (a reviewer inside their area, or an admin)

        Fields left out keep their value. Sending ``team_id`` null with a ``village_id`` makes
        it an inspection of the village as a whole.
        """
        inspection = _writable(inspection_id)
        values = patched(InspectionInput, inspection, data, photos=[])
        if "village_id" in data and "team_id" not in data:
            values.team_id = None
        _require_unit({"team_id": values.team_id, "village_id": values.village_id})
        return save(update_inspection, caller(), inspection, values)

    @blp.response(204)
    @documents(blp, 401, 403, 404)
    def delete(self, inspection_id):
        """Delete an inspection recorded by mistake

        Its photos are removed; rectification items made from it stay.
        """
        save(delete_inspection, _writable(inspection_id), caller())


def _photo_of(inspection: Inspection, photo_id: int) -> InspectionPhoto:
    """The photo ``photo_id`` of ``inspection`` (404 when it belongs to another one)."""
    photo = db.session.get(InspectionPhoto, photo_id)
    if photo is None or photo.inspection_id != inspection.id:
        abort(404)
    return photo


@blp.route(item_rule("inspection_id", "/photos"))
class InspectionPhotos(MethodView):
    """The photos of an inspection."""

    @blp.doc(requestBody=INSPECTION_PHOTOS_BODY)
    @blp.response(201, InspectionSchema)
    @documents(blp, 401, 403, 404, 422)
    def post(self, inspection_id):
        """Add photos to an inspection (a reviewer inside their area, or an admin)

        A multipart/form-data request with one or more files in the field ``photos``. All are
        stored or none: a refused one (type, size, too many) answers 422 naming ``photos``.
        """
        inspection = _writable(inspection_id)
        photos = uploaded_photos()
        return save_upload(add_photos, inspection, photos)


@blp.route(item_rule("inspection_id", "/photos" + item_rule("photo_id")))
class InspectionPhotoById(MethodView):
    """One photo of an inspection."""

    @blp.response(200, content_type="image/*", description="The image")
    @documents(blp, 401, 403, 404)
    def get(self, inspection_id, photo_id):
        """Get a photo's image (anyone who may read the inspection)"""
        return photo_response(
            _photo_of(readable(Inspection, inspection_id, inspection_scope), photo_id)
        )

    @blp.response(204)
    @documents(blp, 401, 403, 404)
    def delete(self, inspection_id, photo_id):
        """Remove a photo from an inspection (a reviewer inside their area, or an admin)"""
        save(delete_photo, _photo_of(_writable(inspection_id), photo_id))
