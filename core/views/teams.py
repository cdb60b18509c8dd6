"""Team pages: the list with rule flags, a team's page, and the admin's team, member and
assignment forms. Everyone reads the teams in their scope; only administrators write."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from core import rules
from core.area_filters import area_arg, teams_of
from core.extensions import db
from core.forms import area_filter_choices, scoped_areas, show_errors, village_choices
from core.forms.teams import (
    AssignForm,
    MemberForm,
    TeamFilterForm,
    TeamForm,
    farm_choices,
    member_choices,
)
from core.models import (
    Area,
    AreaKind,
    Assignment,
    Event,
    EventStatus,
    Farm,
    Member,
    Role,
    Team,
    Visit,
    event_teams,
)
from core.models.base import utcnow
from core.pagination import page_of
from core.permissions import get_readable_or_404, is_admin, require_admin, team_scope
from core.services import FieldErrors
from core.services import teams as service

bp = Blueprint("teams", __name__, url_prefix="/teams")


@bp.before_request
@login_required
def _signed_in():
    """Every team page needs a signed-in user."""


def _live_team(team_id: int) -> Team:
    """A team that exists and is not deleted, or 404."""
    team = db.session.get(Team, team_id)
    if team is None or team.is_deleted:
        abort(404)
    return team


def _live_member(team: Team, member_id: int) -> Member:
    """A live member of ``team``, or 404."""
    member = db.session.get(Member, member_id)
    if member is None or member.is_deleted or member.team_id != team.id:
        abort(404)
    return member


@bp.route("")
def index():
    """Teams in the user's scope with size and flags; filters by area and 'only flagged'."""
    form = TeamFilterForm(request.args)
    wide = current_user.role in (Role.ADMIN, Role.REVIEWER)
    areas = scoped_areas(current_user) if wide else {}
    form.township.choices, form.village.choices = area_filter_choices(areas)
    query = select(Team).where(team_scope(current_user), Team.deleted_at.is_(None))
    filters = {}
    township = areas.get(form.township.data)
    if township is not None and township.kind == AreaKind.TOWNSHIP:
        filters["township"] = township.id
        query = query.where(Team.village_id.in_(Area.subtree_ids(township)))
    if form.village.data in areas and areas[form.village.data].kind == AreaKind.VILLAGE:
        filters["village"] = form.village.data
        query = query.where(Team.village_id == form.village.data)
    area = area_arg(request.args) if wide else None
    if area is not None:  # the review's links: the teams of any area (county too)
        filters["area"] = area.id
        query = query.where(Team.id.in_(teams_of(area)))
    flags = None
    if form.flagged.data:
        filters["flagged"] = "y"
        ids = db.session.execute(query.with_only_columns(Team.id)).scalars().all()
        flags = rules.team_flags(ids)
        query = query.where(Team.id.in_([i for i, f in flags.items() if f.count]))
    query = query.options(
        joinedload(Team.village).joinedload(Area.parent), joinedload(Team.leader)
    ).order_by(Team.name, Team.id)
    page = page_of(query)
    if flags is None:
        flags = rules.team_flags(t.id for t in page.items)
    return render_template(
        "teams/index.html",
        page=page,
        flags=flags,
        form=form,
        filters=filters,
        area=area,
        without_area={k: v for k, v in filters.items() if k != "area"},
        show_area_filters=bool(areas),
        thresholds=rules.thresholds(),
        can_edit=is_admin(current_user),
    )


