"""The expert desk's rules, scopes and writes, shared by pages, API, job and demo."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import abort
from flask_babel import gettext
from sqlalchemy import ColumnElement, false, func, select, true

from core.plugin_api import (
    Area,
    Conflict,
    FieldErrors,
    Member,
    Role,
    Team,
    User,
    Visit,
    clean_photos,
    clean_text,
    db,
    is_admin,
    may_open_module,
    may_review,
    may_review_area,
    notify,
    path_for,
    send_photo,
    setting,
    store_photo,
    today,
)
from plugins.expert_desk.models import (
    CHANNELS,
    Booklet,
    BookletItem,
    Expert,
    Officer,
    Post,
    Question,
    QuestionPhoto,
    Specialty,
)

#: where the photos are stored: <instance>/uploads/expert_desk/
PHOTO_FOLDER = "expert_desk"
#: photos per question
MAX_PHOTOS = 4
#: states in which a question waits for an answer
OPEN_STATUSES = ("new", "routed")
#: reminders go to experts for questions due within this many days
DUE_SOON_DAYS = 2


def channel_labels() -> dict[str, str]:
    """How a question was collected, labelled in the user's language."""
    return {
        "door_to_door": gettext("Door-to-door visit"),
        "question_form": gettext("Question form"),
        "meeting": gettext("Meeting"),
        "online": gettext("Online"),
        "visit": gettext("Noted on a visit"),
    }


def status_labels() -> dict[str, str]:
    """A question's states, labelled in the user's language."""
    return {
        "new": gettext("Waiting to be routed"),
        "routed": gettext("With an expert"),
        "answered": gettext("Answered"),
        "merged": gettext("Merged"),
    }


# --- who may do what ---------------------------------------------------------------------


def my_expert(user: User) -> Expert | None:
    """The expert record of an expert's login, or None."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.EXPERT:
        return None
    return db.session.scalar(select(Expert).where(Expert.user_id == user.id))


def may_use(user: User) -> bool:
    """True for those who open the desk: everyone a module shows itself to, and experts."""
    return may_open_module(user) or my_expert(user) is not None


def desk_for(user: User, village: Area) -> bool:
    """True when ``user`` triages the questions of ``village``: the desk of its area, and
    the village's information officer."""
    return may_review_area(user, village) or officer_village_id(user) == village.id


def officer_village_id(user: User) -> int | None:
    """The village whose information officer ``user`` is (a user of one of its teams)."""
    if not getattr(user, "is_authenticated", False) or user.role not in (Role.LEADER, Role.MEMBER):
        return None
    if user.team is None:
        return None
    return db.session.scalar(
        select(Officer.village_id).where(
            Officer.user_id == user.id, Officer.village_id == user.team.village_id
        )
    )


def officer_of(village_id: int) -> User | None:
    """The active account of the village's information officer, if one is named (and still
    in one of the village's teams)."""
    return db.session.scalar(
        select(User)
        .join(Officer, Officer.user_id == User.id)
        .join(Team, Team.id == User.team_id)
        .where(
            Officer.village_id == village_id,
            Team.village_id == village_id,
            User.active.is_(True),
        )
    )


