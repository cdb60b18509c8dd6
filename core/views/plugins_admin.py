"""The plugins page: what is installed, whether it is on, its errors and its settings.

For administrators only; everyone else gets 403 (anonymous visitors go to the login page).
Switching a plugin takes effect at the next request of every process on the database.
"""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import BooleanField, FloatField, IntegerField, StringField
from wtforms.validators import InputRequired, Length

from core.contracts import SettingSpec
from core.extensions import login_manager
from core.permissions import require_admin
from core.plugins import host_of
from core.plugins import state as plugin_state
from core.plugins.state import PluginStateError

bp = Blueprint("plugins_admin", __name__, url_prefix="/admin/plugins")


@bp.before_request
def _admins_only():
    """Send anonymous visitors to the login page and answer 403 to non-administrators."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    require_admin(current_user)
    return None


@bp.route("")
def index():
    """Every plugin found: title, description, version, source, state, errors, switches."""
    rows = plugin_state.plugin_rows(current_app._get_current_object())
    return render_template("plugins_admin/index.html", rows=rows)


@bp.route("/<name>/enable", methods=["POST"], endpoint="enable")
@bp.route("/<name>/disable", methods=["POST"], endpoint="disable")
def switch(name: str):
    """Enable or disable a plugin (its data stays either way)."""
    enabled = request.endpoint == "plugins_admin.enable"
    try:
        info = plugin_state.set_enabled(current_app._get_current_object(), name, enabled)
    except PluginStateError:
        abort(404)
    title = info.title or info.name
    if enabled:
        flash(_("The plugin %(name)s is enabled.", name=title), "success")
    else:
        flash(_("The plugin %(name)s is disabled; its data is kept.", name=title), "success")
    return redirect(url_for(".index"))


@bp.route("/<name>", methods=["GET", "POST"])
def settings(name: str):
    """A plugin's settings with their defaults, editable."""
    app = current_app._get_current_object()
    info = host_of(app).plugins.get(name)
    if info is None or not info.installed:
        abort(404)
    specs = list(host_of(app).settings.get(name, {}).values())
    form = settings_form(specs, plugin_state.settings_of(app, name))
    if specs and form.validate_on_submit():
        values = {spec.key: form[_field_name(spec)].data for spec in specs}
        plugin_state.save_settings(app, name, values)
        flash(_("The settings of %(name)s were saved.", name=info.title or name), "success")
        return redirect(url_for(".settings", name=name))
    fields = [(spec, form[_field_name(spec)]) for spec in specs]
    return render_template("plugins_admin/settings.html", info=info, form=form, fields=fields)


def _field_name(spec: SettingSpec) -> str:
    """The form field of a setting (prefixed, so keys never clash with form attributes)."""
    return f"setting_{spec.key}"


def settings_form(specs: list[SettingSpec], values: dict) -> FlaskForm:
    """A form with one field per setting, typed after its default, filled with ``values``."""

    class SettingsForm(FlaskForm):
        """The settings of one plugin."""

    for spec in specs:
        label = spec.label or spec.key
        if spec.type is bool:
            field = BooleanField(label)
        elif spec.type is int:
            field = IntegerField(label, validators=[InputRequired()])
        elif spec.type is float:
            field = FloatField(label, validators=[InputRequired()])
        else:
            field = StringField(label, validators=[Length(max=500)])
        setattr(SettingsForm, _field_name(spec), field)
    return SettingsForm(data={_field_name(s): values.get(s.key, s.default) for s in specs})
