"""Issuing bulletins: who may, and the number each one gets."""

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from core import rules
from core.audit.position import stamp_position
from core.extensions import db
from core.models import Area, AreaKind, Bulletin, Role, Team, User
from core.notify.inbox import notify, path_for
from core.permissions import bulletin_names, may_review_area
from core.services import FieldErrors
from core.services.assessments import Provenance, provenance

#: the days a bulletin's period may name
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
#: the longest period a bulletin covers
MAX_DAYS = 3 * 366


def issuing_areas(user: User) -> list[Area]:
    """The county and townships ``user`` may issue bulletins for, widest first."""
    rows = db.session.scalars(
        select(Area)
        .where(Area.kind.in_([AreaKind.COUNTY, AreaKind.TOWNSHIP]))
        .order_by(Area.path, Area.id)
    )
    return [a for a in rows if may_review_area(user, a)]


def issue_bulletin(
    user: User, area_id: int | None, start: date | None, end: date | None
) -> Bulletin:
    """Issue the next bulletin of the area's year for the period ``start``..``end``. Commits.

    The number counts the bulletins of the area issued in the same year, from 1. The bulletin
    keeps the trail's position (``audit_position``) at its issue.
    """
    errors: dict[str, list[str]] = {}
    area = db.session.get(Area, area_id) if area_id else None
    if (
        area is None
        or area.kind not in (AreaKind.COUNTY, AreaKind.TOWNSHIP)
        or not may_review_area(user, area)
    ):
        errors["area_id"] = [_("Choose the county or a township inside your area.")]
    for name, day in (("starts_on", start), ("ends_on", end)):
        if day is None:
            errors[name] = [_("Enter a date as YYYY-MM-DD.")]
        elif not FIRST_DAY <= day <= LAST_DAY:
            errors[name] = [_("Enter a date between 2000 and 2100.")]
    if not errors and end < start:
        errors["ends_on"] = [_("The end date must not be before the start date.")]
    elif not errors and (end - start).days >= MAX_DAYS:
        errors["ends_on"] = [_("Choose a period of at most %(days)s days.", days=MAX_DAYS)]
    if errors:
        raise FieldErrors(errors)
    issued_on = rules.today()
    for _attempt in range(3):  # a concurrent issue may take the number first
        number = 1 + (
            db.session.scalar(
                select(func.max(Bulletin.number)).where(
                    Bulletin.area_id == area.id, Bulletin.year == issued_on.year
                )
            )
            or 0
        )
        bulletin = Bulletin(
            area=area,
            starts_on=start,
            ends_on=end,
            issued_on=issued_on,
            year=issued_on.year,
            number=number,
            issued_by=user,
        )
        db.session.add(bulletin)
        try:
            db.session.flush()
        except IntegrityError:
            db.session.rollback()
            continue
        stamp_position(bulletin)
        db.session.commit()
        tell_named(bulletin)
        return bulletin
    raise FieldErrors(
        {"area_id": [_("Another bulletin was issued at the same time. Please try again.")]}
    )


def named_users(bulletin: Bulletin) -> list[User]:
    """The active leaders and members of the teams ``bulletin`` names, or of the teams of a
    village it names (:func:`~core.permissions.bulletin_names`), in one query."""
    return list(
        db.session.scalars(
            select(User)
            .join(Team, Team.id == User.team_id)
            .join(Bulletin, Bulletin.id == bulletin.id)
            .where(
                User.role.in_([Role.LEADER, Role.MEMBER]),
                User.active.is_(True),
                bulletin_names(Team.id, Team.village_id),
            )
            .order_by(User.id)
        )
    )


def tell_named(bulletin: Bulletin) -> int:
    """Put a notification in the inbox of each user :func:`named_users` finds, once per
    bulletin (a second call notifies nobody). Commits; how many were notified."""
    return notify(
        named_users(bulletin),
        lambda user: _("A bulletin names your team: %(number)s", number=number_text(bulletin)),
        _l("Open it from the link; it is also listed under bulletins about your team."),
        url=path_for("bulletins.document", bulletin_id=bulletin.id),
        key=f"bulletin-issued:{bulletin.id}",
    )


def number_text(bulletin: Bulletin) -> str:
    """The bulletin's reference, e.g. 永阳镇督查通报〔2026〕3号, in the current language."""
    return _(
        "%(area)s inspection bulletin [%(year)s] No. %(number)s",
        area=bulletin.area.name,
        year=bulletin.year,
        number=bulletin.number,
    )


def bulletin_provenance(bulletin: Bulletin) -> Provenance:
    """The trail's position at the bulletin's issue and the changes to its area's records
    made since (one query)."""
    return provenance(bulletin.audit_position, bulletin.area, bulletin.issued_on)
