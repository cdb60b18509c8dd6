"""`kepu backup` and `kepu restore`: one archive of the database and the uploads, put back.

Each test builds its own Kepu instances: a fresh database (a SQLite file, or a PostgreSQL
database created and dropped by the test when ``KEPU_TEST_DATABASE_URI`` is set) and a fresh
instance folder.
"""

import io
import json
import os
import tarfile
import threading
import time
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from conftest import TEST_CONFIG, World
from image_support import image_bytes
from sqlalchemy import create_engine, inspect, select, text
from sqlalchemy.engine import make_url

from core import create_app
from core.database import script_directory
from core.extensions import db
from core.models import AuditEvent, Visit, VisitKind
from core.rules import today
from core.services.inspections import InspectionInput, record_inspection

PNG = image_bytes("PNG", (16, 16), (10, 120, 200))
JPEG = image_bytes("JPEG", (24, 16), (250, 200, 20))
#: the core's revision before the review tables (inspections, assessments...): an older Kepu
OLDER_REVISION = "7d3e9a1b5c20"
ON_POSTGRESQL = bool(os.environ.get("KEPU_TEST_DATABASE_URI"))


@pytest.fixture
def new_database(tmp_path):
    """Make empty databases: SQLite files, or PostgreSQL databases dropped after the test."""
    base = os.environ.get("KEPU_TEST_DATABASE_URI")
    admin = None
    if base:
        admin = create_engine(
            make_url(base).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
        )
    made = []

    def _new() -> str:
        name = f"kepu_backup_{uuid.uuid4().hex[:8]}"
        if admin is None:
            return f"sqlite:///{tmp_path}/{name}.sqlite3"
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        made.append(name)
        return admin.url.set(database=name).render_as_string(hide_password=False)

    yield _new
    if admin is not None:
        with admin.connect() as conn:
            for name in made:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def kepu(new_database, tmp_path):
    """Make Kepu instances: an app on a new database with its own instance folder.

    The database is migrated to ``revision`` with `kepu db upgrade` (left without tables when
    ``revision`` is None).
    """
    apps = []

    def _make(name: str, revision: str | None = "heads"):
        app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": new_database()})
        app.instance_path = str(tmp_path / name)
        Path(app.instance_path).mkdir()
        apps.append(app)
        if revision:
            run(app, "db", "upgrade", revision)
        return app

    yield _make
    for app in apps:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def run(app, *args, ok: bool = True):
    """Run a ``kepu`` command on ``app``; with ``ok``, assert it succeeded."""
    with app.app_context():
        result = app.test_cli_runner().invoke(args=[str(arg) for arg in args])
    if ok:
        assert result.exit_code == 0, (args, result.output, result.exception)
    else:
        assert result.exit_code == 1, (args, result.output, result.exception)
        assert result.exception is None or isinstance(result.exception, SystemExit)
    return result


def fill(app, photos: bool = True) -> World:
    """A small county with visits and, with ``photos``, an inspection's photos and another
    uploaded file."""
    with app.app_context():
        world = World()
        for days_ago in range(1, 6):
            world.make_visit(days_ago=days_ago)
        if photos:
            record_inspection(
                world.reviewer,
                InspectionInput(
                    team_id=world.team.id,
                    kind="unannounced",
                    findings="台账不全",
                    inspected_on=today() - timedelta(days=1),
                    photos=[PNG, JPEG],
                ),
            )
            board = uploads(app) / "noticeboards" / "board.png"
            board.parent.mkdir(parents=True)
            board.write_bytes(PNG[::-1])
        ids = world.team.id, world.farm.id
    world.ids = ids
    return world


def uploads(app) -> Path:
    return Path(app.instance_path) / "uploads"


def upload_files(app) -> dict[str, bytes]:
    """Every uploaded file of ``app``: its path under uploads/ -> its bytes."""
    root = uploads(app)
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in root.rglob("*")
        if path.is_file()
    }


#: tables whose rows are compared in the order of their ids (rows written while backing up)
BY_ID = ("visits", "audit_events")


def table_rows(app) -> dict[str, list[tuple]]:
    """Every row of every table of ``app``'s database (``BY_ID`` by id, others in a fixed
    order)."""
    with app.app_context(), db.engine.connect() as conn:
        names = inspect(conn).get_table_names()
        rows = {
            name: [tuple(row) for row in conn.execute(text(f'SELECT * FROM "{name}"'))]
            for name in names
        }
    return {
        name: sorted(found, key=(lambda row: row[0]) if name in BY_ID else repr)
        for name, found in rows.items()
    }


def without_restore_row(rows: dict[str, list[tuple]]) -> dict[str, list[tuple]]:
    """``rows`` of a restored database without the audit row the restore appended (checked to
    be that row: the last of the trail, action ``restore`` of a ``backup``)."""
    last = rows["audit_events"].pop()
    assert "restore" in last and "backup" in last, last
    return rows


