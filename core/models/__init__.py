"""Kepu's core models, one module per aggregate."""

from core.models.areas import Area
from core.models.base import Base, utcnow
from core.models.enums import (
    AreaKind,
    CampaignKind,
    EventStatus,
    FarmKind,
    Role,
    VenueKind,
    VisitKind,
)
from core.models.events import Campaign, Event, event_teams
from core.models.farms import Assignment, Farm
from core.models.plugin_state import PluginState
from core.models.teams import Member, Team
from core.models.users import ApiToken, User
from core.models.visits import Visit, visit_members

__all__ = [
    "ApiToken", "Area", "AreaKind", "Assignment", "Base", "Campaign", "CampaignKind", "Event",
    "EventStatus", "Farm", "FarmKind", "Member", "PluginState", "Role", "Team", "User",
    "VenueKind", "Visit", "VisitKind", "event_teams", "utcnow", "visit_members",
]
