"""The form of the inbox page: where notifications are emailed."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField
from wtforms.validators import Length, Optional, Regexp

#: a plain check (one @, a dot in the domain, no spaces): the server decides the rest
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class EmailForm(FlaskForm):
    """The address notifications are emailed to; empty for none."""

    email = EmailField(
        _l("Email address for notifications"),
        validators=[
            Optional(),
            Length(max=254, message=_l("Use at most 254 characters.")),
            Regexp(EMAIL_PATTERN, message=_l("Enter an email address like name@example.org.")),
        ],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        render_kw={"autocomplete": "email"},
    )
