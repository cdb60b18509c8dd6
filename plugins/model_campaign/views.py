"""The model campaign pages, under /plugins/model_campaign/."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload
from wtforms.fields import SelectChoice

from core.plugin_api import (
    Area,
    AreaKind,
    Conflict,
    FieldErrors,
    Role,
    db,
    get_readable_or_404,
    is_admin,
    may_open_module,
    placeholder,
    require,
    require_admin,
    scoped_areas,
    show_errors,
    today,
    uploaded_photos,
)
from plugins.model_campaign import services as svc
from plugins.model_campaign.forms import (
    AssessmentForm,
    CriterionForm,
    DecisionForm,
    NominationForm,
    PhotosForm,
    RoundForm,
)
from plugins.model_campaign.models import (
    Assessment,
    Criterion,
    Nomination,
    Round,
    Score,
    Status,
    Tier,
)

#: pages, mounted by the core at /plugins/model_campaign
bp = Blueprint("model_campaign", __name__, template_folder="templates")


@bp.before_request
@login_required
def _signed_in():
    """Every page needs a signed-in user who may see the module."""
    require(may_open_module(current_user))


@bp.context_processor
def _labels():
    """Tier and status labels for the templates."""
    return {"tier_label": svc.tier_label, "status_label": svc.status_label}


def _tier_choices(blank: bool = False) -> list[SelectChoice]:
    """The tiers as select options."""
    options = [SelectChoice(t.value, svc.tier_label(t)) for t in Tier]
    return ([placeholder(_("All tiers"))] if blank else []) + options


def _current_round(rounds: list[Round]) -> Round | None:
    """The round asked for in ``?round=``, else this year's, else the latest."""
    wanted = request.args.get("round", type=int)
    by_id = {r.id: r for r in rounds}
    if wanted in by_id:
        return by_id[wanted]
    this_year = [r for r in rounds if r.year == today().year]
    return this_year[0] if this_year else (rounds[0] if rounds else None)


@bp.route("/")
def index():
    """The nominations of a round in the user's scope, with counts per tier and status."""
    rounds = list(db.session.scalars(select(Round).order_by(Round.year.desc())))
    round_ = _current_round(rounds)
    tier = request.args.get("tier", "")
    status = request.args.get("status", "")
    nominations, counts = [], {}
    if round_ is not None:
        scope = svc.nomination_scope(current_user)
        counts = {
            (t, s): n
            for t, s, n in db.session.execute(
                select(Nomination.tier, Nomination.status, func.count(Nomination.id))
                .where(Nomination.round_id == round_.id, scope)
                .group_by(Nomination.tier, Nomination.status)
            )
        }
        query = (
            select(Nomination)
            .join(Area, Area.id == Nomination.area_id)
            .where(Nomination.round_id == round_.id, scope)
            .options(joinedload(Nomination.area), selectinload(Nomination.assessments))
            .order_by(Nomination.tier, Area.name, Nomination.household_name, Nomination.id)
        )
        if tier in {t.value for t in Tier}:
            query = query.where(Nomination.tier == tier)
        if status in {s.value for s in Status}:
            query = query.where(Nomination.status == status)
        nominations = db.session.scalars(query).all()
    return render_template(
        "model_campaign/index.html",
        rounds=rounds,
        round=round_,
        nominations=nominations,
        counts=counts,
        tiers=list(Tier),
        statuses=list(Status),
        tier=tier,
        status=status,
        is_admin=is_admin(current_user),
        may_nominate=svc.may_nominate_some(current_user),
        mean_percent=svc.mean_percent,
    )


# --- criteria and rounds ---------------------------------------------------------------------


@bp.route("/criteria")
def criteria():
    """Every tier's criteria, active ones first."""
    rows = db.session.scalars(
        select(Criterion).order_by(
            Criterion.tier, Criterion.active.desc(), Criterion.position, Criterion.id
        )
    ).all()
    used = set(db.session.scalars(select(Score.criterion_id).distinct()))
    return render_template(
        "model_campaign/criteria.html",
        criteria=rows,
        tiers=list(Tier),
        used=used,
        is_admin=is_admin(current_user),
    )


def _form_page(form, title, cancel, intro=None):
    """Render the shared form template."""
    return render_template(
        "model_campaign/form.html", form=form, title=title, cancel=cancel, intro=intro
    )


