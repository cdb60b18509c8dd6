"""Visits: the log form a leader fills in on a phone, the list, the detail, edit and delete."""

from datetime import date

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from core import plugins, rules
from core.area_filters import area_arg, teams_of
from core.audit.history import HistoryEntry, record_history, records_events
from core.contracts import PageAction
from core.extensions import db
from core.forms import optional_int, show_errors
from core.forms.choices import by_township, team_choices
from core.forms.visits import TeamChoiceForm, VisitFilterForm, VisitForm, client_key
from core.models import Farm, Role, Team, Visit, VisitKind, VisitPhoto
from core.models.enums import label
from core.models.soft_delete import INCLUDE_DELETED
from core.pagination import DATED_PAGE_SIZE, page_of
from core.permissions import (
    can_write_some_team_records,
    can_write_team_records,
    farm_scope,
    get_readable_or_404,
    is_admin,
    require,
    team_scope,
    visit_scope,
)
from core.services import FieldErrors
from core.services.uploads import uploaded_photos
from core.services.visit_photos import photo_response, remove_photo
from core.services.visits import (
    VisitInput,
    delete_visit,
    find_by_client_key,
    log_visit,
    update_visit,
)

bp = Blueprint("visits", __name__, url_prefix="/visits")


def visit_input(form: VisitForm, key: str | None = None) -> VisitInput:
    """The service's input from a validated visit form (the visit pages and a plan's log page),
    with the photos uploaded with it."""
    return VisitInput(
        team_id=form.team_id.data,
        farm_id=form.farm_id.data,
        visited_on=form.visited_on.data,
        kind=form.kind.data,
        people_reached=form.people_reached.data,
        households_reached=form.households_reached.data or 0,
        member_ids=form.member_ids.data or [],
        topics=form.topics.data or "",
        material=form.material.data or "",
        questions=form.questions.data or "",
        notes=form.notes.data or "",
        client_key=key,
        photos=uploaded_photos(),
    )


#: flash category carrying the client_key of a visit the server has saved (not shown as a
#: message): the phone's outbox drops its copy of that visit
SAVED_KEY = "visit-saved"


def confirm_saved(key: str) -> None:
    """Tell the phone's outbox, on the next page, that the visit sent with ``key`` is saved."""
    flash(key, SAVED_KEY)


def _live_team(team_id) -> Team | None:
    """A team that exists and is not deleted."""
    team = db.session.get(Team, team_id) if team_id else None
    return team if team is not None and team.deleted_at is None else None


def _team_for_new_visit() -> Team | None:
    """The team a new visit is logged for: the leader's own, or the one an admin chose."""
    require(can_write_some_team_records(current_user))
    try:
        asked = optional_int(request.form.get("team_id") or request.args.get("team"))
    except ValueError:
        asked = None
    if is_admin(current_user):
        return _live_team(asked)
    if asked is not None and asked != current_user.team_id:
        abort(403)  # a leader cannot log visits for another team, even with a forged form
    return _live_team(current_user.team_id)


def _log(form: VisitForm, key: str) -> tuple[Visit, bool]:
    """Log the form's visit; two copies of one form submitted at once still log one visit."""
    try:
        return log_visit(current_user, visit_input(form, key))
    except IntegrityError:  # the unique client_key: the other copy committed first
        db.session.rollback()
        visit = find_by_client_key(key)
        if visit is None:
            raise
        return visit, False


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new():
    """Log a visit; a resubmitted form (same ``client_key``) never logs it twice."""
    team = _team_for_new_visit()
    if team is None:
        if not is_admin(current_user):
            abort(403)
        chooser = TeamChoiceForm(request.args)
        chooser.team.choices = team_choices(_scoped_teams(), blank=_("Choose a team"))
        return render_template("visits/choose_team.html", form=chooser)
    form = VisitForm(data={"team_id": team.id, "visited_on": rules.today()})
    form.set_choices(current_user, team, rules.today())
    key = client_key(form)
    if form.validate_on_submit():
        try:
            visit, created = _log(form, key)
        except FieldErrors as exc:
            show_errors(form, exc.errors)
        else:
            if created:
                flash(
                    _(
                        "Visit logged: %(farm)s, %(people)s people reached.",
                        farm=visit.farm.name,
                        people=visit.people_reached,
                    ),
                    "success",
                )
            else:
                flash(_("This visit was already saved; it was not logged twice."), "info")
            confirm_saved(key)
            return redirect(url_for("visits.index"))
    return render_template(
        "visits/form.html",
        form=form,
        team=team,
        visit=None,
        can_change_team=is_admin(current_user),
    )


