"""/api/v1/review: the township review's figures, as on the review page.

Reviewers read the areas of their subtree, admins every area; other roles get 403. The
period is ``period`` (2026, 2026-Q2, 2026-05) or ``from``/``to`` days (at most
``REVIEW_MAX_DAYS``); without either, the current year.
"""

from flask import abort
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import abort as smorest_abort
from marshmallow import Schema, fields

from core.api.common import COLLECTION, api_blueprint, caller, documents, query_id
from core.extensions import db
from core.models import Area, VisitKind
from core.permissions import may_review, may_review_area
from core.review.access import default_area
from core.review.periods import PeriodError, parse_period
from core.review.report import Review, build

blp = api_blueprint(
    "api_review",
    __name__,
    "The township review: per team and per area figures of a period, events per campaign "
    "and venue, visits per month, and each enabled module's section. Reviewers and admins.",
)


class ReviewArgsSchema(Schema):
    """Which area and period."""

    area = query_id(
        "The area to review (county, township or village); default: the "
        "reviewer's own area, or for an admin the root county"
    )
    period = fields.String(
        metadata={
            "description": "A year (2026), quarter (2026-Q2) or month (2026-05); not with from/to"
        }
    )
    date_from = fields.String(
        data_key="from",
        metadata={"format": "date", "description": "First day (YYYY-MM-DD, inclusive)"},
    )
    date_to = fields.String(
        data_key="to",
        metadata={"format": "date", "description": "Last day (YYYY-MM-DD, inclusive)"},
    )


class _Kinds(fields.Dict):
    """Visits per VisitKind value."""

    def __init__(self, **kwargs):
        super().__init__(
            keys=fields.String(),
            values=fields.Integer(),
            metadata={"description": "Visits per kind: " + ", ".join(k.value for k in VisitKind)},
            **kwargs,
        )


class TeamFiguresSchema(Schema):
    """One team's figures."""

    team_id = fields.Integer()
    team_name = fields.String()
    area_id = fields.Integer(allow_none=True, metadata={"description": "The team's village"})
    area_name = fields.String()
    members = fields.Integer()
    meets_min_size = fields.Boolean()
    members_without_farms = fields.Integer()
    members_over_max = fields.Integer()
    farms_assigned = fields.Integer()
    farms_visited = fields.Integer()
    farms_stale = fields.Integer()
    visits_by_kind = _Kinds()
    visits = fields.Integer()
    visits_with_photos = fields.Integer(
        metadata={"description": "Of the visits, those with at least one photo"}
    )
    people_reached = fields.Integer()
    households_reached = fields.Integer()
    events_held = fields.Integer()
    last_activity = fields.Date(allow_none=True)


class AreaFiguresSchema(Schema):
    """The figures of the teams of one area (a child of the chosen area, or its total)."""

    area_id = fields.Integer()
    area_name = fields.String()
    kind = fields.String()
    total = fields.Boolean(metadata={"description": "True for the chosen area itself"})
    teams = fields.Integer()
    teams_meeting_min = fields.Integer()
    members = fields.Integer()
    members_without_farms = fields.Integer()
    members_over_max = fields.Integer()
    farms = fields.Integer(metadata={"description": "Live farms located in the area"})
    farms_covered = fields.Integer(metadata={"description": "Of those, visited in the period"})
    coverage = fields.Float(allow_none=True)
    farms_assigned = fields.Integer()
    farms_visited = fields.Integer()
    farms_stale = fields.Integer()
    visits_by_kind = _Kinds()
    visits = fields.Integer()
    visits_with_photos = fields.Integer(
        metadata={"description": "Of the visits, those with at least one photo"}
    )
    people_reached = fields.Integer()
    households_reached = fields.Integer()
    events_held = fields.Integer()
    last_activity = fields.Date(allow_none=True)


class EventCountSchema(Schema):
    """Events held for one campaign and venue kind."""

    campaign_id = fields.Integer(allow_none=True)
    campaign_name = fields.String()
    venue_kind = fields.String()
    events = fields.Integer()


class MonthSchema(Schema):
    """Visits of one month."""

    month = fields.String(metadata={"description": "YYYY-MM"})
    visits_by_kind = _Kinds()
    visits = fields.Integer()


class FigureSchema(Schema):
    """A headline number of a module's section."""

    label = fields.String()
    value = fields.Raw()
    flagged = fields.Boolean()
    url = fields.String(allow_none=True)


class TableSchema(Schema):
    """A table of a module's section."""

    title = fields.String()
    columns = fields.List(fields.String())
    rows = fields.List(fields.List(fields.Raw()))


