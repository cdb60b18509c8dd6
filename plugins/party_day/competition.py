"""The best party day case competition (最佳党日案例竞赛): rounds, cases, scores, ranking and
the county's confirmation of the winners.

- a round a year, with its criteria, opened by the county (admins, county reviewers);
- a village's branch enters one case per round (its leaders, reviewers of its area, admins),
  with up to ``MAX_PHOTOS`` photos, while the round is open;
- reviewers score the cases of their area on every criterion, admins any case;
- a case's total is the mean of its reviewers' totals; equal totals share a rank;
- the county confirms the winners once (final): ranks and winners are stored, the round's
  cases and scores no longer change, and the winning cases are read by every branch.
"""

from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import ColumnElement, or_, select

from core.plugin_api import (
    Area,
    AreaKind,
    Conflict,
    FieldErrors,
    Photo,
    Role,
    User,
    clean_photos,
    clean_text,
    db,
    is_admin,
    notify,
    path_for,
    send_photo,
    stamp_position,
    store_photo,
    utcnow,
)
from plugins.party_day.models import Case, CaseCriterion, CasePhoto, CaseRound, CaseScore
from plugins.party_day.services import may_write_village, village_scope

#: where the cases' photos are stored: <instance>/uploads/party_day/
PHOTO_FOLDER = "party_day"
#: photos a case keeps at most, and the largest accepted (KB)
MAX_PHOTOS = 4
MAX_PHOTO_KB = 4096
#: the criteria a new round starts with (title, highest score)
DEFAULT_CRITERIA = (
    ("主题鲜明，与特色产业挂钩", 30),
    ("形式新颖，网上科技党日特色突出", 25),
    ("党员参与度高", 20),
    ("实际成效明显，群众认可", 25),
)


# --- who may --------------------------------------------------------------------------------


def is_county(user: User) -> bool:
    """Admins and county reviewers: they open rounds and confirm the winners."""
    if is_admin(user):
        return True
    return (
        user.role == Role.REVIEWER and user.area is not None and user.area.kind == AreaKind.COUNTY
    )


def case_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on ``Case``: the cases of the villages ``user`` reads, and every winning
    case of a confirmed round (the collection goes to every branch)."""
    return or_(village_scope(user, Case.village_id), Case.winner.is_(True))


def may_score(user: User, case: Case) -> bool:
    """Admins score any case, reviewers those of their area's villages."""
    if is_admin(user):
        return True
    return (
        user.role == Role.REVIEWER
        and user.area is not None
        and user.area.contains(db.session.get(Area, case.village_id))
    )


def may_enter(user: User, village_id: int | None) -> bool:
    """Those who write a village's party days enter its case."""
    return may_write_village(user, village_id)


def _open(round_: CaseRound) -> None:
    """``Conflict`` once the round's winners are confirmed."""
    if round_.confirmed_at is not None:
        raise Conflict(_("The winners of this round are confirmed: it no longer changes."))


# --- rounds ---------------------------------------------------------------------------------


@dataclass
class RoundInput:
    """A new round."""

    year: int | None
    name: str | None
    winners_wanted: int | None = 20
    criteria: list[tuple[str, int]] = field(default_factory=lambda: list(DEFAULT_CRITERIA))


def parse_criteria(text: str) -> list[tuple[str, int]] | None:
    """Criteria written one a line as ``title score`` (``形式新颖 25``); None when a line is
    not of that form."""
    out = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        title, _sep, score = line.strip().rpartition(" ")
        if not title.strip() or not score.isdigit():
            return None
        out.append((title.strip(), int(score)))
    return out


def create_round(data: RoundInput) -> CaseRound:
    """Open a year's round with its criteria (the caller checked :func:`is_county`). Commits."""
    errors: dict[str, list] = {}
    if data.year is None or not 2000 <= data.year <= 2100:
        errors["year"] = [_("Enter a year from 2000 to 2100.")]
    elif db.session.scalar(select(CaseRound.id).where(CaseRound.year == data.year)):
        errors["year"] = [_("That year has a round already.")]
    name = clean_text(errors, "name", data.name, 200, required=True, one_line=True)
    if data.winners_wanted is None or not 1 <= data.winners_wanted <= 500:
        errors["winners_wanted"] = [_("Enter a number of winners from 1 to 500.")]
    criteria = list(data.criteria or [])
    if not criteria or any(
        not title or len(title) > 120 or not 1 <= score <= 1000 for title, score in criteria
    ):
        errors["criteria"] = [
            _("Give at least one criterion, each a title and a highest score from 1 to 1000.")
        ]
    if errors:
        raise FieldErrors(errors)
    round_ = CaseRound(year=data.year, name=name, winners_wanted=data.winners_wanted)
    round_.criteria = [
        CaseCriterion(title=title, max_score=score, position=n)
        for n, (title, score) in enumerate(criteria)
    ]
    db.session.add(round_)
    db.session.commit()
    return round_