def _scoped_teams() -> list[Team]:
    """Live teams the user may read, by name."""
    return (
        db.session.execute(
            select(Team)
            .where(team_scope(current_user), Team.deleted_at.is_(None))
            .order_by(Team.name)
        )
        .scalars()
        .all()
    )


@bp.route("")
@login_required
def index():
    """The visits the user may read, newest first, filtered and paginated."""
    filters = VisitFilterForm(request.args)
    sees_teams = current_user.role in (Role.ADMIN, Role.REVIEWER)
    filters.team.choices = team_choices(_scoped_teams(), blank=_("All teams")) if sees_teams else []
    farms = (
        db.session.execute(
            select(Farm)
            .where(Farm.deleted_at.is_(None), farm_scope(current_user))
            .order_by(Farm.name)
        )
        .scalars()
        .all()
    )
    filters.farm.choices = by_township(farms, blank=_("All farms"))
    filters.validate()
    query = select(Visit).where(visit_scope(current_user))
    args = {}
    for name, column in (("team", Visit.team_id), ("farm", Visit.farm_id), ("kind", Visit.kind)):
        value = getattr(filters, name).data
        if name == "team" and not sees_teams:
            continue
        if value and not getattr(filters, name).errors:
            query = query.where(column == value)
            args[name] = value
    if filters.photos.data == "y":  # the review's "visits with photos"
        query = query.where(
            Visit.id.in_(select(VisitPhoto.visit_id).where(VisitPhoto.deleted_at.is_(None)))
        )
        args["photos"] = "y"
    if filters.date_from.data and not filters.date_from.errors:
        query = query.where(Visit.visited_on >= filters.date_from.data)
        args["date_from"] = filters.date_from.data.isoformat()
    if filters.date_to.data and not filters.date_to.errors:
        query = query.where(Visit.visited_on <= filters.date_to.data)
        args["date_to"] = filters.date_to.data.isoformat()
    area = area_arg(request.args) if sees_teams else None
    if area is not None:  # the review's links: visits of the teams of an area
        query = query.where(Visit.team_id.in_(teams_of(area)))
        args["area"] = area.id
    query = query.options(joinedload(Visit.farm), joinedload(Visit.team)).order_by(
        Visit.visited_on.desc(), Visit.id.desc()
    )
    page = page_of(query, DATED_PAGE_SIZE)
    return render_template(
        "visits/index.html",
        page=page,
        filters=filters,
        args=args,
        sees_teams=sees_teams,
        area=area,
        without_area={k: v for k, v in args.items() if k != "area"},
        can_log=can_write_some_team_records(current_user),
    )


#: the fields of a visit its history shows, labelled as on the visit form, in the form's order
#: (the others, such as the client's key or who deleted it, say nothing to a reader)
HISTORY_FIELDS = {
    "visited_on": _l("Date"),
    "team_id": _l("Team"),
    "farm_id": _l("Farm"),
    "kind": _l("Kind of visit"),
    "people_reached": _l("People reached"),
    "households_reached": _l("Households reached"),
    "members_present": _l("Members present"),
    "topics": _l("Topics"),
    "material": _l("Material handed out"),
    "questions": _l("Questions raised"),
    "notes": _l("Notes"),
}
#: what happened, by the trail's action
HISTORY_ACTIONS = {
    "create": _l("Created"),
    "update": _l("Changed"),
    "delete": _l("Deleted"),
    "restore": _l("Restored"),
}
#: an empty value in the history
NONE_SHOWN = "–"
#: what happened to one of the visit's photos, by the trail's action
PHOTO_ACTIONS = {
    "create": _l("Photo added"),
    "update": _l("Photo changed"),
    "delete": _l("Photo removed"),
    "restore": _l("Photo restored"),
}


def _history_value(name: str, value) -> str:
    """A recorded value of a visit's field as a reader sees it: names of members, the kind's
    label, the date in the reader's language."""
    if value is None or value == "" or value == []:
        return NONE_SHOWN
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if name == "kind":
        try:
            return label(VisitKind(value))
        except ValueError:
            return str(value)
    if name == "visited_on":
        try:
            return format_date(date.fromisoformat(value), "medium")
        except (TypeError, ValueError):
            return str(value)
    return str(value)


def history_rows(entries: list[HistoryEntry]) -> list[dict]:
    """The history of a visit as the page shows it: each entry with who, what happened and
    ``(label, before, after)`` of the form's fields it touched (only ``after`` on creation)."""
    rows = []
    for entry in entries:
        fields = []
        if entry.action in ("create", "update"):
            for name, title in HISTORY_FIELDS.items():
                if name not in entry.shown:
                    continue
                before, after = (_history_value(name, value) for value in entry.shown[name])
                if entry.action == "create" and after == NONE_SHOWN:
                    continue  # left empty when logged
                fields.append((title, before, after))
        rows.append(
            {
                "entry": entry,
                "who": entry.who,
                "what": HISTORY_ACTIONS.get(entry.action, entry.action),
                "fields": fields,
            }
        )
    return rows


