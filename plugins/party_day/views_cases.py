"""The best party day case competition pages, under /plugins/party_day/rounds and /cases."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from core.plugin_api import (
    Conflict,
    FieldErrors,
    changes_since,
    db,
    get_readable_or_404,
    is_admin,
    placeholder,
    require,
    show_errors,
    today,
    uploaded_photos,
)
from plugins.party_day import competition as svc
from plugins.party_day.forms import CaseForm, RoundForm
from plugins.party_day.models import Case, CaseRound
from plugins.party_day.services import writable_villages
from plugins.party_day.views import ID, bp


def _round_or_404(round_id: int) -> CaseRound:
    """A round (every module user reads rounds)."""
    round_ = db.session.get(CaseRound, round_id)
    if round_ is None:
        abort(404)
    return round_


@bp.route("/rounds")
def rounds():
    """The competition rounds, newest first."""
    rows = db.session.scalars(select(CaseRound).order_by(CaseRound.year.desc())).all()
    return render_template(
        "party_day/rounds.html", rounds=rows, may_open=svc.is_county(current_user)
    )


@bp.route("/rounds/new", methods=["GET", "POST"])
def new_round():
    """Open a year's competition (admins, county reviewers)."""
    require(svc.is_county(current_user))
    form = RoundForm()
    if request.method == "GET":
        form.year.data = today().year
        form.name.data = _("%(year)s best party day case competition", year=today().year)
        form.winners_wanted.data = 20
        form.criteria.data = "\n".join(f"{t} {s}" for t, s in svc.DEFAULT_CRITERIA)
    if form.validate_on_submit():
        criteria = svc.parse_criteria(form.criteria.data)
        try:
            if criteria is None:
                raise FieldErrors(
                    {"criteria": [_("Write each criterion as a title, a space and a score.")]}
                )
            made = svc.create_round(
                svc.RoundInput(form.year.data, form.name.data, form.winners_wanted.data, criteria)
            )
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Competition opened."), "success")
            return redirect(url_for("party_day.round_page", round_id=made.id))
    return render_template(
        "party_day/simple_form.html",
        form=form,
        title=_("Open a case competition"),
        cancel=url_for("party_day.rounds"),
        multipart=False,
    )


@bp.route(f"/rounds/<{ID}:round_id>")
def round_page(round_id):
    """A round: its criteria, the ranking of the cases the user reads, and (for the county)
    the confirmation of the winners."""
    round_ = _round_or_404(round_id)
    readable = set(
        db.session.scalars(
            select(Case.id).where(Case.round_id == round_.id, svc.case_scope(current_user))
        )
    )
    ranked = [r for r in svc.ranking(round_) if r.case.id in readable]
    return render_template(
        "party_day/round.html",
        round=round_,
        ranked=ranked,
        may_enter=round_.confirmed_at is None and bool(writable_villages(current_user)),
        may_confirm=round_.confirmed_at is None and svc.is_county(current_user),
        changes=changes_since(round_.audit_position, None) if round_.confirmed_at else None,
        audit_link=is_admin(current_user),
        error=request.args.get("error"),
    )


@bp.route(f"/rounds/<{ID}:round_id>/confirm", methods=["POST"])
def confirm_round(round_id):
    """Confirm the winners ticked (final)."""
    round_ = _round_or_404(round_id)
    require(svc.is_county(current_user))
    winners = [int(v) for v in request.form.getlist("winners") if v.isdigit()]
    try:
        svc.confirm(current_user, round_, winners)
    except (FieldErrors, Conflict) as exc:
        db.session.rollback()
        message = next(iter(exc.errors.values()))[0] if isinstance(exc, FieldErrors) else str(exc)
        flash(message, "error")
    else:
        flash(_("Winners confirmed."), "success")
    return redirect(url_for("party_day.round_page", round_id=round_.id))


@bp.route(f"/rounds/<{ID}:round_id>/collection")
def collection(round_id):
    """The printable collection of a confirmed round's winning cases (every branch reads it)."""
    round_ = _round_or_404(round_id)
    if round_.confirmed_at is None:
        abort(404)
    return render_template("party_day/collection.html", round=round_, cases=svc.winners(round_))


def _case_form(form: CaseForm, title: str, cancel: str):
    """Render the case form."""
    form.village_id.choices = [placeholder(_("Choose a village"))] + [
        (v.id, v.name) for v in writable_villages(current_user)
    ]
    return render_template(
        "party_day/simple_form.html",
        form=form,
        title=title,
        cancel=cancel,
        multipart=True,
        hints={
            "photos": _(
                "Up to %(n)s JPEG, PNG or WebP photos of at most %(kb)s KB each.",
                n=svc.MAX_PHOTOS,
                kb=svc.MAX_PHOTO_KB,
            )
        },
    )