def question_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on ``Question``: the questions ``user`` may read.

    Admins all; reviewers their area's; an expert the ones routed to them; the leader and
    members of a team their village's.
    """
    if is_admin(user):
        return true()
    if user.role == Role.REVIEWER:
        if user.area is None:
            return false()
        return Question.village_id.in_(Area.subtree_ids(user.area))
    if user.role == Role.EXPERT:
        expert = my_expert(user)
        return false() if expert is None else Question.expert_id == expert.id
    if user.team is None:
        return false()
    return Question.village_id == user.team.village_id


def may_ask(user: User, village: Area | None) -> bool:
    """True when ``user`` may record a question for ``village``: the desk of its area and
    the leaders of its teams."""
    if village is None:
        return False
    if desk_for(user, village):
        return True
    return user.role == Role.LEADER and user.team is not None and user.team.village_id == village.id


def may_ask_somewhere(user: User) -> bool:
    """True for those who record questions for some village (officers included)."""
    if may_review(user) or (user.role == Role.LEADER and user.team is not None):
        return True
    return officer_village_id(user) is not None


def may_answer(user: User, question: Question) -> bool:
    """The expert a question is routed to answers it; an admin may answer on their behalf."""
    if question.status == "merged" or question.expert_id is None:
        return False
    if is_admin(user):
        return True
    expert = my_expert(user)
    return expert is not None and expert.id == question.expert_id


def may_feedback(user: User, question: Question) -> bool:
    """Feedback and follow-up questions come from the village: its leaders, or the desk."""
    if question.status == "merged":
        return False
    return may_ask(user, question.village)


def answer_within_days() -> int:
    """Days an expert has to answer (the setting ``answer_within_days``)."""
    return int(setting("answer_within_days"))


# --- village information officers --------------------------------------------------------


def may_name_officer(user: User, village: Area) -> bool:
    """Admins, and the reviewers whose area holds the village (township or county), name its
    information officer."""
    return may_review_area(user, village)


def officer_candidates(village: Area) -> list[User]:
    """The active leaders and members with a login in the village's teams."""
    return list(
        db.session.scalars(
            select(User)
            .join(Team, Team.id == User.team_id)
            .where(
                Team.village_id == village.id,
                User.active.is_(True),
                User.role.in_([Role.LEADER, Role.MEMBER]),
            )
            .order_by(User.display_name, User.username)
        )
    )


def name_officer(user: User, village: Area, user_id: int | None) -> Officer:
    """Name (or replace) the village's information officer (403 is the caller's job)."""
    chosen = db.session.get(User, user_id) if user_id else None
    if chosen is None or chosen.id not in {u.id for u in officer_candidates(village)}:
        raise FieldErrors(
            {"user_id": [gettext("Choose a leader or member with a login in this village.")]}
        )
    officer = db.session.scalar(select(Officer).where(Officer.village_id == village.id))
    if officer is None:
        officer = Officer(village_id=village.id)
        db.session.add(officer)
    elif officer.user_id == chosen.id:
        return officer
    officer.user_id, officer.named_by_id, officer.named_on = chosen.id, user.id, today()
    db.session.commit()
    return officer


def officer_villages(user: User):
    """A query of the villages whose officer ``user`` names, by township and name."""
    query = select(Area).where(Area.kind == "village")
    if not is_admin(user):
        query = query.where(Area.id.in_(Area.subtree_ids(user.area)))
    return query.order_by(Area.parent_id, Area.name, Area.id)


def officers_by_village(village_ids: list[int]) -> dict[int, Officer]:
    """The officers of the given villages, by village id."""
    rows = db.session.scalars(select(Officer).where(Officer.village_id.in_(village_ids)))
    return {o.village_id: o for o in rows}


# --- experts and specialties -------------------------------------------------------------


@dataclass
class ExpertInput:
    """What the expert form and the API send."""

    name: str | None
    organisation: str | None = ""
    contact: str | None = ""
    active: bool = True
    specialty_ids: list[int] = field(default_factory=list)
    user_id: int | None = None


def save_specialty(name: str | None) -> Specialty:
    """Add a specialty to the admin-kept list."""
    errors: dict = {}
    name = clean_text(errors, "name", name, 80, required=True, one_line=True)
    if not errors and db.session.scalar(select(Specialty.id).where(Specialty.name == name)):
        errors["name"] = [gettext("This specialty is already on the list.")]
    if errors:
        raise FieldErrors(errors)
    specialty = Specialty(name=name)
    db.session.add(specialty)
    db.session.commit()
    return specialty


