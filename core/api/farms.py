"""/api/v1/farms: demonstration farms with their last visit. Admins write; deleting is soft."""

from flask.views import MethodView
from sqlalchemy import select

from core.api.common import (
    COLLECTION,
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
from core.api.schemas import FarmInputSchema, FarmListArgsSchema, FarmPatchSchema, FarmSchema
from core.models import Assignment, Farm, Member
from core.permissions import farm_scope
from core.services.farms import FarmInput, create_farm, delete_farm, update_farm

blp = api_blueprint("api_farms", __name__, "Demonstration farms.")


@blp.route(COLLECTION, strict_slashes=False)
class Farms(MethodView):
    """The farm collection."""

    @blp.arguments(FarmListArgsSchema, location="query")
    @blp.response(200, FarmSchema(many=True))
    @paginate(blp)
    @documents(blp, 401)
    def get(self, args):
        """List farms

        The farms the caller may read, by name. ``area``: farms whose village lies in the
        area's subtree; ``team``: farms linked to a live member of the team.
        """
        query = live_rows(Farm, farm_scope, Farm.name, Farm.id)
        if "team" in args:
            linked = (
                select(Assignment.farm_id)
                .join(Member, Member.id == Assignment.member_id)
                .where(Member.team_id == args["team"], Member.deleted_at.is_(None))
            )
            query = query.where(Farm.id.in_(linked))
        return filter_args(query, args, area=Farm.village_id, kind=Farm.kind)

    @blp.arguments(FarmInputSchema)
    @blp.response(201, FarmSchema)
    @documents(blp, 401, 403)
    def post(self, data):
        """Create a farm (admin)"""
        return save(create_farm, FarmInput(**data))


@blp.route(item_rule("farm_id"))
class FarmById(MethodView):
    """One farm."""

    @blp.response(200, FarmSchema)
    @documents(blp, 401, 403, 404)
    def get(self, farm_id):
        """Get a farm"""
        return readable(Farm, farm_id, farm_scope)

    @blp.arguments(FarmPatchSchema(partial=True))
    @blp.response(200, FarmSchema)
    @documents(blp, 401, 403, 404)
    def patch(self, data, farm_id):
        """Change a farm (admin)

        Fields left out keep their value.
        """
        farm = readable(Farm, farm_id, farm_scope)
        return save(update_farm, farm, patched(FarmInput, farm, data))

    @blp.response(204)
    @documents(blp, 401, 403, 404)
    def delete(self, farm_id):
        """Delete a farm (admin)

        Soft delete: visits keep referring to it; it no longer counts in members' farm counts.
        """
        save(delete_farm, readable(Farm, farm_id, farm_scope))
