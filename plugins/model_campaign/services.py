"""The model campaign's rules: who may do what, validation, scoring and the status workflow.

Pages and API both go through these functions; they raise ``FieldErrors`` (bad input, per field)
or ``Conflict`` (the nomination's state forbids the change) and change nothing then.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, false, or_, select, true

from core.plugin_api import (
    Area,
    AreaKind,
    Conflict,
    FieldErrors,
    Member,
    Photo,
    Role,
    Team,
    User,
    changes_since,
    clean_photos,
    clean_text,
    db,
    send_photo,
    setting,
    stamp_position,
    store_photo,
)
from plugins.model_campaign.models import (
    Assessment,
    Criterion,
    Nomination,
    NominationPhoto,
    Round,
    Score,
    Status,
    Tier,
    Transition,
)

PLUGIN = "model_campaign"
#: where the evidence photos are stored: <instance>/uploads/model_campaign/
PHOTO_FOLDER = "model_campaign"
#: the photos a nomination's evidence keeps at most, and the largest one accepted (KB)
MAX_PHOTOS = 4
MAX_PHOTO_KB = 4096

#: labels of the tiers and statuses, translated when rendered
TIER_LABELS = {
    Tier.TOWNSHIP: _l("Model township"),
    Tier.VILLAGE: _l("Model village"),
    Tier.HOUSEHOLD: _l("Model household"),
}
STATUS_LABELS = {
    Status.NOMINATED: _l("Nominated"),
    Status.ASSESSED: _l("Assessed"),
    Status.AWARDED: _l("Awarded"),
    Status.NOT_AWARDED: _l("Not awarded"),
    Status.WITHDRAWN: _l("Withdrawn"),
}

#: the decisions a user may take on a nomination, and the statuses each may start from.
#: The workflow: nominated -> assessed (by the first assessment) -> awarded or not awarded;
#: nominated or assessed -> withdrawn. Awarded, not awarded and withdrawn are final: no
#: decision starts from them (there is no reopening; a withdrawn nominee may be nominated
#: again in the round).
DECISIONS = {
    Status.AWARDED: {Status.ASSESSED},
    Status.NOT_AWARDED: {Status.ASSESSED},
    Status.WITHDRAWN: {Status.NOMINATED, Status.ASSESSED},
}
#: the statuses no decision leaves
FINAL = frozenset({Status.AWARDED, Status.NOT_AWARDED, Status.WITHDRAWN})


def tier_label(tier) -> str:
    """The translated label of a tier."""
    return str(TIER_LABELS.get(Tier(tier), tier))


def status_label(status) -> str:
    """The translated label of a status."""
    return str(STATUS_LABELS.get(Status(status), status))


def award_threshold() -> float:
    """The setting ``award_threshold``: the percentage of the highest total proposing an award."""
    return float(setting("award_threshold"))


# --- who may do what -------------------------------------------------------------------------


def nomination_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on ``Nomination``: a reviewer's subtree; a team's village and township."""
    if user.role == Role.ADMIN:
        return true()
    if user.role == Role.REVIEWER:
        return false() if user.area is None else Nomination.area_id.in_(Area.subtree_ids(user.area))
    if user.team is None:
        return false()
    village = user.team.village
    return or_(Nomination.area_id == village.id, Nomination.area_id == village.parent_id)


def may_nominate_some(user: User) -> bool:
    """Admins, reviewers with an area and leaders of a team nominate."""
    return user.is_authenticated and (
        user.role == Role.ADMIN
        or (user.role == Role.REVIEWER and user.area is not None)
        or (user.role == Role.LEADER and user.team is not None)
    )


def may_nominate(user: User, tier: Tier, area: Area) -> bool:
    """Admins anywhere, reviewers inside their subtree, leaders their own village and its
    households."""
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.REVIEWER:
        return user.area is not None and user.area.contains(area)
    if user.role == Role.LEADER and user.team is not None:
        return tier in (Tier.VILLAGE, Tier.HOUSEHOLD) and area.id == user.team.village_id
    return False