def save_expert(data: ExpertInput, expert: Expert | None = None) -> Expert:
    """Create or change an expert; a linked login must have the role expert."""
    errors: dict = {}
    name = clean_text(errors, "name", data.name, 80, required=True, one_line=True)
    organisation = clean_text(errors, "organisation", data.organisation, 160, one_line=True)
    contact = clean_text(errors, "contact", data.contact, 160, one_line=True)
    ids = list(dict.fromkeys(data.specialty_ids or []))
    specialties = list(db.session.scalars(select(Specialty).where(Specialty.id.in_(ids))))
    if len(specialties) != len(ids):
        errors["specialty_ids"] = [gettext("Choose specialties from the list.")]
    user = None
    if data.user_id is not None:
        user = db.session.get(User, data.user_id)
        if user is None or user.role != Role.EXPERT:
            errors["user_id"] = [gettext("Choose an account with the role agricultural expert.")]
        else:
            taken = db.session.scalar(
                select(Expert.id).where(
                    Expert.user_id == user.id, Expert.id != (expert and expert.id)
                )
            )
            if taken:
                errors["user_id"] = [gettext("This account belongs to another expert.")]
    if errors:
        raise FieldErrors(errors)
    expert = expert or Expert()
    expert.name, expert.organisation, expert.contact = name, organisation, contact
    expert.active = bool(data.active)
    expert.specialties = specialties
    expert.user_id = user.id if user else None
    db.session.add(expert)
    db.session.commit()
    return expert


def open_loads() -> dict[int, int]:
    """Each expert's questions waiting for an answer."""
    rows = db.session.execute(
        select(Question.expert_id, func.count(Question.id))
        .where(Question.status == "routed", Question.expert_id.is_not(None))
        .group_by(Question.expert_id)
    )
    return dict(rows.tuples().all())


def suggest_experts(question: Question) -> list[tuple[Expert, bool, int]]:
    """Active experts for ``question``: (expert, specialty matches, open load), those who
    know its topic first, then the least loaded."""
    loads = open_loads()
    experts = db.session.scalars(select(Expert).where(Expert.active.is_(True))).all()
    rows = [
        (e, question.specialty_id in {s.id for s in e.specialties}, loads.get(e.id, 0))
        for e in experts
    ]
    return sorted(rows, key=lambda r: (not r[1], r[2], r[0].name, r[0].id))


# --- questions -------------------------------------------------------------------------


@dataclass
class QuestionInput:
    """What the question form and the API send."""

    village_id: int | None
    text: str | None
    channel: str | None
    asked_on: date | None = None
    member_id: int | None = None
    subject: str | None = ""
    specialty_id: int | None = None


def ask(user: User, data: QuestionInput, photos: list[bytes] = (), visit: Visit | None = None):
    """Record a question (403 is the caller's job; this checks the village and the input)."""
    errors: dict = {}
    village = db.session.get(Area, data.village_id) if data.village_id else None
    if village is None or village.kind != "village":
        errors["village_id"] = [gettext("Choose a village.")]
    elif not may_ask(user, village):
        errors["village_id"] = [gettext("You cannot ask for this village.")]
    text = clean_text(errors, "text", data.text, 4000, required=True)
    subject = clean_text(errors, "subject", data.subject, 120, one_line=True)
    if data.channel not in CHANNELS:
        errors["channel"] = [gettext("Choose how the question was collected.")]
    asked_on = data.asked_on or today()
    if asked_on > today():
        errors["asked_on"] = [gettext("The day cannot be in the future.")]
    if data.member_id is not None:
        member = db.session.get(Member, data.member_id)
        if (
            member is None
            or village is None
            or member.team is None
            or (member.team.village_id != village.id)
        ):
            errors["member_id"] = [gettext("Choose a member of the village's teams.")]
    if data.specialty_id is not None and db.session.get(Specialty, data.specialty_id) is None:
        errors["specialty_id"] = [gettext("Choose a topic from the list.")]
    cleaned = _clean_photos(photos or [], 0, errors)
    if errors:
        raise FieldErrors(errors)
    question = Question(
        village_id=village.id,
        member_id=data.member_id,
        subject=subject,
        text=text,
        channel=data.channel,
        asked_on=asked_on,
        due_on=asked_on + timedelta(days=answer_within_days()),
        status="new",
        specialty_id=data.specialty_id,
        asked_by_id=user.id,
        visit_id=visit.id if visit is not None else None,
    )
    db.session.add(question)
    db.session.flush()
    _store_photos(question, cleaned)
    db.session.commit()
    _tell_desk_new(question)
    return question


