"""/api/v1/deleted: the deleted records (admins), and restoring one.

Visits, events, inspections, rectification items, teams, members, farms and the plugins'
soft-deletable records; ``object_type`` is the table name, as on the audit trail.
"""

from flask import abort
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from core.api.common import (
    COLLECTION,
    MAX_ID,
    api_blueprint,
    caller,
    documents,
    save,
)
from core.api.fieldtypes import LocalDateTime
from core.extensions import db
from core.models.soft_delete import including_deleted
from core.pagination import API_PAGE_SIZE, MAX_PAGE_SIZE
from core.permissions import is_admin
from core.services.restore import (
    deleted_count,
    deleted_query,
    deleted_rows,
    find_deleted,
    restorable_models,
    restore_record,
)

blp = api_blueprint(
    "api_deleted",
    __name__,
    "Deleted records (admins): records that feed the review are soft-deleted, never removed, "
    "and an admin can restore them.",
    may_write=is_admin,
)


class DeletedArgsSchema(Schema):
    """Which kind of deleted records to list."""

    object_type = fields.String(
        load_default="visits",
        validate=validate.Length(max=64),
        metadata={"description": "The kind of record (table name), e.g. visits, events"},
    )


class DeletedRecordSchema(Schema):
    """One deleted record."""

    object_type = fields.String(metadata={"description": "The record's table"})
    label = fields.String(metadata={"description": "What the record is, in the caller's language"})
    id = fields.Integer()
    summary = fields.String(metadata={"description": "Its day, name or title, team and farm"})
    deleted_at = LocalDateTime()
    deleted_by = fields.String(metadata={"description": "Who deleted it (empty: a command)"})


def _admin() -> None:
    """403 unless the caller is an admin."""
    if not is_admin(caller()):
        abort(403)


def _model(object_type: str) -> type:
    """The soft-deletable model of ``object_type``, or 404."""
    model = restorable_models().get(object_type)
    if model is None:
        abort(404)
    return model


@blp.route(COLLECTION, strict_slashes=False)
class DeletedRecords(MethodView):
    """The deleted records of one kind."""

    @blp.arguments(DeletedArgsSchema, location="query")
    @blp.response(200, DeletedRecordSchema(many=True))
    @blp.paginate(page_size=API_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
    @documents(blp, 401, 403, 404)
    def get(self, args, pagination_parameters):
        """List deleted records

        The latest deletion first; ``object_type`` (default ``visits``) is one of the
        soft-deletable tables, else 404.
        """
        _admin()
        object_type = args["object_type"]
        model = _model(object_type)
        query = deleted_query(model)
        pagination_parameters.item_count = deleted_count(model)
        with including_deleted(db.session):
            records = db.session.scalars(
                query.offset(pagination_parameters.first_item).limit(
                    pagination_parameters.page_size
                )
            ).all()
            return deleted_rows(object_type, list(records))


@blp.route(f"/<object_type>/<int(min=1, max={MAX_ID}):record_id>/restore", methods=["POST"])
@blp.response(204)
@documents(blp, 401, 403, 404, 409)
def restore(object_type, record_id):
    """Restore a deleted record

    It is back in every list and figure as it was; the audit trail records the restore.
    409 while the team it belongs to is deleted (restore the team first).
    """
    _admin()
    record = find_deleted(_model(object_type), record_id)
    if record is None:
        abort(404)
    save(restore_record, record)
