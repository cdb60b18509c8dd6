"""Kepu's core models, one module per aggregate."""

from core.models.areas import Area
from core.models.assessments import (
    AnnualAssessment,
    AssessmentResult,
    AssessmentStatus,
    Direction,
    ManualScore,
    Outcome,
    RubricCriterion,
)
from core.models.audit import AuditEvent
from core.models.base import Base, utcnow
from core.models.bulletins import Bulletin
from core.models.calendar import CalendarCache, CalendarFeed
from core.models.enums import (
    AreaKind,
    CampaignKind,
    EventStatus,
    FarmKind,
    PlanStatus,
    Role,
    VenueKind,
    VisitKind,
)
from core.models.events import Campaign, Event, event_teams
from core.models.farms import Assignment, Farm
from core.models.inspections import Inspection, InspectionKind, InspectionPhoto
from core.models.jobs import JobOutcome, JobRun, RunSource, SchedulerLease
from core.models.notifications import Notification
from core.models.plans import VisitPlan, visit_plan_members
from core.models.plugin_state import PluginState
from core.models.rectifications import (
    Rectification,
    RectificationPhoto,
    RectificationStatus,
    RectificationStep,
    StepKind,
)
from core.models.targets import CampaignTarget
from core.models.teams import Member, Team
from core.models.users import ApiToken, PasswordReset, User
from core.models.visits import Visit, VisitPhoto, visit_members

__all__ = [
    "ApiToken",
    "AuditEvent",
    "Area",
    "AreaKind",
    "Assignment",
    "Base",
    "CalendarCache",
    "CalendarFeed",
    "Campaign",
    "CampaignKind",
    "Event",
    "EventStatus",
    "Farm",
    "FarmKind",
    "Member",
    "PluginState",
    "Role",
    "Team",
    "User",
    "VenueKind",
    "Visit",
    "VisitPhoto",
    "VisitKind",
    "event_teams",
    "utcnow",
    "visit_members",
    "JobOutcome",
    "JobRun",
    "Notification",
    "PasswordReset",
    "RunSource",
    "SchedulerLease",
    "PlanStatus",
    "VisitPlan",
    "visit_plan_members",
    "AnnualAssessment",
    "AssessmentResult",
    "AssessmentStatus",
    "Bulletin",
    "Direction",
    "RubricCriterion",
    "Inspection",
    "InspectionKind",
    "InspectionPhoto",
    "ManualScore",
    "Outcome",
    "Rectification",
    "RectificationStatus",
    "RectificationPhoto",
    "RectificationStep",
    "StepKind",
    "CampaignTarget",
]