def _clean_photos(photos, already: int, errors: dict | None = None) -> list:
    """Checked photos for the field ``photos``: ``FieldErrors`` with the first refusal, or
    with ``errors`` the refusal noted there (see ``clean_photos``)."""
    return clean_photos(
        list(photos),
        int(setting("max_photo_kb")),
        MAX_PHOTOS,
        already,
        gettext("At most %(n)s photos.", n=MAX_PHOTOS),
        errors,
    )


def _store_photos(question: Question, photos: list) -> None:
    """Write the photos under random names and attach them to ``question``."""
    for photo in photos:
        db.session.add(
            QuestionPhoto(
                question_id=question.id,
                name=store_photo(PHOTO_FOLDER, photo),
                media_type=photo.media_type,
            )
        )


def add_photos(user: User, question: Question, photos: list[bytes]) -> Question:
    """Add photos to a question (all or none), up to ``MAX_PHOTOS`` in all."""
    if question.status == "merged":
        raise Conflict(gettext("This question is already merged."))
    if not photos:
        raise FieldErrors({"photos": [gettext("Choose at least one photo.")]})
    cleaned = _clean_photos(photos, len(question.photos))
    _store_photos(question, cleaned)
    db.session.commit()
    db.session.refresh(question)
    return question


def sent_from(visit: Visit) -> Question | None:
    """The question already sent to the desk from ``visit``, if any."""
    return db.session.scalar(select(Question).where(Question.visit_id == visit.id))


def send_visit(user: User, visit: Visit) -> Question:
    """Send the questions a visit noted to the desk, as one question of its team's village."""
    if sent_from(visit) is not None:
        raise Conflict(gettext("This visit's questions are already at the expert desk."))
    if not (visit.questions or "").strip():
        raise Conflict(gettext("This visit noted no questions."))
    data = QuestionInput(
        village_id=visit.team.village_id,
        text=visit.questions,
        channel="visit",
        asked_on=visit.visited_on,
        subject=visit.farm.name if visit.farm else "",
    )
    return ask(user, data, visit=visit)


def photo_of(question: Question, photo_id: int, thumbnail: bool = False):
    """Serve one photo of a question the caller has been allowed to read (404 otherwise)."""
    photo = db.session.get(QuestionPhoto, photo_id)
    if photo is None or photo.question_id != question.id:
        abort(404)
    return send_photo(PHOTO_FOLDER, photo.name, photo.media_type, thumbnail)


def route(user: User, question: Question, expert_id: int | None) -> Question:
    """Route (or re-route) a question to an active expert, who hears of it."""
    if question.status == "merged":
        raise Conflict(gettext("A merged question cannot be routed."))
    expert = db.session.get(Expert, expert_id) if expert_id else None
    if expert is None or not expert.active:
        raise FieldErrors({"expert_id": [gettext("Choose an active expert.")]})
    question.expert_id = expert.id
    if question.status == "new":
        question.status = "routed"
    db.session.commit()
    if expert.user is not None:
        notify(
            [expert.user],
            lambda u, q=question: gettext("A question for you: %(subject)s", subject=_short(q)),
            lambda u, q=question: gettext("Please answer by %(day)s.", day=q.due_on.isoformat()),
            url=path_for("expert_desk.question", question_id=question.id),
            key=f"expert_desk-routed:{question.id}:{expert.id}",
        )
    return question


def merge(user: User, question: Question, into_id: int | None, scope) -> Question:
    """Merge a duplicate into another question the user may read (the duplicate closes)."""
    into = (
        db.session.scalar(select(Question).where(Question.id == into_id, scope))
        if into_id
        else None
    )
    if into is None or into.id == question.id or into.status == "merged":
        raise FieldErrors({"into_id": [gettext("Choose another open or answered question.")]})
    if question.status == "merged":
        raise Conflict(gettext("This question is already merged."))
    question.status = "merged"
    question.merged_into_id = into.id
    db.session.commit()
    return question


