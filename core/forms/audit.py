"""The filters of the audit trail page (choices filled by the view)."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, Form, IntegerField, SelectField, StringField
from wtforms.validators import Length, NumberRange, Optional

from core.forms import optional_int
from core.forms.choices import SEARCHABLE


class AuditFilterForm(Form):
    """Filters of the audit trail (GET): who, what, where, when."""

    user = StringField(_l("User"), validators=[Optional(), Length(max=64)])
    object_type = SelectField(_l("Kind of record"), default="", validate_choice=False)
    object_id = StringField(_l("Record id"), validators=[Optional(), Length(max=64)])
    area = SelectField(_l("Area"), coerce=optional_int, validate_choice=False, render_kw=SEARCHABLE)
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    #: only changes after a position of the trail (set by the links of confirmed results)
    after = IntegerField(validators=[Optional(), NumberRange(min=0, max=2**62)])