def manifest_of(archive: Path) -> dict:
    with tarfile.open(archive, "r:gz") as tar:
        return json.load(tar.extractfile("manifest.json"))


def rewrite(archive: Path, dest: Path, change) -> Path:
    """A copy of ``archive`` whose manifest went through ``change(manifest)``."""
    with tarfile.open(archive, "r:gz") as tar, tarfile.open(dest, "w:gz") as out:
        for member in tar.getmembers():
            data = tar.extractfile(member).read() if member.isfile() else None
            if member.name == "manifest.json":
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            out.addfile(member, io.BytesIO(data) if data is not None else None)
    return dest


class VisitWriter(threading.Thread):
    """Logs a visit per commit until stopped: the server at work while a backup runs."""

    def __init__(self, app, team_id: int, farm_id: int):
        super().__init__(daemon=True)
        self.app, self.team_id, self.farm_id = app, team_id, farm_id
        self.stopping = threading.Event()
        self.written = 0
        self.errors: list[BaseException] = []

    def run(self) -> None:
        try:
            with self.app.app_context():
                while not self.stopping.is_set():
                    db.session.add(
                        Visit(
                            team_id=self.team_id,
                            farm_id=self.farm_id,
                            visited_on=today(),
                            kind=VisitKind.TECHNICAL_TRAINING,
                            people_reached=self.written,
                            households_reached=1,
                        )
                    )
                    db.session.commit()
                    self.written += 1
                    time.sleep(0.002)
                db.session.remove()
        except BaseException as exc:  # reported by the test
            self.errors.append(exc)

    def wait_for(self, count: int) -> None:
        deadline = time.monotonic() + 20
        while self.written < count and not self.errors and time.monotonic() < deadline:
            time.sleep(0.01)
        assert self.written >= count, self.errors


def test_backup_while_visits_are_logged_then_restore_gives_every_row_and_file(kepu, tmp_path):
    source = kepu("source")
    world = fill(source)
    archive = tmp_path / "kepu.tar.gz"
    writer = VisitWriter(source, *world.ids)
    writer.start()
    try:
        writer.wait_for(20)
        written_before = writer.written
        result = run(source, "backup", archive)
        writer.wait_for(writer.written + 20)  # the server kept writing after the copy
    finally:
        writer.stopping.set()
        writer.join()
    assert not writer.errors
    assert f"wrote {archive}" in result.output and "5 uploaded files" in result.output

    manifest = manifest_of(archive)
    assert manifest["format_version"] == 1 and manifest["kepu_version"]
    assert manifest["engine"] == ("postgresql" if ON_POSTGRESQL else "sqlite")
    with source.app_context():
        assert manifest["revisions"] == sorted(script_directory(source).get_heads())
    assert manifest["uploads"] == {
        "files": 5,
        "bytes": sum(map(len, upload_files(source).values())),
    }
    assert 5 + written_before <= manifest["tables"]["visits"] < 5 + writer.written

    target = kepu("target", revision=None)  # a database without a single table
    result = run(target, "restore", archive)
    assert "row counts match the archive" in result.output and "migrated" not in result.output

    restored, original = without_restore_row(table_rows(target)), table_rows(source)
    assert {name: len(rows) for name, rows in restored.items()} == manifest["tables"]
    for growing in ("visits", "audit_events"):  # the visits of one moment, and their trail
        rows = restored.pop(growing)
        assert rows == original.pop(growing)[: len(rows)]
    assert restored == original
    assert upload_files(target) == upload_files(source)
    assert len(upload_files(target)) == 5  # two photos, their thumbnails, the board's file


def test_restore_refuses_a_target_holding_data_unless_forced(kepu, tmp_path):
    source = kepu("source")
    fill(source)
    archive = tmp_path / "kepu.tar.gz"
    run(source, "backup", archive)
    target = kepu("target")
    with target.app_context():
        World()
    stray = uploads(target) / "inspections" / "stray.jpg"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(JPEG)
    before = table_rows(target)

    result = run(target, "restore", archive, ok=False)
    assert "the target holds data" in result.output and "--force" in result.output
    assert "areas" in result.output and "1 file under" in result.output
    assert table_rows(target) == before
    assert upload_files(target) == {"inspections/stray.jpg": JPEG}
    assert [path.name for path in Path(target.instance_path).iterdir()] == ["uploads"]

    result = run(target, "restore", archive, "--force")
    assert "row counts match the archive" in result.output
    assert without_restore_row(table_rows(target)) == table_rows(source)
    assert upload_files(target) == upload_files(source)
    assert [path.name for path in Path(target.instance_path).iterdir()] == ["uploads"]


