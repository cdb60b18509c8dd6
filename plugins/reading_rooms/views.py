"""The reading rooms pages, under /plugins/reading_rooms/."""

from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms.fields import SelectChoice

from core.plugin_api import (
    Area,
    AreaKind,
    FieldErrors,
    db,
    first_of_month,
    get_readable_or_404,
    is_admin,
    may_open_module,
    placeholder,
    require,
    require_admin,
    show_errors,
    to_local,
    today,
)
from plugins.reading_rooms import services as svc
from plugins.reading_rooms.forms import ConfirmForm, ImportForm, ModelForm, RoomForm, UsageForm
from plugins.reading_rooms.models import Report, Room, UsageRecord

#: pages, mounted by the core at /plugins/reading_rooms
bp = Blueprint(
    "reading_rooms",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static",
)


@bp.before_request
@login_required
def _signed_in():
    """Every page needs a signed-in user who may see the module."""
    require(may_open_module(current_user))


def _room(room_id: int) -> Room:
    """A room the user may read: 404 unknown, 403 out of scope."""
    return get_readable_or_404(Room, room_id, svc.room_scope(current_user))


@bp.route("/")
def index():
    """The rooms in the user's scope with their usage over the last 12 full months."""
    end = svc.previous_month(today())[1]
    start = first_of_month(end, -11)
    rows = svc.ranked_usage(svc.room_scope(current_user), start, end)
    rows.sort(key=lambda r: (r.township, r.area))
    return render_template(
        "reading_rooms/index.html",
        rows=rows,
        start=start,
        end=end,
        low=sum(r.low for r in rows),
        models=sum(r.model for r in rows),
        is_admin=is_admin(current_user),
        may_enter=svc.may_enter_some_usage(current_user),
    )


@bp.route("/rooms/<int:room_id>")
def room(room_id):
    """A room, its usage records and (for admins) the model-room form."""
    room = _room(room_id)
    records = db.session.scalars(
        select(UsageRecord)
        .where(UsageRecord.room_id == room.id)
        .order_by(UsageRecord.period_start.desc())
    ).all()
    form = ModelForm(since=room.model_since or today())
    return render_template(
        "reading_rooms/room.html",
        room=room,
        records=records,
        model_form=form,
        is_admin=is_admin(current_user),
        may_enter=svc.may_enter_usage(current_user, room),
    )


def _area_choices() -> list[SelectChoice]:
    """Townships and the villages below them, for the room form."""
    areas = db.session.scalars(
        select(Area).where(Area.kind.in_([AreaKind.TOWNSHIP, AreaKind.VILLAGE])).order_by(Area.path)
    ).all()
    return [placeholder()] + [
        SelectChoice(str(a.id), a.name if a.kind == AreaKind.TOWNSHIP else f"　{a.name}")
        for a in areas
    ]


def _form_page(form, title, cancel, multipart=False, hint=None):
    """Render the shared form template."""
    return render_template(
        "reading_rooms/form.html",
        form=form,
        title=title,
        cancel=cancel,
        multipart=multipart,
        hint=hint,
    )


@bp.route("/rooms/new", methods=["GET", "POST"], defaults={"room_id": None})
@bp.route("/rooms/<int:room_id>/edit", methods=["GET", "POST"])
def room_form(room_id):
    """Create or edit a room (admins)."""
    require_admin(current_user)
    room = _room(room_id) if room_id else None
    form = RoomForm(obj=room)
    form.area_id.choices = _area_choices()
    if form.validate_on_submit():
        try:
            room = svc.save_room(
                svc.RoomInput(
                    form.area_id.data,
                    form.name.data,
                    form.place.data or "",
                    form.opening_notes.data or "",
                ),
                room,
            )
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Reading room saved."), "success")
            return redirect(url_for(".room", room_id=room.id))
    title = _("Edit reading room") if room else _("New reading room")
    cancel = url_for(".room", room_id=room.id) if room else url_for(".index")
    return _form_page(form, title, cancel)


@bp.route("/rooms/<int:room_id>/model", methods=["POST"])
def mark_model(room_id):
    """Mark the room a county-level model room from a day, or withdraw it (admins)."""
    require_admin(current_user)
    room = _room(room_id)
    if request.form.get("withdraw"):
        form = ConfirmForm()
        if form.validate_on_submit():
            svc.set_model(room, None)
            flash(_("The room is no longer a model room."), "success")
        return redirect(url_for(".room", room_id=room.id))
    form = ModelForm()
    if form.validate_on_submit():
        svc.set_model(room, form.since.data)
        flash(_("The room is a county-level model room."), "success")
        return redirect(url_for(".room", room_id=room.id))
    records = db.session.scalars(
        select(UsageRecord)
        .where(UsageRecord.room_id == room.id)
        .order_by(UsageRecord.period_start.desc())
    ).all()
    return render_template(
        "reading_rooms/room.html",
        room=room,
        records=records,
        model_form=form,
        is_admin=True,
        may_enter=svc.may_enter_usage(current_user, room),
    )


def _usage_choices() -> list[SelectChoice]:
    """The rooms the user may enter usage for."""
    rooms = db.session.scalars(svc.readable_rooms(current_user)).all()
    return [placeholder()] + [
        SelectChoice(str(r.id), r.name) for r in rooms if svc.may_enter_usage(current_user, r)
    ]


