"""Forms of the farm pages."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, Form, SelectField, StringField, TextAreaField
from wtforms.fields import SelectChoice
from wtforms.validators import DataRequired, Length

from core.forms import PHONE, enum_choices, optional_int, placeholder
from core.forms.choices import SEARCHABLE
from core.models import FarmKind


def kind_choices(empty=None) -> list[SelectChoice]:
    """The three kinds of farm, after an empty option."""
    return [placeholder(empty), *enum_choices(FarmKind)]


class FarmForm(FlaskForm):
    """Create or edit a farm."""

    name = StringField(
        _l("Name"), validators=[DataRequired(message=_l("Enter a name.")), Length(max=120)]
    )
    kind = SelectField(
        _l("Kind"),
        validators=[DataRequired(message=_l("Choose the kind of farm."))],
        invalid_choice_message=_l("Choose the kind of farm."),
    )
    village_id = SelectField(
        _l("Village"),
        coerce=optional_int,
        validators=[DataRequired(message=_l("Choose a village."))],
        invalid_choice_message=_l("Choose a village."),
        render_kw=SEARCHABLE,
    )
    industry = StringField(_l("Industry or crop"), validators=[Length(max=80)])
    contact_name = StringField(_l("Contact person"), validators=[Length(max=80)])
    contact_phone = StringField(
        _l("Contact phone"), validators=[Length(max=32), PHONE], render_kw={"type": "tel"}
    )
    notes = TextAreaField(_l("Notes"), validators=[Length(max=2000)])

    def __init__(self, *args, **kwargs):
        """Fill the kind choices (village choices come from the database, set by the view)."""
        super().__init__(*args, **kwargs)
        self.kind.choices = kind_choices()


class FarmFilterForm(Form):
    """Filters of the farm list (read from the query string; bad values are ignored)."""

    q = StringField(_l("Search name, contact or industry"), render_kw={"type": "search"})
    kind = SelectField(_l("Kind"), validate_choice=False)
    township = SelectField(_l("Township"), coerce=optional_int, validate_choice=False)
    village = SelectField(
        _l("Village"), coerce=optional_int, validate_choice=False, render_kw=SEARCHABLE
    )
    stale = BooleanField(_l("Only farms not visited recently"))

    def __init__(self, *args, **kwargs):
        """Fill the kind choices."""
        super().__init__(*args, **kwargs)
        self.kind.choices = kind_choices(_l("All kinds"))