def may_assess(user: User, nomination: Nomination) -> bool:
    """Admins, and reviewers whose subtree holds the nominee; never the nominee's own leader
    (leaders do not assess)."""
    if not user.is_authenticated:
        return False
    if user.role == Role.ADMIN:
        return True
    return (
        user.role == Role.REVIEWER and user.area is not None and user.area.contains(nomination.area)
    )


def may_award(user: User, nomination: Nomination) -> bool:
    """Whether ``user`` may award or refuse ``nomination``: admins, and reviewers whose area lies
    strictly above the nominee's area. Nobody decides on their own area's nomination: a
    township's is decided at county level, a village's (or one of its households') by a
    reviewer of its township or above."""
    if not user.is_authenticated:
        return False
    if user.role == Role.ADMIN:
        return True
    area = user.area if user.role == Role.REVIEWER else None
    return area is not None and area.id != nomination.area_id and area.contains(nomination.area)


def may_withdraw(user: User, nomination: Nomination) -> bool:
    """Those who may award it, and the user who nominated it."""
    return may_award(user, nomination) or (
        user.is_authenticated and nomination.nominated_by_id == user.id
    )


def may_decide(user: User, nomination: Nomination, to: Status) -> bool:
    """Whether ``user`` may move ``nomination`` to ``to`` (whatever its present status)."""
    if to == Status.WITHDRAWN:
        return may_withdraw(user, nomination)
    return may_award(user, nomination)


def next_decisions(user: User, nomination: Nomination) -> list[Status]:
    """The decisions valid from the nomination's present status that ``user`` may take
    (none for a final status), in the order of ``DECISIONS``."""
    return [
        to
        for to, starts in DECISIONS.items()
        if nomination.status in starts and may_decide(user, nomination, to)
    ]


# --- criteria and rounds ---------------------------------------------------------------------


@dataclass
class CriterionInput:
    """What a criterion form or API call sends."""

    tier: str
    title: str
    description: str = ""
    max_score: int = 10
    weight: int = 1
    position: int = 0
    active: bool = True


def _whole(errors: dict, name: str, value, low: int, high: int) -> int:
    """A whole number in ``low..high``, else an error on ``name``."""
    try:
        number = int(value)
        if number != value and str(number) != str(value).strip():
            raise ValueError
    except (TypeError, ValueError):
        errors[name] = [_("Enter a whole number.")]
        return low
    if not low <= number <= high:
        errors[name] = [_("Enter a number from %(low)s to %(high)s.", low=low, high=high)]
    return number


def save_criterion(data: CriterionInput, criterion: Criterion | None = None) -> Criterion:
    """Create or change a criterion (admins). The tier of a scored criterion stays."""
    errors: dict = {}
    if data.tier not in {t.value for t in Tier}:
        errors["tier"] = [_("Choose a tier.")]
    elif criterion is not None and Tier(data.tier) != criterion.tier and _is_scored(criterion):
        errors["tier"] = [_("This criterion has been scored: its tier cannot change.")]
    title = clean_text(errors, "title", data.title, 120, required=True)
    description = clean_text(errors, "description", data.description, 2000)
    max_score = _whole(errors, "max_score", data.max_score, 1, 100)
    weight = _whole(errors, "weight", data.weight, 1, 10)
    position = _whole(errors, "position", data.position, 0, 999)
    if errors:
        raise FieldErrors(errors)
    if criterion is None:
        criterion = Criterion()
        db.session.add(criterion)
    criterion.tier, criterion.title, criterion.description = Tier(data.tier), title, description
    criterion.max_score, criterion.weight, criterion.position = max_score, weight, position
    criterion.active = bool(data.active)
    db.session.commit()
    return criterion


def _is_scored(criterion: Criterion) -> bool:
    """True once an assessment scored ``criterion``."""
    return (
        db.session.scalar(select(Score.id).where(Score.criterion_id == criterion.id).limit(1))
        is not None
    )


