"""Backups: ``kepu backup PATH`` writes one archive, ``kepu restore PATH`` puts it back.

The archive is a gzip-compressed tar file holding:

- ``database.sqlite3`` (SQLite: a copy made with SQLite's online backup API) or
  ``database.pgdump`` (PostgreSQL: ``pg_dump --format=custom``), one consistent state of the
  database taken while the server keeps serving;
- ``uploads/...``: every file under ``<instance>/uploads`` (inspection and plugin photos);
- ``manifest.json``: format version, Kepu version, engine, the migration revisions the
  database is at, creation time, the row count of every table and the uploads' totals.

A restore checks the archive before touching anything, replaces the database and the uploads,
runs the migrations when the archive is older than the code, checks the row counts, then
appends one ``restore`` row to the (restored) audit trail.
"""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import text
from sqlalchemy.engine import URL
from sqlalchemy.exc import SQLAlchemyError

from core.audit.bulk import record_event
from core.audit.record import RESTORE
from core.database import FOREIGN_TABLES, script_directory
from core.extensions import db
from core.version import kepu_version

FORMAT = "kepu-backup"
#: the archive layout this code writes and reads; a newer one is refused
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
UPLOADS = "uploads"
#: tables that hold no Kepu data (a restore target may have rows in them)
NOT_KEPU_TABLES = {"alembic_version", *FOREIGN_TABLES}
PG_CLIENT_HINT = (
    "install the PostgreSQL client tools of the server's major version "
    "(Debian/Ubuntu: apt install postgresql-client)"
)


class BackupError(click.ClickException):
    """A backup or a restore that cannot go on; the message says why (exit code 1)."""


@dataclass
class Manifest:
    """What an archive holds, written beside the data as ``manifest.json``."""

    engine: str
    revisions: list[str]
    tables: dict[str, int]
    uploads: dict[str, int] = field(default_factory=lambda: {"files": 0, "bytes": 0})
    kepu_version: str = ""
    created_at: str = ""
    format: str = FORMAT
    format_version: int = FORMAT_VERSION

    @property
    def rows(self) -> int:
        """Rows in all tables."""
        return sum(self.tables.values())

    def to_json(self) -> bytes:
        """The manifest as UTF-8 JSON."""
        return json.dumps(asdict(self), indent=2, sort_keys=True).encode()

    @classmethod
    def from_json(cls, data: bytes) -> "Manifest":
        """Read a manifest; ``BackupError`` when it is not one this code understands."""
        try:
            raw = json.loads(data)
            if raw.get("format") != FORMAT:
                raise ValueError("not a Kepu backup manifest")
            if not isinstance(raw.get("format_version"), int):
                raise ValueError("no format version")
            if raw["format_version"] > FORMAT_VERSION:
                raise BackupError(
                    f"the archive has format version {raw['format_version']}, made by a newer "
                    f"Kepu ({raw.get('kepu_version') or 'unknown'}); this Kepu "
                    f"({kepu_version()}) reads version {FORMAT_VERSION}: upgrade Kepu first"
                )
            manifest = cls(**{name: raw[name] for name in cls.__dataclass_fields__})
            if not (
                isinstance(manifest.revisions, list)
                and isinstance(manifest.tables, dict)
                and isinstance(manifest.uploads, dict)
            ):
                raise ValueError("revisions, tables or uploads of the wrong type")
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise BackupError(f"the archive's {MANIFEST} is not readable ({exc})") from None
        return manifest


@dataclass
class BackupResult:
    """What ``create_backup`` wrote."""

    path: Path
    size: int
    manifest: Manifest


@dataclass
class RestoreResult:
    """What ``restore_backup`` did."""

    manifest: Manifest
    #: the revisions the archive was at, when the migrations ran after the restore
    migrated_from: list[str] | None = None
    heads: list[str] = field(default_factory=list)
    #: tables whose row count the migrations changed: name -> (archive, now; None if dropped)
    changed: dict[str, tuple[int, int | None]] = field(default_factory=dict)


def engine_name() -> str:
    """``sqlite`` or ``postgresql``: the engine of the configured database."""
    name = db.engine.dialect.name
    if name not in DATABASE_MEMBERS:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {name}")
    return name