# --- cases ----------------------------------------------------------------------------------


@dataclass
class CaseInput:
    """What a case form or API call gives."""

    village_id: int | None
    title: str | None
    summary: str | None
    photos: list[bytes] = field(default_factory=list)


def _checked_photos(errors: dict, photos: list[bytes], already: int) -> list[Photo]:
    """The photos checked and saved again (all or none); the refusal noted on ``photos``."""
    return clean_photos(
        photos,
        MAX_PHOTO_KB,
        MAX_PHOTOS,
        already,
        _("A case keeps at most %(n)s photos.", n=MAX_PHOTOS),
        errors,
    )


def save_case(user: User, round_: CaseRound, data: CaseInput, case: Case | None = None) -> Case:
    """Enter a village's case in ``round_`` (one per village), or correct ``case``; photos
    given are added. ``Conflict`` once the round is confirmed. Commits."""
    _open(round_)
    errors: dict[str, list] = {}
    village = db.session.get(Area, data.village_id) if data.village_id else None
    if village is None or village.kind != AreaKind.VILLAGE:
        errors["village_id"] = [_("Choose a village.")]
    elif not may_enter(user, village.id):
        errors["village_id"] = [_("You may not enter a case for this village.")]
    else:
        taken = db.session.scalar(
            select(Case.id).where(Case.round_id == round_.id, Case.village_id == village.id)
        )
        if taken is not None and (case is None or taken != case.id):
            errors["village_id"] = [_("This village has entered a case in this round already.")]
    title = clean_text(errors, "title", data.title, 200, required=True, one_line=True)
    summary = clean_text(errors, "summary", data.summary, 20000, required=True)
    photos = _checked_photos(errors, list(data.photos or []), len(case.photos) if case else 0)
    if errors:
        raise FieldErrors(errors)
    if case is None:
        case = Case(round_id=round_.id, submitted_by_id=user.id)
        db.session.add(case)
    case.village_id, case.title, case.summary = village.id, title, summary
    for photo in photos:
        case.photos.append(
            CasePhoto(filename=store_photo(PHOTO_FOLDER, photo), media_type=photo.media_type)
        )
    db.session.commit()
    return case


def add_photos(case: Case, photos: list[bytes]) -> Case:
    """Add photos to a case of an open round (the caller checked the writer). Commits."""
    _open(case.round)
    if not photos:
        raise FieldErrors({"photos": [_("Choose at least one photo.")]})
    errors: dict = {}
    cleaned = _checked_photos(errors, photos, len(case.photos))
    if errors:
        raise FieldErrors(errors)
    for photo in cleaned:
        case.photos.append(
            CasePhoto(filename=store_photo(PHOTO_FOLDER, photo), media_type=photo.media_type)
        )
    db.session.commit()
    return case


def photo_of(case: Case, photo_id: int) -> CasePhoto | None:
    """The photo ``photo_id`` of ``case``; None when it belongs to another case."""
    photo = db.session.get(CasePhoto, photo_id)
    return photo if photo is not None and photo.case_id == case.id else None


def photo_response(photo: CasePhoto, thumbnail: bool = False):
    """The photo (or its thumbnail), private; check the reader of its case first."""
    return send_photo(PHOTO_FOLDER, photo.filename, photo.media_type, thumbnail)


# --- scores and ranking ---------------------------------------------------------------------


def save_scores(user: User, case: Case, scores: dict[int, int | None]) -> None:
    """Store ``user``'s scores of ``case`` by criterion id: every criterion of the round, each
    0..its highest score (the caller checked :func:`may_score`). Commits."""
    _open(case.round)
    errors: dict[str, list] = {}
    for criterion in case.round.criteria:
        value = scores.get(criterion.id)
        if value is None or not 0 <= value <= criterion.max_score:
            errors[f"score_{criterion.id}"] = [
                _(
                    "Score %(title)s from 0 to %(max)s.",
                    title=criterion.title,
                    max=criterion.max_score,
                )
            ]
    known = {c.id for c in case.round.criteria}
    if set(scores) - known:
        errors["scores"] = [_("Score only the criteria of the case's round.")]
    if errors:
        raise FieldErrors(errors)
    held = {
        row.criterion_id: row
        for row in db.session.scalars(
            select(CaseScore).where(CaseScore.case_id == case.id, CaseScore.reviewer_id == user.id)
        )
    }
    for criterion_id, value in scores.items():
        row = held.get(criterion_id)
        if row is None:
            db.session.add(
                CaseScore(
                    case_id=case.id, criterion_id=criterion_id, reviewer_id=user.id, score=value
                )
            )
        else:
            row.score = value
    db.session.commit()


