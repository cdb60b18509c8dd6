"""Outreach events (upcoming first, filters, create/edit/cancel/delete) and their campaigns."""

from datetime import timedelta

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import joinedload, selectinload

from core import rules
from core.area_filters import area_arg, day_bounds, teams_of
from core.extensions import db
from core.forms import choices_of, show_errors
from core.forms.choices import team_choices
from core.forms.events import EVENT_FIELDS, CampaignForm, EventFilterForm, EventForm
from core.models import Area, Campaign, CampaignKind, Event, EventStatus, Role, Team, utcnow
from core.models.enums import label
from core.notify.events import tell_organisers
from core.pagination import DATED_PAGE_SIZE, page_of
from core.permissions import (
    can_edit_event,
    event_scope,
    get_readable_or_404,
    is_admin,
    may_create_events,
    require,
    require_admin,
)
from core.services import FieldErrors, check_one_line
from core.services.events import (
    CANCELLED,
    EventInput,
    cancel_event,
    create_event,
    delete_event,
    schedule_of,
    update_event,
    what_changed,
)

bp = Blueprint("events", __name__)

ONE_DAY = timedelta(days=1)


def _campaigns() -> list[Campaign]:
    """Every campaign, the latest year first."""
    return (
        db.session.execute(
            select(Campaign).order_by(Campaign.year.desc(), Campaign.starts_on, Campaign.id)
        )
        .scalars()
        .all()
    )


def _teams() -> list[Team]:
    """Every live team, by name (events are public, so any team can be filtered on)."""
    return (
        db.session.execute(select(Team).where(Team.deleted_at.is_(None)).order_by(Team.name))
        .scalars()
        .all()
    )


def _organiser_choices(event: Event | None) -> list[Team]:
    """Teams offered as organisers: all for admins; for a reviewer, the teams inside their
    area; for a leader, the teams of their township (neighbours co-organise), plus those
    already organising ``event``.
    """
    query = select(Team).where(Team.deleted_at.is_(None)).order_by(Team.name)
    if current_user.role == Role.REVIEWER:
        subtree = Area.subtree_ids(current_user.area) if current_user.area is not None else []
        query = query.where(Team.village_id.in_(subtree))
    elif not is_admin(current_user):
        team = current_user.team
        township = team.village.parent_id if team is not None else None
        current = [t.id for t in event.teams] if event is not None else []
        query = query.join(Area, Area.id == Team.village_id).where(
            or_(Area.parent_id == township, Team.id.in_(current), Team.id == current_user.team_id)
        )
    return db.session.execute(query).scalars().all()


def _event_form(event: Event | None = None) -> EventForm:
    """The event form with its lists filled; on GET, the event's values in the local zone."""
    form = EventForm(obj=event)
    if event is not None and request.method == "GET":
        form.load(event)
    elif event is None and request.method == "GET":
        form.start_date.data = rules.today()
    form.campaign_id.choices = choices_of(_campaigns(), blank=_("No campaign"))
    form.team_ids.choices = team_choices(_organiser_choices(event))
    if is_admin(current_user):
        areas = db.session.execute(select(Area).order_by(Area.path)).scalars().all()
        form.area_id.choices = choices_of(
            areas,
            blank=_("The first organising team's village"),
            text=lambda a: "\u2003" * (a.path.count("/") - 2) + a.name,
        )
    return form


def _team_hint() -> str | None:
    """What the organiser picker says about the teams it offers, by role."""
    if current_user.role == Role.REVIEWER:
        return _("Teams inside your area.")
    if not is_admin(current_user):
        return _("Your own team is always among the organisers.")
    return None


def _input(form: EventForm, event: Event | None) -> EventInput:
    """The service's input from a validated form."""
    starts_at, ends_at = form.instants()
    if is_admin(current_user):
        area_id = form.area_id.data
    else:  # the area is not on a leader's form; keep what an administrator chose
        area_id = event.area_id if event is not None else None
    return EventInput(
        title=form.title.data or "",
        venue_kind=form.venue_kind.data,
        starts_at=starts_at,
        ends_at=ends_at,
        place=form.place.data or "",
        campaign_id=form.campaign_id.data,
        area_id=area_id,
        team_ids=form.team_ids.data or [],
        description=form.description.data or "",
        all_day=form.all_day.data,
        status=form.status.data if event is not None else EventStatus.SCHEDULED,
    )


@bp.route("/events")
@login_required
def index():
    """Events, upcoming first; past ones on request; filtered by campaign, venue, team, status."""
    filters = EventFilterForm(request.args)
    filters.campaign.choices = choices_of(_campaigns(), blank=_("All campaigns"))
    filters.team.choices = team_choices(_teams(), blank=_("All teams"))
    filters.validate()
    now = utcnow()
    upcoming = Event.ends_at >= now
    query = select(Event).where(Event.deleted_at.is_(None), event_scope(current_user))
    args: dict = {}
    if filters.past.data:
        args["past"] = "y"
    else:
        query = query.where(upcoming)
    if filters.campaign.data and not filters.campaign.errors:
        query = query.where(Event.campaign_id == filters.campaign.data)
        args["campaign"] = filters.campaign.data
    if filters.venue.data and not filters.venue.errors:
        query = query.where(Event.venue_kind == filters.venue.data)
        args["venue"] = filters.venue.data
    if filters.team.data and not filters.team.errors:
        query = query.where(Event.teams.any(Team.id == filters.team.data))
        args["team"] = filters.team.data
    if filters.status.data and not filters.status.errors:
        query = query.where(Event.status == filters.status.data)
        args["status"] = filters.status.data
    if filters.date_from.data and not filters.date_from.errors:  # local days of the start
        query = query.where(Event.starts_at >= day_bounds(filters.date_from.data)[0])
        args["date_from"] = filters.date_from.data.isoformat()
    if filters.date_to.data and not filters.date_to.errors:
        query = query.where(Event.starts_at < day_bounds(filters.date_to.data)[1])
        args["date_to"] = filters.date_to.data.isoformat()
    area = area_arg(request.args)
    if area is not None:  # the review's links: events organised by the teams of an area
        query = query.where(Event.teams.any(Team.id.in_(teams_of(area))))
        args["area"] = area.id
    query = query.options(joinedload(Event.campaign), selectinload(Event.teams)).order_by(
        case((upcoming, 0), else_=1),  # upcoming first, soonest first; then past, latest first
        case((upcoming, Event.starts_at)),
        Event.starts_at.desc(),
        Event.id,
    )
    page = page_of(query, DATED_PAGE_SIZE)
    return render_template(
        "events/index.html",
        page=page,
        filters=filters,
        args=args,
        now=now,
        one_day=ONE_DAY,
        area=area,
        without_area={k: v for k, v in args.items() if k != "area"},
        upcoming_args={k: v for k, v in args.items() if k != "past"},
        can_create=may_create_events(current_user),
        can_edit_campaigns=is_admin(current_user),
    )


