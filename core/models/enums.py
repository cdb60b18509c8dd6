"""Enumerations of the domain, stored by value, with labels for the UI."""

from enum import StrEnum

from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy import Enum


class AreaKind(StrEnum):
    """Levels of the administrative tree."""

    COUNTY = "county"
    TOWNSHIP = "township"
    VILLAGE = "village"


class FarmKind(StrEnum):
    """Kinds of demonstration farm (特色产业基地、种养殖大户、农业龙头企业)."""

    INDUSTRY_BASE = "industry_base"
    LARGE_GROWER = "large_grower"
    LEADING_ENTERPRISE = "leading_enterprise"


class VisitKind(StrEnum):
    """What happens on a visit."""

    PARTY_EDUCATION = "party_education"
    POLICY_STUDY = "policy_study"
    TECHNICAL_TRAINING = "technical_training"
    ONSITE_GUIDANCE = "onsite_guidance"
    LECTURE = "lecture"


class CampaignKind(StrEnum):
    """The yearly outreach campaigns."""

    OUTREACH_MONTH = "outreach_month"
    ST_WEEK = "st_week"
    SCIENCE_DAY = "science_day"
    OTHER = "other"


class VenueKind(StrEnum):
    """The five venues (五进)."""

    VILLAGE = "village"
    MARKET_TOWN = "market_town"
    SCHOOL = "school"
    GOVERNMENT = "government"
    ENTERPRISE = "enterprise"


class EventStatus(StrEnum):
    """Whether an event goes ahead."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


class PlanStatus(StrEnum):
    """Where a visit plan stands: ahead, turned into a logged visit, or called off."""

    PLANNED = "planned"
    DONE = "done"
    CANCELLED = "cancelled"


class Role(StrEnum):
    """What a user may do (see ``core.permissions``)."""

    ADMIN = "admin"
    REVIEWER = "reviewer"
    LEADER = "leader"
    MEMBER = "member"
    #: an agricultural expert of the expert desk: sees only the questions routed to them
    EXPERT = "expert"


#: (enum class, member) -> label; keyed by class too, because AreaKind.VILLAGE and
#: VenueKind.VILLAGE share the value "village" and would collide as plain keys.
_LABELLED = [
    (AreaKind.COUNTY, _l("County")),
    (AreaKind.TOWNSHIP, _l("Township")),
    (AreaKind.VILLAGE, _l("Village")),
    (FarmKind.INDUSTRY_BASE, _l("Industry base")),
    (FarmKind.LARGE_GROWER, _l("Large grower/breeder")),
    (FarmKind.LEADING_ENTERPRISE, _l("Leading agricultural enterprise")),
    (VisitKind.PARTY_EDUCATION, _l("Party-spirit education")),
    (VisitKind.POLICY_STUDY, _l("Policy study")),
    (VisitKind.TECHNICAL_TRAINING, _l("Technical training")),
    (VisitKind.ONSITE_GUIDANCE, _l("On-site guidance")),
    (VisitKind.LECTURE, _l("Lecture")),
    (CampaignKind.OUTREACH_MONTH, _l("Science Outreach Month")),
    (CampaignKind.ST_WEEK, _l("Science and Technology Week")),
    (CampaignKind.SCIENCE_DAY, _l("National Science Day")),
    (CampaignKind.OTHER, _l("Other campaign")),
    # context "venue": as a venue, "Village" is 进农村 (the area kind is 村)
    (VenueKind.VILLAGE, lazy_pgettext("venue", "Village")),
    (VenueKind.MARKET_TOWN, lazy_pgettext("venue", "Market town")),
    (VenueKind.SCHOOL, lazy_pgettext("venue", "School")),
    (VenueKind.GOVERNMENT, lazy_pgettext("venue", "Government office")),
    (VenueKind.ENTERPRISE, lazy_pgettext("venue", "Enterprise")),
    (EventStatus.SCHEDULED, _l("Scheduled")),
    (EventStatus.CANCELLED, _l("Cancelled")),
    # context "plan": a plan's status (待走访 / 已走访), not a generic "planned" or "done"
    (PlanStatus.PLANNED, lazy_pgettext("plan", "Planned")),
    (PlanStatus.DONE, lazy_pgettext("plan", "Done")),
    (PlanStatus.CANCELLED, _l("Cancelled")),
    (Role.ADMIN, _l("Administrator")),
    (Role.REVIEWER, _l("Reviewer")),
    (Role.LEADER, _l("Team leader")),
    (Role.MEMBER, _l("Member")),
    # context "role": the expert desk's login role, 农科专家
    (Role.EXPERT, lazy_pgettext("role", "Agricultural expert")),
]
LABELS = {(type(member), member): text for member, text in _LABELLED}


def lazy_label(value: StrEnum):
    """The label of an enum member, translated when it is rendered (safe at import time)."""
    return LABELS.get((type(value), value), value)


def label(value: StrEnum) -> str:
    """The translated label of an enum member, in the current language."""
    return str(lazy_label(value))


def choices(enum_cls: type[StrEnum]) -> list[tuple[str, str]]:
    """(value, label) pairs for a select field."""
    return [(m.value, lazy_label(m)) for m in enum_cls]


def db_enum(enum_cls: type[StrEnum]) -> Enum:
    """A portable column type that stores the member's value (no native ENUM type)."""
    return Enum(
        enum_cls,
        native_enum=False,
        length=32,
        values_callable=lambda e: [m.value for m in e],
        validate_strings=True,
        name=enum_cls.__name__.lower(),
    )