@bp.route("/<int:team_id>")
def detail(team_id: int):
    """A team: leader, members and their farms, assignments, stale farms, visits, events."""
    team = get_readable_or_404(Team, team_id, team_scope(current_user))
    members = (
        db.session.execute(
            select(Member)
            .where(Member.team_id == team.id, Member.deleted_at.is_(None))
            .options(selectinload(Member.assignments).joinedload(Assignment.farm))
            .order_by(Member.name, Member.id)
        )
        .scalars()
        .all()
    )
    farms_of = {m.id: [a for a in m.assignments if not a.farm.is_deleted] for m in members}
    farms: dict[int, Farm] = {}
    assigned: dict[int, list[Member]] = {}
    for member in members:
        for a in farms_of[member.id]:
            farms[a.farm_id] = a.farm
            assigned.setdefault(a.farm_id, []).append(member)
    last = rules.last_visits(farms)
    visits = (
        db.session.execute(
            select(Visit)
            .where(Visit.team_id == team.id)
            .options(joinedload(Visit.farm))
            .order_by(Visit.visited_on.desc(), Visit.id.desc())
            .limit(10)
        )
        .scalars()
        .all()
    )
    events = (
        db.session.execute(
            select(Event)
            .join(event_teams, event_teams.c.event_id == Event.id)
            .where(
                event_teams.c.team_id == team.id,
                Event.deleted_at.is_(None),
                Event.status == EventStatus.SCHEDULED,
                Event.ends_at >= utcnow(),
            )
            .order_by(Event.starts_at)
            .limit(10)
        )
        .scalars()
        .all()
    )
    stale = {farm_id for farm_id, day in last.items() if rules.is_stale(day)}
    return render_template(
        "teams/detail.html",
        team=team,
        members=members,
        farms_of=farms_of,
        farms=sorted(farms.values(), key=lambda f: (f.name, f.id)),
        assigned=assigned,
        last=last,
        stale=stale,
        # from the rows loaded above: no query of its own
        flags=rules.flags_of({m.id: len(farms_of[m.id]) for m in members}, stale),
        farm_flag=rules.farm_count_flag,
        visits=visits,
        events=events,
        thresholds=rules.thresholds(),
        can_edit=is_admin(current_user),
    )


def _team_form_page(form: TeamForm, team: Team | None):
    """Render the team form, with its errors when it was submitted."""
    return render_template("teams/form.html", form=form, team=team)


@bp.route("/new", methods=["GET", "POST"])
def create():
    """Admin: create a team in a village."""
    require_admin(current_user)
    form = TeamForm()
    form.village_id.choices = village_choices()
    form.leader_id.choices = member_choices([], _("Choose once the team has members"))
    if form.validate_on_submit():
        try:
            team = service.create_team(
                service.TeamInput(form.name.data, form.village_id.data, notes=form.notes.data)
            )
        except FieldErrors as exc:
            show_errors(form, exc.errors)
        else:
            flash(_("The team was created. Now add its members."), "success")
            return redirect(url_for(".detail", team_id=team.id))
    return _team_form_page(form, None)


@bp.route("/<int:team_id>/edit", methods=["GET", "POST"])
def edit(team_id: int):
    """Admin: change a team's name, village, leader or notes."""
    require_admin(current_user)
    team = _live_team(team_id)
    form = TeamForm(obj=team)
    form.village_id.choices = village_choices()
    form.leader_id.choices = member_choices(team.members, _("No leader yet"))
    if form.validate_on_submit():
        data = service.TeamInput(
            form.name.data, form.village_id.data, form.leader_id.data, form.notes.data
        )
        try:
            service.update_team(team, data)
        except FieldErrors as exc:
            show_errors(form, exc.errors)
        else:
            flash(_("The team was saved."), "success")
            return redirect(url_for(".detail", team_id=team.id))
    return _team_form_page(form, team)


@bp.route("/<int:team_id>/delete", methods=["GET", "POST"])
def delete(team_id: int):
    """Admin: confirm, then soft-delete a team (its visits stay)."""
    require_admin(current_user)
    team = _live_team(team_id)
    if request.method == "POST":
        service.delete_team(team)
        flash(_("The team %(name)s was deleted.", name=team.name), "success")
        return redirect(url_for(".index"))
    return render_template(
        "confirm.html",
        title=_("Delete the team %(name)s?", name=team.name),
        text=_("The team disappears from lists; its visits are kept."),
        back=url_for(".detail", team_id=team.id),
    )


