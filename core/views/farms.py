"""Farm pages: the list with last visits and stale flags, a farm's page, and the admin's forms."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager, joinedload

from core import rules
from core.area_filters import (
    area_arg,
    day_arg,
    farms_assigned_to_teams,
    farms_in,
    id_arg,
    teams_of,
)
from core.extensions import db
from core.forms import area_filter_choices, scoped_areas, show_errors, village_choices
from core.forms.farms import FarmFilterForm, FarmForm
from core.models import Area, AreaKind, Assignment, Farm, FarmKind, Member, Role, Team, Visit
from core.pagination import page_of
from core.permissions import (
    farm_scope,
    get_readable_or_404,
    is_admin,
    member_scope,
    require_admin,
    visit_scope,
)
from core.services import FieldErrors
from core.services import farms as service
from core.services.search import MAX_QUERY, farm_matches

bp = Blueprint("farms", __name__, url_prefix="/farms")


@bp.before_request
@login_required
def _signed_in():
    """Every farm page needs a signed-in user."""


def _filtered(form: FarmFilterForm, areas: dict[int, Area]):
    """The list query for the valid filters of ``form``, and those filters (for the pager)."""
    query = select(Farm).where(farm_scope(current_user), Farm.deleted_at.is_(None))
    filters: dict[str, object] = {}
    q = (form.q.data or "").strip()[:MAX_QUERY]
    if q:
        filters["q"] = q
        query = query.where(farm_matches(q))
    if form.kind.data in {kind.value for kind in FarmKind}:
        filters["kind"] = form.kind.data
        query = query.where(Farm.kind == FarmKind(form.kind.data))
    township = areas.get(form.township.data)
    if township is not None and township.kind == AreaKind.TOWNSHIP:
        filters["township"] = township.id
        query = query.where(Farm.village_id.in_(Area.subtree_ids(township)))
    village = areas.get(form.village.data)
    if village is not None and village.kind == AreaKind.VILLAGE:
        filters["village"] = village.id
        query = query.where(Farm.village_id == village.id)
    return _review_filters(query, filters)


def _review_filters(query, filters: dict):
    """The filters the review links to: farms located in an area (``area``), farms linked
    to the teams of an area (``assigned_area``) or to one team (``team``)."""
    if current_user.role not in (Role.ADMIN, Role.REVIEWER):
        return query, filters
    area = area_arg(request.args)
    if area is not None:
        filters["area"] = area.id
        query = query.where(Farm.id.in_(farms_in(area)))
    assigned = area_arg(request.args, "assigned_area")
    if assigned is not None:
        filters["assigned_area"] = assigned.id
        query = query.where(Farm.id.in_(farms_assigned_to_teams(teams_of(assigned))))
    team = id_arg(request.args, "team")
    if team is not None:
        filters["team"] = team
        query = query.where(
            Farm.id.in_(farms_assigned_to_teams(select(Team.id).where(Team.id == team)))
        )
    return query, filters


@bp.route("")
def index():
    """Farms in the user's scope with assigned members, last visit and a stale flag."""
    form = FarmFilterForm(request.args)
    wide = current_user.role in (Role.ADMIN, Role.REVIEWER)
    areas = scoped_areas(current_user) if wide else {}
    form.township.choices, form.village.choices = area_filter_choices(areas)
    query, filters = _filtered(form, areas)
    last = None
    on = day_arg(request.args, "on")  # judge staleness on another day (the review's links)
    if on is not None:
        filters["on"] = on.isoformat()
    if form.stale.data:
        filters["stale"] = "y"
        last = rules.last_visits(db.session.execute(query.with_only_columns(Farm.id)).scalars(), on)
        query = query.where(Farm.id.in_([i for i, day in last.items() if rules.is_stale(day, on)]))
    query = query.options(joinedload(Farm.village).joinedload(Area.parent))
    page = page_of(query.order_by(Farm.name, Farm.id))
    ids = [f.id for f in page.items]
    if last is None:
        last = rules.last_visits(ids, on)
    counts = dict.fromkeys(ids, 0)
    if ids:
        counts.update(
            db.session.execute(
                select(Assignment.farm_id, func.count(Assignment.id))
                .join(Member, Member.id == Assignment.member_id)
                .where(
                    Assignment.farm_id.in_(ids),
                    Member.deleted_at.is_(None),
                    member_scope(current_user),
                )
                .group_by(Assignment.farm_id)
            )
            .tuples()
            .all()
        )
    return render_template(
        "farms/index.html",
        page=page,
        form=form,
        filters=filters,
        show_area_filters=bool(areas),
        last=last,
        counts=counts,
        is_stale=lambda day: rules.is_stale(day, on),
        on=on,
        review_filters={
            k: filters[k] for k in ("area", "assigned_area", "team", "on") if k in filters
        },
        thresholds=rules.thresholds(),
        can_edit=is_admin(current_user),
    )


