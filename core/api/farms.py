"""/api/v1/farms: demonstration farms with their last visit. Admins write; deleting is soft."""

from flask.views import MethodView
from sqlalchemy import select

from core.api.common import (
    COLLECTION,
    api_blueprint,
    area_subtree,
    caller,
    commit,
    documents,
    item_rule,
    live_village,
    paginate,
)
from core.api.schemas import FarmInputSchema, FarmListArgsSchema, FarmPatchSchema, FarmSchema
from core.extensions import db
from core.models import Assignment, Farm, Member
from core.permissions import farm_scope, get_readable_or_404

blp = api_blueprint("api_farms", __name__, "Demonstration farms.")

FIELDS = ("name", "kind", "industry", "contact_name", "contact_phone", "notes")


def _farm(farm_id: int) -> Farm:
    """The live farm ``farm_id`` readable by the caller (404 / 403)."""
    return get_readable_or_404(Farm, farm_id, farm_scope(caller()))


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
        query = (
            select(Farm)
            .where(Farm.deleted_at.is_(None), farm_scope(caller()))
            .order_by(Farm.name, Farm.id)
        )
        if "area" in args:
            query = query.where(Farm.village_id.in_(area_subtree(args["area"])))
        if "team" in args:
            linked = (
                select(Assignment.farm_id)
                .join(Member, Member.id == Assignment.member_id)
                .where(Member.team_id == args["team"], Member.deleted_at.is_(None))
            )
            query = query.where(Farm.id.in_(linked))
        if "kind" in args:
            query = query.where(Farm.kind == args["kind"])
        return query

    @blp.arguments(FarmInputSchema)
    @blp.response(201, FarmSchema)
    @documents(blp, 401, 403)
    def post(self, data):
        """Create a farm (admin)"""
        farm = Farm(**{name: data[name] for name in FIELDS if name in data})
        farm.village = live_village(data["village_id"])
        db.session.add(farm)
        commit()
        return farm


@blp.route(item_rule("farm_id"))
class FarmById(MethodView):
    """One farm."""

    @blp.response(200, FarmSchema)
    @documents(blp, 401, 403, 404)
    def get(self, farm_id):
        """Get a farm"""
        return _farm(farm_id)

    @blp.arguments(FarmPatchSchema(partial=True))
    @blp.response(200, FarmSchema)
    @documents(blp, 401, 403, 404)
    def patch(self, data, farm_id):
        """Change a farm (admin)"""
        farm = _farm(farm_id)
        if "village_id" in data:
            farm.village = live_village(data["village_id"])
        for name in FIELDS:
            if name in data:
                setattr(farm, name, data[name])
        commit()
        return farm

    @blp.response(204)
    @documents(blp, 401, 403, 404)
    def delete(self, farm_id):
        """Delete a farm (admin)

        Soft delete: visits keep referring to it; it no longer counts in members' farm counts.
        """
        _farm(farm_id).soft_delete()
        commit()
