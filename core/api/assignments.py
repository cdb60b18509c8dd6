"""/api/v1/assignments: members' standing links to farms (定点联系). Admins write.

The sources' "1–2 farms per member" is shown as a flag on members and teams, never enforced.
"""

from flask import abort
from flask.views import MethodView
from flask_babel import gettext as _
from sqlalchemy import ColumnElement, select, true

from core.api.common import (
    COLLECTION,
    api_blueprint,
    area_subtree,
    caller,
    commit,
    documents,
    field_errors,
    item_rule,
    live,
    paginate,
)
from core.api.schemas import (
    AssignmentInputSchema,
    AssignmentListArgsSchema,
    AssignmentPatchSchema,
    AssignmentSchema,
)
from core.extensions import db
from core.models import Assignment, Farm, Member, User
from core.permissions import get_readable_or_404, is_admin, member_scope

blp = api_blueprint("api_assignments", __name__, "Links of members to farms (1–2 per member).")


def assignment_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on ``Assignment``: the links of the members ``user`` may read."""
    if is_admin(user):
        return true()
    return Assignment.member_id.in_(select(Member.id).where(member_scope(user)))


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
    return get_readable_or_404(Assignment, assignment_id, assignment_scope(caller()))


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
        if "area" in args:
            query = query.where(Farm.village_id.in_(area_subtree(args["area"])))
        if "team" in args:
            query = query.where(Member.team_id == args["team"])
        if "member" in args:
            query = query.where(Assignment.member_id == args["member"])
        if "farm" in args:
            query = query.where(Assignment.farm_id == args["farm"])
        return query

    @blp.arguments(AssignmentInputSchema)
    @blp.response(201, AssignmentSchema)
    @documents(blp, 401, 403)
    def post(self, data):
        """Link a member to a farm (admin)

        A member linked to the same farm twice is refused (422 on ``farm_id``).
        """
        member = live(Member, data["member_id"], "member_id", _("Choose an existing member."))
        farm = live(Farm, data["farm_id"], "farm_id", _("Choose an existing farm."))
        duplicate = db.session.execute(
            select(Assignment.id).where(
                Assignment.member_id == member.id, Assignment.farm_id == farm.id
            )
        ).first()
        if duplicate is not None:
            field_errors({"farm_id": [_("This member is already linked to this farm.")]})
        link = Assignment(member=member, farm=farm, since=data.get("since"))
        db.session.add(link)
        commit()
        return link


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
        """Change when a link started (admin)"""
        link = _assignment(assignment_id)
        if "since" in data:
            link.since = data["since"]
        commit()
        return link

    @blp.response(204)
    @documents(blp, 401, 403, 404)
    def delete(self, assignment_id):
        """Remove a link (admin)

        The link is deleted for real; visits do not refer to it.
        """
        db.session.delete(_assignment(assignment_id))
        commit()
