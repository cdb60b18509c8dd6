"""/api/v1/teams: outreach teams with their rule flags. Admins write; deleting is soft."""

from flask.views import MethodView
from flask_babel import gettext as _
from sqlalchemy import select

from core.api.common import (
    COLLECTION,
    AreaFilterSchema,
    api_blueprint,
    area_subtree,
    caller,
    commit,
    documents,
    field_errors,
    item_rule,
    live_village,
    paginate,
)
from core.api.schemas import TeamInputSchema, TeamPatchSchema, TeamSchema
from core.extensions import db
from core.models import Member, Team
from core.permissions import get_readable_or_404, team_scope

blp = api_blueprint("api_teams", __name__, "Village outreach teams and their rule flags.")


def _team(team_id: int) -> Team:
    """The live team ``team_id`` readable by the caller (404 / 403)."""
    return get_readable_or_404(Team, team_id, team_scope(caller()))


@blp.route(COLLECTION, strict_slashes=False)
class Teams(MethodView):
    """The team collection."""

    @blp.arguments(AreaFilterSchema, location="query")
    @blp.response(200, TeamSchema(many=True))
    @paginate(blp)
    @documents(blp, 401)
    def get(self, args):
        """List teams

        The teams the caller may read, by name. ``area``: teams whose village lies in the
        area's subtree. Flags are computed for the whole page in a fixed number of queries.
        """
        query = (
            select(Team)
            .where(Team.deleted_at.is_(None), team_scope(caller()))
            .order_by(Team.name, Team.id)
        )
        if "area" in args:
            query = query.where(Team.village_id.in_(area_subtree(args["area"])))
        return query

    @blp.arguments(TeamInputSchema)
    @blp.response(201, TeamSchema)
    @documents(blp, 401, 403)
    def post(self, data):
        """Create a team (admin)

        The team serves an existing village; choose its leader once it has members.
        """
        team = Team(
            name=data["name"], village=live_village(data["village_id"]), notes=data.get("notes", "")
        )
        db.session.add(team)
        commit()
        return team


@blp.route(item_rule("team_id"))
class TeamById(MethodView):
    """One team."""

    @blp.response(200, TeamSchema)
    @documents(blp, 401, 403, 404)
    def get(self, team_id):
        """Get a team"""
        return _team(team_id)

    @blp.arguments(TeamPatchSchema(partial=True))
    @blp.response(200, TeamSchema)
    @documents(blp, 401, 403, 404)
    def patch(self, data, team_id):
        """Change a team (admin)

        ``leader_id`` must be a live member of this team, or null.
        """
        team = _team(team_id)
        if "village_id" in data:
            team.village = live_village(data["village_id"])
        if data.get("leader_id") is not None:
            leader = db.session.get(Member, data["leader_id"])
            if leader is None or leader.deleted_at is not None or leader.team_id != team.id:
                field_errors({"leader_id": [_("Choose a member of this team.")]})
        for name in ("name", "notes", "leader_id"):
            if name in data:
                setattr(team, name, data[name])
        commit()
        return team

    @blp.response(204)
    @documents(blp, 401, 403, 404)
    def delete(self, team_id):
        """Delete a team (admin)

        Soft delete: the team leaves every list; its visits and events keep referring to it.
        """
        _team(team_id).soft_delete()
        commit()