@bp.route("/usage/new", methods=["GET", "POST"], defaults={"record_id": None})
@bp.route("/usage/<int:record_id>/edit", methods=["GET", "POST"])
def usage_form(record_id):
    """Enter or correct usage: admins for any room, a leader for their village's room."""
    require(svc.may_enter_some_usage(current_user))
    record = None
    if record_id:
        record = db.session.get(UsageRecord, record_id) or abort(404)
        require(svc.may_enter_usage(current_user, _room(record.room_id)))
    form = UsageForm(obj=record)
    form.room_id.choices = _usage_choices()
    if request.method == "GET" and record is None and request.args.get("room", type=int):
        form.room_id.data = request.args.get("room", type=int)
    if form.validate_on_submit():
        start, end = form.period_start.data, form.period_end.data
        if form.month.data:
            bounds = svc.parse_month(form.month.data)
            if bounds is None:
                form.month.errors = [_("Enter a month as YYYY-MM.")]
            else:
                start, end = bounds
        if not form.month.errors:
            data = svc.UsageInput(
                form.room_id.data,
                start,
                end,
                form.reads.data,
                form.downloads.data,
                form.active_readers.data,
            )
            try:
                record = svc.save_usage(data, current_user, record, form.replace.data)
            except svc.AlreadyRecorded as exc:
                db.session.rollback()
                form.replace.errors = [str(exc)]
            except FieldErrors as exc:
                db.session.rollback()
                if "period_start" in exc.errors and form.month.data:
                    exc.errors["month"] = exc.errors.pop("period_start")
                show_errors(form, exc.errors)
            else:
                flash(_("Usage saved."), "success")
                return redirect(url_for(".room", room_id=record.room_id))
    title = _("Correct usage") if record else _("Enter usage")
    return _form_page(form, title, url_for(".index"))


@bp.route("/import", methods=["GET", "POST"])
def import_usage():
    """Upload a CSV of usage records (admins): all rows saved, or none and the bad lines."""
    require_admin(current_user)
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        try:
            text = svc.read_upload(form.file.data.read(svc.MAX_UPLOAD + 1))
        except FieldErrors as exc:
            show_errors(form, exc.errors)
        else:
            result = svc.import_csv(text, current_user)
            if result.ok:
                flash(
                    _(
                        "%(created)s records created, %(updated)s updated.",
                        created=result.created,
                        updated=result.updated,
                    ),
                    "success",
                )
                return redirect(url_for(".index"))
    return render_template("reading_rooms/import.html", form=form, result=result)


def _day_arg(name: str, default: date) -> tuple[date, str | None]:
    """A day from the query string, or ``default`` and an error message."""
    text = request.args.get(name, "").strip()
    if not text:
        return default, None
    try:
        return date.fromisoformat(text), None
    except ValueError:
        return default, _("%(value)s is not a date (YYYY-MM-DD).", value=text)


@bp.route("/inspection")
def inspection():
    """The printable inspection report of a period (default: the previous month)."""
    first, last = svc.previous_month(today())
    start, error_from = _day_arg("from", first)
    end, error_to = _day_arg("to", last)
    errors = [e for e in (error_from, error_to) if e]
    if end < start:
        errors.append(_("The period ends before it starts."))
        start, end = first, last
    threshold = svc.period_threshold(start, end)
    rows = svc.ranked_usage(svc.room_scope(current_user), start, end, threshold)
    return render_template(
        "reading_rooms/inspection.html",
        rows=rows,
        start=start,
        end=end,
        threshold=threshold,
        errors=errors,
        stored=None,
    )


@bp.route("/reports", methods=["GET", "POST"])
def reports():
    """The stored monthly reports, newest first; admins store the previous month's now."""
    form = ConfirmForm()
    if request.method == "POST":
        require_admin(current_user)
        if form.validate_on_submit():
            stored = svc.store_report(*svc.previous_month(today()))
            flash(_("Report stored."), "success")
            return redirect(url_for(".report", report_id=stored.id))
    items = db.session.scalars(select(Report).order_by(Report.period_start.desc())).all()
    return render_template(
        "reading_rooms/reports.html", reports=items, form=form, is_admin=is_admin(current_user)
    )


@bp.route("/reports/<int:report_id>")
def report(report_id):
    """A stored report, showing the rooms the user may read."""
    stored = db.session.get(Report, report_id) or abort(404)
    rows = svc.visible_rows(stored, current_user)
    return render_template(
        "reading_rooms/inspection.html",
        rows=rows,
        start=stored.period_start,
        end=stored.period_end,
        threshold=stored.threshold,
        errors=[],
        stored=stored,
        generated=to_local(stored.generated_at).strftime("%Y-%m-%d %H:%M"),
    )


@bp.context_processor
def _links():
    """What the pages' links show: the ranking for its readers."""
    return {"may_read_ranking": svc.may_read_ranking(current_user)}


@bp.route("/ranking", methods=["GET", "POST"])
def ranking():
    """The year-end ranking with the commendation proposal: admins read all of it and confirm
    it, reviewers read its rooms of their area."""
    require(svc.may_read_ranking(current_user))
    if request.method == "POST":
        require_admin(current_user)
    year = request.args.get("year", type=int) or today().year
    if not 2000 <= year <= 2100:
        abort(404)
    form = ConfirmForm()
    if request.method == "POST" and form.validate_on_submit():
        try:
            svc.confirm_commendations(year, current_user)
        except FieldErrors as exc:
            db.session.rollback()
            flash(" ".join(exc.errors["year"]), "error")
        else:
            flash(_("The commendations of %(year)s are confirmed.", year=year), "success")
        return redirect(url_for(".ranking", year=year))
    confirmed = svc.commendations(year, current_user)
    return render_template(
        "reading_rooms/ranking.html",
        year=year,
        rows=svc.year_ranking(year, current_user),
        proposal=svc.proposal(year, current_user),
        confirmed=confirmed,
        changes=svc.attach_changes(confirmed),
        audit_link=is_admin(current_user),
        is_admin=is_admin(current_user),
        form=form,
    )
