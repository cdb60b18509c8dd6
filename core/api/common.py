"""What every API blueprint shares: authentication, write guards, pagination, filters, errors."""

import dataclasses
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from http import HTTPStatus
from typing import TypeVar

from flask import abort, g, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_smorest import Blueprint, Page
from flask_smorest import abort as smorest_abort
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.exc import IntegrityError

from core.dates import local_zone
from core.extensions import csrf, db
from core.models import Area, Team, User
from core.pagination import API_PAGE_SIZE, MAX_PAGE_SIZE
from core.permissions import can_write_team_records, get_readable_or_404, is_admin
from core.security import bearer_token, user_for_token
from core.services import Conflict, FieldErrors

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
#: largest id accepted anywhere (fits a 32-bit INTEGER column on every engine)
MAX_ID = 2**31 - 1
#: the days a date filter may name (keeps day arithmetic far from date.min/date.max)
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2999, 12, 31)

T = TypeVar("T")


def authenticate() -> None:
    """Resolve the caller: a bearer token, or a browser session for reads only.

    Writes need a token, so a page on another site can never write through a user's cookie.
    """
    raw = bearer_token()
    if raw is not None:
        user = user_for_token(raw)
        if user is None:
            abort(401, description=_("Invalid or revoked token."))
        g._login_user = user  # what Flask-Login's current_user reads
        return
    if not current_user.is_authenticated:
        abort(401, description=_("Authentication required: send 'Authorization: Bearer <token>'."))
    if request.method not in SAFE_METHODS:
        abort(401, description=_("Writes need 'Authorization: Bearer <token>'."))


def api_blueprint(
    name: str,
    import_name: str,
    description: str,
    may_write: Callable[[User], bool] = is_admin,
) -> Blueprint:
    """A flask-smorest blueprint under /api/v1/ that authenticates every request.

    Writes (any method but GET/HEAD/OPTIONS) answer 403 before anything else unless
    ``may_write(user)``; views then check the record itself.
    """
    blp = Blueprint(name, import_name, description=description)
    blp.before_request(authenticate)

    @blp.before_request
    def _guard_writes() -> None:
        """Refuse writes to roles that may never write this resource."""
        if request.method not in SAFE_METHODS and not may_write(current_user):
            abort(403)

    csrf.exempt(blp)
    return blp


#: the URL rule of a resource collection; "/api/v1/teams" and "/api/v1/teams/" both answer
COLLECTION = "/"


def item_rule(name: str, suffix: str = "") -> str:
    """The URL rule of one record, e.g. ``/<int(...):team_id>``; ids beyond MAX_ID are 404."""
    return f"/<int(min=1, max={MAX_ID}):{name}>{suffix}"


def documents(blp: Blueprint, *codes: int) -> Callable:
    """Document error responses ``codes`` (401, 403, 404, 409 ...) of an endpoint."""

    def decorator(func):
        for code in codes:
            func = blp.alt_response(code, response=HTTPStatus(code).name)(func)
        return func

    return decorator


def caller() -> User:
    """The authenticated caller (a real ``User``, not Flask-Login's proxy)."""
    return current_user._get_current_object()


class SQLPage(Page):
    """flask-smorest pagination over a SQLAlchemy ``select``: one COUNT and one page query."""

    @property
    def item_count(self) -> int:
        """Total rows of the query."""
        return db.session.execute(
            select(func.count()).select_from(self.collection.order_by(None).subquery())
        ).scalar_one()

    @property
    def items(self):
        """The rows of the requested page (no query past the last page)."""
        first = self.page_params.first_item
        if first >= (self.page_params.item_count or 0):
            return []
        return (
            db.session.execute(self.collection.offset(first).limit(self.page_params.page_size))
            .unique()
            .scalars()
            .all()
        )


def paginate(blp: Blueprint) -> Callable:
    """``blp.paginate(SQLPage)`` with Kepu's page sizes (``page``, ``page_size`` query args)."""
    return blp.paginate(SQLPage, page_size=API_PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)


def query_id(description: str) -> fields.Integer:
    """An id given as a query argument."""
    return fields.Integer(
        validate=validate.Range(min=1, max=MAX_ID), metadata={"description": description}
    )


def query_day(data_key: str, description: str) -> fields.Date:
    """A day given as a query argument."""
    return fields.Date(
        data_key=data_key,
        validate=validate.Range(min=FIRST_DAY, max=LAST_DAY),
        metadata={"description": description},
    )


class AreaFilterSchema(Schema):
    """Filter by area subtree."""

    area = query_id("Only records inside this area's subtree (the area and everything below)")


class TeamFilterSchema(AreaFilterSchema):
    """Filter by area subtree and team."""

    team = query_id("Only records of this team")


class DateRangeSchema(Schema):
    """Filter by a range of days, both ends inclusive."""

    date_from = query_day("from", "First day of the range (inclusive)")
    date_to = query_day("to", "Last day of the range (inclusive)")

    @validates_schema
    def _range_in_order(self, data, **kwargs):
        """The range must not end before it starts."""
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError(str(_l("The start of the range is after its end.")), "from")


class ListFilterSchema(TeamFilterSchema, DateRangeSchema):
    """Filters shared by the list endpoints: area subtree, team and date range."""