def delete_criterion(criterion: Criterion) -> bool:
    """Delete a criterion no assessment used; deactivate it otherwise. True when deleted."""
    if _is_scored(criterion):
        criterion.active = False
        db.session.commit()
        return False
    db.session.delete(criterion)
    db.session.commit()
    return True


def active_criteria(tier: Tier) -> list[Criterion]:
    """The active criteria of ``tier`` in their order."""
    return list(
        db.session.scalars(
            select(Criterion)
            .where(Criterion.tier == tier, Criterion.active.is_(True))
            .order_by(Criterion.position, Criterion.id)
        )
    )


def save_round(year, name: str | None) -> Round:
    """Create the round of ``year`` (named e.g. 2026年度三级联创 when no name is given)."""
    errors: dict = {}
    year = _whole(errors, "year", year, 2000, 2100)
    name = clean_text(errors, "name", name, 120)
    if "year" not in errors and db.session.scalar(select(Round.id).where(Round.year == year)):
        errors["year"] = [_("There is already a round for %(year)s.", year=year)]
    if errors:
        raise FieldErrors(errors)
    round_ = Round(year=year, name=name or f"{year}年度三级联创")
    db.session.add(round_)
    db.session.commit()
    return round_


def round_of_year(year: int) -> Round | None:
    """The round of ``year``, if there is one."""
    return db.session.scalar(select(Round).where(Round.year == year))


# --- nominations -----------------------------------------------------------------------------


@dataclass
class NominationInput:
    """What a nomination form or API call sends."""

    round_id: int | None
    tier: str
    area_id: int | None
    household_name: str = ""
    member_id: int | None = None
    reason: str = ""
    evidence: str = ""
    links: str = ""
    #: bytes of the evidence photos (none, or up to ``MAX_PHOTOS``)
    photos: list[bytes] = field(default_factory=list)


LINK = re.compile(r"^https?://\S+$")


def _clean_links(errors: dict, value: str | None) -> str:
    """One http(s) address per line."""
    lines = [line.strip() for line in (value or "").splitlines() if line.strip()]
    text = "\n".join(lines)
    if len(text) > 2000:
        errors["links"] = [_("Use at most %(n)s characters.", n=2000)]
    elif any(not LINK.match(line) for line in lines):
        errors["links"] = [_("Give one address starting with http:// or https:// per line.")]
    return text