@bp.route("/criteria/new", methods=["GET", "POST"], defaults={"criterion_id": None})
@bp.route("/criteria/<int:criterion_id>/edit", methods=["GET", "POST"])
def criterion_form(criterion_id):
    """Create or edit a criterion (admins)."""
    require_admin(current_user)
    criterion = db.get_or_404(Criterion, criterion_id) if criterion_id else None
    form = CriterionForm(obj=criterion)
    form.tier.choices = _tier_choices()
    if criterion is None and request.method == "GET" and request.args.get("tier"):
        form.tier.data = request.args["tier"]
    if form.validate_on_submit():
        data = svc.CriterionInput(
            form.tier.data,
            form.title.data,
            form.description.data or "",
            form.max_score.data,
            form.weight.data,
            form.position.data,
            form.active.data,
        )
        try:
            svc.save_criterion(data, criterion)
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Criterion saved."), "success")
            return redirect(url_for("model_campaign.criteria"))
    title = _("Edit %(name)s", name=criterion.title) if criterion else _("New criterion")
    return _form_page(form, title, url_for("model_campaign.criteria"))


@bp.route("/criteria/<int:criterion_id>/delete", methods=["POST"])
def criterion_delete(criterion_id):
    """Delete an unused criterion; a scored one is deactivated instead (admins)."""
    require_admin(current_user)
    criterion = db.get_or_404(Criterion, criterion_id)
    if svc.delete_criterion(criterion):
        flash(_("Criterion deleted."), "success")
    else:
        flash(_("The criterion has been scored, so it was deactivated instead of deleted."), "info")
    return redirect(url_for("model_campaign.criteria"))


@bp.route("/rounds/new", methods=["GET", "POST"])
def round_form():
    """Open the round of a year (admins)."""
    require_admin(current_user)
    form = RoundForm()
    if request.method == "GET":
        form.year.data = today().year
    if form.validate_on_submit():
        try:
            round_ = svc.save_round(form.year.data, form.name.data)
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        else:
            flash(_("Round saved."), "success")
            return redirect(url_for("model_campaign.index", round=round_.id))
    return _form_page(
        form,
        _("New round"),
        url_for("model_campaign.index"),
        _("Leave the name empty for e.g. 2026年度三级联创."),
    )


# --- nominations -----------------------------------------------------------------------------


def _area_choices() -> list[SelectChoice]:
    """Townships and villages the user may nominate (a leader: their own village)."""
    if current_user.role == Role.LEADER:
        village = current_user.team.village
        return [SelectChoice(str(village.id), village.name)]
    areas = scoped_areas(current_user)
    names = {a.id: a.name for a in areas.values()}
    townships = [
        SelectChoice(str(a.id), a.name, optgroup=_("Townships"))
        for a in areas.values()
        if a.kind == AreaKind.TOWNSHIP
    ]
    villages = sorted(
        (a for a in areas.values() if a.kind == AreaKind.VILLAGE),
        key=lambda a: (names.get(a.parent_id, ""), a.name),
    )
    return (
        [placeholder()]
        + townships
        + [
            SelectChoice(str(v.id), v.name, optgroup=names.get(v.parent_id) or _("Villages"))
            for v in villages
        ]
    )


def _members_village(form: NominationForm) -> Area | None:
    """The village whose members the picker offers: the form's area when it is a village the
    user may nominate in (a leader's is always their own)."""
    allowed = {choice.value for choice in form.area_id.choices if choice.value}
    if str(form.area_id.data) not in allowed:
        return None
    area = db.session.get(Area, form.area_id.data)
    return area if area is not None and area.kind == AreaKind.VILLAGE else None


def _member_choices(village: Area | None) -> list[SelectChoice]:
    """The members of the teams of ``village`` only (never every member in scope)."""
    if village is None:
        return [placeholder(_("Choose the village first"))]
    return [placeholder(_("No member"))] + [
        SelectChoice(str(m.id), m.name) for m in svc.village_members(village.id)
    ]