def answer(user: User, question: Question, text: str | None) -> Post:
    """The expert's answer (or an admin's on their behalf); the village's leaders and its
    information officer hear of it (each once)."""
    errors: dict = {}
    text = clean_text(errors, "text", text, 8000, required=True)
    if errors:
        raise FieldErrors(errors)
    if question.status == "merged" or question.expert_id is None:
        raise Conflict(gettext("Route the question to an expert first."))
    post = Post(
        question_id=question.id,
        kind="answer",
        text=text,
        expert_id=question.expert_id,
        written_by_id=user.id,
        posted_on=today(),
    )
    db.session.add(post)
    if question.answered_on is None:
        question.answered_on = today()
    question.status = "answered"
    db.session.commit()
    officer = officer_of(question.village_id)
    readers = {
        u.id: u for u in village_leaders(question.village_id) + ([officer] if officer else [])
    }
    notify(
        list(readers.values()),
        lambda u, q=question: gettext("The expert answered: %(subject)s", subject=_short(q)),
        lambda u, q=question: gettext(
            "%(expert)s answered a question of %(village)s. Please tell the asker and record "
            "whether it solved the problem.",
            expert=q.expert.name,
            village=q.village.name,
        ),
        url=path_for("expert_desk.question", question_id=question.id),
        key=f"expert_desk-answer:{post.id}",
    )
    return post


def give_feedback(user: User, question: Question, solved, comment: str | None) -> Question:
    """The asker's feedback on an answered question: solved or not, and a comment."""
    errors: dict = {}
    comment = clean_text(errors, "comment", comment, 2000)
    if solved not in (True, False):
        errors["solved"] = [gettext("Say whether the answer solved the problem.")]
    if errors:
        raise FieldErrors(errors)
    if question.status != "answered":
        raise Conflict(gettext("Feedback comes after an answer."))
    question.solved, question.feedback = solved, comment
    db.session.commit()
    return question


def follow_up(user: User, question: Question, text: str | None) -> Post:
    """A follow-up question in the same thread: it goes back to the expert with a new due date."""
    errors: dict = {}
    text = clean_text(errors, "text", text, 4000, required=True)
    if errors:
        raise FieldErrors(errors)
    if question.status != "answered":
        raise Conflict(gettext("A follow-up question comes after an answer."))
    post = Post(
        question_id=question.id,
        kind="follow_up",
        text=text,
        written_by_id=user.id,
        posted_on=today(),
    )
    db.session.add(post)
    question.status = "routed"
    question.due_on = today() + timedelta(days=answer_within_days())
    db.session.commit()
    if question.expert and question.expert.user:
        notify(
            [question.expert.user],
            lambda u, q=question: gettext("A follow-up question: %(subject)s", subject=_short(q)),
            lambda u, q=question: gettext("Please answer by %(day)s.", day=q.due_on.isoformat()),
            url=path_for("expert_desk.question", question_id=question.id),
            key=f"expert_desk-follow-up:{post.id}",
        )
    return post


def _short(question: Question) -> str:
    """A question's subject, or the start of its text."""
    text = question.subject or question.text
    return text if len(text) <= 30 else text[:30] + "…"


def village_leaders(village_id: int) -> list[User]:
    """The active accounts of the leaders of the village's teams."""
    return list(
        db.session.scalars(
            select(User)
            .join(Team, Team.id == User.team_id)
            .where(User.role == Role.LEADER, User.active.is_(True), Team.village_id == village_id)
        )
    )


def desk_users(village: Area) -> list[User]:
    """The desk of a village: the admins, the reviewers whose area holds it and the village's
    information officer."""
    users = db.session.scalars(
        select(User).where(User.active.is_(True), User.role.in_([Role.ADMIN, Role.REVIEWER]))
    )
    desk = [u for u in users if u.role == Role.ADMIN or (u.area and u.area.contains(village))]
    officer = officer_of(village.id)
    return desk + [officer] if officer is not None else desk


def _tell_desk_new(question: Question) -> None:
    """The reviewers of the village's area hear of a new question to route."""
    reviewers = [u for u in desk_users(question.village) if u.role == Role.REVIEWER]
    notify(
        reviewers,
        lambda u, q=question: gettext("A new question to route: %(subject)s", subject=_short(q)),
        lambda u, q=question: gettext("From %(village)s.", village=q.village.name),
        url=path_for("expert_desk.question", question_id=question.id),
        key=f"expert_desk-new:{question.id}",
    )