def create_nomination(data: NominationInput, user: User) -> Nomination:
    """Nominate a township, village or household; the creation is the first transition.

    Raises ``FieldErrors`` for bad input and ``PermissionError`` when ``user`` may not nominate
    that area.
    """
    errors: dict = {}
    round_ = db.session.get(Round, data.round_id) if data.round_id else None
    if round_ is None:
        errors["round_id"] = [_("Choose a round.")]
    tier = Tier(data.tier) if data.tier in {t.value for t in Tier} else None
    if tier is None:
        errors["tier"] = [_("Choose a tier.")]
    area = db.session.get(Area, data.area_id) if data.area_id else None
    wanted = AreaKind.TOWNSHIP if tier == Tier.TOWNSHIP else AreaKind.VILLAGE
    if area is None or (tier is not None and area.kind != wanted):
        errors["area_id"] = [
            _("Choose a township.") if wanted == AreaKind.TOWNSHIP else _("Choose a village.")
        ]
    household = clean_text(
        errors, "household_name", data.household_name, 80, required=tier == Tier.HOUSEHOLD
    )
    member = None
    if tier is not None and tier != Tier.HOUSEHOLD and data.member_id:
        errors["member_id"] = [_("Only a model household names the member heading it.")]
    elif tier == Tier.HOUSEHOLD and data.member_id:
        member = db.session.get(Member, data.member_id)
        team = member.team if member is not None and member.deleted_at is None else None
        if team is None or (area is not None and team.village_id != area.id):
            errors["member_id"] = [_("Choose a member of a team of this village.")]
    reason = clean_text(errors, "reason", data.reason, 2000, required=True)
    evidence = clean_text(errors, "evidence", data.evidence, 5000, required=True)
    links = _clean_links(errors, data.links)
    photos = _check_photos(errors, list(data.photos or []), 0)
    if not errors and round_ is not None and tier is not None and area is not None:
        duplicate = select(Nomination.id).where(
            Nomination.round_id == round_.id,
            Nomination.tier == tier,
            Nomination.area_id == area.id,
            Nomination.status != Status.WITHDRAWN,
        )
        if tier == Tier.HOUSEHOLD:
            duplicate = duplicate.where(Nomination.household_name == household)
        if db.session.scalar(duplicate.limit(1)) is not None:
            field = "household_name" if tier == Tier.HOUSEHOLD else "area_id"
            errors[field] = [_("This nominee is already nominated in this round.")]
    if errors:
        raise FieldErrors(errors)
    if not may_nominate(user, tier, area):
        raise PermissionError(area.id)
    nomination = Nomination(
        round=round_,
        tier=tier,
        area=area,
        household_name=household if tier == Tier.HOUSEHOLD else "",
        member=member,
        reason=reason,
        evidence=evidence,
        links=links,
        status=Status.NOMINATED,
        nominated_by_id=user.id,
    )
    db.session.add(nomination)
    _store_photos(nomination, photos)
    first = Transition(
        nomination=nomination, user_id=user.id, from_status=None, to_status=Status.NOMINATED
    )
    db.session.add(first)
    stamp_position(first)
    db.session.commit()
    return nomination


# --- evidence photos -------------------------------------------------------------------------


def _check_photos(errors: dict, photos: list[bytes], already: int) -> list[Photo]:
    """``photos`` checked and saved again; notes the first refusal (type, size, count) on
    ``photos`` in ``errors`` and returns none then: all of them are stored, or none."""
    return clean_photos(
        photos,
        MAX_PHOTO_KB,
        MAX_PHOTOS,
        already,
        _("A nomination keeps at most %(n)s photos.", n=MAX_PHOTOS),
        errors,
    )


def _store_photos(nomination: Nomination, photos: list[Photo]) -> None:
    """Write the photos under random names and attach them to ``nomination`` (not committed)."""
    for photo in photos:
        nomination.photos.append(
            NominationPhoto(
                filename=store_photo(PHOTO_FOLDER, photo),
                media_type=photo.media_type,
                size=len(photo.data),
            )
        )


def may_add_photos(user: User, nomination: Nomination) -> bool:
    """Whoever nominated it, and those who may nominate its area, add evidence photos."""
    return user.is_authenticated and (
        nomination.nominated_by_id == user.id
        or may_nominate(user, nomination.tier, nomination.area)
    )


def add_photos(nomination: Nomination, photos: list[bytes], user: User) -> Nomination:
    """Add evidence photos to ``nomination`` while no final decision is taken. Commits.

    ``PermissionError`` unless :func:`may_add_photos`; ``Conflict`` once decided;
    ``FieldErrors`` on ``photos`` when none is given or one is refused (nothing is stored).
    """
    if not may_add_photos(user, nomination):
        raise PermissionError(nomination.id)
    if nomination.status in FINAL:
        raise Conflict(_("The nomination is decided: its evidence no longer changes."))
    if not photos:
        raise FieldErrors({"photos": [_("Choose at least one photo.")]})
    errors: dict = {}
    cleaned = _check_photos(errors, photos, len(nomination.photos))
    if errors:
        raise FieldErrors(errors)
    _store_photos(nomination, cleaned)
    db.session.commit()
    return nomination


def photo_of(nomination: Nomination, photo_id: int) -> NominationPhoto | None:
    """The photo ``photo_id`` of ``nomination``; None when it belongs to another one."""
    photo = db.session.get(NominationPhoto, photo_id)
    return photo if photo is not None and photo.nomination_id == nomination.id else None


