"""The township review: figures per team and area for a period, charts, plugin sections,
CSV/XLSX exports and a print view. Reviewers (their area's subtree) and admins only."""

from datetime import date

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required
from markupsafe import Markup

from core import rules
from core.area_filters import id_arg
from core.exports import CSV_MIME, XLSX_MIME, download
from core.extensions import db
from core.models import Area, Role, User
from core.permissions import may_review, may_review_area, require
from core.plugins import record_failure
from core.review import export
from core.review.access import default_area
from core.review.charts import stylesheet
from core.review.periods import Period, PeriodError, parse_period, previous_and_next
from core.review.report import PluginSection, Review, Table, build

bp = Blueprint("review", __name__, url_prefix="/review")


def area_in_scope(user: User, raw: str | None) -> Area:
    """The area asked for (or the default): 404 when unknown, 403 outside the user's area."""
    if raw in (None, ""):
        area = default_area(user)
        if area is None:
            abort(404)
        return area
    ident = id_arg({"area": raw}, "area")
    area = db.session.get(Area, ident) if ident is not None else None
    if area is None:
        abort(404)
    require(may_review_area(user, area))
    return area


#: stands for the id in a cached URL (an int, so path converters accept it)
_SENTINEL = "987654321987"


class Links:
    """The list page behind each cell of one review's tables (``report._TEAM_LINKS`` and
    ``_AREA_LINKS`` name the kinds; the row is a team, an area or (campaign, venue)).

    A province's review has tens of thousands of links: each distinct URL shape is built once
    with ``url_for`` and then filled with the row's id.
    """

    def __init__(self, review: Review):
        p, ref = review.period, review.reference_day.isoformat()
        self.review = review
        self.ref = ref
        self.days = {"date_from": p.start.isoformat(), "date_to": p.end.isoformat()}
        #: the events list's arguments for the events held in the period
        self.held = {
            "past": "y",
            "status": "scheduled",
            "date_from": p.start.isoformat(),
            "date_to": ref,
        }
        self._cache: dict[tuple, str] = {}

    def url(self, endpoint: str, name: str, ident: int, **args) -> str:
        """``url_for(endpoint, name=ident, **args)``, from the cached shape."""
        key = (endpoint, name, *args.items())
        if key not in self._cache:
            self._cache[key] = url_for(endpoint, **{name: int(_SENTINEL)}, **args)
        return self._cache[key].replace(_SENTINEL, str(ident))

    def __call__(self, review: Review, kind: str | None, row) -> str | None:
        """The URL of a cell, or None."""
        if kind is None:
            return None
        if kind == "events":
            return self.event(*row)
        if kind.startswith("area"):
            return self.area(kind, row.area_id)
        return self.team(kind, row.team_id)

    def event(self, campaign, venue) -> str | None:
        """A cell of the events table: ``campaign`` None is "no campaign", False is any."""
        if campaign is None:  # the events list has no "without campaign" filter
            return None
        args = {**self.held, "area": self.review.area.id}
        if campaign is not False:
            args["campaign"] = campaign
        if venue:
            args["venue"] = venue
        return url_for("events.index", **args)

    def team(self, kind: str, team: int) -> str | None:
        """A cell of the team table."""
        if kind == "team":
            return self.url("teams.detail", "team_id", team)
        if kind == "farms":
            return self.url("farms.index", "team", team)
        if kind == "stale":
            return self.url("farms.index", "team", team, stale="y", on=self.ref)
        if kind in ("visits", "farms_visited"):
            return self.url("visits.index", "team", team, **self.days)
        if kind.startswith("kind:"):
            return self.url("visits.index", "team", team, kind=kind[5:], **self.days)
        if kind == "visits_with_photos":
            return self.url("visits.index", "team", team, photos="y", **self.days)
        if kind == "team_events":
            return self.url("events.index", "team", team, **self.held)
        return None

    def area(self, kind: str, area: int) -> str | None:
        """A cell of the area table."""
        if kind == "area":
            return self.url("review.index", "area", area, **self.review.period.args())
        if kind == "area_teams":
            return self.url("teams.index", "area", area)
        if kind == "area_farms":
            return self.url("farms.index", "area", area)
        if kind == "area_assigned":
            return self.url("farms.index", "assigned_area", area)
        if kind == "area_stale":
            return self.url("farms.index", "assigned_area", area, stale="y", on=self.ref)
        if kind == "area_visits":
            return self.url("visits.index", "area", area, **self.days)
        if kind == "area_visits_with_photos":
            return self.url("visits.index", "area", area, photos="y", **self.days)
        if kind.startswith("area_kind:"):
            return self.url("visits.index", "area", area, kind=kind[10:], **self.days)
        if kind == "area_events":
            return self.url("events.index", "area", area, **self.held)
        return None