def area_subtree(area_id: int):
    """A subquery of the ids of ``area_id`` and every area below it; 422 for an unknown area."""
    area = db.session.get(Area, area_id)
    if area is None:
        smorest_abort(422, messages={"query": {"area": [_("Choose an existing area.")]}})
    return Area.subtree_ids(area).scalar_subquery()


def local_day_range(
    column: ColumnElement, first: date | None, last: date | None
) -> list[ColumnElement[bool]]:
    """WHERE clauses keeping instants of ``column`` on the local days ``first``..``last``."""
    zone, clauses = local_zone(), []
    if first is not None:
        clauses.append(column >= datetime.combine(first, time.min, zone))
    if last is not None:
        clauses.append(column < datetime.combine(last + timedelta(days=1), time.min, zone))
    return clauses


def field_errors(errors: dict[str, list[str]]):
    """Answer 422 in flask-smorest's shape: ``{"errors": {"json": {field: [messages]}}}``."""
    db.session.rollback()
    smorest_abort(422, messages={"json": {k: [str(m) for m in v] for k, v in errors.items()}})


def file_errors(errors: dict[str, list[str]]):
    """Answer 422 naming refused multipart file fields: ``{"errors": {"files": {...}}}``."""
    db.session.rollback()
    smorest_abort(422, messages={"files": {k: [str(m) for m in v] for k, v in errors.items()}})


def photos_body(description: str) -> dict:
    """The OpenAPI request body of a photo upload: one or more images in the multipart file
    field ``photos``, with ``description`` (the endpoint's limits)."""
    return {
        "required": True,
        "description": description,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["photos"],
                    "properties": {
                        "photos": {"type": "array", "items": {"type": "string", "format": "binary"}}
                    },
                }
            }
        },
    }


def save_upload(write: Callable[..., T], *args) -> T:
    """Like ``save`` for a multipart upload: refused fields answer 422 under ``files``."""
    return _answered(file_errors, write, *args)


def save(write: Callable[..., T], *args) -> T:
    """Run ``write(*args)`` (a service write, or a commit) and answer for what it refuses.

    ``FieldErrors`` answer 422 naming each field, ``Conflict`` 409 with its message, and a
    constraint violation (a duplicate, a row still referred to) 409.
    """
    return _answered(field_errors, write, *args)


def _answered(refused: Callable[[dict], None], write: Callable[..., T], *args) -> T:
    """``write(*args)``; its ``FieldErrors`` answered by ``refused``, a conflict by 409."""
    try:
        return write(*args)
    except FieldErrors as exc:
        refused(exc.errors)
    except Conflict as exc:
        db.session.rollback()
        abort(409, description=str(exc))
    except IntegrityError:
        db.session.rollback()
        abort(409, description=_("The change conflicts with existing data."))


def commit() -> None:
    """Commit; a constraint violation answers 409."""
    save(db.session.commit)


def readable(model: type[T], ident: int, scope: Callable[[User], ColumnElement[bool]]) -> T:
    """The live ``model`` row ``ident`` when ``scope(caller)`` lets the caller read it.

    404 when it does not exist (or is soft-deleted), 403 when it lies outside the scope.
    """
    return get_readable_or_404(model, ident, scope(caller()))


def writable_team_record(
    model: type[T], ident: int, scope: Callable[[User], ColumnElement[bool]]
) -> T:
    """The row ``ident`` of a team's records (a visit, a plan) when the caller may change it.

    404 unknown, 403 unreadable or when the caller may not write that team's records.
    """
    row = readable(model, ident, scope)
    if not can_write_team_records(caller(), row.team_id):
        abort(403)
    return row


def require_team_writable(team_id: int | None) -> None:
    """403 when ``team_id`` is a live team whose records the caller may not write.

    An unknown or deleted team passes: the service answers it with a field error.
    """
    team = db.session.get(Team, team_id) if team_id else None
    if (
        team is not None
        and team.deleted_at is None
        and not can_write_team_records(caller(), team.id)
    ):
        abort(403)


def live_rows(model, scope: Callable[[User], ColumnElement[bool]], *order_by) -> Select:
    """SELECT the live (not soft-deleted) ``model`` rows the caller may read, in order."""
    return select(model).where(model.deleted_at.is_(None), scope(caller())).order_by(*order_by)


def filter_args(
    query: Select, args: dict, *, area: ColumnElement | None = None, **columns
) -> Select:
    """Narrow ``query`` by the query arguments present in ``args``.

    ``area`` is a column holding an area id, kept inside the ``area`` argument's subtree; every
    other keyword names an argument and the column that must equal it.
    """
    if area is not None and "area" in args:
        query = query.where(area.in_(area_subtree(args["area"])))
    for name, column in columns.items():
        if name in args:
            query = query.where(column == args[name])
    return query


def teams_in_area(area_id: int):
    """A subquery of the ids of the teams whose village lies in ``area_id``'s subtree."""
    return select(Team.id).where(Team.village_id.in_(area_subtree(area_id)))


def patched(cls: type[T], obj, data: dict, **extra) -> T:
    """The service input ``cls`` (a dataclass) of a PATCH: the stored values of ``obj``,
    then ``extra`` (values not stored under a field's name), then the fields sent."""
    stored = {f.name: getattr(obj, f.name) for f in dataclasses.fields(cls) if f.name not in extra}
    return cls(**(stored | extra | data))