def _member_data(form: MemberForm, team: Team) -> service.MemberInput:
    """The service input of a member form on ``team``'s pages."""
    return service.MemberInput(
        name=form.name.data,
        team_id=team.id,
        phone=form.phone.data,
        is_party_member=form.is_party_member.data,
        is_young_official=form.is_young_official.data,
        is_expert=form.is_expert.data,
        speciality=form.speciality.data,
    )


@bp.route("/<int:team_id>/members/new", methods=["GET", "POST"], endpoint="add_member")
@bp.route(
    "/<int:team_id>/members/<int:member_id>/edit", methods=["GET", "POST"], endpoint="edit_member"
)
def member_form(team_id: int, member_id: int | None = None):
    """Admin: add a member to a team, or edit one."""
    require_admin(current_user)
    team = _live_team(team_id)
    member = _live_member(team, member_id) if member_id is not None else None
    form = MemberForm(obj=member)
    if form.validate_on_submit():
        try:
            if member is None:
                service.add_member(_member_data(form, team))
            else:
                service.update_member(member, _member_data(form, team))
        except FieldErrors as exc:
            show_errors(form, exc.errors)
        else:
            flash(_("The member was saved."), "success")
            return redirect(url_for(".detail", team_id=team.id, _anchor="members"))
    return render_template("teams/member_form.html", form=form, team=team, member=member)


@bp.route("/<int:team_id>/members/<int:member_id>/delete", methods=["GET", "POST"])
def delete_member(team_id: int, member_id: int):
    """Admin: confirm, then soft-delete a member (visits that list them stay)."""
    require_admin(current_user)
    team = _live_team(team_id)
    member = _live_member(team, member_id)
    if request.method == "POST":
        service.delete_member(member)
        flash(_("%(name)s was removed from the team.", name=member.name), "success")
        return redirect(url_for(".detail", team_id=team.id, _anchor="members"))
    return render_template(
        "confirm.html",
        title=_("Remove %(name)s from the team?", name=member.name),
        text=_("The member disappears from lists; visits that list them are kept."),
        back=url_for(".detail", team_id=team.id, _anchor="members"),
    )


@bp.route("/<int:team_id>/assignments/new", methods=["GET", "POST"])
def assign(team_id: int):
    """Admin: link a member to a farm (a third farm is allowed and flagged)."""
    require_admin(current_user)
    team = _live_team(team_id)
    form = AssignForm()
    if request.method == "GET":
        form.member_id.data = request.args.get("member_id", type=int)
    form.member_id.choices = member_choices(team.members)
    township = team.village.parent or team.village
    farms = (
        db.session.execute(
            select(Farm)
            .join(Farm.village)
            .where(Farm.deleted_at.is_(None), Area.in_subtree_of(township))
            .options(joinedload(Farm.village))
        )
        .scalars()
        .all()
    )
    form.farm_id.choices = farm_choices(farms, team.village_id)
    if form.validate_on_submit():
        member = _live_member(team, form.member_id.data)
        try:
            assignment = service.assign_farm(member.id, form.farm_id.data, form.since.data)
        except FieldErrors as exc:
            show_errors(form, exc.errors)
        else:
            flash(
                _(
                    "%(member)s is now assigned to %(farm)s.",
                    member=member.name,
                    farm=assignment.farm.name,
                ),
                "success",
            )
            return redirect(url_for(".detail", team_id=team.id, _anchor="members"))
    return render_template("teams/assign.html", form=form, team=team)


@bp.route("/<int:team_id>/assignments/<int:assignment_id>/delete", methods=["POST"])
def unassign(team_id: int, assignment_id: int):
    """Admin: end a member's link to a farm."""
    require_admin(current_user)
    team = _live_team(team_id)
    assignment = db.session.get(Assignment, assignment_id)
    if assignment is None or assignment.member.team_id != team.id:
        abort(404)
    names = {"member": assignment.member.name, "farm": assignment.farm.name}
    service.remove_assignment(assignment)
    flash(_("%(member)s is no longer assigned to %(farm)s.", **names), "success")
    return redirect(url_for(".detail", team_id=team.id, _anchor="members"))
