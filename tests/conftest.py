"""Fixtures in the Flask tutorial's style: ``app``, ``client``, ``runner``, ``login``, data makers.

The suite runs on SQLite by default and on PostgreSQL when ``KEPU_TEST_DATABASE_URI`` is set.
The schema is created once per session; each test starts from empty tables.
"""

import functools
import importlib
import itertools
import os
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import query_counter
from flask.testing import FlaskClient
from sqlalchemy import inspect, text
from werkzeug.security import generate_password_hash

from core import create_app
from core.extensions import db
from core.models import (
    ApiToken,
    AreaKind,
    Assignment,
    Campaign,
    CampaignKind,
    Event,
    Farm,
    FarmKind,
    Member,
    Role,
    Team,
    User,
    VenueKind,
    Visit,
    VisitKind,
)
from core.plugins.state import forget_everywhere
from core.services.areas import add_area

PASSWORD = "correct-horse-42"
TZ = ZoneInfo("Asia/Shanghai")


def _database_uri(tmp_path_factory) -> str:
    uri = os.environ.get("KEPU_TEST_DATABASE_URI")
    if uri:
        return uri
    return "sqlite:///" + str(tmp_path_factory.mktemp("db") / "kepu-test.sqlite3")


#: the configuration of every app the tests build (plus a database URI)
TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret",
    "SESSION_COOKIE_SECURE": False,
    "REMEMBER_COOKIE_SECURE": False,
    "WTF_CSRF_ENABLED": False,
    "LOGIN_RATE_LIMIT": "10000 per minute",
    "LOGIN_ACCOUNT_RATE_LIMIT": "10000 per minute",
    "PLUGINS_AUTOLOAD": False,  # installed entry points stay out unless a test asks for them
    "PLUGIN_STATES_CACHE_SECONDS": 0,  # tests switch plugins and empty tables behind its back
}


@pytest.fixture(scope="session", autouse=True)
def _instance_folder(tmp_path_factory):
    """Every app the tests build (and every process they start) keeps its local state in a
    folder of the test session, never in the repository's ``instance/``."""
    before = os.environ.get("KEPU_INSTANCE_PATH")
    os.environ["KEPU_INSTANCE_PATH"] = str(tmp_path_factory.mktemp("instance"))
    yield os.environ["KEPU_INSTANCE_PATH"]
    if before is None:
        os.environ.pop("KEPU_INSTANCE_PATH", None)
    else:
        os.environ["KEPU_INSTANCE_PATH"] = before


@pytest.fixture(scope="session")
def _app(tmp_path_factory, _instance_folder):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": _database_uri(tmp_path_factory)})
    assert app.instance_path == _instance_folder
    with app.app_context():
        _reset_database()
        db.create_all()
    yield app
    with app.app_context():
        _empty_tables()  # SQLite cannot drop the teams <-> members cycle while rows remain
        db.drop_all()
        db.engine.dispose()


def _reset_database() -> None:
    """Start from an empty database, whatever an earlier (perhaps interrupted) run left.

    A killed run can leave tables the metadata does not know yet (a test plugin's table with a
    foreign key to ``visits``, the scheduler's job store, ``alembic_version``), which would make
    ``drop_all`` fail; on PostgreSQL the schema is dropped whole instead.
    """
    if db.engine.dialect.name != "postgresql":
        db.drop_all()
    with db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        else:
            conn.execute(text("DROP TABLE IF EXISTS alembic_version"))


def _empty_tables() -> None:
    forget_everywhere()  # plugin flags an app with a cache kept from the previous test
    db.session.remove()
    with db.engine.begin() as conn:
        # a plugin's table is on the metadata once any test imported the plugin
        existing = set(inspect(conn).get_table_names())
        tables = [t for t in reversed(db.metadata.sorted_tables) if t.name in existing]
        if conn.dialect.name == "postgresql":
            # TRUNCATE costs the same for an empty table as for a full one: ask once which
            # tables hold rows and truncate only those. (Not DELETE, though faster: it leaves
            # free space that later rows reuse, so unordered scans come back in another order
            # and a test that leaned on insertion order failed now and then.)
            probe = " UNION ALL ".join(
                f"SELECT '{t.name}' WHERE EXISTS (SELECT 1 FROM \"{t.name}\")" for t in tables
            )
            filled = conn.execute(text(probe)).scalars().all() if tables else []
            if filled:
                names = ", ".join(f'"{name}"' for name in filled)
                conn.execute(text(f"TRUNCATE {names} CASCADE"))
            conn.execute(
                text(
                    "SELECT setval(c.oid, 1, false) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE c.relkind = 'S' AND n.nspname = 'public'"
                )
            )
        else:
            conn.execute(text("PRAGMA foreign_keys=OFF"))
            for table in tables:
                conn.execute(table.delete())
            conn.execute(text("PRAGMA foreign_keys=ON"))


