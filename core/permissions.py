"""Who may read and write what. Every view and API call goes through these functions.

- admin: everything;
- reviewer: reads everything inside one area subtree;
- leader: reads their team, writes the visits and events of their own team;
- member: reads their team and the public events.
"""

from flask import abort
from sqlalchemy import ColumnElement, false, or_, select, true

from core.extensions import db
from core.models import Area, Assignment, Event, Farm, Member, Role, Team, User, Visit, VisitPlan


def _subtree_ids(user: User):
    """A subquery of the ids of the areas inside a reviewer's area."""
    if user.area is None:
        return None
    return select(Area.id).where(Area.path.startswith(user.area.path)).scalar_subquery()


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
    """Admins edit any event; a leader edits the events their team organises."""
    if is_admin(user):
        return True
    return any(can_write_team_records(user, team.id) for team in event.teams)


def can_log_visits(user: User) -> bool:
    """True for users who may log visits at all (admins, leaders of a team)."""
    return is_admin(user) or (user.role == Role.LEADER and user.team_id is not None)


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
    obj = db.session.get(model, ident)
    if obj is None or getattr(obj, "deleted_at", None) is not None:
        abort(404)
    visible = db.session.execute(select(model.id).where(model.id == obj.id, scope)).first()
    if visible is None:
        abort(403)
    return obj
