"""/api/v1/areas: the administrative tree (county > township > village). Admins write."""

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
from core.api.schemas import AreaInputSchema, AreaListArgsSchema, AreaPatchSchema, AreaSchema
from core.models import Area
from core.permissions import area_scope
from core.services.areas import create_area, delete_area, rename_area

blp = api_blueprint("api_areas", __name__, "Counties, townships and villages.")


@blp.route(COLLECTION, strict_slashes=False)
class Areas(MethodView):
    """The area collection."""

    @blp.arguments(AreaListArgsSchema, location="query")
    @blp.response(200, AreaSchema(many=True))
    @paginate(blp)
    @documents(blp, 401)
    def get(self, args):
        """List areas

        Every signed-in user reads the tree. Ordered by materialized path (a tree walk).
        """
        query = select(Area).where(area_scope(caller())).order_by(Area.path, Area.id)
        return filter_args(query, args, area=Area.id, kind=Area.kind, parent=Area.parent_id)

    @blp.arguments(AreaInputSchema)
    @blp.response(201, AreaSchema)
    @documents(blp, 401, 403)
    def post(self, data):
        """Create an area (admin)

        A county has no parent; a township's parent is a county; a village's a township.
        """
        return save(create_area, data["name"], data["kind"], data["parent_id"])


@blp.route(item_rule("area_id"))
class AreaById(MethodView):
    """One area."""

    @blp.response(200, AreaSchema)
    @documents(blp, 401, 404)
    def get(self, area_id):
        """Get an area"""
        return readable(Area, area_id, area_scope)

    @blp.arguments(AreaPatchSchema(partial=True))
    @blp.response(200, AreaSchema)
    @documents(blp, 401, 403, 404)
    def patch(self, data, area_id):
        """Rename an area (admin)"""
        area = readable(Area, area_id, area_scope)
        return save(rename_area, area, data.get("name", area.name))

    @blp.response(204)
    @documents(blp, 401, 403, 404, 409)
    def delete(self, area_id):
        """Delete an unused area (admin)

        Answers 409 while sub-areas, teams, farms, events or users refer to it.
        """
        save(delete_area, readable(Area, area_id, area_scope))
