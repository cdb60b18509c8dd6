"""Creating and changing teams, their members, and the members' farm assignments.

The caller (page or API) has checked that the user is an administrator. The 1–2 farms rule is
a flag (``core.rules``), never a refusal: a third farm is assigned like the first.
"""

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from core.models import Area, AreaKind, Assignment, Farm, Member, Team
from core.services import FieldErrors, clean_phone, clean_text


@dataclass
class TeamInput:
    """What a page or API call submits for a team."""

    name: str
    village_id: int | None
    leader_id: int | None = None
    notes: str = ""


@dataclass
class MemberInput:
    """What a page or API call submits for a member (``team_id``: none for an unattached
    volunteer)."""

    name: str
    team_id: int | None = None
    phone: str = ""
    is_party_member: bool = True
    is_young_official: bool = False
    is_expert: bool = False
    speciality: str = ""


def _check_team(data: TeamInput, team: Team | None) -> tuple[Area, Member | None]:
    """Validate ``data``; the leader must be a live member of ``team`` (so none on creation)."""
    errors: dict[str, list[str]] = {}
    clean_text(errors, "name", data.name, 120, required=True, one_line=True)
    clean_text(errors, "notes", data.notes, 2000)
    village = db.session.get(Area, data.village_id) if data.village_id else None
    if village is None or village.kind != AreaKind.VILLAGE:
        errors["village_id"] = [_("Choose a village.")]
    leader = db.session.get(Member, data.leader_id) if data.leader_id else None
    if data.leader_id and (
        team is None or leader is None or leader.is_deleted or leader.team_id != team.id
    ):
        errors["leader_id"] = [_("Choose the leader among the team's members.")]
    if errors:
        raise FieldErrors(errors)
    return village, leader


def create_team(data: TeamInput) -> Team:
    """Create a team in a village (its leader is chosen once it has members)."""
    village, _leader = _check_team(data, None)
    team = Team(name=data.name.strip(), village=village, notes=(data.notes or "").strip())
    db.session.add(team)
    db.session.commit()
    return team


def update_team(team: Team, data: TeamInput) -> Team:
    """Change a team's name, village, leader or notes."""
    village, leader = _check_team(data, team)
    team.name = data.name.strip()
    team.village = village
    team.leader = leader
    team.notes = (data.notes or "").strip()
    db.session.commit()
    return team


def delete_team(team: Team) -> None:
    """Soft-delete a team: gone from lists and pickers, kept for the visits that name it."""
    team.soft_delete()
    db.session.commit()


def _check_member(data: MemberInput, member: Member | None = None) -> Team | None:
    """Validate ``data``; a new team must be live (keeping a deleted one is allowed). Answers
    the team."""
    errors: dict[str, list[str]] = {}
    clean_text(errors, "name", data.name, 80, required=True)
    clean_phone(errors, "phone", data.phone)
    clean_text(errors, "speciality", data.speciality, 120)
    team = db.session.get(Team, data.team_id) if data.team_id else None
    moves = member is None or data.team_id != member.team_id
    if data.team_id and moves and (team is None or team.is_deleted):
        errors["team_id"] = [_("Choose an existing team.")]
    if errors:
        raise FieldErrors(errors)
    return team


def _apply_member(member: Member, data: MemberInput, team: Team | None) -> None:
    """Write ``data`` to ``member``; a leader who moves to another team (or none) stops leading."""
    old = member.team
    if old is not None and old is not team and old.leader_id == member.id:
        old.leader = None
    member.team = team
    member.name = data.name.strip()
    member.phone = (data.phone or "").strip()
    member.is_party_member = bool(data.is_party_member)
    member.is_young_official = bool(data.is_young_official)
    member.is_expert = bool(data.is_expert)
    member.speciality = (data.speciality or "").strip()


def add_member(data: MemberInput) -> Member:
    """Add a member to the team ``data.team_id`` (or to none)."""
    team = _check_member(data)
    member = Member()
    _apply_member(member, data, team)
    db.session.add(member)
    db.session.commit()
    return member


def update_member(member: Member, data: MemberInput) -> Member:
    """Change a member's details or team."""
    team = _check_member(data, member)
    _apply_member(member, data, team)
    db.session.commit()
    return member


def delete_member(member: Member) -> None:
    """Soft-delete a member; a team led by them is left without a leader."""
    member.soft_delete()
    if member.team is not None and member.team.leader_id == member.id:
        member.team.leader = None
    db.session.commit()


def assign_farm(
    member_id: int | None, farm_id: int | None, since: date | None = None
) -> Assignment:
    """Link a live member to a live farm. A third farm is allowed (and flagged); a repeat is
    not."""
    errors: dict[str, list[str]] = {}
    member = db.session.get(Member, member_id) if member_id else None
    if member is None or member.is_deleted:
        errors["member_id"] = [_("Choose an existing member.")]
    farm = db.session.get(Farm, farm_id) if farm_id else None
    if farm is None or farm.is_deleted:
        errors["farm_id"] = [_("Choose a farm from the list.")]
    if errors:
        raise FieldErrors(errors)
    duplicate = _("%(member)s is already assigned to %(farm)s.", member=member.name, farm=farm.name)
    exists = db.session.execute(
        select(Assignment.id).where(
            Assignment.member_id == member.id, Assignment.farm_id == farm.id
        )
    ).first()
    if exists is not None:
        raise FieldErrors({"farm_id": [duplicate]})
    assignment = Assignment(member=member, farm=farm, since=since)
    db.session.add(assignment)
    try:
        db.session.commit()
    except IntegrityError:  # a concurrent request made the same link
        db.session.rollback()
        raise FieldErrors({"farm_id": [duplicate]}) from None
    return assignment


def update_assignment(assignment: Assignment, since: date | None) -> Assignment:
    """Change the day a member's link to a farm started."""
    assignment.since = since
    db.session.commit()
    return assignment


def remove_assignment(assignment: Assignment) -> None:
    """End a member's link to a farm (visits are unaffected)."""
    db.session.delete(assignment)
    db.session.commit()