def photo_response(photo: NominationPhoto, thumbnail: bool = False):
    """The image of ``photo`` (or its thumbnail), private to the caller (check the reader of
    its nomination first); 404 when its file is missing."""
    return send_photo(PHOTO_FOLDER, photo.filename, photo.media_type, thumbnail)


def transition_changes(nomination: Nomination) -> dict[int, int | None]:
    """The changes to the records of the nomination's area made after each of its
    transitions, by transition id (None for one older than the trail). One query per
    transition: for a single nomination only, never for a list."""
    return {t.id: changes_since(t.audit_position, nomination.area) for t in nomination.transitions}


def decision_provenance(nomination: Nomination) -> list[tuple[Transition, int | None]]:
    """The award decisions (awarded, not awarded) of the nomination with the changes to its
    area's records made since each."""
    return [
        (t, changes_since(t.audit_position, nomination.area))
        for t in nomination.transitions
        if t.to_status in (Status.AWARDED, Status.NOT_AWARDED)
    ]


def _move(nomination: Nomination, to: Status, user: User, reason: str = "") -> None:
    """Record a transition and set the new status (flushed, not committed); the transition
    keeps the trail's position."""
    transition = Transition(
        nomination=nomination,
        user_id=user.id,
        from_status=nomination.status,
        to_status=to,
        reason=reason,
    )
    db.session.add(transition)
    nomination.status = to
    nomination.status_reason = reason
    stamp_position(transition)


def check_decision(
    nomination: Nomination, to: str, reason: str | None, user: User
) -> tuple[Status, str]:
    """The decision ``to`` with its cleaned reason when ``user`` may take it now; changes
    nothing (pages show it for confirmation before ``decide``).

    Raises, in this order: ``FieldErrors`` on ``to`` for an unknown decision;
    ``PermissionError`` when ``user`` may not take the decision on this nomination (see
    ``may_award``); ``Conflict`` for a transition the present status forbids, e.g. awarding a
    nomination nobody has assessed; ``FieldErrors`` on ``reason`` when it is missing for not
    awarded, or for awarding a nomination whose mean score is below ``award_threshold``.
    """
    errors: dict = {}
    target = Status(to) if to in {s.value for s in DECISIONS} else None
    if target is None:
        raise FieldErrors({"to": [_("Choose awarded, not awarded or withdrawn.")]})
    if not may_decide(user, nomination, target):
        raise PermissionError(nomination.id)
    if nomination.status not in DECISIONS[target]:
        raise Conflict(transition_refusal(nomination.status, target))
    below = target == Status.AWARDED and below_threshold(nomination)
    reason = clean_text(
        errors, "reason", reason, 2000, required=target == Status.NOT_AWARDED or below
    )
    if below and not reason:
        errors["reason"] = [
            _(
                "The mean score %(score)s%% is below the award threshold of %(threshold)s%%: "
                "give the reason for awarding it.",
                score=mean_percent(nomination),
                threshold=award_threshold(),
            )
        ]
    if errors:
        raise FieldErrors(errors)
    return target, reason


def decide(nomination: Nomination, to: str, reason: str | None, user: User) -> Nomination:
    """Award, refuse (a reason is required) or withdraw a nomination, once ``check_decision``
    accepts it (it raises what that raises). Pages and API ask for a confirmation first."""
    target, reason = check_decision(nomination, to, reason, user)
    _move(nomination, target, user, reason)
    db.session.commit()
    return nomination


def transition_refusal(status: Status, target: Status) -> str:
    """The message refusing to move a nomination from ``status`` to ``target``."""
    if target in (Status.AWARDED, Status.NOT_AWARDED) and status == Status.NOMINATED:
        return _(
            "This nomination has not been assessed yet: assess it before deciding on the award."
        )
    return _(
        "A nomination that is %(status)s cannot become %(target)s.",
        status=status_label(status),
        target=status_label(target),
    )


