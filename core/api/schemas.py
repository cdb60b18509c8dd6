"""Schemas of the organisation: areas, teams, members, farms and assignments.

Output schemas are named after the resource (``Team``); input schemas end in ``Input``
(POST bodies) and ``Patch`` (PATCH bodies, every field optional).
"""

from marshmallow import Schema, fields, pre_dump, validate

from core import rules
from core.api.common import AreaFilterSchema, TeamFilterSchema, query_id
from core.api.fieldtypes import LocalDateTime, ref, text
from core.models import AreaKind, FarmKind


class RecordSchema(Schema):
    """Fields every stored record has."""

    id = fields.Integer(dump_only=True)
    created_at = LocalDateTime(dump_only=True)
    updated_at = LocalDateTime(dump_only=True)


# --- areas ----------------------------------------------------------------------------------


class AreaSchema(RecordSchema):
    """A county, township or village."""

    name = fields.String()
    kind = fields.Enum(AreaKind, by_value=True)
    parent_id = fields.Integer(allow_none=True)
    path = fields.String(metadata={"description": "Materialized path of ids, e.g. /1/4/27/"})


class AreaInputSchema(Schema):
    """A new area: a county has no parent, a township's parent is a county, a village's a
    township."""

    name = text(120, required=True)
    kind = fields.Enum(AreaKind, by_value=True, required=True)
    parent_id = ref("The enclosing area", allow_none=True, load_default=None)


class AreaPatchSchema(Schema):
    """Renaming an area (its place in the tree does not change)."""

    name = text(120, required=True)


class AreaListArgsSchema(AreaFilterSchema):
    """Filters of the area list."""

    kind = fields.Enum(AreaKind, by_value=True, metadata={"description": "Only areas of this kind"})
    parent = query_id("Only the direct children of this area")


# --- teams ----------------------------------------------------------------------------------


class TeamSchema(RecordSchema):
    """An outreach team with the sources' rules computed (flags are shown, never enforced)."""

    name = fields.String()
    village_id = fields.Integer()
    leader_id = fields.Integer(allow_none=True)
    notes = fields.String()
    size = fields.Integer(attribute="api_flags.size", metadata={"description": "Live members"})
    undersized = fields.Boolean(
        attribute="api_flags.undersized",
        metadata={"description": "Fewer members than MIN_TEAM_SIZE (10)"},
    )
    members_without_farms = fields.List(
        fields.Integer(),
        attribute="api_flags.members_without_farms",
        metadata={"description": "Ids of members linked to no farm"},
    )
    members_over_limit = fields.List(
        fields.Integer(),
        attribute="api_flags.members_over_limit",
        metadata={"description": "Ids of members linked to more than FARMS_PER_MEMBER_MAX farms"},
    )
    stale_farms = fields.List(
        fields.Integer(),
        attribute="api_flags.stale_farms",
        metadata={"description": "Ids of the team's farms not visited for STALE_FARM_DAYS"},
    )

    @pre_dump(pass_collection=True)
    def _attach_flags(self, data, many, **kwargs):
        """Compute the flags of every team dumped at once (a fixed number of queries)."""
        teams = data if many else [data]
        flags = rules.team_flags(team.id for team in teams)
        for team in teams:
            team.api_flags = flags[team.id]
        return data


class TeamInputSchema(Schema):
    """A new team, serving a village."""

    name = text(120, required=True)
    village_id = ref("The village the team serves (an area of kind village)", required=True)
    notes = text(2000)


class TeamPatchSchema(TeamInputSchema):
    """Changes to a team."""

    leader_id = ref("The team member who leads the team; null for none", allow_none=True)


# --- members --------------------------------------------------------------------------------


class MemberSchema(RecordSchema):
    """A volunteer, with the number of farms they are linked to."""

    name = fields.String()
    team_id = fields.Integer(allow_none=True)
    phone = fields.String()
    is_party_member = fields.Boolean()
    is_young_official = fields.Boolean()
    is_expert = fields.Boolean()
    speciality = fields.String()
    farm_count = fields.Integer(
        attribute="api_farm_count", metadata={"description": "Live farms the member is linked to"}
    )
    farm_flag = fields.String(
        attribute="api_farm_flag",
        allow_none=True,
        validate=validate.OneOf(["none", "too_many"]),
        metadata={"description": "'none' without farms, 'too_many' above the maximum, else null"},
    )

    @pre_dump(pass_collection=True)
    def _attach_farm_counts(self, data, many, **kwargs):
        """Count the farms of every member dumped at once (one query)."""
        members = data if many else [data]
        counts = rules.farm_counts(member.id for member in members)
        for member in members:
            member.api_farm_count = counts[member.id]
            member.api_farm_flag = rules.farm_count_flag(counts[member.id])
        return data


class MemberInputSchema(Schema):
    """A new member."""

    name = text(80, required=True)
    team_id = ref("The team; null for an unattached volunteer", allow_none=True)
    phone = text(32)
    is_party_member = fields.Boolean()
    is_young_official = fields.Boolean()
    is_expert = fields.Boolean()
    speciality = text(120)


class MemberPatchSchema(MemberInputSchema):
    """Changes to a member."""


# --- farms ----------------------------------------------------------------------------------


class FarmSchema(RecordSchema):
    """A demonstration farm, with its last visit and whether it is stale."""

    name = fields.String()
    kind = fields.Enum(FarmKind, by_value=True)
    village_id = fields.Integer()
    industry = fields.String()
    contact_name = fields.String()
    contact_phone = fields.String()
    notes = fields.String()
    last_visit_on = fields.Date(attribute="api_last_visit", allow_none=True)
    stale = fields.Boolean(
        attribute="api_stale", metadata={"description": "Not visited for STALE_FARM_DAYS (90)"}
    )

    @pre_dump(pass_collection=True)
    def _attach_last_visits(self, data, many, **kwargs):
        """Find the last visit of every farm dumped at once (one query)."""
        farms = data if many else [data]
        last = rules.last_visits(farm.id for farm in farms)
        for farm in farms:
            farm.api_last_visit = last[farm.id]
            farm.api_stale = rules.is_stale(last[farm.id])
        return data


class FarmInputSchema(Schema):
    """A new farm."""

    name = text(120, required=True)
    kind = fields.Enum(FarmKind, by_value=True, required=True)
    village_id = ref("The village the farm lies in (an area of kind village)", required=True)
    industry = text(80)
    contact_name = text(80)
    contact_phone = text(32)
    notes = text(2000)


class FarmPatchSchema(FarmInputSchema):
    """Changes to a farm."""


class FarmListArgsSchema(TeamFilterSchema):
    """Filters of the farm list (``team``: farms linked to the team's members)."""

    kind = fields.Enum(FarmKind, by_value=True, metadata={"description": "Only farms of this kind"})


# --- assignments ----------------------------------------------------------------------------


class AssignmentSchema(RecordSchema):
    """A member's standing link to a farm."""

    member_id = fields.Integer()
    farm_id = fields.Integer()
    since = fields.Date(allow_none=True)


class AssignmentInputSchema(Schema):
    """A new link of a member to a farm (1–2 farms per member is shown as a flag, not
    enforced)."""

    member_id = ref("The member", required=True)
    farm_id = ref("The farm", required=True)
    since = fields.Date(allow_none=True)


class AssignmentPatchSchema(Schema):
    """Changes to a link: only its start day."""

    since = fields.Date(allow_none=True)


class AssignmentListArgsSchema(TeamFilterSchema):
    """Filters of the assignment list (``area``: the farm's village; ``team``: the member's)."""

    member = query_id("Only links of this member")
    farm = query_id("Only links to this farm")