@bp.route("/nominations/new", methods=["GET", "POST"])
def nomination_form():
    """Nominate a township, village or household with its evidence.

    The member picker lists the members of the chosen village only. Without JavaScript the
    "show the village's members" button posts the form back unsaved, with everything typed
    kept and the picker filled; ``?area=`` does the same for a link.
    """
    require(svc.may_nominate_some(current_user))
    form = NominationForm()
    rounds = db.session.scalars(select(Round).order_by(Round.year.desc())).all()
    form.round_id.choices = [SelectChoice(str(r.id), r.name) for r in rounds]
    form.tier.choices = _tier_choices()[1:] if current_user.role == Role.LEADER else _tier_choices()
    form.area_id.choices = _area_choices()
    if request.method == "GET":
        current = _current_round(list(rounds))
        form.round_id.data = current.id if current else None
        if request.args.get("tier") in {t.value for t in Tier}:
            form.tier.data = request.args["tier"]
        form.area_id.data = request.args.get("area", type=int)
        if current_user.role == Role.LEADER:
            form.area_id.data = current_user.team.village_id
    village = _members_village(form)
    form.member_id.choices = _member_choices(village)
    picking = request.method == "POST" and "show_members" in request.form
    if not picking and form.validate_on_submit():
        data = svc.NominationInput(
            form.round_id.data,
            form.tier.data,
            form.area_id.data,
            form.household_name.data or "",
            form.member_id.data,
            form.reason.data,
            form.evidence.data,
            form.links.data or "",
            uploaded_photos(),
        )
        try:
            nomination = svc.create_nomination(data, current_user)
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        except PermissionError:
            db.session.rollback()
            abort(403)
        else:
            flash(_("Nomination saved."), "success")
            return redirect(url_for("model_campaign.nomination", nomination_id=nomination.id))
    return render_template(
        "model_campaign/nomination_form.html",
        form=form,
        village=village,
        pick=current_user.role != Role.LEADER,
        max_photos=svc.MAX_PHOTOS,
        max_photo_kb=svc.MAX_PHOTO_KB,
    )


def _readable(nomination_id: int) -> Nomination:
    """The nomination when the user may read it (404 unknown, 403 out of scope)."""
    return get_readable_or_404(Nomination, nomination_id, svc.nomination_scope(current_user))


def _decision_form(nomination: Nomination) -> DecisionForm | None:
    """The decisions valid from the nomination's present status that the user may take, or
    ``None`` when there are none (a final status, or no right to decide)."""
    options = svc.next_decisions(current_user, nomination)
    if not options:
        return None
    form = DecisionForm()
    form.to.choices = [placeholder()] + [
        SelectChoice(s.value, svc.status_label(s)) for s in options
    ]
    return form


def _photos_form(nomination: Nomination, form: PhotosForm | None = None) -> PhotosForm | None:
    """The form adding evidence photos, for those who may while no final decision is taken."""
    if nomination.status in svc.FINAL or not svc.may_add_photos(current_user, nomination):
        return None
    if len(nomination.photos) >= svc.MAX_PHOTOS:
        return None
    return form or PhotosForm()


def _nomination_page(
    nomination: Nomination,
    decision: DecisionForm | None,
    refusal: str | None = None,
    photos_form: PhotosForm | None = None,
):
    """Render a nomination's page; ``refusal`` explains a decision the workflow refused."""
    return render_template(
        "model_campaign/nomination.html",
        n=nomination,
        photos_form=_photos_form(nomination, photos_form),
        max_photos=svc.MAX_PHOTOS,
        max_photo_kb=svc.MAX_PHOTO_KB,
        decision=decision,
        refusal=refusal,
        final=nomination.status in svc.FINAL,
        may_assess=svc.may_assess(current_user, nomination)
        and nomination.status in (Status.NOMINATED, Status.ASSESSED),
        mean=svc.mean_percent(nomination),
        proposal=svc.proposes_award(nomination),
        threshold=svc.award_threshold(),
        links=[line for line in nomination.links.splitlines() if line],
        decided=svc.decision_provenance(nomination),
        audit_link=is_admin(current_user),
    )


@bp.route("/nominations/<int:nomination_id>")
def nomination(nomination_id):
    """A nomination: evidence, assessments, the award proposal and the history of its status."""
    item = _readable(nomination_id)
    return _nomination_page(item, _decision_form(item))


@bp.route("/nominations/<int:nomination_id>/photos", methods=["POST"])
def add_photos(nomination_id):
    """Add photos to a nomination's evidence: all of them, or none and the reason."""
    item = _readable(nomination_id)
    require(svc.may_add_photos(current_user, item))
    form = PhotosForm()
    if form.validate_on_submit():
        try:
            svc.add_photos(item, uploaded_photos(), current_user)
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        except Conflict as exc:
            db.session.rollback()
            form.photos.errors = [str(exc)]
        else:
            flash(_("Photos added."), "success")
            return redirect(url_for("model_campaign.nomination", nomination_id=item.id))
    return _nomination_page(item, _decision_form(item), photos_form=form)


