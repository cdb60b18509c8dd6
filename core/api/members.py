"""/api/v1/members: volunteers, with their farm count. Admins write; deleting is soft."""

from flask.views import MethodView
from flask_babel import gettext as _
from sqlalchemy import select

from core.api.common import (
    COLLECTION,
    TeamFilterSchema,
    api_blueprint,
    area_subtree,
    caller,
    commit,
    documents,
    item_rule,
    live,
    paginate,
)
from core.api.schemas import MemberInputSchema, MemberPatchSchema, MemberSchema
from core.extensions import db
from core.models import Member, Team
from core.permissions import get_readable_or_404, member_scope

blp = api_blueprint("api_members", __name__, "Team members (volunteers).")

FIELDS = ("name", "phone", "is_party_member", "is_young_official", "is_expert", "speciality")


def _member(member_id: int) -> Member:
    """The live member ``member_id`` readable by the caller (404 / 403)."""
    return get_readable_or_404(Member, member_id, member_scope(caller()))


def _set_team(member: Member, team_id: int | None) -> None:
    """Move ``member`` to the live team ``team_id`` (or none); a leader who leaves stops
    leading."""
    team = live(Team, team_id, "team_id", _("Choose an existing team.")) if team_id else None
    old = member.team
    if old is not None and old is not team and old.leader_id == member.id:
        old.leader_id = None
    member.team = team


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
        query = (
            select(Member)
            .where(Member.deleted_at.is_(None), member_scope(caller()))
            .order_by(Member.name, Member.id)
        )
        if "area" in args:
            teams = select(Team.id).where(Team.village_id.in_(area_subtree(args["area"])))
            query = query.where(Member.team_id.in_(teams))
        if "team" in args:
            query = query.where(Member.team_id == args["team"])
        return query

    @blp.arguments(MemberInputSchema)
    @blp.response(201, MemberSchema)
    @documents(blp, 401, 403)
    def post(self, data):
        """Create a member (admin)"""
        member = Member(**{name: data[name] for name in FIELDS if name in data})
        _set_team(member, data.get("team_id"))
        db.session.add(member)
        commit()
        return member


@blp.route(item_rule("member_id"))
class MemberById(MethodView):
    """One member."""

    @blp.response(200, MemberSchema)
    @documents(blp, 401, 403, 404)
    def get(self, member_id):
        """Get a member"""
        return _member(member_id)

    @blp.arguments(MemberPatchSchema(partial=True))
    @blp.response(200, MemberSchema)
    @documents(blp, 401, 403, 404)
    def patch(self, data, member_id):
        """Change a member (admin)

        Moving the leader of a team to another team (or none) leaves that team without leader.
        """
        member = _member(member_id)
        if "team_id" in data:
            _set_team(member, data["team_id"])
        for name in FIELDS:
            if name in data:
                setattr(member, name, data[name])
        commit()
        return member

    @blp.response(204)
    @documents(blp, 401, 403, 404)
    def delete(self, member_id):
        """Delete a member (admin)

        Soft delete: visits keep the member among those present; a team they led has no leader.
        """
        member = _member(member_id)
        if member.team is not None and member.team.leader_id == member.id:
            member.team.leader_id = None
        member.soft_delete()
        commit()
