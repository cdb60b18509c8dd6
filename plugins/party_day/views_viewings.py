"""The county-wide viewing pages, under /plugins/party_day/viewings."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from core.plugin_api import (
    Area,
    FieldErrors,
    db,
    get_readable_or_404,
    placeholder,
    require,
    show_errors,
    today,
)
from plugins.party_day import viewings as svc
from plugins.party_day.forms import AttendanceForm, ViewingForm
from plugins.party_day.models import Viewing
from plugins.party_day.services import may_write_village, village_scope
from plugins.party_day.views import ID, bp


@bp.route("/viewings")
def viewings():
    """The viewings the user reads, newest first."""
    rows = db.session.scalars(
        select(Viewing)
        .where(svc.viewing_scope(current_user))
        .options(joinedload(Viewing.area))
        .order_by(Viewing.held_on.desc(), Viewing.id.desc())
    ).all()
    return render_template(
        "party_day/viewings.html", viewings=rows, may_organise=svc.may_organise(current_user)
    )


def _viewing_form(form: ViewingForm, title: str, cancel: str):
    """Render the viewing form."""
    form.area_id.choices = [placeholder(_("Choose an area"))] + [
        (a.id, a.full_name) for a in svc.organiser_areas(current_user)
    ]
    return render_template(
        "party_day/simple_form.html", form=form, title=title, cancel=cancel, multipart=False
    )


def _save_viewing(form: ViewingForm, viewing: Viewing | None):
    """Validate and save; the viewing, or None with the errors on the form."""
    if not form.validate_on_submit():
        return None
    try:
        return svc.save_viewing(
            current_user,
            svc.ViewingInput(
                form.area_id.data,
                form.held_on.data,
                form.title.data,
                form.start_time.data,
                form.hosts.data,
                form.notes.data,
            ),
            viewing,
        )
    except FieldErrors as exc:
        db.session.rollback()
        show_errors(form, exc.errors)
        return None


@bp.route("/viewings/new", methods=["GET", "POST"])
def new_viewing():
    """Organise a county-wide viewing (admins, reviewers for their area)."""
    require(svc.may_organise(current_user))
    form = ViewingForm()
    if request.method == "GET":
        areas = svc.organiser_areas(current_user)
        form.area_id.data = areas[0].id if areas else None
        form.held_on.data = today()
    saved = _save_viewing(form, None)
    if saved is not None:
        flash(_("Viewing saved."), "success")
        return redirect(url_for("party_day.viewing", viewing_id=saved.id))
    return _viewing_form(form, _("Organise a county-wide viewing"), url_for("party_day.viewings"))


def _readable(viewing_id: int) -> Viewing:
    """A viewing the user reads (404 unknown, 403 outside the scope)."""
    return get_readable_or_404(Viewing, viewing_id, svc.viewing_scope(current_user))


@bp.route(f"/viewings/<{ID}:viewing_id>/edit", methods=["GET", "POST"])
def edit_viewing(viewing_id):
    """Correct a viewing (its organisers)."""
    viewing = _readable(viewing_id)
    require(svc.may_organise(current_user, viewing.area))
    form = ViewingForm(obj=viewing)
    saved = _save_viewing(form, viewing)
    if saved is not None:
        flash(_("Viewing saved."), "success")
        return redirect(url_for("party_day.viewing", viewing_id=saved.id))
    back = url_for("party_day.viewing", viewing_id=viewing.id)
    return _viewing_form(form, _("Edit the viewing"), back)


def _attendance_page(viewing: Viewing, form: AttendanceForm | None = None):
    """The viewing with each village's attendance (the villages the user reads)."""
    villages = svc.viewing_villages(viewing, village_scope(current_user, Area.id))
    held = svc.attendance(viewing)
    writable = [v for v in villages if may_write_village(current_user, v.id)]
    if writable:
        form = form or AttendanceForm()
        form.village_id.choices = [placeholder(_("Choose a village"))] + [
            (v.id, v.name) for v in writable
        ]
        if form.village_id.data is None and len(writable) == 1:
            form.village_id.data = writable[0].id
    watched = [held[v.id] for v in villages if v.id in held]
    return render_template(
        "party_day/viewing.html",
        viewing=viewing,
        rows=[(v, held.get(v.id)) for v in villages],
        watched=len([row for row in watched if row.present]),
        members=sum(row.present for row in watched),
        form=form if writable else None,
        may_organise=svc.may_organise(current_user, viewing.area),
    )


@bp.route(f"/viewings/<{ID}:viewing_id>")
def viewing(viewing_id):
    """One viewing and the attendance of its villages."""
    return _attendance_page(_readable(viewing_id))


@bp.route(f"/viewings/<{ID}:viewing_id>/attendance", methods=["POST"])
def record_attendance(viewing_id):
    """Record a village's attendance at a viewing."""
    viewing = _readable(viewing_id)
    form = AttendanceForm()
    if form.validate_on_submit():
        village = db.session.get(Area, form.village_id.data) if form.village_id.data else None
        if village is None:
            form.village_id.errors = [_("Choose a village.")]
        else:
            require(svc.may_record_attendance(current_user, viewing, village.id))
            try:
                svc.record_attendance(viewing, village, form.present.data)
            except FieldErrors as exc:
                db.session.rollback()
                show_errors(form, exc.errors)
            else:
                flash(_("Attendance saved."), "success")
                return redirect(url_for("party_day.viewing", viewing_id=viewing.id))
    if not form.errors:
        abort(400)
    return _attendance_page(viewing, form)
