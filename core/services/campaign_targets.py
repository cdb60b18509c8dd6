"""Setting a township's targets for a campaign, and which townships a user sees them for."""

from collections.abc import Mapping

from flask_babel import gettext as _
from sqlalchemy import select

from core.extensions import db
from core.models import Area, AreaKind, Campaign, CampaignTarget, Role, User
from core.models.targets import EVENT_COLUMNS
from core.services import FieldErrors

#: the figures a target holds, in the order pages and the API show them
TARGET_FIELDS = (*EVENT_COLUMNS.values(), "visits", "people_reached")
#: the largest target accepted for events (per venue) and for visits and people
MAX_EVENTS, MAX_VISITS, MAX_PEOPLE = 1_000, 100_000, 10_000_000


def limit_of(name: str) -> int:
    """The largest value accepted for the target figure ``name``."""
    if name == "visits":
        return MAX_VISITS
    if name == "people_reached":
        return MAX_PEOPLE
    return MAX_EVENTS


def out_of_range_message(name: str) -> str:
    """The message for a target figure that is not a whole number in range."""
    return _("Enter a whole number from 0 to %(max)s.", max=limit_of(name))


def townships_for(user: User) -> list[Area]:
    """The townships whose targets ``user`` sees, by name: every one for an admin, those in
    (or around) a reviewer's area, and for a leader or member their team's township."""
    query = select(Area).where(Area.kind == AreaKind.TOWNSHIP).order_by(Area.name, Area.id)
    if user.role == Role.ADMIN:
        return list(db.session.scalars(query))
    if user.role == Role.REVIEWER:
        area = user.area
    else:
        area = user.team.village if user.team is not None else None
    if area is None:
        return []
    if area.kind == AreaKind.VILLAGE:  # a village's own township, read-only
        area = area.parent
        if area is None:
            return []
    return list(db.session.scalars(query.where(Area.in_subtree_of(area))))


def set_target(campaign: Campaign, area: Area, values: Mapping[str, object]) -> CampaignTarget:
    """Store the targets of township ``area`` for ``campaign`` (figures left out: 0, no
    target). The caller checked ``may_set_targets``. Raises ``FieldErrors`` for an area that
    is not a township or a figure that is not a whole number from 0 to its maximum."""
    errors: dict[str, list[str]] = {}
    if area.kind != AreaKind.TOWNSHIP:
        errors["area_id"] = [_("Targets are set for a township.")]
    clean: dict[str, int] = {}
    for name in TARGET_FIELDS:
        value = values.get(name, 0)
        if value is None or value == "":
            value = 0
        whole = isinstance(value, int) and not isinstance(value, bool)
        if not whole or not 0 <= value <= limit_of(name):
            errors[name] = [out_of_range_message(name)]
        else:
            clean[name] = value
    if errors:
        raise FieldErrors(errors)
    target = db.session.scalars(
        select(CampaignTarget).where(
            CampaignTarget.campaign_id == campaign.id, CampaignTarget.area_id == area.id
        )
    ).first()
    if target is None:
        target = CampaignTarget(campaign=campaign, area=area)
        db.session.add(target)
    for name, value in clean.items():
        setattr(target, name, value)
    db.session.commit()
    return target
