"""The expert desk pages, under /plugins/expert_desk/."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms.fields import SelectChoice

from core.plugin_api import (
    Area,
    Conflict,
    FieldErrors,
    Member,
    Role,
    Team,
    User,
    Visit,
    db,
    download,
    get_readable_or_404,
    is_admin,
    may_review,
    page_of,
    placeholder,
    require,
    require_admin,
    scoped_areas,
    show_errors,
    today,
    uploaded_photos,
    village_choices,
    visit_scope,
)
from plugins.expert_desk import booklet as bk
from plugins.expert_desk import services as svc
from plugins.expert_desk.forms import (
    AnswerForm,
    BookletForm,
    ExpertForm,
    FeedbackForm,
    FollowUpForm,
    MergeForm,
    OfficerForm,
    QuestionForm,
    RouteForm,
    SpecialtyForm,
)
from plugins.expert_desk.models import STATUSES, Booklet, Expert, Question, Specialty

#: the media type of an .xlsx workbook
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

#: pages, mounted by the core at /plugins/expert_desk
bp = Blueprint("expert_desk", __name__, template_folder="templates")


@bp.before_request
@login_required
def _signed_in():
    """Every page needs a signed-in user who uses the desk (experts included)."""
    require(svc.may_use(current_user))


def _scope():
    return svc.question_scope(current_user)


def _question(question_id: int) -> Question:
    return get_readable_or_404(Question, question_id, _scope())


@bp.route("/")
def index():
    """The questions in the user's scope, newest first, filtered by status and village."""
    query = (
        select(Question)
        .where(_scope())
        .options(joinedload(Question.village), joinedload(Question.expert))
        .order_by(Question.asked_on.desc(), Question.id.desc())
    )
    status = request.args.get("status", "")
    if status == "overdue":
        query = query.where(Question.status.in_(svc.OPEN_STATUSES), Question.due_on < today())
    elif status in STATUSES:
        query = query.where(Question.status == status)
    else:
        status = ""
    village = request.args.get("village", type=int)
    area = db.session.get(Area, village) if village else None
    if area is not None:
        query = query.where(Question.village_id.in_(Area.subtree_ids(area)))
    page = page_of(query)
    return render_template(
        "expert_desk/index.html",
        page=page,
        status=status,
        statuses=svc.status_labels(),
        may_ask=svc.may_ask_somewhere(current_user),
        is_desk=may_review(current_user),
        is_admin=is_admin(current_user),
        today=today(),
        filters={k: v for k, v in {"status": status, "village": village}.items() if v},
        village=village,
        areas=list(scoped_areas(current_user).values()) if may_review(current_user) else [],
    )


def _question_form(form: QuestionForm) -> None:
    user = current_user
    if may_review(user):
        form.village_id.choices = village_choices()
        members = []
    else:
        village = user.team.village
        form.village_id.choices = [SelectChoice(str(village.id), village.name)]
        if form.village_id.data is None:
            form.village_id.data = village.id
        members = db.session.scalars(
            select(Member)
            .join(Team, Team.id == Member.team_id)
            .where(Team.village_id == village.id)
            .order_by(Member.name)
        )
    form.member_id.choices = [placeholder(_("Anonymous"))] + [
        SelectChoice(str(m.id), m.name) for m in members
    ]
    form.specialty_id.choices = [placeholder(_("Not sure"))] + [
        SelectChoice(str(s.id), s.name)
        for s in db.session.scalars(select(Specialty).order_by(Specialty.name))
    ]
    form.channel.choices = [
        SelectChoice(k, v) for k, v in svc.channel_labels().items() if k != "visit"
    ]


