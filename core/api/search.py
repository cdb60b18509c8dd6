"""/api/v1/search: the search box of the pages, as JSON.

The same service and scopes as the page (``core.services.search``): each group holds the
number of all matches (``total``) and the first ``GROUP_LIMIT`` of them.
"""

from flask.views import MethodView
from flask_smorest import abort as smorest_abort
from marshmallow import Schema, fields, validate
from webargs.fields import DelimitedList

from core.api.common import COLLECTION, api_blueprint, caller, documents
from core.api.fieldtypes import LocalDateTime
from core.models import EventStatus, FarmKind, VisitKind
from core.services import FieldErrors
from core.services.search import GROUP_LIMIT, HINT, MAX_QUERY, TYPES, search

blp = api_blueprint(
    "api_search",
    __name__,
    "One search over the teams, members, farms, visits and events the caller may read.",
)


class SearchArgsSchema(Schema):
    """What to search for, and in which kinds of record."""

    q = fields.String(
        required=True,
        metadata={
            "description": f"Text to find (1 to {MAX_QUERY} characters after trimming; case "
            "is ignored, % and _ are literal). Blank: no results and a hint"
        },
    )
    types = DelimitedList(
        fields.String(validate=validate.OneOf(TYPES)),
        load_default=list(TYPES),
        metadata={"description": "Comma-separated kinds to search: " + ", ".join(TYPES)},
    )


class TeamHitSchema(Schema):
    """A team found by its name, or its village's or township's."""

    id = fields.Integer()
    name = fields.String()
    village = fields.String()
    township = fields.String(allow_none=True)


class MemberHitSchema(Schema):
    """A member found by name, speciality or phone."""

    id = fields.Integer()
    name = fields.String()
    speciality = fields.String()
    phone = fields.String(
        allow_none=True, metadata={"description": "Null where the caller may not see phones"}
    )
    team_id = fields.Integer(allow_none=True)
    team = fields.String(allow_none=True, metadata={"description": "The team's name"})


class FarmHitSchema(Schema):
    """A farm found by name, contact (owner) or industry (crop)."""

    id = fields.Integer()
    name = fields.String()
    kind = fields.Enum(FarmKind, by_value=True)
    industry = fields.String()
    contact_name = fields.String()
    village = fields.String()


class VisitHitSchema(Schema):
    """A visit found by its topics, notes, material or questions."""

    id = fields.Integer()
    visited_on = fields.Date()
    kind = fields.Enum(VisitKind, by_value=True)
    team_id = fields.Integer()
    team = fields.String(metadata={"description": "The team's name"})
    farm_id = fields.Integer()
    farm = fields.String(metadata={"description": "The farm's name"})
    excerpt = fields.String(metadata={"description": "The text around the first match"})


class EventHitSchema(Schema):
    """An event found by title or place."""

    id = fields.Integer()
    title = fields.String()
    place = fields.String()
    starts_at = LocalDateTime()
    all_day = fields.Boolean()
    status = fields.Enum(EventStatus, by_value=True)


def _group(hit: type[Schema], what: str) -> fields.Nested:
    """The schema of one group: its total and first rows."""
    group = Schema.from_dict(
        {
            "total": fields.Integer(metadata={"description": f"Every {what} that matches"}),
            "items": fields.List(
                fields.Nested(hit), metadata={"description": f"The first {GROUP_LIMIT}"}
            ),
        },
        name=f"{hit.__name__.removesuffix('HitSchema')}GroupSchema",
    )
    return fields.Nested(group, metadata={"description": f"Present when {what}s are searched"})


class GroupsSchema(Schema):
    """The groups searched, by kind."""

    teams = _group(TeamHitSchema, "team")
    members = _group(MemberHitSchema, "member")
    farms = _group(FarmHitSchema, "farm")
    visits = _group(VisitHitSchema, "visit")
    events = _group(EventHitSchema, "event")


class SearchResultSchema(Schema):
    """What a search found."""

    query = fields.String(metadata={"description": "The text searched for, trimmed"})
    total = fields.Integer(metadata={"description": "Matches of every group"})
    hint = fields.String(
        allow_none=True, metadata={"description": "What to type, when the query was blank"}
    )
    groups = fields.Nested(GroupsSchema)


@blp.route(COLLECTION, strict_slashes=False)
class Search(MethodView):
    """The search."""

    @blp.arguments(SearchArgsSchema, location="query")
    @blp.response(200, SearchResultSchema)
    @documents(blp, 401)
    def get(self, args):
        """Search

        Teams (name, village, township), members (name, speciality, phone), farms (name,
        contact, industry), visits (topics, notes, material, questions) and events (title,
        place) the caller may read; deleted records never. Too long a query answers 422.
        """
        try:
            results = search(caller(), args["q"], args["types"])
        except FieldErrors as exc:
            smorest_abort(422, messages={"query": exc.errors})
        return {
            "query": results.query,
            "total": results.total,
            "hint": None if results.query else str(HINT),
            "groups": results.groups,
        }
