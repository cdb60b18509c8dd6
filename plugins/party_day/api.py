"""/api/v1/plugins/party_day: party days (with attendance) and the villages' equipment.

Admins, reviewers (inside their area) and the leaders of a village's team write its party
days and equipment; everyone reads what their scope allows.
"""

from flask import abort
from flask.views import MethodView
from sqlalchemy import select

from core.plugin_api import (
    Area,
    AreaKind,
    api_blueprint,
    caller,
    db,
    documents,
    filter_args,
    item_rule,
    paginate,
    patched,
    readable,
    require,
    save,
)
from plugins.party_day import services as svc
from plugins.party_day.models import PartyDay
from plugins.party_day.schemas import (
    PartyDayEquipmentArgsSchema,
    PartyDayEquipmentInputSchema,
    PartyDayEquipmentSchema,
    PartyDayInputSchema,
    PartyDayListArgsSchema,
    PartyDayPatchSchema,
    PartyDaySchema,
)

blp = api_blueprint(
    "party_day_api",
    __name__,
    "Online science party days: party days with attendance, and the villages' equipment.",
    may_write=svc.may_write_some,
)


def _require_village(village_id: int | None) -> None:
    """403 for an existing village the caller may not write for (an unknown one is 422)."""
    village = db.session.get(Area, village_id) if village_id else None
    if village is not None and village.kind == AreaKind.VILLAGE:
        require(svc.may_write_village(caller(), village.id))


@blp.route("/party-days", strict_slashes=False)
class PartyDays(MethodView):
    """The party day collection."""

    @blp.arguments(PartyDayListArgsSchema, location="query")
    @blp.response(200, PartyDaySchema(many=True))
    @paginate(blp)
    @documents(blp, 401, 422)
    def get(self, args):
        """List party days

        The party days the caller may read, newest first. ``area``: inside the area's subtree;
        ``village``: one village's; ``from``/``to``: held in the range.
        """
        query = (
            select(PartyDay)
            .where(svc.day_scope(caller()))
            .order_by(PartyDay.held_on.desc(), PartyDay.id.desc())
        )
        query = filter_args(query, args, area=PartyDay.village_id, village=PartyDay.village_id)
        if "date_from" in args:
            query = query.where(PartyDay.held_on >= args["date_from"])
        if "date_to" in args:
            query = query.where(PartyDay.held_on <= args["date_to"])
        return query

    @blp.arguments(PartyDayInputSchema)
    @blp.response(201, PartyDaySchema)
    @documents(blp, 401, 403, 422)
    def post(self, data):
        """Record a party day (admin, a reviewer of the village's area, a leader of the village)

        ``present`` may not exceed ``branch_size`` (422 naming ``present``).
        """
        _require_village(data["village_id"])
        return save(svc.save_party_day, caller(), svc.PartyDayInput(**data))


def _writable(day_id: int) -> PartyDay:
    """The party day when the caller may read and change it (404 / 403)."""
    day = readable(PartyDay, day_id, svc.day_scope)
    require(svc.may_write_village(caller(), day.village_id))
    return day


@blp.route("/party-days" + item_rule("day_id"))
class PartyDayById(MethodView):
    """One party day."""

    @blp.response(200, PartyDaySchema)
    @documents(blp, 401, 403, 404)
    def get(self, day_id):
        """Get a party day"""
        return readable(PartyDay, day_id, svc.day_scope)

    @blp.arguments(PartyDayPatchSchema(partial=True))
    @blp.response(200, PartyDaySchema)
    @documents(blp, 401, 403, 404, 422)
    def patch(self, data, day_id):
        """Correct a party day

        Fields left out keep their value.
        """
        day = _writable(day_id)
        if "village_id" in data:
            _require_village(data["village_id"])
        return save(svc.save_party_day, caller(), patched(svc.PartyDayInput, day, data), day)

    @blp.response(204)
    @documents(blp, 401, 403, 404)
    def delete(self, day_id):
        """Delete a party day recorded by mistake (an admin can restore it)"""
        svc.delete_party_day(_writable(day_id), caller())


def _equipment_row(row: dict) -> dict:
    """One village's equipment as the API shows it."""
    record = row["equipment"]
    return {
        "village_id": row["village"].id,
        "village": row["village"].name,
        "surveyed": record is not None,
        "has_computer": bool(record and record.has_computer),
        "has_display": bool(record and record.has_display),
        "has_network": bool(record and record.has_network),
        "notes": record.notes if record else "",
        "ready": not row["missing"],
    }


@blp.route("/equipment", strict_slashes=False)
class EquipmentList(MethodView):
    """Every village in scope and its equipment."""

    @blp.arguments(PartyDayEquipmentArgsSchema, location="query")
    @blp.response(200, PartyDayEquipmentSchema(many=True))
    @documents(blp, 401, 422)
    def get(self, args):
        """List the villages' equipment

        Every village the caller may read, by name, with what it has; ``ready=false``: those
        that cannot hold an online party day without help.
        """
        query = filter_args(svc.villages_query(caller()), args, area=Area.id)
        rows = [_equipment_row(r) for r in svc.equipment_rows(db.session.scalars(query).all())]
        if "ready" in args:
            rows = [r for r in rows if r["ready"] == args["ready"]]
        return rows


@blp.route("/equipment" + item_rule("village_id"))
class EquipmentByVillage(MethodView):
    """One village's equipment."""

    @blp.response(200, PartyDayEquipmentSchema)
    @documents(blp, 401, 403, 404)
    def get(self, village_id):
        """Get a village's equipment"""
        village = readable(Area, village_id, lambda user: svc.village_scope(user, Area.id))
        if village.kind != AreaKind.VILLAGE:
            abort(404)
        return _equipment_row(svc.equipment_rows([village])[0])

    @blp.arguments(PartyDayEquipmentInputSchema)
    @blp.response(200, PartyDayEquipmentSchema)
    @documents(blp, 401, 403, 404, 422)
    def put(self, data, village_id):
        """Record a village's equipment (admin, a reviewer of its area, a leader of it)"""
        village = readable(Area, village_id, lambda user: svc.village_scope(user, Area.id))
        if village.kind != AreaKind.VILLAGE:
            abort(404)
        require(svc.may_write_village(caller(), village.id))
        save(svc.save_equipment, village, svc.EquipmentInput(**data))
        return _equipment_row(svc.equipment_rows([village])[0])