@bp.route("/<int:farm_id>")
def detail(farm_id: int):
    """A farm: details, the members assigned to it and the visits made there."""
    farm = get_readable_or_404(Farm, farm_id, farm_scope(current_user))
    assignments = (
        db.session.execute(
            select(Assignment)
            .join(Assignment.member)
            .where(
                Assignment.farm_id == farm.id,
                Member.deleted_at.is_(None),
                member_scope(current_user),
            )
            .options(contains_eager(Assignment.member).joinedload(Member.team))
            .order_by(Member.name, Member.id)
        )
        .scalars()
        .all()
    )
    visits = (
        db.session.execute(
            select(Visit)
            .where(Visit.farm_id == farm.id, visit_scope(current_user))
            .options(joinedload(Visit.team))
            .order_by(Visit.visited_on.desc(), Visit.id.desc())
            .limit(50)
        )
        .scalars()
        .all()
    )
    last = rules.last_visits([farm.id])[farm.id]
    return render_template(
        "farms/detail.html",
        farm=farm,
        assignments=assignments,
        visits=visits,
        last=last,
        stale=rules.is_stale(last),
        thresholds=rules.thresholds(),
        can_edit=is_admin(current_user),
    )


def _live_farm(farm_id: int) -> Farm:
    """A farm that exists and is not deleted, or 404."""
    farm = db.session.get(Farm, farm_id)
    if farm is None or farm.is_deleted:
        abort(404)
    return farm


@bp.route("/new", methods=["GET", "POST"], endpoint="create")
@bp.route("/<int:farm_id>/edit", methods=["GET", "POST"], endpoint="edit")
def farm_form(farm_id: int | None = None):
    """Admin: create a farm, or edit one."""
    require_admin(current_user)
    farm = _live_farm(farm_id) if farm_id is not None else None
    form = FarmForm(obj=farm)
    form.village_id.choices = village_choices()
    if form.validate_on_submit():
        data = service.FarmInput(
            name=form.name.data,
            kind=form.kind.data,
            village_id=form.village_id.data,
            industry=form.industry.data,
            contact_name=form.contact_name.data,
            contact_phone=form.contact_phone.data,
            notes=form.notes.data,
        )
        try:
            farm = service.create_farm(data) if farm is None else service.update_farm(farm, data)
        except FieldErrors as exc:
            show_errors(form, exc.errors)
        else:
            flash(_("The farm was saved."), "success")
            return redirect(url_for(".detail", farm_id=farm.id))
    return render_template("farms/form.html", form=form, farm=farm)


@bp.route("/<int:farm_id>/delete", methods=["GET", "POST"])
def delete(farm_id: int):
    """Admin: confirm, then soft-delete a farm (its visits stay)."""
    require_admin(current_user)
    farm = _live_farm(farm_id)
    if request.method == "POST":
        service.delete_farm(farm)
        flash(_("The farm %(name)s was deleted.", name=farm.name), "success")
        return redirect(url_for(".index"))
    return render_template(
        "confirm.html",
        title=_("Delete the farm %(name)s?", name=farm.name),
        text=_(
            "The farm disappears from lists, pickers and members' farm counts; its visits are kept."
        ),
        back=url_for(".detail", farm_id=farm.id),
    )