def uploads_dir() -> Path:
    """``<instance>/uploads``: where the app and the plugins keep uploaded files (photos)."""
    return Path(current_app.instance_path) / UPLOADS


# --- backup --------------------------------------------------------------------------------


def create_backup(path: Path) -> BackupResult:
    """Write one archive of the database and the uploads to ``path``.

    ``path`` may be a folder: the archive is then named after the time. The archive is
    written beside ``path`` under a temporary name and renamed when complete, so a failed
    backup never leaves a partial archive under ``path``.
    """
    engine = engine_name()
    if engine == "postgresql":
        _require_tools("pg_dump")
    path = _archive_path(path)
    try:
        work = Path(tempfile.mkdtemp(prefix=".kepu-backup-", dir=path.parent))
        try:
            manifest = _write_backup(engine, work, path)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    except OSError as exc:  # a full disk, a folder without write permission...
        raise BackupError(f"writing the backup failed, nothing was written: {exc}") from None
    return BackupResult(path=path, size=path.stat().st_size, manifest=manifest)


def _write_backup(engine: str, work: Path, path: Path) -> Manifest:
    """Dump the database into ``work``, archive it with the uploads, rename the archive."""
    dump = work / DATABASE_MEMBERS[engine]
    revisions, tables = _dump_database(engine, dump)
    manifest = Manifest(
        engine=engine,
        revisions=revisions,
        tables=tables,
        kepu_version=kepu_version(),
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )
    partial = work / "archive.tar.gz"
    _write_archive(partial, dump, manifest, skip=work)
    partial.chmod(0o600)  # the archive holds personal data and password hashes
    _fsync(partial)
    os.replace(partial, path)
    return manifest


def _archive_path(path: Path) -> Path:
    """The file to write: ``path``, or a name made of the time inside the folder ``path``."""
    path = path.expanduser().absolute()
    if path.is_dir():
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        path = path / f"kepu-backup-{stamp}.tar.gz"
    if not path.parent.is_dir():
        raise BackupError(f"the folder {path.parent} does not exist")
    return path


def _dump_database(engine: str, dump: Path) -> tuple[list[str], dict[str, int]]:
    """Copy the database to ``dump``; the copy's revisions and row counts."""
    revisions, tables = (_copy_sqlite if engine == "sqlite" else _dump_postgresql)(dump)
    if not revisions:
        raise BackupError(
            "the database has no migration revision (no alembic_version rows): "
            "run `kepu db upgrade` first"
        )
    return revisions, tables


def _sqlite_path() -> Path:
    """The file of the configured SQLite database."""
    name = db.engine.url.database
    if not name or name == ":memory:" or name.startswith("file:"):
        raise BackupError(f"cannot back up or restore the SQLite database {name or ':memory:'}")
    return Path(name)


def _copy_sqlite(dump: Path) -> tuple[list[str], dict[str, int]]:
    """Copy the live SQLite database with the backup API; revisions and counts of the copy.

    The copy is made in one step, so it reads one state of the database (in WAL mode the
    server keeps writing meanwhile); the counts are read from the copy, so they match it.
    """
    source_path = _sqlite_path()
    if not source_path.is_file():
        raise BackupError(f"no database at {source_path}: run `kepu db upgrade` first")
    source = sqlite3.connect(source_path, timeout=30)
    copy = sqlite3.connect(dump)
    try:
        source.backup(copy)  # pages=-1: the whole database in a single step
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        return _inspect(_sqlite_runner(copy), "sqlite")
    except sqlite3.Error as exc:
        raise BackupError(f"copying the database {source_path} failed: {exc}") from None
    finally:
        copy.close()
        source.close()


def _dump_postgresql(dump: Path) -> tuple[list[str], dict[str, int]]:
    """``pg_dump`` the database; revisions and counts read in the very snapshot it dumps.

    A REPEATABLE READ transaction exports its snapshot and stays open while ``pg_dump
    --snapshot`` copies the database, so the manifest's counts describe the dump exactly
    even while the server keeps writing.
    """
    uri, env = _libpq(db.engine.url)
    with db.engine.connect() as conn:
        conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():
            snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
            _run(
                [
                    shutil.which("pg_dump"),
                    "--format=custom",
                    "--no-password",
                    f"--snapshot={snapshot}",
                    f"--file={dump}",
                    f"--dbname={uri}",
                ],
                env,
                "pg_dump failed",
            )
            return _inspect(_sqlalchemy_runner(conn), "postgresql")


