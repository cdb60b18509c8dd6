"""The party day pages, under /plugins/party_day/."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core.plugin_api import (
    MAX_ID,
    Area,
    AreaKind,
    FieldErrors,
    db,
    get_readable_or_404,
    may_open_module,
    page_of,
    placeholder,
    require,
    show_errors,
    today,
)
from plugins.party_day import services as svc
from plugins.party_day.forms import EquipmentForm, PartyDayForm
from plugins.party_day.models import PartyDay

#: the URL converter of a record id: larger ids than the database holds are 404, not errors
ID = f"int(min=1, max={MAX_ID})"

#: pages, mounted by the core at /plugins/party_day
bp = Blueprint("party_day", __name__, template_folder="templates")


@bp.before_request
@login_required
def _signed_in():
    """Every page needs a signed-in user who may see the module."""
    require(may_open_module(current_user))


def _day_arg(name: str) -> date | None:
    """A ``YYYY-MM-DD`` query argument; a bad one answers 400."""
    value = request.args.get(name, "")
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        abort(400)


def _id_arg(name: str) -> int | None:
    """A positive id query argument (at most ``MAX_ID``), or None."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value <= MAX_ID else None


def _area_arg() -> Area | None:
    """The ``area`` query argument: an existing area, else 404."""
    area_id = _id_arg("area")
    if not area_id:
        return None
    area = db.session.get(Area, area_id)
    if area is None:
        abort(404)
    return area


@bp.route("/")
def index():
    """Party days in the user's scope, newest first, a page at a time; ``area``, ``village``,
    ``from`` and ``to`` narrow them. Above the list: this quarter's villages without one."""
    scope = svc.day_scope(current_user)
    query = select(PartyDay).where(scope)
    filters: dict[str, object] = {}
    area = _area_arg()
    if area is not None:
        query = query.where(PartyDay.village_id.in_(Area.subtree_ids(area)))
        filters["area"] = area.id
    village = _id_arg("village")
    if village:
        query = query.where(PartyDay.village_id == village)
        filters["village"] = village
    start, end = _day_arg("from"), _day_arg("to")
    if start:
        query = query.where(PartyDay.held_on >= start)
        filters["from"] = start.isoformat()
    if end:
        query = query.where(PartyDay.held_on <= end)
        filters["to"] = end.isoformat()
    page = page_of(
        query.options(joinedload(PartyDay.village)).order_by(
            PartyDay.held_on.desc(), PartyDay.id.desc()
        )
    )
    year, quarter = svc.quarter_of(today())
    missing = svc.villages_without_day(svc.village_scope(current_user, Area.id), year, quarter)
    return render_template(
        "party_day/index.html",
        page=page,
        total=page.total,  # the paginator counted the filtered rows
        filters=filters,
        area=area,
        villages=db.session.scalars(svc.villages_query(current_user)).all(),
        village=village,
        start=start,
        end=end,
        missing=missing,
        quarter=svc.quarter_label(year, quarter),
        may_write=svc.may_write_some(current_user),
    )


def _village_choices(villages) -> list:
    """The select's choices: a placeholder, then the villages."""
    return [placeholder(_("Choose a village"))] + [(v.id, v.name) for v in villages]


def _form_page(form, title, day=None, suggestions=()):
    """Render the party day form."""
    return render_template(
        "party_day/form.html",
        form=form,
        title=title,
        day=day,
        suggestions=suggestions,
        cancel=url_for("party_day.day", day_id=day.id) if day else url_for("party_day.index"),
    )


def _save(form, day=None):
    """Validate and save the form; the saved party day, or None with errors on the form."""
    if not form.validate_on_submit():
        return None
    village = db.session.get(Area, form.village_id.data) if form.village_id.data else None
    if village is not None and village.kind == AreaKind.VILLAGE:
        require(svc.may_write_village(current_user, village.id))
    data = svc.PartyDayInput(
        **{name: form[name].data for name in svc.PartyDayInput.__dataclass_fields__}
    )
    try:
        return svc.save_party_day(current_user, data, day)
    except FieldErrors as exc:
        db.session.rollback()
        show_errors(form, exc.errors)
        return None


def _suggestions(form: PartyDayForm) -> list[str]:
    """The industries of the chosen village's farms (the topic suggestions)."""
    return svc.industries(form.village_id.data) if form.village_id.data else []