@bp.route("/questions/new", methods=["GET", "POST"])
def new_question():
    """Record a question collected in a village (its leaders, or the desk)."""
    require(svc.may_ask_somewhere(current_user))
    form = QuestionForm()
    _question_form(form)
    if request.method == "GET":
        form.asked_on.data = today()
    if form.validate_on_submit():
        data = svc.QuestionInput(
            village_id=form.village_id.data,
            member_id=form.member_id.data,
            subject=form.subject.data,
            text=form.text.data,
            specialty_id=form.specialty_id.data,
            channel=form.channel.data,
            asked_on=form.asked_on.data,
        )
        try:
            question = svc.ask(current_user, data, uploaded_photos())
        except FieldErrors as exc:
            show_errors(form, exc.errors)
        else:
            flash(_("Question sent to the expert desk."))
            return redirect(url_for(".question", question_id=question.id))
    return render_template(
        "expert_desk/form.html",
        form=form,
        title=_("Ask the experts"),
        multipart=True,
        cancel=url_for(".index"),
    )


@bp.route("/visits/<int:visit_id>/send", methods=["POST"])
def send_visit(visit_id):
    """Send the questions a visit noted to the desk, in one tap from the visit's page."""
    visit = get_readable_or_404(Visit, visit_id, visit_scope(current_user))
    require(svc.may_ask(current_user, visit.team.village))
    try:
        question = svc.send_visit(current_user, visit)
    except (Conflict, FieldErrors) as exc:
        flash(str(exc), "error")
        return redirect(url_for("visits.detail", visit_id=visit.id))
    flash(_("Question sent to the expert desk."))
    return redirect(url_for(".question", question_id=question.id))


def _detail(question: Question, forms: dict | None = None, status: int = 200):
    forms = forms or {}
    user = current_user
    desk = svc.desk_for(user, question.village)
    route_form = forms.get("route") or RouteForm()
    suggestions = svc.suggest_experts(question) if desk else []
    route_form.expert_id.choices = [placeholder()] + [
        SelectChoice(
            str(e.id),
            f"{e.name} · {'★ ' if match else ''}" + _("%(n)s open", n=load),
        )
        for e, match, load in suggestions
    ]
    return (
        render_template(
            "expert_desk/question.html",
            q=question,
            channels=svc.channel_labels(),
            statuses=svc.status_labels(),
            overdue=svc.is_overdue(question),
            desk=desk,
            suggestions=suggestions[:3],
            may_answer=svc.may_answer(user, question),
            may_feedback=svc.may_feedback(user, question),
            route_form=route_form,
            merge_form=forms.get("merge") or MergeForm(),
            answer_form=forms.get("answer") or AnswerForm(),
            feedback_form=forms.get("feedback") or FeedbackForm(),
            follow_up_form=forms.get("follow_up") or FollowUpForm(),
            error=forms.get("error"),
        ),
        status,
    )


@bp.route("/questions/<int:question_id>")
def question(question_id):
    """One question: its thread, photos, and what the user may do with it."""
    return _detail(_question(question_id))


def _act(question: Question, name: str, form, write):
    """Run a write from a form of the question page; on bad input show the page again."""
    try:
        write()
    except FieldErrors as exc:
        show_errors(form, exc.errors)
        return _detail(question, {name: form}, 422)
    except Conflict as exc:
        return _detail(question, {"error": str(exc)}, 409)
    flash(_("Saved."))
    return redirect(url_for(".question", question_id=question.id))


@bp.route("/questions/<int:question_id>/route", methods=["POST"])
def route(question_id):
    """Route or re-route a question to an expert (the desk)."""
    q = _question(question_id)
    require(svc.desk_for(current_user, q.village))
    form = RouteForm()
    form.validate_on_submit()
    return _act(q, "route", form, lambda: svc.route(current_user, q, form.expert_id.data))


@bp.route("/questions/<int:question_id>/merge", methods=["POST"])
def merge(question_id):
    """Merge a duplicate into another question (the desk)."""
    q = _question(question_id)
    require(svc.desk_for(current_user, q.village))
    form = MergeForm()
    form.validate_on_submit()
    raw = (form.into_id.data or "").strip().lstrip("#")
    into = int(raw) if raw.isdigit() and len(raw) < 10 else None
    return _act(q, "merge", form, lambda: svc.merge(current_user, q, into, _scope()))