def _write_archive(partial: Path, dump: Path, manifest: Manifest, skip: Path) -> None:
    """Write the tar.gz: the database, the uploads, then the manifest (with the uploads' totals)."""
    with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
        tar.add(dump, arcname=DATABASE_MEMBERS[manifest.engine])
        manifest.uploads = _add_uploads(tar, skip)
        data = manifest.to_json()
        info = tarfile.TarInfo(MANIFEST)
        info.size, info.mtime, info.mode = len(data), int(datetime.now().timestamp()), 0o644
        tar.addfile(info, io.BytesIO(data))


def _add_uploads(tar: tarfile.TarFile, skip: Path) -> dict[str, int]:
    """Add every regular file under the uploads folder; their number and total size."""
    root = uploads_dir()
    files = size = 0
    for path in sorted(root.rglob("*")) if root.is_dir() else []:
        if skip in path.parents or path.is_symlink() or not path.is_file():
            continue
        try:
            with path.open("rb") as handle:  # size from the open file: it cannot change under us
                info = tar.gettarinfo(
                    arcname=f"{UPLOADS}/{path.relative_to(root).as_posix()}", fileobj=handle
                )
                tar.addfile(info, handle)
        except FileNotFoundError:  # removed by the server since the listing
            continue
        files, size = files + 1, size + info.size
    return {"files": files, "bytes": size}


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


# --- what a database holds -----------------------------------------------------------------

#: the SQL listing a database's tables (Kepu keeps PostgreSQL's in schema public)
TABLES_SQL = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' "
    "AND substr(name, 1, 7) != 'sqlite_'",
    "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname = 'public'",
}


def _sqlite_runner(conn: sqlite3.Connection) -> Callable[[str], list[tuple]]:
    return lambda sql: conn.execute(sql).fetchall()


def _sqlalchemy_runner(conn) -> Callable[[str], list[tuple]]:
    return lambda sql: [tuple(row) for row in conn.execute(text(sql))]


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _tables(run: Callable[[str], list[tuple]], engine: str) -> list[str]:
    return sorted(row[0] for row in run(TABLES_SQL[engine]))


def _inspect(run: Callable[[str], list[tuple]], engine: str) -> tuple[list[str], dict[str, int]]:
    """The Alembic revisions recorded in a database and the row count of each of its tables."""
    counts = {
        name: run(f"SELECT count(*) FROM {_quote(name)}")[0][0] for name in _tables(run, engine)
    }
    revisions = []
    if "alembic_version" in counts:
        revisions = sorted(row[0] for row in run("SELECT version_num FROM alembic_version"))
    return revisions, counts


def current_contents() -> tuple[list[str], dict[str, int]]:
    """Revisions and row counts of the configured database."""
    with db.engine.connect() as conn:
        return _inspect(_sqlalchemy_runner(conn), conn.dialect.name)


# --- external PostgreSQL tools -------------------------------------------------------------


def _require_tools(*names: str) -> None:
    """Fail before anything is done when a PostgreSQL client tool is not on PATH."""
    missing = [name for name in names if shutil.which(name) is None]
    if missing:
        raise BackupError(f"{' and '.join(missing)} not found on PATH: {PG_CLIENT_HINT}")


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq URI for ``url`` (password left out) and an environment carrying the password."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    uri = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return uri, env