@bp.route("/nominations/<int:nomination_id>/photos/<int:photo_id>")
def photo(nomination_id, photo_id):
    """A photo of the evidence, for users who may read the nomination (never a static
    path); its thumbnail with ``?thumbnail=1``."""
    item = _readable(nomination_id)
    found = svc.photo_of(item, photo_id) or abort(404)
    return svc.photo_response(found, thumbnail=request.args.get("thumbnail") == "1")


@bp.route("/nominations/<int:nomination_id>/decide", methods=["POST"])
def decide(nomination_id):
    """Award, refuse (with a reason) or withdraw a nomination, in two steps.

    The decision form leads to a confirmation page showing the nomination, its score against
    the threshold, the decision and its reason; only that page's confirm button (``confirm``)
    takes the decision. Any decision the user has the right to take is accepted here, so the
    service explains a transition the present status forbids (e.g. from a page left open); the
    page then offers only the decisions valid now, or none once the status is final.
    """
    item = _readable(nomination_id)
    wanted = request.form.get("to", "")
    if wanted in {s.value for s in svc.DECISIONS}:
        require(svc.may_decide(current_user, item, Status(wanted)))
    rights = [to for to in svc.DECISIONS if svc.may_decide(current_user, item, to)]
    require(bool(rights))
    form = DecisionForm()
    form.to.choices = [placeholder()] + [SelectChoice(s.value, svc.status_label(s)) for s in rights]
    refusal = None
    if form.validate_on_submit():
        confirmed = request.form.get("confirm") == "1"
        try:
            if not confirmed:
                target, reason = svc.check_decision(
                    item, form.to.data, form.reason.data, current_user
                )
                return _confirm_page(item, target, reason)
            svc.decide(item, form.to.data, form.reason.data, current_user)
        except FieldErrors as exc:
            db.session.rollback()
            show_errors(form, exc.errors)
        except Conflict as exc:
            db.session.rollback()
            refusal = str(exc)
        except PermissionError:
            db.session.rollback()
            abort(403)
        else:
            flash(
                _("Status changed to %(status)s.", status=svc.status_label(item.status)), "success"
            )
            return redirect(url_for("model_campaign.nomination", nomination_id=item.id))
    options = svc.next_decisions(current_user, item)
    if not options:
        return _nomination_page(item, None, refusal)
    form.to.choices = [placeholder()] + [
        SelectChoice(s.value, svc.status_label(s)) for s in options
    ]
    return _nomination_page(item, form, refusal)


def _confirm_page(nomination: Nomination, target: Status, reason: str):
    """The confirmation step of a decision: nothing is changed until it is confirmed."""
    return render_template(
        "model_campaign/confirm_decision.html",
        n=nomination,
        target=target,
        reason=reason,
        mean=svc.mean_percent(nomination),
        threshold=svc.award_threshold(),
        below=svc.below_threshold(nomination),
    )


@bp.route("/nominations/<int:nomination_id>/assess", methods=["GET", "POST"])
def assess(nomination_id):
    """Score each active criterion of the nomination's tier; shows the award proposal."""
    item = _readable(nomination_id)
    require(svc.may_assess(current_user, item))
    criteria = svc.active_criteria(item.tier)
    mine = db.session.scalar(
        select(Assessment).where(
            Assessment.nomination_id == item.id, Assessment.assessor_id == current_user.id
        )
    )
    form = AssessmentForm(obj=mine)
    values = {f"score_{s.criterion_id}": f"{s.value:g}" for s in (mine.scores if mine else [])}
    errors: dict = {}
    closed = item.status not in (Status.NOMINATED, Status.ASSESSED)
    if not closed and form.validate_on_submit():
        values = {f"score_{c.id}": request.form.get(f"score_{c.id}", "") for c in criteria}
        scores = {c.id: values[f"score_{c.id}"] for c in criteria}
        try:
            svc.assess(item, scores, form.comments.data, current_user)
        except FieldErrors as exc:
            db.session.rollback()
            errors = exc.errors
            show_errors(form, {k: v for k, v in errors.items() if k in ("comments",)})
        except Conflict as exc:
            db.session.rollback()
            form.form_errors.append(str(exc))
        else:
            flash(_("Assessment saved."), "success")
            return redirect(url_for("model_campaign.assess", nomination_id=item.id))
    return render_template(
        "model_campaign/assess.html",
        n=item,
        form=form,
        criteria=criteria,
        values=values,
        errors=errors,
        mine=mine,
        closed=closed,
        threshold=svc.award_threshold(),
        mean=svc.mean_percent(item),
        proposal=svc.proposes_award(item),
    )
