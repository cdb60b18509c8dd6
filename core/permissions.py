"""Who may read and write what: every scope and ``may_*`` / ``can_*`` check of the core.

Views, the API, services and jobs all go through these functions.

- admin: everything;
- reviewer: reads everything inside one area subtree, and records inspections, assessments,
  rectification items and bulletins there;
- leader: reads their team, writes the visits and events of their own team;
- member: reads their team and the public events.

Inspections and rectification items are about a *unit*: a village, and maybe one of its teams.
Besides reviewers, the leader and members of a team read their team's, and those of their
team's village as a whole (an inspection is not secret from the unit inspected).
"""

from flask import abort
from sqlalchemy import ColumnElement, and_, case, extract, false, or_, select, true
from sqlalchemy.orm import aliased

from core.extensions import db
from core.models import (
    AnnualAssessment,
    Area,
    AreaKind,
    AssessmentResult,
    AssessmentStatus,
    Assignment,
    Bulletin,
    Event,
    Farm,
    Inspection,
    Member,
    Outcome,
    Rectification,
    RectificationStatus,
    Role,
    Team,
    User,
    Visit,
    VisitPlan,
)


def _subtree_ids(user: User):
    """A subquery of the ids of the areas inside a reviewer's area."""
    if user.area is None:
        return None
    return Area.subtree_ids(user.area).scalar_subquery()


def team_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on ``Team`` selecting the teams ``user`` may read."""
    if user.role == Role.ADMIN:
        return true()
    if user.role == Role.REVIEWER:
        ids = _subtree_ids(user)
        return false() if ids is None else Team.village_id.in_(ids)
    return false() if user.team_id is None else Team.id == user.team_id


def _team_ids(user: User):
    return select(Team.id).where(team_scope(user)).scalar_subquery()


def member_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on ``Member`` selecting the members ``user`` may read."""
    if user.role == Role.ADMIN:
        return true()
    return Member.team_id.in_(_team_ids(user))


def farm_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on ``Farm``: a reviewer's subtree, or a team's village and assigned farms."""
    if user.role == Role.ADMIN:
        return true()
    if user.role == Role.REVIEWER:
        ids = _subtree_ids(user)
        return false() if ids is None else Farm.village_id.in_(ids)
    if user.team is None:
        return false()
    assigned = (
        select(Assignment.farm_id)
        .join(Member, Member.id == Assignment.member_id)
        .where(Member.team_id == user.team_id)
        .scalar_subquery()
    )
    return or_(Farm.village_id == user.team.village_id, Farm.id.in_(assigned))


def visit_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on ``Visit`` selecting the visits ``user`` may read."""
    if user.role == Role.ADMIN:
        return true()
    return Visit.team_id.in_(_team_ids(user))


def member_phone_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on ``Member``: the members whose phone ``user`` may see (and search by).

    The team page and the API show a member's phone to everyone who reads the member (the
    leader's contact list, the reviewer's calls), so this is ``member_scope``: the one place
    to narrow should phones ever be shown to fewer roles.
    """
    return member_scope(user)


def plan_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on ``VisitPlan``: the plans of the teams ``user`` may read (as visits)."""
    if user.role == Role.ADMIN:
        return true()
    return VisitPlan.team_id.in_(_team_ids(user))


