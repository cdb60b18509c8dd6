"""Languages (zh_CN by default, en) and the template helpers that use them (the time zone is
``core.dates``)."""

from datetime import date, datetime

from flask import Flask, current_app, g, request, session
from flask_babel import Domain, format_date, format_datetime, get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from core.extensions import babel
from core.models.enums import label


def select_locale() -> str:
    """The UI language: for the API, the request's ``Accept-Language`` when it names one of
    ours; then the user's choice, the session's, and the default (zh_CN)."""
    languages = current_app.config["LANGUAGES"]
    if request and request.path.startswith("/api/") and request.accept_languages:
        asked = request.accept_languages.best_match(languages)
        if asked:
            return asked
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return current_user.locale
    return session_locale()


def session_locale() -> str:
    """The language chosen in the session, else the default: what is known without the
    database (the 503 page for a database out of reach uses it)."""
    chosen = session.get("lang") if request else None
    if chosen in current_app.config["LANGUAGES"]:
        return chosen
    return current_app.config["BABEL_DEFAULT_LOCALE"]


class AppDomain(Domain):
    """Flask-Babel's message domain with its loaded catalogues kept per app.

    Flask-Babel keeps them on the one ``Babel`` object, shared by every app of the process;
    apps with other plugins (so other catalogue folders) would read each other's.
    """

    def get_translations_cache(self, ctx):
        """The loaded catalogues of the current app, by (locale, domain)."""
        return current_app.extensions.setdefault("kepu_translations", {})

    def get_translations(self):
        """The catalogue of the current language, found once per language and app context: a
        page asks for it on every gettext (about a hundred times), and finding it costs more
        than the translation itself. ``force_locale`` and ``refresh`` give a new locale object,
        so a change of language is seen."""
        locale = get_locale()
        memo = g.get("_kepu_translations") if g else None
        if memo is not None and memo[0] is locale:
            return memo[1]
        translations = super().get_translations()
        if g:
            g._kepu_translations = (locale, translations)
        return translations


def init_app(app: Flask) -> None:
    """Bind Flask-Babel and register the template helpers."""
    babel.init_app(app, locale_selector=select_locale)
    # read from the instance's dict: the attribute itself is a cached property that needs an
    # app context to compute Flask-Babel's own domain
    if not isinstance(vars(babel).get("domain_instance"), AppDomain):
        babel.domain_instance = AppDomain(domain=app.config.get("BABEL_DOMAIN", "messages"))

    _install_template_gettext(app)

    @app.template_filter("dt")
    def _format_dt(value: datetime | None, fmt: str = "short") -> str:
        """An instant shown in the configured zone and the user's language."""
        return "" if value is None else format_datetime(value, fmt)

    @app.template_filter("d")
    def _format_d(value: date | None, fmt: str = "medium") -> str:
        """A date shown in the user's language."""
        return "" if value is None else format_date(value, fmt)

    app.jinja_env.globals["label"] = label
    app.jinja_env.globals["current_locale"] = select_locale


@pass_context
def template_gettext(context, string: str, **variables) -> str:
    """``_()`` and ``gettext()`` in templates: Jinja's newstyle gettext (escaped when the
    template autoescapes, ``%(name)s`` filled from the keywords, ``%%`` read as ``%``) called
    directly, without the alias and wrappers between a template and the catalogue (a page
    calls it about a hundred times). A translation without ``%`` needs no formatting."""
    translated = get_translations().ugettext(string)
    if context.eval_ctx.autoescape:
        translated = Markup(translated)
    if variables or "%" in translated:
        return translated % variables
    return translated


def _install_template_gettext(app: Flask) -> None:
    """Put :func:`template_gettext` in place of the callables Flask-Babel installed."""
    app.jinja_env.globals.update(gettext=template_gettext, _=template_gettext)