def photo_history_rows(visit: Visit) -> list[dict]:
    """The events of the visit's photos (removed ones too: a photo is evidence), as
    :func:`history_rows` shows them, without fields (two queries)."""
    ids = db.session.scalars(
        select(VisitPhoto.id)
        .where(VisitPhoto.visit_id == visit.id)
        .execution_options(**{INCLUDE_DELETED: True})
    ).all()
    return [
        {
            "entry": entry,
            "who": entry.who,
            "what": PHOTO_ACTIONS.get(entry.action, entry.action),
            "fields": [],
        }
        for entry in records_events(VisitPhoto.__tablename__, ids)
    ]


@bp.route("/<int:visit_id>")
@login_required
def detail(visit_id):
    """Every field of one visit, who logged it and who changed it last, its history, with edit
    and delete for those allowed."""
    visit = get_readable_or_404(Visit, visit_id, visit_scope(current_user))
    history = record_history(Visit.__tablename__, visit.id)
    created = next((entry for entry in history if entry.action == "create"), None)
    if visit.logged_by is not None:
        logged_by = visit.logged_by.name
    else:  # logged by a command or an import: the trail names it
        logged_by = (created.who if created is not None else "") or _("unknown")
    last = history[-1] if history and history[-1].action != "create" else None
    return render_template(
        "visits/detail.html",
        visit=visit,
        logged_by=logged_by,
        last_change=last,
        history=sorted(
            history_rows(history) + photo_history_rows(visit),
            key=lambda row: (row["entry"].at, row["entry"].id),
        ),
        can_write=can_write_team_records(current_user, visit.team_id),
        team_link="teams.detail" in current_app.view_functions,
        farm_link="farms.detail" in current_app.view_functions,
        plugin_actions=plugins.call(
            current_app._get_current_object(),
            "visit_actions",
            expect=PageAction,
            visit=visit,
            user=current_user._get_current_object(),
        ),
    )


@bp.route("/<int:visit_id>/edit", methods=["GET", "POST"])
@login_required
def edit(visit_id):
    """Change a visit (its team stays)."""
    visit = get_readable_or_404(Visit, visit_id, visit_scope(current_user))
    require(can_write_team_records(current_user, visit.team_id))
    form = VisitForm(obj=visit, data={"member_ids": [m.id for m in visit.members_present]})
    form.team_id.data = visit.team_id  # fixed: a forged team_id is ignored
    form.set_choices(current_user, visit.team, rules.today())
    if form.validate_on_submit():
        try:
            update_visit(current_user, visit, visit_input(form))
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Visit saved."), "success")
            return redirect(url_for("visits.detail", visit_id=visit.id))
    return render_template("visits/form.html", form=form, team=visit.team, visit=visit)


@bp.route("/<int:visit_id>/delete", methods=["POST"])
@login_required
def delete(visit_id):
    """Delete a visit logged by mistake."""
    visit = get_readable_or_404(Visit, visit_id, visit_scope(current_user))
    require(can_write_team_records(current_user, visit.team_id))
    delete_visit(visit, current_user)
    flash(_("Visit deleted."), "success")
    return redirect(url_for("visits.index"))


def _photo(photo_id) -> VisitPhoto:
    """A live photo of a visit the user may read (404 otherwise, as for one that is not there)."""
    photo = db.session.get(VisitPhoto, photo_id)
    if photo is None or photo.is_deleted:
        abort(404)
    get_readable_or_404(Visit, photo.visit_id, visit_scope(current_user))
    return photo


@bp.route("/photos/<int:photo_id>")
@login_required
def photo(photo_id):
    """A photo, for users who may read its visit (never a static path); its thumbnail with
    ``?thumbnail=1``."""
    return photo_response(_photo(photo_id), thumbnail=request.args.get("thumbnail") == "1")


@bp.route("/photos/<int:photo_id>/delete", methods=["POST"])
@login_required
def delete_photo(photo_id):
    """Remove a photo from a visit (the team's leader, admins)."""
    photo = _photo(photo_id)
    require(can_write_team_records(current_user, photo.visit.team_id))
    remove_photo(photo, current_user)
    flash(_("Photo removed."), "success")
    return redirect(url_for("visits.detail", visit_id=photo.visit_id))