@bp.route("/questions/<int:question_id>/answer", methods=["POST"])
def answer(question_id):
    """The expert's answer (or an admin's on their behalf)."""
    q = _question(question_id)
    require(svc.may_answer(current_user, q))
    form = AnswerForm()
    form.validate_on_submit()
    return _act(q, "answer", form, lambda: svc.answer(current_user, q, form.text.data))


@bp.route("/questions/<int:question_id>/feedback", methods=["POST"])
def feedback(question_id):
    """The asker's feedback, recorded by the village's leader or the desk."""
    q = _question(question_id)
    require(svc.may_feedback(current_user, q))
    form = FeedbackForm()
    form.validate_on_submit()
    solved = {"yes": True, "no": False}.get(form.solved.data)
    return _act(
        q, "feedback", form, lambda: svc.give_feedback(current_user, q, solved, form.comment.data)
    )


@bp.route("/questions/<int:question_id>/follow-up", methods=["POST"])
def follow_up(question_id):
    """A follow-up question in the same thread."""
    q = _question(question_id)
    require(svc.may_feedback(current_user, q))
    form = FollowUpForm()
    form.validate_on_submit()
    return _act(q, "follow_up", form, lambda: svc.follow_up(current_user, q, form.text.data))


@bp.route("/questions/<int:question_id>/photos/<int:photo_id>")
def photo(question_id, photo_id):
    """A photo of a question, after the reader's permission is checked."""
    return svc.photo_of(_question(question_id), photo_id, request.args.get("thumb") == "1")


# --- experts -------------------------------------------------------------------------------


@bp.route("/experts", methods=["GET", "POST"])
def experts():
    """The experts with their specialties and open load; admins add specialties here."""
    require(may_review(current_user))
    form = SpecialtyForm()
    status = 200
    if request.method == "POST":
        require_admin(current_user)
        if form.validate_on_submit():
            try:
                svc.save_specialty(form.name.data)
            except FieldErrors as exc:
                show_errors(form, exc.errors)
                status = 422
            else:
                flash(_("Saved."))
                return redirect(url_for(".experts"))
    rows = db.session.scalars(select(Expert).order_by(Expert.active.desc(), Expert.name)).all()
    return (
        render_template(
            "expert_desk/experts.html",
            experts=rows,
            loads=svc.open_loads(),
            specialties=db.session.scalars(select(Specialty).order_by(Specialty.name)).all(),
            form=form,
            is_admin=is_admin(current_user),
        ),
        status,
    )


@bp.route("/experts/new", methods=["GET", "POST"], defaults={"expert_id": None})
@bp.route("/experts/<int:expert_id>/edit", methods=["GET", "POST"])
def expert_form(expert_id):
    """Create or edit an expert (admins)."""
    require_admin(current_user)
    expert = db.get_or_404(Expert, expert_id) if expert_id else None
    form = ExpertForm(obj=expert)
    if request.method == "GET" and expert is not None:
        form.specialty_ids.data = [s.id for s in expert.specialties]
    form.specialty_ids.choices = [
        SelectChoice(s.id, s.name)
        for s in db.session.scalars(select(Specialty).order_by(Specialty.name))
    ]
    form.user_id.choices = [placeholder(_("No login"))] + [
        SelectChoice(str(u.id), u.name)
        for u in db.session.scalars(select(User).where(User.role == Role.EXPERT))
    ]
    if form.validate_on_submit():
        data = svc.ExpertInput(
            name=form.name.data,
            organisation=form.organisation.data,
            contact=form.contact.data,
            active=form.active.data,
            specialty_ids=form.specialty_ids.data or [],
            user_id=form.user_id.data,
        )
        try:
            svc.save_expert(data, expert)
        except FieldErrors as exc:
            show_errors(form, exc.errors)
        else:
            flash(_("Saved."))
            return redirect(url_for(".experts"))
    return render_template(
        "expert_desk/form.html",
        form=form,
        title=_("Edit expert") if expert else _("New expert"),
        cancel=url_for(".experts"),
    )


