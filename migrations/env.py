import logging
from collections import Counter
from logging.config import fileConfig

from alembic import context, util
from flask import current_app

# this is the Alembic Config object, which provides
# access to the values within the .ini file in use.
config = context.config

# Kepu's app configures logging (core/logs.py: one format, request ids, JSON if asked); Alembic's
# own logging.ini would replace the root handlers, so it is read only when nothing is set up.
if not logging.getLogger().handlers:
    fileConfig(config.config_file_name, disable_existing_loggers=False)
logger = logging.getLogger("alembic.env")


def get_engine():
    return current_app.extensions["migrate"].db.engine


def get_engine_url():
    try:
        return get_engine().url.render_as_string(hide_password=False).replace("%", "%%")
    except AttributeError:
        return str(get_engine().url).replace("%", "%%")


# add your model's MetaData object here
# for 'autogenerate' support
# from myapp import mymodel
# target_metadata = mymodel.Base.metadata
config.set_main_option("sqlalchemy.url", get_engine_url())
target_db = current_app.extensions["migrate"].db

# Kepu: import every installed plugin's models, so autogenerate sees their tables (and never
# proposes to drop them); their revisions live in each plugin's own migrations/ branch.
from core.plugins import import_models  # noqa: E402

import_models(current_app)

# other values from the config, defined by the needs of env.py,
# can be acquired:
# my_important_option = config.get_main_option("my_important_option")
# ... etc.


def get_metadata():
    if hasattr(target_db, "metadatas"):
        return target_db.metadatas[None]
    return target_db.metadata


def run_migrations_offline():
    """Run migrations in 'offline' mode.

    This configures the context with just a URL
    and not an Engine, though an Engine is acceptable
    here as well.  By skipping the Engine creation
    we don't even need a DBAPI to be available.

    Calls to context.execute() here emit the given string to the
    script output.

    """
    url = config.get_main_option("sqlalchemy.url")
    context.configure(url=url, target_metadata=get_metadata(), literal_binds=True)

    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online():
    """Run migrations in 'online' mode.

    In this scenario we need to create an Engine
    and associate a connection with the context.

    """

    # this callback is used to prevent an auto-migration from being generated
    # when there are no changes to the schema
    # reference: http://alembic.zzzcomputing.com/en/latest/cookbook.html
    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False):
            script = directives[0]
            if script.upgrade_ops.is_empty():
                directives[:] = []
                logger.info("No changes in schema detected.")

    conf_args = current_app.extensions["migrate"].configure_args
    if conf_args.get("process_revision_directives") is None:
        conf_args["process_revision_directives"] = process_revision_directives

    connectable = get_engine()

    with connectable.connect() as connection:
        if connection.dialect.name == "sqlite":
            run_migrations_on_sqlite(connection, conf_args)
            return
        context.configure(connection=connection, target_metadata=get_metadata(), **conf_args)

        with context.begin_transaction():
            context.run_migrations()


def run_migrations_on_sqlite(connection, conf_args):
    """Run the migrations on SQLite: foreign keys off, in one transaction, checked at the end.

    Batch mode rebuilds a table (copy, DROP TABLE, rename), and with foreign keys on SQLite
    refuses to drop a table that other rows refer to. ``PRAGMA foreign_keys`` does nothing inside
    a transaction, so it is turned off before the transaction begins and on again before the
    connection goes back to the pool: the application's connections always enforce foreign keys.

    The driver is put in autocommit mode (the pool restores it) so that BEGIN and COMMIT are
    ours: left alone, pysqlite begins a transaction only before an INSERT or UPDATE, so a
    failing migration would leave the tables its predecessors dropped or made, under an
    ``alembic_version`` that no longer says so.

    Once migrations have run, ``PRAGMA foreign_key_check`` must find no row referring to a
    missing one; otherwise everything is rolled back and the command fails.
    """
    applied = []
    callbacks = (
        *util.to_tuple(conf_args.get("on_version_apply"), default=()),
        lambda step, **kwargs: applied.append(step),
    )
    connection.execution_options(isolation_level="AUTOCOMMIT")
    _sqlite_foreign_keys(connection, enabled=False)
    try:
        with connection.begin():
            connection.exec_driver_sql("BEGIN")
            context.configure(
                connection=connection,
                target_metadata=get_metadata(),
                transactional_ddl=True,
                **{**conf_args, "on_version_apply": callbacks},
            )
            with context.begin_transaction():
                context.run_migrations()
            if applied:
                _sqlite_foreign_key_check(connection)
    finally:
        try:
            _sqlite_foreign_keys(connection, enabled=True)
        except Exception:
            connection.invalidate()  # never hand the pool a connection without foreign keys
            raise


def _sqlite_foreign_keys(connection, enabled):
    """Turn SQLite's foreign keys on or off (outside a transaction), and make sure it took."""
    connection.exec_driver_sql(f"PRAGMA foreign_keys={'ON' if enabled else 'OFF'}")
    now = connection.exec_driver_sql("PRAGMA foreign_keys").scalar()
    connection.commit()
    if now != int(enabled):
        raise util.CommandError(
            f"SQLite kept foreign keys {'off' if enabled else 'on'}: a transaction was open"
        )


def _sqlite_foreign_key_check(connection):
    """Raise if a row refers to a row (or a table) that is not there."""
    violations = Counter(
        (table, parent)
        for table, _rowid, parent, _key in connection.exec_driver_sql("PRAGMA foreign_key_check")
    )
    if violations:
        found = "; ".join(
            f"{count} row(s) of {table} refer to missing rows of {parent}"
            for (table, parent), count in sorted(violations.items())
        )
        raise util.CommandError(
            f"Foreign key check failed after the migrations, which were rolled back: {found}"
        )


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