@bp.route("/new", methods=["GET", "POST"])
def new_day():
    """Record a party day for a village the user writes for."""
    villages = svc.writable_villages(current_user)
    require(bool(villages))
    form = PartyDayForm()
    form.village_id.choices = _village_choices(villages)
    if request.method == "GET":
        first = villages[0] if len(villages) == 1 else None
        chosen = _id_arg("village") or (first.id if first else None)
        if chosen in {v.id for v in villages}:
            form.village_id.data = chosen
            form.branch_size.data = svc.branch_size_guess(chosen)
            form.industry.data = next(iter(svc.industries(chosen)), "")
        form.held_on.data = today()
    saved = _save(form)
    if saved is not None:
        flash(_("Party day recorded."), "success")
        return redirect(url_for("party_day.day", day_id=saved.id))
    return _form_page(form, _("Record a party day"), suggestions=_suggestions(form))


def _readable(day_id: int) -> PartyDay:
    """A party day the user may read (404 unknown, 403 outside the scope)."""
    return get_readable_or_404(PartyDay, day_id, svc.day_scope(current_user))


def _writable(day_id: int) -> PartyDay:
    """A party day the user may change."""
    day = _readable(day_id)
    require(svc.may_write_village(current_user, day.village_id))
    return day


@bp.route(f"/days/<{ID}:day_id>")
def day(day_id):
    """One party day."""
    row = _readable(day_id)
    return render_template(
        "party_day/day.html",
        day=row,
        may_write=svc.may_write_village(current_user, row.village_id),
        quarter=svc.quarter_label(*svc.quarter_of(row.held_on)),
    )


@bp.route(f"/days/<{ID}:day_id>/edit", methods=["GET", "POST"])
def edit_day(day_id):
    """Correct a party day."""
    row = _writable(day_id)
    villages = svc.writable_villages(current_user)
    form = PartyDayForm(obj=row)
    form.village_id.choices = _village_choices(villages)
    saved = _save(form, row)
    if saved is not None:
        flash(_("Party day saved."), "success")
        return redirect(url_for("party_day.day", day_id=saved.id))
    return _form_page(form, _("Edit the party day"), day=row, suggestions=_suggestions(form))


@bp.route(f"/days/<{ID}:day_id>/delete", methods=["GET", "POST"])
def delete_day(day_id):
    """Confirm, then delete a party day recorded by mistake."""
    row = _writable(day_id)
    back = url_for("party_day.day", day_id=row.id)
    if request.method == "POST":
        svc.delete_party_day(row, current_user)
        flash(_("Party day deleted."), "success")
        return redirect(url_for("party_day.index"))
    return render_template(
        "confirm.html",
        title=_("Delete the party day of %(day)s?", day=row.held_on.isoformat()),
        text=_(
            "It disappears from every list, the review and the calendar (an admin can restore it)."
        ),
        back=back,
    )


@bp.route("/equipment")
def equipment():
    """Each village in scope with its equipment; ``lacking=1``: only those that cannot hold an
    online party day without help; ``area`` narrows to a subtree."""
    query = svc.villages_query(current_user)
    area = _area_arg()
    if area is not None:
        query = query.where(Area.id.in_(Area.subtree_ids(area)))
    rows = svc.equipment_rows(db.session.scalars(query).all())
    lacking = request.args.get("lacking") == "1"
    counts = {
        "villages": len(rows),
        "computer": sum(1 for r in rows if r["equipment"] and r["equipment"].has_computer),
        "lacking": sum(1 for r in rows if r["missing"]),
    }
    if lacking:
        rows = [r for r in rows if r["missing"]]
    return render_template(
        "party_day/equipment.html",
        rows=rows,
        counts=counts,
        lacking=lacking,
        area=area,
        writable={v.id for v in svc.writable_villages(current_user)},
    )


@bp.route(f"/equipment/<{ID}:village_id>", methods=["GET", "POST"])
def edit_equipment(village_id):
    """Record a village's equipment (its leaders, reviewers of its area, admins)."""
    village = db.session.get(Area, village_id)
    if village is None or village.kind != AreaKind.VILLAGE:
        abort(404)
    require(svc.may_write_village(current_user, village.id))
    row = svc.equipment_rows([village])[0]["equipment"]
    form = EquipmentForm(obj=row)
    if form.validate_on_submit():
        try:
            svc.save_equipment(
                village,
                svc.EquipmentInput(
                    form.has_computer.data,
                    form.has_display.data,
                    form.has_network.data,
                    form.notes.data,
                ),
            )
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Equipment saved."), "success")
            return redirect(url_for("party_day.equipment"))
    return render_template(
        "party_day/equipment_form.html",
        form=form,
        title=_("Equipment of %(village)s", village=village.name),
        cancel=url_for("party_day.equipment"),
    )
