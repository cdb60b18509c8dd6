"""Logging and editing visits."""

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core import rules
from core.extensions import db
from core.models import Farm, Member, Team, User, Visit, VisitKind
from core.models.soft_delete import INCLUDE_DELETED
from core.permissions import can_write_team_records, farm_scope
from core.services import FieldErrors, clean_text
from core.services.uploads import Photo
from core.services.visit_photos import (
    attach_photos,
    check_photos,
    commit_with_photos,
)
from core.services.visit_rules import MAX_REACHED, TEXT_LIMITS, reached_message, visit_day_error


@dataclass
class VisitInput:
    """What a page or API call submits to log a visit."""

    team_id: int | None
    farm_id: int | None
    visited_on: date | None
    kind: VisitKind | str | None
    people_reached: int = 0
    households_reached: int = 0
    member_ids: list[int] = field(default_factory=list)
    topics: str = ""
    material: str = ""
    questions: str = ""
    notes: str = ""
    client_key: str | None = None
    #: bytes of new photos (all are stored with the visit, or none and no visit)
    photos: list[bytes] = field(default_factory=list)


def find_by_client_key(client_key: str | None) -> Visit | None:
    """The visit already logged with ``client_key`` (a resubmitted form), if any, deleted
    ones included: a retry of a visit deleted since must not log it again (nor meet the
    unique key unprepared)."""
    if not client_key:
        return None
    return db.session.execute(
        select(Visit)
        .where(Visit.client_key == client_key)
        .execution_options(**{INCLUDE_DELETED: True})
    ).scalar_one_or_none()


def team_members(team: Team, member_ids: list[int] | None) -> list[Member] | None:
    """The live members of ``team`` with these ids; None when any id is not one of them."""
    if not member_ids:
        return []
    members = list(
        db.session.execute(
            select(Member).where(
                Member.id.in_(member_ids), Member.team_id == team.id, Member.deleted_at.is_(None)
            )
        ).scalars()
    )
    return members if len(members) == len(set(member_ids)) else None


def team_and_farm(
    errors: dict[str, list[str]],
    user: User,
    team_id: int | None,
    farm_id: int | None,
    not_own_team: str,
) -> tuple[Team | None, Farm | None]:
    """The live team ``user`` may write records for and a live farm in their scope.

    Notes ``team_id`` (with ``not_own_team`` when the team is another's) and ``farm_id``
    errors in ``errors``; a visit and a visit plan check their team and farm the same way.
    """
    team = db.session.get(Team, team_id) if team_id else None
    if team is None or team.deleted_at is not None:
        errors["team_id"] = [_("Choose an existing team.")]
    elif not can_write_team_records(user, team.id):
        errors["team_id"] = [not_own_team]
    farm = None
    if farm_id:
        farm = db.session.execute(
            select(Farm).where(Farm.id == farm_id, Farm.deleted_at.is_(None), farm_scope(user))
        ).scalar_one_or_none()
    if farm is None:
        errors["farm_id"] = [_("Choose a farm from the list.")]
    return team, farm


def _check(
    user: User, data: VisitInput, already: int = 0
) -> tuple[Team, Farm, list[Member], list[Photo]]:
    """Validate ``data`` for ``user`` (``already``: photos the visit has); raise FieldErrors
    naming every bad field."""
    errors: dict[str, list[str]] = {}
    team, farm = team_and_farm(
        errors, user, data.team_id, data.farm_id, _("You may only log visits for your own team.")
    )
    day_error = visit_day_error(data.visited_on, rules.today())
    if day_error:
        errors["visited_on"] = [day_error]
    try:
        VisitKind(data.kind)
    except ValueError:
        errors["kind"] = [_("Choose what kind of visit it was.")]
    for name in ("people_reached", "households_reached"):
        value = getattr(data, name)
        if value is None or not 0 <= value <= MAX_REACHED:
            errors[name] = [reached_message()]
    for name, limit in TEXT_LIMITS.items():
        clean_text(errors, name, getattr(data, name), limit)
    members = team_members(team, data.member_ids) if team is not None else []
    if members is None:
        errors["member_ids"] = [_("Only members of the team can be present.")]
    photos = check_photos(errors, list(data.photos or []), already)
    if errors:
        raise FieldErrors(errors)
    return team, farm, members, photos


def log_visit(user: User, data: VisitInput) -> tuple[Visit, bool]:
    """Log a visit; returns (visit, created). A repeated ``client_key`` returns the first visit,
    also when the first and its retry arrive at the same moment (the second loses the unique
    key's race and answers with the visit the first one logged), and also when that visit has
    been deleted since (``visit.is_deleted``): it was received, and stays deleted."""
    existing = find_by_client_key(data.client_key)
    if existing is not None:
        return existing, False
    visit = add_visit(user, data)
    try:
        db.session.commit()
    except IntegrityError:  # its rollback (in logged_meanwhile) removes the photos' files
        winner = logged_meanwhile(data.client_key)
        if winner is None:
            raise
        return winner, False
    return visit, True


def logged_meanwhile(client_key: str | None) -> Visit | None:
    """After a write failed on a unique key: roll back and return the visit a concurrent
    request logged with ``client_key``, or None when the failure had another cause."""
    db.session.rollback()
    return find_by_client_key(client_key)


def add_visit(user: User, data: VisitInput) -> Visit:
    """Check ``data`` and add its visit to the session without committing, so a caller can
    change other rows in the same transaction (a plan turned into its visit). Its photos'
    files are written already: the transaction's rollback removes them if it fails."""
    team, farm, members, photos = _check(user, data)
    visit = Visit(team=team, farm=farm, logged_by=user, client_key=data.client_key or None)
    _apply(visit, data, members)
    db.session.add(visit)
    attach_photos(visit, photos)
    return visit


def update_visit(user: User, visit: Visit, data: VisitInput) -> Visit:
    """Change a visit; the same rules as logging one."""
    if not can_write_team_records(user, visit.team_id):
        raise FieldErrors({"team_id": [_("You may only change visits of your own team.")]})
    team, farm, members, photos = _check(user, data, len(visit.photos))
    visit.team, visit.farm = team, farm
    _apply(visit, data, members)
    return commit_with_photos(visit, photos)


def delete_visit(visit: Visit, user: User | None) -> None:
    """Delete a visit logged by mistake (the caller has checked permission): soft, with who
    and when, so an admin can restore it; its plan, if any, is planned again. Commits."""
    visit.soft_delete(user)
    db.session.commit()


def _apply(visit: Visit, data: VisitInput, members: list[Member]) -> None:
    visit.visited_on = data.visited_on
    visit.kind = VisitKind(data.kind)
    visit.people_reached = data.people_reached
    visit.households_reached = data.households_reached
    visit.members_present = members
    visit.topics = (data.topics or "").strip()
    visit.material = (data.material or "").strip()
    visit.questions = (data.questions or "").strip()
    visit.notes = (data.notes or "").strip()
