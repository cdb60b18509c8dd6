"""Flask extensions: created once here, bound to the app in ``create_app``."""

from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_mail import Mail
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect

from core.models.base import Base
from core.openapi_docs import LazyDocsApi


class _MigrateConfig:
    """What Flask-Migrate keeps in ``app.extensions["migrate"]`` (its ``_MigrateConfig``)."""

    def __init__(self, migrate: "Migrate", db: SQLAlchemy, **kwargs) -> None:
        self.migrate = migrate
        self.db = db
        self.directory = migrate.directory
        self.configure_args = kwargs

    @property
    def metadata(self):
        return self.db.metadata


class Migrate:
    """Flask-Migrate's ``Migrate``, without importing Flask-Migrate (and Alembic and Mako with
    it) at start-up: only a migration command, a restore or reading the scripts needs them.

    ``init_app`` keeps the same ``app.extensions["migrate"]``, ``configure`` collects the same
    callbacks, and ``get_config`` is Flask-Migrate's own, run on this object. The ``db``
    command group is ``core.cli``'s, which loads Flask-Migrate's commands when it is used.
    """

    def __init__(self) -> None:
        self.configure_callbacks = []
        self.db = None
        self.directory = "migrations"
        self.alembic_ctx_kwargs = {"compare_type": True, "render_as_batch": True}

    def init_app(
        self, app, db=None, directory=None, compare_type=None, render_as_batch=None, **kwargs
    ) -> None:
        self.db = db or self.db
        self.directory = str(directory or self.directory)
        self.alembic_ctx_kwargs.update(kwargs)
        if compare_type is not None:
            self.alembic_ctx_kwargs["compare_type"] = compare_type
        if render_as_batch is not None:
            self.alembic_ctx_kwargs["render_as_batch"] = render_as_batch
        app.extensions["migrate"] = _MigrateConfig(self, self.db, **self.alembic_ctx_kwargs)

    def configure(self, f):
        self.configure_callbacks.append(f)
        return f

    def call_configure_callbacks(self, config):
        for f in self.configure_callbacks:
            config = f(config)
        return config

    def get_config(self, directory=None, x_arg=None, opts=None):
        from flask_migrate import Migrate as FlaskMigrate

        return FlaskMigrate.get_config(self, directory, x_arg, opts)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
api = LazyDocsApi()
mail = Mail()
limiter = Limiter(key_func=get_remote_address, default_limits=[])