def section_html(section: PluginSection) -> Markup | None:
    """A plugin section that brings its own template, rendered with its ``context``; None
    (shown as unavailable, and recorded as the plugin's failure) when the template fails."""
    try:
        return Markup(
            render_template(
                section.section.template, section=section.section, **section.section.context
            )
        )
    except Exception as exc:  # a plugin's template must not break the review
        record_failure(current_app._get_current_object(), section.plugin, "review_sections", exc)
        return None


def _load() -> tuple[Area, Period | None, PeriodError | None]:
    """The area and period of the request (the period may be in error)."""
    require(may_review(current_user))
    area = area_in_scope(current_user, request.args.get("area"))
    try:
        period = parse_period(
            request.args.get("period"), request.args.get("from"), request.args.get("to")
        )
    except PeriodError as exc:
        return area, None, exc
    return area, period, None


def _lineage(area: Area) -> list[Area]:
    """The breadcrumbs: the area's ancestors the user may open, and the area."""
    if current_user.role == Role.ADMIN:
        return area.lineage
    return [a for a in area.lineage if current_user.area.contains(a)]


def _shortcuts(today: date) -> list[tuple[str, str]]:
    """(label, period code) of the usual periods."""
    quarter = (today.month - 1) // 3 + 1
    return [
        (_("This month"), f"{today:%Y-%m}"),
        (_("This quarter"), f"{today.year}-Q{quarter}"),
        (_("This year"), str(today.year)),
        (_("Last year"), str(today.year - 1)),
    ]


@bp.before_request
@login_required
def _signed_in():
    """Every review page needs a signed-in user."""


@bp.route("")
def index():
    """The review of an area for a period."""
    area, period, error = _load()
    context = {
        "area": area,
        "period": period,
        "error": error,
        "lineage": _lineage(area),
        "shortcuts": _shortcuts(rules.today()),
        "args": request.args,
        "section_html": section_html,
    }
    if period is None:
        return render_template("review/index.html", review=None, **context)
    review = build(area, period, current_user)
    before, after = previous_and_next(period)
    pages = _team_pages(len(review.teams))
    return render_template(
        "review/index.html",
        review=review,
        charts=review.charts(),
        before=before,
        after=after,
        tables=review.core_tables(Links(review), pages["slice"]),
        team_pages=pages,
        **context,
    )


def _team_pages(count: int) -> dict:
    """The page of the team table asked for (``teams_page``): a province has thousands of
    teams; the exports and the API always have them all."""
    size = int(current_app.config["REVIEW_TEAMS_PER_PAGE"])
    last = max(1, -(-count // size))
    try:
        page = min(max(1, int(request.args.get("teams_page", 1))), last)
    except ValueError:
        page = 1
    first = (page - 1) * size
    return {
        "page": page,
        "pages": last,
        "first": first + 1,
        "last": min(count, first + size),
        "count": count,
        "slice": slice(first, first + size),
    }


@bp.route("/charts.css")
def chart_styles():
    """The charts' stylesheet (kept out of the pages: their CSP allows no inline style)."""
    response = Response(stylesheet(), mimetype="text/css")
    response.cache_control.private = True
    response.cache_control.max_age = 3600
    return response


@bp.route("/print")
def print_view():
    """Everything of the review on one printable page, with area, period and time."""
    area, period, error = _load()
    if period is None:
        abort(422, description=error.message)
    review = build(area, period, current_user)
    return render_template(
        "review/print.html",
        review=review,
        area=area,
        period=period,
        tables=review.core_tables(),
        charts=review.charts(),
        section_html=section_html,
    )


def _tables() -> tuple[Review, list[Table]]:
    area, period, error = _load()
    if period is None:
        abort(422, description=error.message)
    review = build(area, period, current_user)
    return review, review.tables()


@bp.route("/export.csv")
def export_csv():
    """One table of the review as CSV (UTF-8 with BOM): ``?table=<key>``, teams by default."""
    review, tables = _tables()
    key = request.args.get("table", "teams")
    table = next((t for t in tables if t.key == key), None)
    if table is None:
        abort(404)
    return download(export.to_csv(table), export.file_name(review, table.key, "csv"), CSV_MIME)


@bp.route("/export.xlsx")
def export_xlsx():
    """Every table of the review in one workbook, a sheet per table."""
    review, tables = _tables()
    return download(
        export.to_xlsx(review, tables), export.file_name(review, "review", "xlsx"), XLSX_MIME
    )
