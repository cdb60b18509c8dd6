"""What every API blueprint shares: authentication, pagination, date-range filters."""

from flask import abort, g, request
from flask_login import current_user
from flask_smorest import Blueprint, Page
from marshmallow import Schema, ValidationError, fields, validates_schema
from flask_babel import lazy_gettext as _l

from core.extensions import csrf
from core.security import bearer_token, user_for_token

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def authenticate() -> None:
    """Resolve the caller: a bearer token, or a browser session for reads only.

    Writes need a token, so a page on another site can never write through a user's cookie.
    """
    raw = bearer_token()
    if raw is not None:
        user = user_for_token(raw)
        if user is None:
            abort(401, description="Invalid or revoked token.")
        g._login_user = user  # what Flask-Login's current_user reads
        return
    if not current_user.is_authenticated:
        abort(401, description="Authentication required: send 'Authorization: Bearer <token>'.")
    if request.method not in SAFE_METHODS:
        abort(401, description="Writes need 'Authorization: Bearer <token>'.")


def api_blueprint(name: str, import_name: str, description: str) -> Blueprint:
    """A flask-smorest blueprint under /api/v1/ that authenticates every request."""
    blp = Blueprint(name, import_name, description=description)
    blp.before_request(authenticate)
    csrf.exempt(blp)
    return blp


class SQLPage(Page):
    """flask-smorest pagination over a SQLAlchemy ``select``: one COUNT and one page query."""

    @property
    def item_count(self) -> int:
        """Total rows of the query."""
        from sqlalchemy import func, select

        from core.extensions import db

        return db.session.execute(
            select(func.count()).select_from(self.collection.order_by(None).subquery())
        ).scalar_one()

    @property
    def items(self):
        """The rows of the requested page."""
        from core.extensions import db

        return (
            db.session.execute(
                self.collection.offset(self.page_params.first_item).limit(
                    self.page_params.page_size
                )
            )
            .unique()
            .scalars()
            .all()
        )


class ListFilterSchema(Schema):
    """Filters shared by the list endpoints."""

    area = fields.Integer(metadata={"description": "Only records inside this area subtree"})
    team = fields.Integer(metadata={"description": "Only records of this team"})
    date_from = fields.Date(
        data_key="from", metadata={"description": "First day of the range (inclusive)"}
    )
    date_to = fields.Date(
        data_key="to", metadata={"description": "Last day of the range (inclusive)"}
    )

    @validates_schema
    def _range_in_order(self, data, **kwargs):
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            raise ValidationError(str(_l("The start of the range is after its end.")), "from")