def my_scores(user: User, case: Case) -> dict[int, int]:
    """``user``'s scores of ``case`` by criterion id."""
    return dict(
        db.session.execute(
            select(CaseScore.criterion_id, CaseScore.score).where(
                CaseScore.case_id == case.id, CaseScore.reviewer_id == user.id
            )
        )
        .tuples()
        .all()
    )


@dataclass
class Ranked:
    """A case with its total, the reviewers who scored it and its rank (None unscored)."""

    case: Case
    total: float | None
    reviewers: int
    rank: int | None
    proposed: bool = False


def ranking(round_: CaseRound) -> list[Ranked]:
    """The round's cases by total, highest first (two queries); unscored cases last. The top
    ``winners_wanted`` scored cases are proposed as winners."""
    cases = db.session.scalars(
        select(Case).where(Case.round_id == round_.id).order_by(Case.id)
    ).all()
    sums: dict[int, dict[int, int]] = {}
    rows = db.session.execute(
        select(CaseScore.case_id, CaseScore.reviewer_id, CaseScore.score).where(
            CaseScore.case_id.in_([c.id for c in cases])
        )
    ).tuples()
    for case_id, reviewer_id, score in rows:
        per = sums.setdefault(case_id, {})
        per[reviewer_id] = per.get(reviewer_id, 0) + score
    ranked = []
    for case in cases:
        per = sums.get(case.id, {})
        total = round(sum(per.values()) / len(per), 1) if per else None
        ranked.append(Ranked(case, total, len(per), None))
    ranked.sort(key=lambda r: (r.total is None, -(r.total or 0), r.case.id))
    previous, rank = None, 0
    for n, item in enumerate(ranked, 1):
        if item.total is None:
            break
        if item.total != previous:
            rank, previous = n, item.total
        item.rank = rank
        item.proposed = rank <= round_.winners_wanted
    if round_.confirmed_at is not None:  # the stored result, not today's scores
        for item in ranked:
            item.rank, item.proposed = item.case.final_rank, item.case.winner
        ranked.sort(key=lambda r: (r.rank is None, r.rank or 0, r.case.id))
    return ranked


def confirm(user: User, round_: CaseRound, winner_ids: list[int]) -> CaseRound:
    """Confirm the round's winners (final; the caller checked :func:`is_county`): ranks and
    winners stored, the trail's position stamped. Commits."""
    _open(round_)
    ranked = ranking(round_)
    ids = {item.case.id for item in ranked}
    chosen = set(winner_ids)
    if not chosen:
        raise FieldErrors({"winners": [_("Choose at least one winning case.")]})
    if chosen - ids:
        raise FieldErrors({"winners": [_("Choose cases of this round.")]})
    for item in ranked:
        item.case.final_rank, item.case.winner = item.rank, item.case.id in chosen
    round_.confirmed_at, round_.confirmed_by_id = utcnow(), user.id
    stamp_position(round_)
    db.session.commit()
    _send_collection(round_)
    return round_


def _send_collection(round_: CaseRound) -> None:
    """Every branch gets the collection of the winning cases: each team leader is told in
    the inbox (once per round)."""
    leaders = db.session.scalars(
        select(User).where(User.role == Role.LEADER, User.team_id.is_not(None))
    ).all()
    notify(
        leaders,
        lambda _user: _("The winning cases of %(name)s are compiled", name=round_.name),
        lambda _user: _("Read the collection of the winning party day cases and learn from them."),
        path_for("party_day.collection", round_id=round_.id),
        key=f"party_day:collection:{round_.id}",
    )


def winners(round_: CaseRound) -> list[Case]:
    """The winning cases of a confirmed round, by rank."""
    return list(
        db.session.scalars(
            select(Case)
            .where(Case.round_id == round_.id, Case.winner.is_(True))
            .order_by(Case.final_rank.is_(None), Case.final_rank, Case.id)
        )
    )
