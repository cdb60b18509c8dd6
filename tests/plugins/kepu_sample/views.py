"""The sample plugin's page and API."""

from flask import Blueprint
from flask_babel import gettext
from flask_login import login_required
from marshmallow import Schema, fields
from sqlalchemy import func, select

from core.plugin_api import api_blueprint, db, documents, setting
from kepu_sample.models import SampleNote

#: pages, mounted by the core at /plugins/kepu_sample
bp = Blueprint("kepu_sample", __name__)

#: API, mounted by the core at /api/v1/plugins/kepu_sample
blp = api_blueprint("kepu_sample_api", __name__, "Notes of the sample plugin.")


@bp.route("/about")
@login_required
def about():
    """What the plugin is, in the user's language (from the plugin's own catalogue)."""
    return gettext("Sample notes keep a short text about a visit.")


@bp.route("/")
@login_required
def index():
    """How many notes there are, with the configured greeting."""
    count = db.session.scalar(select(func.count(SampleNote.id)))
    return f"{setting('greeting')}: {count} notes"


class NoteSchema(Schema):
    """A note as the API shows it."""

    id = fields.Integer()
    body = fields.String()


@blp.route("/notes")
@blp.response(200, NoteSchema(many=True))
@documents(blp, 401)
def notes():
    """Every note, oldest first."""
    return db.session.scalars(select(SampleNote).order_by(SampleNote.id)).all()