def test_restore_refuses_an_archive_it_cannot_take_and_changes_nothing(kepu, tmp_path):
    source = kepu("source")
    fill(source)
    archive = tmp_path / "kepu.tar.gz"
    run(source, "backup", archive)
    other_engine = "sqlite" if ON_POSTGRESQL else "postgresql"
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(archive.read_bytes()[:-2000])
    garbage = tmp_path / "notes.tar.gz"
    garbage.write_bytes(b"not an archive")

    def unknown_revision(manifest):
        manifest["revisions"].append("0123456789ab")
        manifest["kepu_version"] = "9.0.0"

    cases = [
        (
            rewrite(archive, tmp_path / "newer.tar.gz", unknown_revision),
            ["revision 0123456789ab, unknown to this Kepu", "made by a newer Kepu (9.0.0)"],
        ),
        (
            rewrite(
                archive,
                tmp_path / "format.tar.gz",
                lambda manifest: manifest.update(format_version=2),
            ),
            ["format version 2", "upgrade Kepu first"],
        ),
        (
            rewrite(
                archive,
                tmp_path / "engine.tar.gz",
                lambda manifest: manifest.update(engine=other_engine),
            ),
            [f"holds a {other_engine} database but this Kepu is configured for"],
        ),
        (truncated, ["is not a readable Kepu backup"]),
        (garbage, ["is not a readable Kepu backup"]),
        (tmp_path / "missing.tar.gz", ["no file"]),
    ]
    target = kepu("target", revision=None)
    for path, messages in cases:
        result = run(target, "restore", path, ok=False)
        for message in messages:
            assert message in result.output, (path.name, result.output)
    assert list(Path(target.instance_path).iterdir()) == []  # no uploads, no staging folder
    assert table_rows(target) == {}


def test_an_archive_of_an_older_kepu_is_migrated_on_restore(kepu, tmp_path):
    source = kepu("old", revision=OLDER_REVISION)  # before the review tables existed
    # the models know columns and tables added since (users.session_version, soft deletion,
    # the audit trail every write records to): the older database holds them only while it
    # is filled
    with source.app_context(), db.engine.begin() as conn:
        added = _add_newer_columns(conn)
        AuditEvent.__table__.create(conn)
    fill(source, photos=False)
    with source.app_context(), db.engine.begin() as conn:
        for table, column in added:
            conn.execute(text(f"ALTER TABLE {table} DROP COLUMN {column}"))
        AuditEvent.__table__.drop(conn)
    archive = tmp_path / "old.tar.gz"
    run(source, "backup", archive)
    manifest = manifest_of(archive)
    assert manifest["revisions"] == [OLDER_REVISION] and "inspections" not in manifest["tables"]

    target = kepu("new")  # an empty database at the current revisions is an empty target
    result = run(target, "restore", archive)
    with target.app_context():
        heads = sorted(script_directory(target).get_heads())
    assert f"migrated from {OLDER_REVISION} to {', '.join(heads)}" in result.output
    rows = f"1 row in the archive, {len(heads)} rows after the migrations"  # a head per branch
    assert f"alembic_version: {rows}" in result.output
    rows = table_rows(target)
    assert sorted(row[0] for row in rows["alembic_version"]) == heads
    assert rows["inspections"] == []  # made by the migrations
    old_rows = table_rows(source)
    for name, count in manifest["tables"].items():
        if name != "alembic_version":
            # columns added since come last: the older columns hold the same values
            width = len(old_rows[name][0]) if old_rows[name] else 0
            assert len(rows[name]) == count, name
            assert [row[:width] for row in rows[name]] == old_rows[name], name
    with target.app_context():
        assert db.session.scalar(select(db.func.count(Visit.id))) == 5


def _add_newer_columns(conn) -> list[tuple[str, str]]:
    """Add the models' columns an older database lacks (to tables it has); return them."""
    have = inspect(conn)
    added = []
    for table in db.metadata.sorted_tables:
        if not have.has_table(table.name):
            continue
        present = {column["name"] for column in have.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            kind = column.type.compile(dialect=conn.dialect)
            required = "" if column.nullable else " NOT NULL DEFAULT 0"
            conn.execute(
                text(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {kind}{required}")
            )
            added.append((table.name, column.name))
    return added


def test_a_failed_backup_leaves_no_file(kepu, tmp_path, monkeypatch):
    source = kepu("source")
    fill(source)
    folder = tmp_path / "backups"
    folder.mkdir()

    def disk_full(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr("core.backup._add_uploads", disk_full)
    result = run(source, "backup", folder / "kepu.tar.gz", ok=False)
    assert "nothing was written" in result.output and "No space left" in result.output
    assert list(folder.iterdir()) == []
    result = run(source, "backup", tmp_path / "nowhere" / "kepu.tar.gz", ok=False)
    assert "does not exist" in result.output


@pytest.mark.skipif(not ON_POSTGRESQL, reason="pg_dump is needed on PostgreSQL only")
def test_backup_on_postgresql_without_pg_dump_says_what_to_install(kepu, tmp_path, monkeypatch):
    source = kepu("source")
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    result = run(source, "backup", tmp_path / "kepu.tar.gz", ok=False)
    assert "pg_dump not found" in result.output and "postgresql-client" in result.output
    assert [path.name for path in tmp_path.iterdir()] == ["source"]
