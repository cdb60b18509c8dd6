"""/api/v1/audit: the audit trail (留痕), as on the audit page.

Admins read every change, reviewers those of their area's subtree, leaders their team's;
members get 403. Newest first, paginated like every list.
"""

from flask import abort
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import abort as smorest_abort
from marshmallow import Schema, fields, validate

from core.api.common import (
    COLLECTION,
    DateRangeSchema,
    api_blueprint,
    caller,
    documents,
    paginate,
    query_id,
)
from core.api.fieldtypes import LocalDateTime
from core.audit.query import AuditFilters, audit_query, may_read_audit
from core.extensions import db
from core.models import Area

blp = api_blueprint(
    "api_audit",
    __name__,
    "The audit trail: every record created, changed or deleted, by whom, when and from where, "
    "with each field before and after. Admins read all, reviewers their area, leaders their "
    "team.",
)


class AuditArgsSchema(DateRangeSchema):
    """Filters of the trail (``from``/``to``: local days of the change)."""

    user = query_id("Only changes made by this user")
    object_type = fields.String(
        validate=validate.Length(max=64),
        metadata={"description": "Only records of this kind (table name, e.g. visits)"},
    )
    object_id = fields.String(
        validate=validate.Length(max=64), metadata={"description": "Only this record (its id)"}
    )
    area = query_id("Only records inside this area's subtree (the area and everything below)")
    after = fields.Integer(
        validate=validate.Range(min=0, max=2**62),
        metadata={
            "description": "Only changes after this position of the trail (the audit_position "
            "a confirmed assessment, bulletin or award cites)"
        },
    )


class AuditEventSchema(Schema):
    """One change of one record."""

    id = fields.Integer()
    at = LocalDateTime(metadata={"description": "When the change was saved"})
    user_id = fields.Integer(allow_none=True, metadata={"description": "Who made it"})
    token_id = fields.Integer(allow_none=True, metadata={"description": "The API token used"})
    actor = fields.String(
        metadata={"description": "Outside requests: the command or job, e.g. job: core.x"}
    )
    remote_addr = fields.String(metadata={"description": "The client's address"})
    request_id = fields.String(metadata={"description": "The request's X-Request-ID"})
    action = fields.String(
        validate=validate.OneOf(["create", "update", "delete", "restore"]),
        metadata={"description": "delete: removed or soft-deleted; restore: undeleted"},
    )
    object_type = fields.String(metadata={"description": "The record's table"})
    object_id = fields.String()
    area_id = fields.Integer(allow_none=True)
    team_id = fields.Integer(allow_none=True)
    changes = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Raw(allow_none=True)),
        metadata={"description": "{field: [before, after]}; secrets as ***"},
    )


@blp.route(COLLECTION, strict_slashes=False)
class AuditTrail(MethodView):
    """The trail."""

    @blp.arguments(AuditArgsSchema, location="query")
    @blp.response(200, AuditEventSchema(many=True))
    @paginate(blp)
    @documents(blp, 401, 403)
    def get(self, args):
        """List changes

        Newest first. ``user``, ``object_type``, ``object_id``; ``area``: records of the
        area's subtree; ``from``/``to``: the local day of the change.
        """
        user = caller()
        if not may_read_audit(user):
            abort(403)
        area = None
        if "area" in args:
            area = db.session.get(Area, args["area"])
            if area is None:
                smorest_abort(422, messages={"query": {"area": [_("Choose an existing area.")]}})
        filters = AuditFilters(
            user_id=args.get("user"),
            object_type=args.get("object_type"),
            object_id=args.get("object_id"),
            area=area,
            date_from=args.get("date_from"),
            date_to=args.get("date_to"),
            after=args.get("after"),
        )
        return audit_query(user, filters)
