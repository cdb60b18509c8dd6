"""/api/v1/members: volunteers, with their farm count. Admins write; deleting is soft."""

from flask.views import MethodView

from core.api.common import (
    COLLECTION,
    TeamFilterSchema,
    api_blueprint,
    documents,
    filter_args,
    item_rule,
    live_rows,
    paginate,
    patched,
    readable,
    save,
    teams_in_area,
)
from core.api.schemas import MemberInputSchema, MemberPatchSchema, MemberSchema
from core.models import Member
from core.permissions import member_scope
from core.services.teams import MemberInput, add_member, delete_member, update_member

blp = api_blueprint("api_members", __name__, "Team members (volunteers).")


@blp.route(COLLECTION, strict_slashes=False)
class Members(MethodView):
    """The member collection."""

    @blp.arguments(TeamFilterSchema, location="query")
    @blp.response(200, MemberSchema(many=True))
    @paginate(blp)
    @documents(blp, 401)
    def get(self, args):
        """List members

        The members the caller may read, by name. ``area``: members of teams whose village lies
        in the area's subtree; ``team``: members of that team.
        """
        query = live_rows(Member, member_scope, Member.name, Member.id)
        if "area" in args:
            query = query.where(Member.team_id.in_(teams_in_area(args["area"])))
        return filter_args(query, args, team=Member.team_id)

    @blp.arguments(MemberInputSchema)
    @blp.response(201, MemberSchema)
    @documents(blp, 401, 403)
    def post(self, data):
        """Create a member (admin)"""
        return save(add_member, MemberInput(**data))


@blp.route(item_rule("member_id"))
class MemberById(MethodView):
    """One member."""

    @blp.response(200, MemberSchema)
    @documents(blp, 401, 403, 404)
    def get(self, member_id):
        """Get a member"""
        return readable(Member, member_id, member_scope)

    @blp.arguments(MemberPatchSchema(partial=True))
    @blp.response(200, MemberSchema)
    @documents(blp, 401, 403, 404)
    def patch(self, data, member_id):
        """Change a member (admin)

        Fields left out keep their value. Moving the leader of a team to another team (or none)
        leaves that team without leader.
        """
        member = readable(Member, member_id, member_scope)
        return save(update_member, member, patched(MemberInput, member, data))

    @blp.response(204)
    @documents(blp, 401, 403, 404)
    def delete(self, member_id):
        """Delete a member (admin)

        Soft delete: visits keep the member among those present; a team they led has no leader.
        """
        save(delete_member, readable(Member, member_id, member_scope))
