"""Forms of the profile page: password, language and API tokens (one page, prefixed forms)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, RadioField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import EqualTo, InputRequired, Length

from core.services.users import MIN_PASSWORD_LENGTH as MIN_PASSWORD

#: UI languages, each named in its own language
LANGUAGE_CHOICES = [
    SelectChoice("zh_CN", "中文（简体）", render_kw={"lang": "zh-CN"}),
    SelectChoice("en", "English", render_kw={"lang": "en"}),
]


class PasswordForm(FlaskForm):
    """Change one's password: the current one, then the new one twice."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[InputRequired(message=_l("Enter your current password.")), Length(max=256)],
        render_kw={"autocomplete": "current-password"},
    )
    new_password = PasswordField(
        _l("New password"),
        validators=[
            InputRequired(message=_l("Enter a new password.")),
            Length(
                min=MIN_PASSWORD,
                max=256,
                message=_l("Use at least %(n)s characters.", n=MIN_PASSWORD),
            ),
        ],
        render_kw={"autocomplete": "new-password", "minlength": MIN_PASSWORD},
    )
    confirm = PasswordField(
        _l("New password again"),
        validators=[
            InputRequired(message=_l("Enter the new password again.")),
            EqualTo("new_password", message=_l("The two new passwords differ.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class LanguageForm(FlaskForm):
    """The UI language, saved on the account."""

    locale = RadioField(
        _l("Language"),
        choices=LANGUAGE_CHOICES,
        validators=[InputRequired(message=_l("Choose a language."))],
    )


class TokenForm(FlaskForm):
    """Create an API token."""

    label = StringField(
        _l("What is the token for?"),
        validators=[
            InputRequired(message=_l("Describe the token, e.g. “field tablet”.")),
            Length(max=80),
        ],
    )