def parse_score(value) -> int | None:
    """A score in tenths of a point: a whole number or one decimal, else ``None``."""
    if isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or number.as_tuple().exponent < -1:
        return None
    return int(number * 10)


def assess(nomination: Nomination, scores: dict, comments: str | None, user: User) -> Assessment:
    """Score every active criterion of the nomination's tier (``scores`` maps criterion ids to
    points); the weighted total is computed and a first assessment moves the nomination to
    *assessed*. An assessor scoring again replaces their scores.

    Errors are keyed ``score_<criterion id>``.
    """
    if nomination.status not in (Status.NOMINATED, Status.ASSESSED):
        raise Conflict(
            _(
                "A nomination that is %(status)s can no longer be assessed.",
                status=status_label(nomination.status),
            )
        )
    criteria = active_criteria(nomination.tier)
    errors: dict = {}
    if not criteria:
        errors["scores"] = [_("This tier has no active criteria to score.")]
    given = {str(k): v for k, v in (scores or {}).items()}
    known = {str(c.id) for c in criteria}
    unknown = sorted(set(given) - known)
    if unknown:
        errors["scores"] = [
            _("Not an active criterion of this tier: %(ids)s.", ids=", ".join(unknown))
        ]
    parsed: dict[int, int] = {}
    for criterion in criteria:
        key = f"score_{criterion.id}"
        raw = given.get(str(criterion.id))
        if raw is None or str(raw).strip() == "":
            errors[key] = [_("Score this criterion.")]
            continue
        tenths = parse_score(raw)
        if tenths is None or not 0 <= tenths <= criterion.max_score * 10:
            errors[key] = [
                _("Enter 0 to %(max)s, a whole number or one decimal.", max=criterion.max_score)
            ]
            continue
        parsed[criterion.id] = tenths
    comments = clean_text(errors, "comments", comments, 2000)
    if errors:
        raise FieldErrors(errors)
    assessment = db.session.scalar(
        select(Assessment).where(
            Assessment.nomination_id == nomination.id, Assessment.assessor_id == user.id
        )
    )
    if assessment is None:
        assessment = Assessment(nomination=nomination, assessor_id=user.id)
        db.session.add(assessment)
    assessment.scores.clear()
    db.session.flush()
    assessment.scores.extend(Score(criterion_id=c.id, tenths=parsed[c.id]) for c in criteria)
    assessment.total_tenths = sum(c.weight * parsed[c.id] for c in criteria)
    assessment.max_tenths = sum(c.weight * c.max_score * 10 for c in criteria)
    assessment.comments = comments
    if nomination.status == Status.NOMINATED:
        _move(nomination, Status.ASSESSED, user)
    db.session.commit()
    return assessment


def mean_percent(nomination: Nomination) -> float | None:
    """The mean of the assessments' percentages, or ``None`` before any assessment."""
    if not nomination.assessments:
        return None
    return round(sum(a.percent for a in nomination.assessments) / len(nomination.assessments), 1)


def below_threshold(nomination: Nomination) -> bool:
    """True when the nomination has been scored and its mean score is below
    ``award_threshold`` (awarding it then needs a reason)."""
    percent = mean_percent(nomination)
    return percent is not None and percent < award_threshold()


def proposes_award(nomination: Nomination) -> bool | None:
    """True when the mean score meets ``award_threshold`` (a proposal, never applied)."""
    percent = mean_percent(nomination)
    return None if percent is None else percent >= award_threshold()


def village_members(village_id: int) -> list[Member]:
    """The live members of the teams of a village, by name."""
    return list(
        db.session.scalars(
            select(Member)
            .join(Team, Team.id == Member.team_id)
            .where(
                Team.village_id == village_id,
                Team.deleted_at.is_(None),
                Member.deleted_at.is_(None),
            )
            .order_by(Member.name, Member.id)
        )
    )