def assignment_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on ``Assignment``: the links of the members ``user`` may read."""
    if user.role == Role.ADMIN:
        return true()
    return Assignment.member_id.in_(select(Member.id).where(member_scope(user)))


def area_scope(user: User) -> ColumnElement[bool]:
    """Area names are public to every signed-in user."""
    return true()


def event_scope(user: User) -> ColumnElement[bool]:
    """Outreach events are public: every signed-in user reads them."""
    return true()


def campaign_scope(user: User) -> ColumnElement[bool]:
    """Campaigns are public: every signed-in user reads them."""
    return true()


def is_admin(user: User) -> bool:
    """True for administrators."""
    return user.is_authenticated and user.role == Role.ADMIN


def can_write_team_records(user: User, team_id: int | None) -> bool:
    """True when ``user`` may log visits and events for the team ``team_id``."""
    if not user.is_authenticated:
        return False
    if user.role == Role.ADMIN:
        return True
    return user.role == Role.LEADER and team_id is not None and team_id == user.team_id


def can_edit_event(user: User, event: Event) -> bool:
    """Admins edit any event; a leader edits the events their team organises; a reviewer
    those whose organising teams all lie inside their area (:func:`may_organise_for`)."""
    if is_admin(user):
        return True
    if user.is_authenticated and user.role == Role.REVIEWER:
        return bool(event.teams) and all(may_organise_for(user, team) for team in event.teams)
    return any(can_write_team_records(user, team.id) for team in event.teams)


def can_write_some_team_records(user: User) -> bool:
    """True for admins and the leaders of a team: they log and plan visits and create events
    (``can_write_team_records`` then decides for each team)."""
    return is_admin(user) or (user.role == Role.LEADER and user.team_id is not None)


def may_create_events(user: User) -> bool:
    """True for those who create outreach events: admins, the leaders of a team, and the
    reviewers who have an area (for the teams inside it, :func:`may_organise_for`)."""
    if not user.is_authenticated:
        return False
    if user.role == Role.REVIEWER:
        return user.area is not None
    return can_write_some_team_records(user)


def may_organise_for(user: User, team: Team) -> bool:
    """True when a reviewer may name ``team`` among an event's organisers: its village lies
    inside their area. (Admins name any team; leaders follow their own township rule.)"""
    if is_admin(user):
        return True
    if not user.is_authenticated or user.role != Role.REVIEWER or user.area is None:
        return False
    return team.village is not None and user.area.contains(team.village)


def may_open_module(user: User) -> bool:
    """True when ``user`` may open a module (a plugin) at all: admins, reviewers with an area,
    and the leaders and members of a team; the module's own scopes decide what they read."""
    if not user.is_authenticated:
        return False
    if user.role == Role.ADMIN:
        return True
    if user.role == Role.REVIEWER:
        return user.area is not None
    return user.team_id is not None


# --- the review, inspections, assessments, rectifications and bulletins ----------------------