def _run(args: list, env: dict[str, str], failure: str) -> None:
    """Run a client tool; ``BackupError`` with its own message when it fails."""
    done = subprocess.run([str(arg) for arg in args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip()
        raise BackupError(f"{failure}: {detail[-2000:]}")


# --- restore -------------------------------------------------------------------------------


def restore_backup(path: Path, force: bool = False) -> RestoreResult:
    """Restore the archive at ``path`` into the configured database and uploads folder.

    Refuses (``BackupError``, nothing changed) an unreadable archive, another engine's,
    one from a newer Kepu, or a target holding data unless ``force``. Runs the migrations
    when the archive is older than the code, checks the row counts, and records the restore
    in the audit trail.
    """
    with _open_archive(path) as tar:
        manifest = _read_manifest(tar)
        heads = _check_compatible(manifest)
        _check_members(tar, manifest)
        _check_target(force)
        work = Path(tempfile.mkdtemp(prefix=".kepu-restore-", dir=current_app.instance_path))
        try:
            _replace_data(tar, manifest, work)
        finally:
            shutil.rmtree(work, ignore_errors=True)
    result = RestoreResult(manifest=manifest, heads=heads)
    if set(manifest.revisions) != set(heads):
        _migrate(manifest)
        result.migrated_from = manifest.revisions
        result.changed = _changed_by_migrations(manifest)
    _record_restore(path, result)
    return result


def _record_restore(path: Path, result: RestoreResult) -> None:
    """Append the restore to the restored trail: one audit row (action ``restore``, object
    ``backup``, the archive's file name as the id), after the data and the migrations.

    The restore itself is one step of the database engine that cannot hold this row, so it is
    written in its own transaction right after; the row counts were checked before it.
    """
    manifest = result.manifest
    try:
        record_event(
            RESTORE,
            "backup",
            path.name,
            {
                "archive": [None, path.name],
                "created_at": [None, manifest.created_at],
                "kepu_version": [None, manifest.kepu_version],
                "revisions": [manifest.revisions, result.heads],
            },
        )
        db.session.commit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        raise BackupError(
            f"the archive was restored, but recording the restore in the audit trail failed: {exc}"
        ) from None
    finally:
        db.session.remove()


def _open_archive(path: Path) -> tarfile.TarFile:
    """The archive, read through once (a damaged or truncated file fails here)."""
    if not path.is_file():
        raise BackupError(f"no file {path}")
    tar = None
    try:
        tar = tarfile.open(path, "r:gz")  # noqa: SIM115 (the caller closes it)
        tar.getmembers()
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        if tar is not None:
            tar.close()
        raise BackupError(f"{path} is not a readable Kepu backup ({exc})") from None
    return tar


def _read_manifest(tar: tarfile.TarFile) -> Manifest:
    """The archive's manifest."""
    names = {member.name: member for member in tar.getmembers()}
    if not names.get(MANIFEST, tarfile.TarInfo()).isfile():
        raise BackupError(f"the archive has no {MANIFEST}: it is not a Kepu backup")
    return Manifest.from_json(tar.extractfile(names[MANIFEST]).read())


def _check_members(tar: tarfile.TarFile, manifest: Manifest) -> None:
    """Every member of the archive must be one Kepu writes, the database among them."""
    names = {member.name: member for member in tar.getmembers()}
    database = DATABASE_MEMBERS[manifest.engine]
    if not names.get(database, tarfile.TarInfo()).isfile():
        raise BackupError(f"the archive has no {database}")
    for member in tar.getmembers():
        if member.name not in (MANIFEST, database) and not _is_upload(member):
            raise BackupError(f"the archive holds an unexpected entry {member.name!r}")


def _is_upload(member: tarfile.TarInfo) -> bool:
    parts = PurePosixPath(member.name).parts
    return (
        bool(parts)
        and parts[0] == UPLOADS
        and ".." not in parts
        and (member.isfile() or member.isdir())
    )


def _check_compatible(manifest: Manifest) -> list[str]:
    """The code's heads, once the archive fits the configured engine and the code."""
    engine = engine_name()
    if manifest.engine != engine:
        raise BackupError(
            f"the archive holds a {manifest.engine} database but this Kepu is configured for "
            f"{engine} (KEPU_SQLALCHEMY_DATABASE_URI): restore it with a {manifest.engine} "
            "database configured; archives do not move data between engines"
        )
    script = script_directory(current_app._get_current_object())
    known = {revision.revision for revision in script.walk_revisions()}
    unknown = sorted(set(manifest.revisions) - known)
    if unknown:
        raise BackupError(
            f"the archive's database is at revision {', '.join(unknown)}, unknown to this "
            f"Kepu ({kepu_version()}): it was made by a newer Kepu "
            f"({manifest.kepu_version or 'unknown'}) or with a plugin not installed here; "
            "install that version (and plugins) first"
        )
    if engine == "postgresql":
        _require_tools("pg_restore", "psql")
    return sorted(script.get_heads())


def _check_target(force: bool) -> None:
    """Refuse a database with Kepu rows, or an uploads folder with files, unless ``force``."""
    if force:
        return
    tables = _tables_with_rows()
    files = [path for path in uploads_dir().rglob("*") if path.is_file()]
    if tables or files:
        held = []
        if tables:
            held.append(
                f"rows in {len(tables)} tables ({', '.join(tables[:5])}"
                f"{', ...' if len(tables) > 5 else ''})"
            )
        if files:
            held.append(f"{_count(len(files), 'file')} under {uploads_dir()}")
        raise BackupError(
            f"the target holds data: {' and '.join(held)}; nothing was changed. "
            "Restore into an empty database, or add --force to replace everything"
        )


def _tables_with_rows() -> list[str]:
    """Kepu's tables (not alembic_version, not the scheduler's) holding at least one row."""
    if engine_name() == "sqlite" and not _sqlite_path().exists():
        return []  # never create the file just to look
    with db.engine.connect() as conn:
        names = set(_tables(_sqlalchemy_runner(conn), conn.dialect.name)) - NOT_KEPU_TABLES
        return [
            name
            for name in sorted(names)
            if conn.execute(text(f"SELECT 1 FROM {_quote(name)} LIMIT 1")).first()
        ]


def _replace_data(tar: tarfile.TarFile, manifest: Manifest, work: Path) -> None:
    """Replace the database, check it against the manifest, then replace the uploads."""
    try:
        staged = _extract(tar, manifest, work)
    except (OSError, tarfile.TarError, EOFError, zlib.error) as exc:
        raise BackupError(f"extracting the archive failed, nothing was changed: {exc}") from None
    _restore_database(manifest.engine, work / DATABASE_MEMBERS[manifest.engine], work)
    _check_counts(manifest)
    _swap_uploads(staged, work)


def _extract(tar: tarfile.TarFile, manifest: Manifest, work: Path) -> Path:
    """Extract the database and the uploads into ``work``; the staged uploads folder."""
    tar.extract(DATABASE_MEMBERS[manifest.engine], work, filter="data")
    uploads = [member for member in tar.getmembers() if _is_upload(member)]
    tar.extractall(work, members=uploads, filter="data")
    staged = work / UPLOADS
    staged.mkdir(exist_ok=True)
    files = [path for path in staged.rglob("*") if path.is_file()]
    found = {"files": len(files), "bytes": sum(path.stat().st_size for path in files)}
    if found != manifest.uploads:
        raise BackupError(
            f"the archive's uploads ({found}) differ from its manifest "
            f"({manifest.uploads}); nothing was changed"
        )
    return staged


def _restore_database(engine: str, dump: Path, work: Path) -> None:
    db.session.remove()
    db.engine.dispose()  # no pooled connection keeps the old database open
    if engine == "sqlite":
        _restore_sqlite(dump)
    else:
        _restore_postgresql(dump, work)
    db.engine.dispose()


def _restore_sqlite(copy_path: Path) -> None:
    """Write the archived copy over the configured database with the backup API (one step)."""
    target = _sqlite_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(copy_path)
    dest = sqlite3.connect(target, timeout=30)
    try:
        source.backup(dest)  # one step, one transaction: all or nothing
    except sqlite3.Error as exc:
        raise BackupError(f"restoring the database failed, it is as it was: {exc}") from None
    finally:
        dest.close()
        source.close()


def _restore_postgresql(dump: Path, work: Path) -> None:
    """Replace schema ``public`` with the dump's, in one transaction.

    ``pg_restore`` turns the dump into SQL (which also checks it whole); ``psql`` then drops
    and recreates ``public`` and runs that SQL inside a single transaction, so the database
    ends up either exactly the archive's or as it was. Objects are owned by the user Kepu
    connects as (``--no-owner``) and no grants are copied (``--no-privileges``): the archive
    may come from a server with other roles.
    """
    script = work / "restore.sql"
    env = dict(os.environ)
    _run(
        [shutil.which("pg_restore"), "--no-owner", "--no-privileges", f"--file={script}", dump],
        env,
        "pg_restore could not read the archive's database",
    )
    uri, env = _libpq(db.engine.url)
    _run(
        [
            shutil.which("psql"),
            "--no-psqlrc",
            "--no-password",
            "--quiet",
            "--single-transaction",
            "--set=ON_ERROR_STOP=1",
            f"--dbname={uri}",
            "--command=DROP SCHEMA IF EXISTS public CASCADE",
            "--command=CREATE SCHEMA public",
            f"--file={script}",
        ],
        env,
        "restoring the database failed (nothing was changed)",
    )


def _check_counts(manifest: Manifest) -> None:
    """The restored database must hold exactly the manifest's tables and rows."""
    _revisions, counts = current_contents()
    if counts != manifest.tables:
        wrong = sorted(
            name
            for name in set(counts) | set(manifest.tables)
            if counts.get(name) != manifest.tables.get(name)
        )
        detail = ", ".join(
            f"{name}: {counts.get(name)} (archive: {manifest.tables.get(name)})"
            for name in wrong[:10]
        )
        raise BackupError(
            f"the restored database differs from the archive's manifest: {detail} "
            "(the database was replaced, the uploads were not)"
        )


def _swap_uploads(staged: Path, work: Path) -> None:
    """Put the staged uploads in place; the old folder goes to ``work`` (then deleted)."""
    target = uploads_dir()
    if target.exists():
        target.rename(work / "previous-uploads")
    staged.rename(target)


def _migrate(manifest: Manifest) -> None:
    """Upgrade the restored database to the code's heads."""
    import flask_migrate  # with Alembic: imported when a restore runs, not at start-up

    try:
        flask_migrate.upgrade(revision="heads")
    except SystemExit:  # Flask-Migrate logs the error and exits
        raise BackupError(
            "the database was restored at revision "
            f"{', '.join(manifest.revisions)}, but the migrations to heads failed (see above)"
        ) from None
    finally:
        db.session.remove()
        db.engine.dispose()


def _changed_by_migrations(manifest: Manifest) -> dict[str, tuple[int, int | None]]:
    """The archive's tables whose row count differs now that the migrations ran."""
    _revisions, counts = current_contents()
    return {
        name: (rows, counts.get(name))
        for name, rows in manifest.tables.items()
        if counts.get(name) != rows
    }


# --- commands ------------------------------------------------------------------------------


def _size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    raise AssertionError  # unreachable


def _describe(manifest: Manifest) -> str:
    return (
        f"{manifest.engine} database at {', '.join(manifest.revisions)}: "
        f"{_count(len(manifest.tables), 'table')}, {_count(manifest.rows, 'row')}; "
        f"{_count(manifest.uploads['files'], 'uploaded file')} "
        f"({_size(manifest.uploads['bytes'])})"
    )


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


@click.command("backup")
@click.argument("path", type=click.Path(path_type=Path))
@with_appcontext
def backup_command(path: Path) -> None:
    """Write one archive (.tar.gz) of the database and the uploads to PATH (file or folder).

    Safe while the server runs. PostgreSQL needs pg_dump (package postgresql-client).
    """
    result = create_backup(path)
    click.echo(f"wrote {result.path} ({_size(result.size)})")
    click.echo(f"  {_describe(result.manifest)}")


@click.command("restore")
@click.argument("path", type=click.Path(path_type=Path))
@click.option(
    "--force", is_flag=True, help="Replace a database holding data and the files under uploads/."
)
@with_appcontext
def restore_command(path: Path, force: bool) -> None:
    """Restore the archive PATH into the configured database and the instance's uploads.

    Stop the server first. Refuses a target holding data unless --force; an archive older
    than this Kepu is migrated to the current revisions.
    """
    result = restore_backup(path, force=force)
    manifest = result.manifest
    click.echo(f"restored {path}, made {manifest.created_at} by Kepu {manifest.kepu_version}")
    click.echo(f"  {_describe(manifest)}; row counts match the archive")
    if result.migrated_from is not None:
        click.echo(
            f"  migrated from {', '.join(result.migrated_from)} to {', '.join(result.heads)}"
        )
        for name, (before, after) in sorted(result.changed.items()):
            now = "dropped" if after is None else _count(after, "row")
            click.echo(
                f"  {name}: {_count(before, 'row')} in the archive, {now} after the migrations"
            )