def remind(day: date | None = None) -> tuple[int, int]:
    """The daily job: experts hear of questions due within two days, the desk of overdue ones
    (each once per due date). Returns (questions due soon, questions overdue)."""
    day = day or today()
    waiting = db.session.scalars(
        select(Question).where(Question.status == "routed", Question.expert_id.is_not(None))
    ).all()
    soon = [q for q in waiting if day <= q.due_on <= day + timedelta(days=DUE_SOON_DAYS)]
    for q in soon:
        if q.expert.user is not None:
            notify(
                [q.expert.user],
                lambda u, q=q: gettext("Question due soon: %(subject)s", subject=_short(q)),
                lambda u, q=q: gettext("Please answer by %(day)s.", day=q.due_on.isoformat()),
                url=path_for("expert_desk.question", question_id=q.id),
                key=f"expert_desk-due:{q.id}:{q.due_on.isoformat()}",
            )
    overdue = db.session.scalars(
        select(Question).where(Question.status.in_(OPEN_STATUSES), Question.due_on < day)
    ).all()
    for q in overdue:
        notify(
            desk_users(q.village),
            lambda u, q=q: gettext("Question overdue: %(subject)s", subject=_short(q)),
            lambda u, q=q: gettext(
                "A question of %(village)s was due on %(day)s and has no answer yet.",
                village=q.village.name,
                day=q.due_on.isoformat(),
            ),
            url=path_for("expert_desk.question", question_id=q.id),
            key=f"expert_desk-overdue:{q.id}:{q.due_on.isoformat()}",
        )
    return len(soon), len(overdue)


def is_overdue(question: Question, day: date | None = None) -> bool:
    """True for a question waiting past its due date."""
    return question.status in OPEN_STATUSES and question.due_on < (day or today())


# --- booklets --------------------------------------------------------------------------


def save_booklet(
    user: User, title: str | None, foreword: str | None, question_ids: list[int], scope
) -> Booklet:
    """Compile a booklet of answered questions the user may read."""
    errors: dict = {}
    title = clean_text(errors, "title", title, 160, required=True, one_line=True)
    foreword = clean_text(errors, "foreword", foreword, 4000)
    ids = list(dict.fromkeys(question_ids or []))
    chosen = list(
        db.session.scalars(
            select(Question).where(Question.id.in_(ids), Question.status == "answered", scope)
        )
    )
    if not ids:
        errors["question_ids"] = [gettext("Choose at least one answered question.")]
    elif len(chosen) != len(ids):
        errors["question_ids"] = [gettext("Choose answered questions from the list.")]
    if errors:
        raise FieldErrors(errors)
    booklet = Booklet(title=title, foreword=foreword, created_by_id=user.id)
    order = {qid: i for i, qid in enumerate(ids)}
    booklet.items = [BookletItem(question_id=q.id, position=order[q.id]) for q in chosen]
    db.session.add(booklet)
    db.session.commit()
    return booklet


def booklet_chapters(booklet: Booklet) -> list[tuple[str, list[Question]]]:
    """The booklet's questions by topic: topics in the order of the specialty list, questions
    without a topic last; within a topic, in the order chosen."""
    chapters: dict[int, tuple[str, list[tuple[int, Question]]]] = {}
    for item in booklet.items:
        topic = item.question.specialty
        key = topic.id if topic else 0
        name = topic.name if topic else ""
        chapters.setdefault(key, (name, []))[1].append((item.position, item.question))
    keys = sorted(chapters, key=lambda k: (k == 0, k))
    return [
        (
            chapters[k][0] or gettext("Other questions"),
            [q for _pos, q in sorted(chapters[k][1], key=_by)],
        )
        for k in keys
    ]


def _by(pair):
    return pair[0], pair[1].id


def answers_of(question: Question) -> list[Post]:
    """A question's answers, in order."""
    return [p for p in question.posts if p.kind == "answer"]