def may_review(user: User) -> bool:
    """True for admins and for reviewers who have an area: they open the review and record
    inspections, assessments, rectification items and bulletins."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.role == Role.ADMIN or (user.role == Role.REVIEWER and user.area is not None)


def may_review_area(user: User, area: Area | None) -> bool:
    """True when ``user`` reviews ``area``: admins anywhere, reviewers inside their subtree."""
    if area is None or not may_review(user):
        return False
    return user.role == Role.ADMIN or user.area.contains(area)


def may_assess(user: User, area: Area | None) -> bool:
    """Admins assess any township or county; a reviewer those inside their area subtree."""
    return (
        area is not None
        and area.kind in (AreaKind.COUNTY, AreaKind.TOWNSHIP)
        and may_review_area(user, area)
    )


def may_set_targets(user: User, area: Area | None) -> bool:
    """Admins set the campaign targets of any township; a reviewer those of the townships
    inside their area (a township reviewer their own, a county reviewer the county's)."""
    return area is not None and area.kind == AreaKind.TOWNSHIP and may_review_area(user, area)


def unit_scope(user: User, village_column, team_column) -> ColumnElement[bool]:
    """A WHERE clause keeping the records of units (a village and maybe a team) ``user`` reads."""
    if user.role == Role.ADMIN:
        return true()
    if user.role == Role.REVIEWER:
        ids = _subtree_ids(user)
        return false() if ids is None else village_column.in_(ids)
    if user.team is None:
        return false()
    return or_(
        team_column == user.team_id,
        and_(team_column.is_(None), village_column == user.team.village_id),
    )


def inspection_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on ``Inspection``: the inspections ``user`` may read."""
    return unit_scope(user, Inspection.village_id, Inspection.team_id)


def rectification_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on ``Rectification``: the items ``user`` may read."""
    return unit_scope(user, Rectification.village_id, Rectification.team_id)


def may_report_rectification(user: User, item: Rectification) -> bool:
    """True for the leader of the unit an item concerns: of its team, or, for a village as a
    whole, of any team of that village. They report its progress; members only read it."""
    if not getattr(user, "is_authenticated", False) or user.role != Role.LEADER:
        return False
    if user.team is None or user.team.deleted_at is not None:
        return False
    if item.team_id is not None:
        return user.team_id == item.team_id
    return user.team.village_id == item.village_id


def bulletin_scope(user: User) -> ColumnElement[bool]:
    """A WHERE clause on ``Bulletin``: admins read all, reviewers those of their subtree, and
    the leader and members of a team the bulletins that name their team or its village
    (:func:`bulletin_names`): a bulletin is circulated to the units it speaks of."""
    if user.role == Role.ADMIN:
        return true()
    if user.role == Role.REVIEWER:
        ids = _subtree_ids(user)
        return false() if ids is None else Bulletin.area_id.in_(ids)
    if user.team is None:
        return false()
    return bulletin_names(user.team_id, user.team.village_id)


def bulletin_names(team_id, village_id) -> ColumnElement[bool]:
    """A WHERE clause on ``Bulletin`` (correlated EXISTS subqueries): true when the bulletin
    names the team ``team_id``, or its village ``village_id`` as a whole, in a table that
    speaks of it, with the rules of :mod:`core.bulletin.content`: a commendation or criticism
    of a confirmed assessment of its area and years, a rectification item open or due in its
    period, an inspection of its period. The figures table lists every team of the area and
    names none in particular. Both arguments may be values or columns (then correlated too)."""
    issuer, village, assessed = aliased(Area), aliased(Area), aliased(Area)
    inside = (
        select(village.id)
        .where(
            village.id == village_id,
            issuer.id == Bulletin.area_id,
            village.path.startswith(issuer.path),
        )
        .exists()
    )
    decided = (
        select(AssessmentResult.id)
        .join(AnnualAssessment, AnnualAssessment.id == AssessmentResult.assessment_id)
        .join(assessed, assessed.id == AnnualAssessment.area_id)
        .where(
            AssessmentResult.team_id == team_id,
            AssessmentResult.outcome.in_([Outcome.COMMEND, Outcome.CRITICISE]),
            AnnualAssessment.status == AssessmentStatus.CONFIRMED,
            AnnualAssessment.year >= extract("year", Bulletin.starts_on),
            AnnualAssessment.year <= extract("year", Bulletin.ends_on),
            issuer.id == Bulletin.area_id,
            assessed.path.startswith(issuer.path),
        )
        .exists()
    )

    def unit(model):
        """The item is about the team, or about its village as a whole."""
        return or_(
            model.team_id == team_id,
            and_(model.team_id.is_(None), model.village_id == village_id),
        )

    rectified = (
        select(Rectification.id)
        .where(
            unit(Rectification),
            or_(
                Rectification.status == RectificationStatus.OPEN,
                Rectification.deadline.between(Bulletin.starts_on, Bulletin.ends_on),
            ),
        )
        .exists()
    )
    inspected = (
        select(Inspection.id)
        .where(
            unit(Inspection),
            Inspection.inspected_on.between(Bulletin.starts_on, Bulletin.ends_on),
        )
        .exists()
    )
    return and_(inside, or_(decided, rectified, inspected))


# --- the roster workbook --------------------------------------------------------------------


def may_manage_roster(user: User) -> bool:
    """True for those who take in and give back roster workbooks: admins, and reviewers who
    have an area (for that area only, :func:`may_manage_roster_of`)."""
    return may_review(user)


def may_manage_roster_of(user: User, area: Area | None) -> bool:
    """True when ``user`` may export or import the roster of ``area`` (a county or township):
    admins anywhere, reviewers inside their area; the same rule as :func:`may_assess`, kept
    under its own name so the two may differ."""
    return may_assess(user, area)


# --- answering 403 and 404 ----------------------------------------------------------------


def require(condition: bool) -> None:
    """Answer 403 unless ``condition`` holds."""
    if not condition:
        abort(403)


def require_admin(user: User) -> None:
    """Answer 403 unless ``user`` is an administrator."""
    require(is_admin(user))


def get_readable_or_404(model, ident, scope: ColumnElement[bool]):
    """Load ``model`` by id: 404 when it does not exist (or is deleted), 403 when out of scope."""
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        abort(404)
    # one query: the row, and whether the scope selects it
    row = db.session.execute(
        select(model, case((scope, True), else_=False)).where(model.id == ident)
    ).first()
    if row is None or getattr(row[0], "deleted_at", None) is not None:
        abort(404)
    if not row[1]:
        abort(403)
    return row[0]