@bp.route("/events/new", methods=["GET", "POST"])
@login_required
def new():
    """Create an event; a leader's event is organised by their own team, a reviewer's by
    teams inside their area."""
    require(may_create_events(current_user))
    form = _event_form()
    if form.validate_on_submit():
        try:
            event = create_event(current_user, _input(form, None))
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors, EVENT_FIELDS)
        else:
            flash(_("Event created: %(title)s.", title=event.title), "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template(
        "events/form.html",
        form=form,
        event=None,
        show_area=is_admin(current_user),
        team_hint=_team_hint(),
    )


@bp.route("/events/<int:event_id>")
@login_required
def detail(event_id):
    """One event: when, where, organising teams, status and revision."""
    event = get_readable_or_404(Event, event_id, event_scope(current_user))
    return render_template(
        "events/detail.html",
        event=event,
        can_edit=can_edit_event(current_user, event),
        one_day=ONE_DAY,
        team_link="teams.detail" in current_app.view_functions,
    )


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def edit(event_id):
    """Change an event; its revision (the calendar SEQUENCE) rises."""
    event = get_readable_or_404(Event, event_id, event_scope(current_user))
    require(can_edit_event(current_user, event))
    form = _event_form(event)
    if form.validate_on_submit():
        before = schedule_of(event)
        try:
            update_event(current_user, event, _input(form, event))
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors, EVENT_FIELDS)
        else:
            tell_organisers(event, what_changed(before, event), current_user)
            flash(_("Event saved."), "success")
            return redirect(url_for("events.detail", event_id=event.id))
    return render_template(
        "events/form.html",
        form=form,
        event=event,
        show_area=is_admin(current_user),
        team_hint=_team_hint(),
    )


@bp.route("/events/<int:event_id>/cancel", methods=["POST"])
@login_required
def cancel(event_id):
    """Mark an event cancelled; it stays listed (and in calendar feeds) as cancelled."""
    event = get_readable_or_404(Event, event_id, event_scope(current_user))
    require(can_edit_event(current_user, event))
    if event.status != EventStatus.CANCELLED:
        cancel_event(event)
        tell_organisers(event, CANCELLED, current_user)
        flash(_("Event cancelled."), "success")
    return redirect(url_for("events.detail", event_id=event.id))


@bp.route("/events/<int:event_id>/delete", methods=["POST"])
@login_required
def delete(event_id):
    """Delete an event entered by mistake (kept for history, gone from lists)."""
    event = get_readable_or_404(Event, event_id, event_scope(current_user))
    require(can_edit_event(current_user, event))
    delete_event(event, current_user)
    flash(_("Event deleted."), "success")
    return redirect(url_for("events.index"))


@bp.route("/campaigns")
@login_required
def campaigns():
    """Campaigns, the latest first, with how many live events each has."""
    rows = db.session.execute(
        select(Campaign, func.count(Event.id))
        .outerjoin(Event, and_(Event.campaign_id == Campaign.id, Event.deleted_at.is_(None)))
        .group_by(Campaign.id)
        .order_by(Campaign.year.desc(), Campaign.starts_on.desc(), Campaign.id)
    ).all()
    return render_template("events/campaigns.html", rows=rows, can_edit=is_admin(current_user))


@bp.route("/campaigns/new", methods=["GET", "POST"], endpoint="new_campaign")
@bp.route("/campaigns/<int:campaign_id>/edit", methods=["GET", "POST"], endpoint="edit_campaign")
@login_required
def campaign_form(campaign_id=None):
    """Create or change a campaign (administrators only)."""
    require_admin(current_user)
    campaign = db.get_or_404(Campaign, campaign_id) if campaign_id is not None else None
    form = CampaignForm(obj=campaign)
    errors: dict[str, list[str]] = {}
    if valid := form.validate_on_submit():
        check_one_line(errors, "name", form.name.data.strip())
        show_errors(form, errors)
    if valid and not errors:
        campaign = campaign or Campaign()
        form.populate_obj(campaign)
        campaign.kind = CampaignKind(form.kind.data)
        campaign.name = campaign.name.strip()
        campaign.description = (campaign.description or "").strip()
        db.session.add(campaign)
        db.session.commit()
        flash(
            _(
                "Campaign saved: %(name)s (%(kind)s).",
                name=campaign.name,
                kind=label(campaign.kind),
            ),
            "success",
        )
        return redirect(url_for("events.campaigns"))
    return render_template("events/campaign_form.html", form=form, campaign=campaign)