@pytest.fixture
def count_queries():
    """The shared query counter (``tests/query_counter.py``), as a fixture."""
    return query_counter.count_queries


@pytest.fixture
def app(_app):
    """The application, inside an app context, with empty tables."""
    with _app.app_context():
        _empty_tables()
        yield _app
        db.session.remove()


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in its own app context, as in production.

    The ``app`` fixture keeps an app context open for the test's own database work; without
    this, requests would share its ``g`` (Flask-Login's cached user, Babel's locale).
    """

    def open(self, *args, **kwargs):
        """Send the request inside a fresh app context, then let the test read fresh rows."""
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        db.session.expire_all()
        return response


PLUGIN_SOURCES = Path(__file__).resolve().parent / "plugins"


class PluginDists:
    """Plugins made visible through the ``kepu.plugins`` entry-point group, for one test.

    Each is a ``<name>-<version>.dist-info`` folder in a temporary directory on ``sys.path``
    (nothing is pip-installed); the sample plugin's code comes from ``tests/plugins/``.
    """

    def __init__(self, root: Path):
        self.root = root

    def install(
        self, name: str, target: str | None = None, source: str | None = None, version: str = "0.1"
    ) -> None:
        """Declare the entry point ``name = target``; with ``source``, write ``<target>.py``."""
        target = target or name
        dist = self.root / f"{name}-{version}.dist-info"
        dist.mkdir()
        (dist / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        (dist / "entry_points.txt").write_text(f"[kepu.plugins]\n{name} = {target}\n")
        if source is not None:
            (self.root / f"{target.partition(':')[0]}.py").write_text(source)
        importlib.invalidate_caches()

    def install_sample(self) -> None:
        """The sample plugin of ``tests/plugins/kepu_sample``."""
        self.install("kepu_sample")


@pytest.fixture
def plugin_dists(tmp_path, monkeypatch):
    """Install plugins through entry points for this test only (undone afterwards)."""
    root = tmp_path / "site-packages"
    root.mkdir()
    monkeypatch.syspath_prepend(str(PLUGIN_SOURCES))
    monkeypatch.syspath_prepend(str(root))
    return PluginDists(root)


@pytest.fixture
def make_app(app):
    """Build more apps on the test database (entry points autoloaded); closed after the test.

    The test keeps working in the ``app`` fixture's context (same database); each new app's
    client runs every request in that app's own context.
    """
    made = []

    def _make(**config):
        new = create_app(
            {
                **TEST_CONFIG,
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                "PLUGINS_AUTOLOAD": True,
                **config,
            }
        )
        new.test_client_class = IsolatedClient
        with new.app_context():
            db.create_all()  # the tables of a plugin loaded for the first time
        made.append(new)
        return new

    yield _make
    for new in made:
        with new.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def sample(plugin_dists):
    """The sample plugin, installed through its entry point; its hooks module, reset."""
    plugin_dists.install_sample()
    hooks = importlib.import_module("kepu_sample.hooks")
    hooks.FAILING.clear()
    hooks.CALLS.clear()
    yield hooks
    hooks.FAILING.clear()
    hooks.CALLS.clear()


@pytest.fixture
def sample_app(make_app, sample):
    """An app with the sample plugin installed (disabled until a test enables it)."""
    return make_app()


@pytest.fixture
def invoke():
    """Run a ``kepu`` command against any app (inside that app's context)."""

    def _invoke(app, *args, **kwargs):
        with app.app_context():
            return app.test_cli_runner().invoke(args=list(args), **kwargs)

    return _invoke


@pytest.fixture
def log_in():
    """Log any app's test client in as a username; returns the client."""

    def _log_in(client, username: str, password: str = PASSWORD):
        response = client.post("/login", data={"username": username, "password": password})
        assert response.status_code == 302, response.status_code
        return client

    return _log_in


@pytest.fixture
def client(app):
    """A test client (a fresh app context per request)."""
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture
def runner(app):
    """A CLI runner."""
    return app.test_cli_runner()


_seq = itertools.count(1)


@functools.cache
def _password_hash() -> str:
    """The hash of ``PASSWORD`` for the world's users, computed once.

    The app stores scrypt hashes; checking one costs ~0.2 s, paid at every test login. The
    world's users get a one-round PBKDF2 hash instead, which werkzeug checks by the method the
    hash names: the login path is the same, without the cost.
    """
    return generate_password_hash(PASSWORD, method="pbkdf2:sha256:1")


class World:
    """Makes a small county with a township, two villages, teams, farms and users."""

    def __init__(self):
        self.county = add_area("测试县", AreaKind.COUNTY)
        self.township = add_area("永阳镇", AreaKind.TOWNSHIP, self.county)
        self.other_township = add_area("洪蓝镇", AreaKind.TOWNSHIP, self.county)
        self.village = add_area("戴家村", AreaKind.VILLAGE, self.township)
        self.other_village = add_area("傅家边村", AreaKind.VILLAGE, self.other_township)
        self.team = self.make_team(self.village, "戴家村服务队", size=10)
        self.other_team = self.make_team(self.other_village, "傅家边村服务队", size=10)
        self.farm = self.make_farm(self.village, "戴家梅子基地")
        self.other_farm = self.make_farm(self.other_village, "傅家边草莓园")
        for member in self.team_members(self.team):
            db.session.add(Assignment(member=member, farm=self.farm))
        for member in self.team_members(self.other_team):
            db.session.add(Assignment(member=member, farm=self.other_farm))
        self.admin = self.make_user("admin", Role.ADMIN)
        self.reviewer = self.make_user("reviewer", Role.REVIEWER, area=self.township)
        self.leader = self.make_user("leader", Role.LEADER, team=self.team)
        self.other_leader = self.make_user("leader2", Role.LEADER, team=self.other_team)
        self.member = self.make_user("member", Role.MEMBER, team=self.team)
        self.campaign = Campaign(
            name="2026年全国科普日",
            kind=CampaignKind.SCIENCE_DAY,
            year=2026,
            starts_on=date(2026, 9, 15),
            ends_on=date(2026, 9, 30),
        )
        db.session.add(self.campaign)
        db.session.commit()

    def make_team(self, village, name, size=10):
        team = Team(name=name, village=village)
        db.session.add(team)
        db.session.flush()
        members = [Member(name=f"队员{next(_seq)}", team=team) for _ in range(size)]
        db.session.add_all(members)
        db.session.flush()
        team.leader_id = members[0].id if members else None
        return team

    def team_members(self, team):
        return db.session.scalars(
            db.select(Member).where(Member.team_id == team.id).order_by(Member.id)
        ).all()

    def make_farm(self, village, name, kind=FarmKind.INDUSTRY_BASE):
        farm = Farm(name=name, kind=kind, village=village, industry="梅子")
        db.session.add(farm)
        db.session.flush()
        return farm

    def make_user(self, username, role, team=None, area=None):
        user = User(username=username, role=role, team=team, area=area, display_name=username)
        user.password_hash = _password_hash()
        db.session.add(user)
        db.session.flush()
        return user

    def token(self, user) -> str:
        """A fresh API token for ``user``."""
        row, raw = ApiToken.issue(user, label="test")
        db.session.add(row)
        db.session.commit()
        return raw

    def make_visit(self, team=None, farm=None, days_ago=3, **kw):
        visit = Visit(
            team=team or self.team,
            farm=farm or self.farm,
            visited_on=date.today() - timedelta(days=days_ago),
            kind=kw.pop("kind", VisitKind.TECHNICAL_TRAINING),
            people_reached=kw.pop("people_reached", 20),
            households_reached=kw.pop("households_reached", 8),
            **kw,
        )
        db.session.add(visit)
        db.session.commit()
        return visit

    def make_event(self, team=None, days_ahead=5, **kw):
        start = datetime.now(TZ).replace(hour=9, minute=0, second=0, microsecond=0) + timedelta(
            days=days_ahead
        )
        event = Event(
            title=kw.pop("title", "梅子栽培讲座"),
            venue_kind=kw.pop("venue_kind", VenueKind.VILLAGE),
            place=kw.pop("place", "戴家村村部"),
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            campaign=kw.pop("campaign", self.campaign),
            area=(team or self.team).village,
            teams=[team or self.team],
            **kw,
        )
        db.session.add(event)
        db.session.commit()
        return event


@pytest.fixture
def world(app):
    """A small county with users of every role (password: ``PASSWORD``)."""
    return World()


@pytest.fixture
def login(client):
    """Log the test client in as a username."""

    def _login(username: str, password: str = PASSWORD):
        return client.post(
            "/login", data={"username": username, "password": password}, follow_redirects=False
        )

    return _login


@pytest.fixture
def bearer(world):
    """Authorization headers for a user of the world."""

    def _headers(user):
        return {"Authorization": f"Bearer {world.token(user)}"}

    return _headers
