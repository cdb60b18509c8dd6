"""Forms of a rectification item's follow-up: the unit's progress report, and the reviewer's
acceptance or send-back (the rules live in ``core.services.rectification_steps``)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

#: longest text of a step (as the item's own texts)
MAX_TEXT = 5000


class ReportForm(FlaskForm):
    """The unit's progress report: what was done, and photos."""

    text = TextAreaField(
        _l("What has been done"),
        render_kw={"rows": 4},
        validators=[
            DataRequired(message=_l("Say what has been done.")),
            Length(max=MAX_TEXT),
        ],
    )
    photos = MultipleFileField(_l("Photos (JPEG, PNG or WebP)"), render_kw={"accept": "image/*"})


class AcceptForm(FlaskForm):
    """The reviewer accepts the report: the item is done."""

    note = TextAreaField(
        _l("Note (optional)"), render_kw={"rows": 2}, validators=[Length(max=MAX_TEXT)]
    )


class SendBackForm(FlaskForm):
    """The reviewer sends the report back: the item stays open."""

    reason = TextAreaField(
        _l("Why it is sent back"),
        render_kw={"rows": 3},
        validators=[
            DataRequired(message=_l("Say why the report is sent back.")),
            Length(max=MAX_TEXT),
        ],
    )
