"""The form of a township's campaign targets."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional

from core.services.campaign_targets import MAX_EVENTS, MAX_PEOPLE, MAX_VISITS, TARGET_FIELDS


def _number(label, maximum: int) -> IntegerField:
    """A target: empty or 0 means no target."""
    return IntegerField(
        label,
        validators=[
            Optional(),
            NumberRange(
                0, maximum, message=_l("Enter a whole number from 0 to %(max)s.", max=maximum)
            ),
        ],
        render_kw={"inputmode": "numeric", "min": 0, "max": maximum},
    )


class TargetForm(FlaskForm):
    """Targets of one township for one campaign (events per venue, visits, people)."""

    events_village = _number(_l("Events in villages"), MAX_EVENTS)
    events_market_town = _number(_l("Events in market towns"), MAX_EVENTS)
    events_school = _number(_l("Events in schools"), MAX_EVENTS)
    events_government = _number(_l("Events in government offices"), MAX_EVENTS)
    events_enterprise = _number(_l("Events in enterprises"), MAX_EVENTS)
    visits = _number(_l("Visits logged"), MAX_VISITS)
    people_reached = _number(_l("People reached"), MAX_PEOPLE)

    def values(self) -> dict[str, int]:
        """The figures entered (an empty field: 0, no target)."""
        return {name: self[name].data or 0 for name in TARGET_FIELDS}