def _save_case(form: CaseForm, round_: CaseRound, case: Case | None):
    """Validate and save; the case, or None with the errors on the form."""
    if not form.validate_on_submit():
        return None
    require(svc.may_enter(current_user, form.village_id.data) or form.village_id.data is None)
    try:
        return svc.save_case(
            current_user,
            round_,
            svc.CaseInput(
                form.village_id.data, form.title.data, form.summary.data, uploaded_photos()
            ),
            case,
        )
    except FieldErrors as exc:
        db.session.rollback()
        show_errors(form, exc.errors)
    except Conflict as exc:
        db.session.rollback()
        form.form_errors.append(str(exc))
    return None


@bp.route(f"/rounds/<{ID}:round_id>/cases/new", methods=["GET", "POST"])
def new_case(round_id):
    """Enter a village's case in a round (its leaders, reviewers of its area, admins)."""
    round_ = _round_or_404(round_id)
    villages = writable_villages(current_user)
    require(bool(villages))
    if round_.confirmed_at is not None:
        abort(409)
    form = CaseForm()
    if request.method == "GET" and len(villages) == 1:
        form.village_id.data = villages[0].id
    saved = _save_case(form, round_, None)
    if saved is not None:
        flash(_("Case entered."), "success")
        return redirect(url_for("party_day.case", case_id=saved.id))
    back = url_for("party_day.round_page", round_id=round_.id)
    return _case_form(form, _("Enter a case in %(name)s", name=round_.name), back)


def _readable_case(case_id: int) -> Case:
    """A case the user reads (404 unknown, 403 outside the scope)."""
    return get_readable_or_404(Case, case_id, svc.case_scope(current_user))


@bp.route(f"/cases/<{ID}:case_id>")
def case(case_id):
    """A case: summary, photos, and the scoring form for its reviewers."""
    row = _readable_case(case_id)
    open_ = row.round.confirmed_at is None
    return render_template(
        "party_day/case.html",
        case=row,
        open=open_,
        may_edit=open_ and svc.may_enter(current_user, row.village_id),
        may_score=open_ and svc.may_score(current_user, row),
        scores=svc.my_scores(current_user, row),
        errors={},
    )


@bp.route(f"/cases/<{ID}:case_id>/edit", methods=["GET", "POST"])
def edit_case(case_id):
    """Correct a case (or add photos) while its round is open."""
    row = _readable_case(case_id)
    require(svc.may_enter(current_user, row.village_id))
    if row.round.confirmed_at is not None:
        abort(409)
    form = CaseForm(obj=row)
    saved = _save_case(form, row.round, row)
    if saved is not None:
        flash(_("Case saved."), "success")
        return redirect(url_for("party_day.case", case_id=saved.id))
    return _case_form(form, _("Edit the case"), url_for("party_day.case", case_id=row.id))


@bp.route(f"/cases/<{ID}:case_id>/scores", methods=["POST"])
def score_case(case_id):
    """Store the user's scores of a case on every criterion."""
    row = _readable_case(case_id)
    require(svc.may_score(current_user, row))
    scores: dict[int, int | None] = {}
    for criterion in row.round.criteria:
        value = request.form.get(f"score_{criterion.id}", "").strip()
        scores[criterion.id] = int(value) if value.isdigit() else None
    try:
        svc.save_scores(current_user, row, scores)
    except FieldErrors as exc:
        db.session.rollback()
        return render_template(
            "party_day/case.html",
            case=row,
            open=True,
            may_edit=svc.may_enter(current_user, row.village_id),
            may_score=True,
            scores={k: v for k, v in scores.items() if v is not None},
            errors=exc.errors,
        )
    except Conflict as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(_("Scores saved."), "success")
    return redirect(url_for("party_day.case", case_id=row.id))


@bp.route(f"/cases/<{ID}:case_id>/photos/<{ID}:photo_id>")
def case_photo(case_id, photo_id):
    """A case's photo for its readers; the thumbnail with ``?thumbnail=1``."""
    row = _readable_case(case_id)
    photo = svc.photo_of(row, photo_id)
    if photo is None:
        abort(404)
    return svc.photo_response(photo, thumbnail=request.args.get("thumbnail") == "1")
