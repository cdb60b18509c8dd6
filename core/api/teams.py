"""/api/v1/teams: outreach teams with their rule flags. Admins write; deleting is soft."""

from flask.views import MethodView

from core.api.common import (
    COLLECTION,
    AreaFilterSchema,
    api_blueprint,
    documents,
    filter_args,
    item_rule,
    live_rows,
    paginate,
    patched,
    readable,
    save,
)
from core.api.schemas import TeamInputSchema, TeamPatchSchema, TeamSchema
from core.models import Team
from core.permissions import team_scope
from core.services.teams import TeamInput, create_team, delete_team, update_team

blp = api_blueprint("api_teams", __name__, "Village outreach teams and their rule flags.")


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
        query = live_rows(Team, team_scope, Team.name, Team.id)
        return filter_args(query, args, area=Team.village_id)

    @blp.arguments(TeamInputSchema)
    @blp.response(201, TeamSchema)
    @documents(blp, 401, 403)
    def post(self, data):
        """Create a team (admin)

        The team serves an existing village; choose its leader once it has members.
        """
        return save(create_team, TeamInput(**data))


@blp.route(item_rule("team_id"))
class TeamById(MethodView):
    """One team."""

    @blp.response(200, TeamSchema)
    @documents(blp, 401, 403, 404)
    def get(self, team_id):
        """Get a team"""
        return readable(Team, team_id, team_scope)

    @blp.arguments(TeamPatchSchema(partial=True))
    @blp.response(200, TeamSchema)
    @documents(blp, 401, 403, 404)
    def patch(self, data, team_id):
        """Change a team (admin)

        Fields left out keep their value. ``leader_id`` must be a live member of this team, or
        null.
        """
        team = readable(Team, team_id, team_scope)
        return save(update_team, team, patched(TeamInput, team, data))

    @blp.response(204)
    @documents(blp, 401, 403, 404)
    def delete(self, team_id):
        """Delete a team (admin)

        Soft delete: the team leaves every list; its visits and events keep referring to it.
        """
        save(delete_team, readable(Team, team_id, team_scope))
