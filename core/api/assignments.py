"""/api/v1/assignments: members' standing links to farms (定点联系). Admins write.

The sources' "1–2 farms per member" is shown as a flag on members and teams, never enforced.
"""

from flask import abort
from flask.views import MethodView
from sqlalchemy import select

from core.api.common import (
    COLLECTION,
    api_blueprint,
    caller,
    documents,
    filter_args,
    item_rule,
    paginate,
    readable,
    save,
)
from core.api.schemas import (
    AssignmentInputSchema,
    AssignmentListArgsSchema,
    AssignmentPatchSchema,
    AssignmentSchema,
)
from core.extensions import db
from core.models import Assignment, Farm, Member
from core.permissions import assignment_scope
from core.services.teams import assign_farm, remove_assignment, update_assignment

blp = api_blueprint("api_assignments", __name__, "Links of members to farms (1–2 per member).")


def _live_links():
    """Links whose member and farm are both live (deleted ones leave the lists)."""
    return (
        select(Assignment)
        .join(Member, Member.id == Assignment.member_id)
        .join(Farm, Farm.id == Assignment.farm_id)
        .where(Member.deleted_at.is_(None), Farm.deleted_at.is_(None))
    )


def _assignment(assignment_id: int) -> Assignment:
    """The link ``assignment_id`` readable by the caller; 404 when gone, 403 out of scope."""
    found = db.session.execute(
        _live_links().where(Assignment.id == assignment_id)
    ).scalar_one_or_none()
    if found is None:
        abort(404)
    return readable(Assignment, assignment_id, assignment_scope)


@blp.route(COLLECTION, strict_slashes=False)
class Assignments(MethodView):
    """The assignment collection."""

    @blp.arguments(AssignmentListArgsSchema, location="query")
    @blp.response(200, AssignmentSchema(many=True))
    @paginate(blp)
    @documents(blp, 401)
    def get(self, args):
        """List assignments

        Links of live members to live farms, by id. ``area``: the farm's village lies in the
        area's subtree; ``team``: the member's team; ``member``, ``farm``: that member, farm.
        """
        query = _live_links().where(assignment_scope(caller())).order_by(Assignment.id)
        return filter_args(
            query,
            args,
            area=Farm.village_id,
            team=Member.team_id,
            member=Assignment.member_id,
            farm=Assignment.farm_id,
        )

    @blp.arguments(AssignmentInputSchema)
    @blp.response(201, AssignmentSchema)
    @documents(blp, 401, 403)
    def post(self, data):
        """Link a member to a farm (admin)

        A member linked to the same farm twice is refused (422 on ``farm_id``).
        """
        return save(assign_farm, data["member_id"], data["farm_id"], data.get("since"))


@blp.route(item_rule("assignment_id"))
class AssignmentById(MethodView):
    """One assignment."""

    @blp.response(200, AssignmentSchema)
    @documents(blp, 401, 403, 404)
    def get(self, assignment_id):
        """Get an assignment"""
        return _assignment(assignment_id)

    @blp.arguments(AssignmentPatchSchema(partial=True))
    @blp.response(200, AssignmentSchema)
    @documents(blp, 401, 403, 404)
    def patch(self, data, assignment_id):
        """Change when a link started (admin)

        Left out, ``since`` keeps its value.
        """
        link = _assignment(assignment_id)
        return save(update_assignment, link, data.get("since", link.since))

    @blp.response(204)
    @documents(blp, 401, 403, 404)
    def delete(self, assignment_id):
        """Remove a link (admin)

        The link is deleted for real; visits do not refer to it.
        """
        save(remove_assignment, _assignment(assignment_id))
