"""/api/v1/areas: the administrative tree (county > township > village). Admins write."""

from flask import abort
from flask.views import MethodView
from flask_babel import gettext as _
from sqlalchemy import exists, or_, select

from core.api.common import (
    COLLECTION,
    api_blueprint,
    area_subtree,
    caller,
    commit,
    documents,
    field_errors,
    item_rule,
    paginate,
)
from core.api.schemas import AreaInputSchema, AreaListArgsSchema, AreaPatchSchema, AreaSchema
from core.extensions import db
from core.models import Area, AreaKind, Event, Farm, Team, User
from core.permissions import area_scope, get_readable_or_404
from core.services.areas import add_area

blp = api_blueprint("api_areas", __name__, "Counties, townships and villages.")

#: the kind of parent each kind of area needs (None: no parent)
PARENT_KIND = {
    AreaKind.COUNTY: None,
    AreaKind.TOWNSHIP: AreaKind.COUNTY,
    AreaKind.VILLAGE: AreaKind.TOWNSHIP,
}


def _parent_for(kind: AreaKind, parent_id: int | None) -> Area | None:
    """The parent of a new area of ``kind``; 422 on ``parent_id`` when it does not fit."""
    parent = db.session.get(Area, parent_id) if parent_id else None
    if parent_id and parent is None:
        field_errors({"parent_id": [_("Choose an existing area.")]})
    needed = PARENT_KIND[kind]
    if needed is None and parent is not None:
        field_errors({"parent_id": [_("A county has no enclosing area.")]})
    if needed is not None and (parent is None or parent.kind != needed):
        message = {
            AreaKind.TOWNSHIP: _("A township lies in a county."),
            AreaKind.VILLAGE: _("A village lies in a township."),
        }[kind]
        field_errors({"parent_id": [message]})
    return parent


def _in_use(area: Area) -> bool:
    """True when anything refers to ``area`` (sub-areas, teams, farms, events, users)."""
    refs = [
        exists().where(Area.parent_id == area.id),
        exists().where(Team.village_id == area.id),
        exists().where(Farm.village_id == area.id),
        exists().where(Event.area_id == area.id),
        exists().where(User.area_id == area.id),
    ]
    return bool(db.session.execute(select(or_(*refs))).scalar())


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
        if "area" in args:
            query = query.where(Area.id.in_(area_subtree(args["area"])))
        if "kind" in args:
            query = query.where(Area.kind == args["kind"])
        if "parent" in args:
            query = query.where(Area.parent_id == args["parent"])
        return query

    @blp.arguments(AreaInputSchema)
    @blp.response(201, AreaSchema)
    @documents(blp, 401, 403)
    def post(self, data):
        """Create an area (admin)

        A county has no parent; a township's parent is a county; a village's a township.
        """
        parent = _parent_for(data["kind"], data["parent_id"])
        area = add_area(data["name"], data["kind"], parent)
        commit()
        return area


@blp.route(item_rule("area_id"))
class AreaById(MethodView):
    """One area."""

    @blp.response(200, AreaSchema)
    @documents(blp, 401, 404)
    def get(self, area_id):
        """Get an area"""
        return get_readable_or_404(Area, area_id, area_scope(caller()))

    @blp.arguments(AreaPatchSchema(partial=True))
    @blp.response(200, AreaSchema)
    @documents(blp, 401, 403, 404)
    def patch(self, data, area_id):
        """Rename an area (admin)"""
        area = get_readable_or_404(Area, area_id, area_scope(caller()))
        if "name" in data:
            area.name = data["name"]
        commit()
        return area

    @blp.response(204)
    @documents(blp, 401, 403, 404, 409)
    def delete(self, area_id):
        """Delete an unused area (admin)

        Answers 409 while sub-areas, teams, farms, events or users refer to it.
        """
        area = get_readable_or_404(Area, area_id, area_scope(caller()))
        if _in_use(area):
            abort(409, description=_("The area is still in use."))
        db.session.delete(area)
        commit()