class SectionSchema(Schema):
    """A module's section, or the note that it failed."""

    plugin = fields.String()
    available = fields.Boolean()
    key = fields.String(allow_none=True)
    title = fields.String(allow_none=True)
    figures = fields.List(fields.Nested(FigureSchema))
    tables = fields.List(fields.Nested(TableSchema))


class PeriodSchema(Schema):
    """The period reviewed."""

    start = fields.Date()
    end = fields.Date()
    code = fields.String(metadata={"description": "The shortcut, or empty for a free range"})
    days = fields.Integer()
    reference_day = fields.Date(
        metadata={"description": "The day staleness and held events are judged on: min(end, today)"}
    )


class AreaRefSchema(Schema):
    """The reviewed area."""

    id = fields.Integer()
    name = fields.String()
    kind = fields.String()
    full_name = fields.String()


class ReviewSchema(Schema):
    """The review of an area for a period."""

    area = fields.Nested(AreaRefSchema)
    period = fields.Nested(PeriodSchema)
    generated_at = fields.DateTime()
    teams = fields.List(fields.Nested(TeamFiguresSchema))
    areas = fields.List(
        fields.Nested(AreaFiguresSchema),
        metadata={"description": "Each child area, then the total row of the chosen area"},
    )
    events = fields.List(fields.Nested(EventCountSchema))
    visits_per_month = fields.List(fields.Nested(MonthSchema))
    sections = fields.List(fields.Nested(SectionSchema))


def _area(raw: int | None) -> Area:
    """The area asked for (or the default), in the caller's scope: 422 unknown, 403 outside."""
    user = caller()
    if not may_review(user):
        abort(403)
    area = default_area(user) if raw is None else db.session.get(Area, raw)
    if area is None:
        smorest_abort(422, messages={"query": {"area": [_("Choose an existing area.")]}})
    if not may_review_area(user, area):
        abort(403)
    return area


def _as_json(review: Review) -> dict:
    """The review in the shape of :class:`ReviewSchema`."""
    p = review.period
    months = [
        {"month": f"{y}-{m:02d}", "visits_by_kind": kinds, "visits": sum(kinds.values())}
        for (y, m), kinds in sorted(review.months.items())
    ]
    sections = []
    for s in review.sections:
        if s.section is None:
            sections.append(
                {
                    "plugin": s.plugin,
                    "available": False,
                    "key": None,
                    "title": None,
                    "figures": [],
                    "tables": [],
                }
            )
            continue
        sec = s.section
        sections.append(
            {
                "plugin": s.plugin,
                "available": True,
                "key": sec.key,
                "title": str(sec.title),
                "figures": [
                    {
                        "label": str(f.label),
                        "value": _plain(f.value),
                        "flagged": f.flagged,
                        "url": f.url,
                    }
                    for f in sec.figures
                ],
                "tables": [
                    {
                        "title": str(t.title),
                        "columns": [str(c) for c in t.columns],
                        "rows": [[_plain(v) for v in row] for row in t.rows],
                    }
                    for t in sec.tables
                ],
            }
        )
    return {
        "area": {
            "id": review.area.id,
            "name": review.area.name,
            "kind": str(review.area.kind.value),
            "full_name": review.area.full_name,
        },
        "period": {
            "start": p.start,
            "end": p.end,
            "code": p.code,
            "days": p.days,
            "reference_day": review.reference_day,
        },
        "generated_at": review.generated_at,
        "teams": review.teams,
        "areas": [{**vars(a), "kind": a.kind.value, "coverage": a.coverage} for a in review.areas],
        "events": review.events,
        "visits_per_month": months,
        "sections": sections,
    }


def _plain(value):
    """A JSON-friendly value: numbers and booleans stay, the rest becomes text."""
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


@blp.route(COLLECTION, strict_slashes=False)
class ReviewResource(MethodView):
    """The review."""

    @blp.arguments(ReviewArgsSchema, location="query")
    @blp.response(200, ReviewSchema)
    @documents(blp, 401, 403, 422)
    def get(self, args):
        """Review an area for a period

        The same figures as the review page: per team, per child area and total, events per
        campaign and venue kind, visits per month by kind, and each enabled module's section
        (``available`` false when the module failed). 403 outside the caller's area or for
        leaders and members; 422 for an unknown area, a bad period, dates out of order or a
        range longer than ``REVIEW_MAX_DAYS``.
        """
        area = _area(args.get("area"))
        try:
            period = parse_period(args.get("period"), args.get("date_from"), args.get("date_to"))
        except PeriodError as exc:
            smorest_abort(422, messages={"query": {exc.field: [exc.message]}})
        return _as_json(build(area, period, caller()))