# --- village information officers ---------------------------------------------------------


def _officers_page(errors: dict[int, str] | None = None, status: int = 200):
    page = page_of(svc.officer_villages(current_user))
    officers = svc.officers_by_village([v.id for v in page.items])
    rows = [(v, officers.get(v.id), svc.officer_candidates(v)) for v in page.items]
    return (
        render_template(
            "expert_desk/officers.html",
            page=page,
            rows=rows,
            errors=errors or {},
            form=OfficerForm(),
        ),
        status,
    )


@bp.route("/officers")
def officers():
    """The villages of the reviewer's area with their information officer (the desk)."""
    require(may_review(current_user))
    return _officers_page()


@bp.route("/officers/<int:village_id>", methods=["POST"])
def name_officer(village_id):
    """Name or replace a village's information officer (its township's or county's
    reviewers, admins)."""
    village = db.get_or_404(Area, village_id)
    if village.kind != "village":
        abort(404)
    require(svc.may_name_officer(current_user, village))
    form = OfficerForm()
    form.validate_on_submit()  # the CSRF token is checked app-wide; the service checks the rest
    try:
        svc.name_officer(current_user, village, form.user_id.data)
    except FieldErrors as exc:
        return _officers_page({village.id: exc.errors["user_id"][0]}, 422)
    flash(_("Saved."))
    return redirect(url_for(".officers", page=request.args.get("page", type=int)))


# --- booklets ------------------------------------------------------------------------------


@bp.route("/booklets")
def booklets():
    """The compiled Q&A booklets."""
    rows = db.session.scalars(select(Booklet).order_by(Booklet.id.desc())).all()
    return render_template(
        "expert_desk/booklets.html", booklets=rows, may_compile=may_review(current_user)
    )


@bp.route("/booklets/new", methods=["GET", "POST"])
def new_booklet():
    """Compile a booklet from answered questions (the desk)."""
    require(may_review(current_user))
    form = BookletForm()
    answered = db.session.scalars(
        select(Question)
        .where(_scope(), Question.status == "answered")
        .options(joinedload(Question.specialty), joinedload(Question.village))
        .order_by(Question.asked_on.desc())
    ).all()
    form.question_ids.choices = [
        SelectChoice(
            q.id,
            f"#{q.id} {(q.specialty.name + ' · ') if q.specialty else ''}{q.subject} {q.text[:40]}",
        )
        for q in answered
    ]
    if request.method == "GET":
        form.title.data = _("Questions and answers of the expert desk")
    if form.validate_on_submit():
        try:
            booklet = svc.save_booklet(
                current_user,
                form.title.data,
                form.foreword.data,
                form.question_ids.data or [],
                _scope(),
            )
        except FieldErrors as exc:
            show_errors(form, exc.errors)
        else:
            return redirect(url_for(".booklet", booklet_id=booklet.id))
    return render_template(
        "expert_desk/form.html",
        form=form,
        title=_("Compile a booklet"),
        cancel=url_for(".booklets"),
    )


@bp.route("/booklets/<int:booklet_id>")
def booklet(booklet_id):
    """The booklet's print view: contents, then the questions and answers by topic."""
    b = db.get_or_404(Booklet, booklet_id)
    return render_template("expert_desk/booklet.html", **bk.context(b))


@bp.route("/booklets/<int:booklet_id>.html")
def booklet_html(booklet_id):
    """The booklet as one standalone HTML file."""
    b = db.get_or_404(Booklet, booklet_id)
    return download(
        render_template("expert_desk/booklet_file.html", **bk.context(b)),
        bk.filename(b, "html"),
        "text/html",
    )


@bp.route("/booklets/<int:booklet_id>.xlsx")
def booklet_xlsx(booklet_id):
    """The booklet as a workbook: contents and one row per question."""
    b = db.get_or_404(Booklet, booklet_id)
    return download(bk.workbook(b), bk.filename(b, "xlsx"), XLSX)
