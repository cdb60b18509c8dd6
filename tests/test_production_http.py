"""What a production server relies on, through HTTP: health checks, a database out of reach
answered 503, caching headers, fingerprinted static files, and the trusted proxy's headers."""

import re
import time
from pathlib import Path

import pytest
from flask_migrate import upgrade

from core import create_app
from core.extensions import db
from core.static_files import file_digest

#: a PostgreSQL port nothing listens on, and a SQLite file in a folder that does not exist
UNREACHABLE = {
    "postgresql": "postgresql://postgres@127.0.0.1:1/kepu",
    "sqlite": "sqlite:////nonexistent-kepu-folder/kepu.sqlite3",
}


@pytest.fixture(params=sorted(UNREACHABLE))
def down(request, app):
    """An app whose database cannot be reached, and a client signed in as user 1."""
    broken = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": UNREACHABLE[request.param],
            "SECRET_KEY": "x",
            "TESTING": True,
            "PLUGINS_AUTOLOAD": False,
            "PLUGINS_ENABLED_BY_DEFAULT": ["noticeboards"],
        }
    )
    client = broken.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = f"1:0:{int(time.time())}"
        session["_fresh"] = True
    yield client
    with broken.app_context():
        db.engine.dispose()


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/teams",
        "/visits/new",
        "/review",
        "/plugins/noticeboards/",
        "/calendar/events.ics",
        "/api/v1/teams/",
        "/api/v1/visits/",
        "/api/v1/plugins/noticeboards/boards/",
    ],
)
def test_every_page_and_api_answers_503_while_the_database_is_out_of_reach(down, path):
    headers = {"Authorization": "Bearer some-token"} if path.startswith("/api/") else {}
    response = down.get(path, headers=headers)
    assert response.status_code == 503
    assert int(response.headers["Retry-After"]) > 0
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    if path.startswith("/api/"):
        assert response.get_json()["code"] == 503
        assert "无法连接数据库" in response.get_json()["message"]
    else:
        assert "无法连接数据库" in text and "Traceback" not in text


def test_a_write_while_the_database_is_out_of_reach_answers_503(down):
    response = down.post(
        "/api/v1/visits/", json={"farm_id": 1}, headers={"Authorization": "Bearer some-token"}
    )
    assert response.status_code == 503 and "Retry-After" in response.headers


def test_the_503_page_follows_the_sessions_language(down):
    with down.session_transaction() as session:
        session["lang"] = "en"
    text = down.get("/teams").get_data(as_text=True)
    assert "cannot reach its database" in text


def test_healthz_answers_without_the_database_and_readyz_says_unavailable(down):
    assert down.get("/healthz").get_json() == {"status": "ok"}
    ready = down.get("/readyz")
    assert ready.status_code == 503
    assert ready.get_json() == {"status": "unavailable", "database": "unreachable"}


@pytest.fixture
def migrated_app(tmp_path):
    """An app on a database of its own (SQLite), not yet migrated."""
    made = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/ready.sqlite3",
            "SECRET_KEY": "x",
            "TESTING": True,
            "PLUGINS_AUTOLOAD": False,
        }
    )
    yield made
    with made.app_context():
        db.engine.dispose()


def test_readyz_waits_for_the_migrations_to_reach_the_code_heads(migrated_app):
    client = migrated_app.test_client()
    pending = client.get("/readyz")
    assert pending.status_code == 503
    assert pending.get_json()["status"] == "migrations pending"
    assert pending.get_json()["migrations"]["database"] == []
    with migrated_app.app_context():
        upgrade(revision="heads")
    ready = client.get("/readyz")
    assert ready.status_code == 200, ready.get_json()
    body = ready.get_json()
    assert body["status"] == "ok"
    assert body["migrations"]["database"] == body["migrations"]["code"]
    assert len(body["migrations"]["code"]) >= 2  # the core and the first-party plugins


@pytest.mark.parametrize(
    "path",
    ["/", "/teams", "/review/export.xlsx?period=2026", "/api/v1/teams/", "/login", "/profile"],
)
def test_private_answers_are_never_stored(client, world, login, path, bearer):
    login("admin")
    headers = bearer(world.admin) if path.startswith("/api/") else {}
    response = client.get(path, headers=headers)
    assert response.status_code in (200, 302)
    assert response.headers["Cache-Control"] == "private, no-store"


def test_public_feeds_keep_their_own_caching(client):
    response = client.get("/calendar/events.ics")
    assert response.status_code == 200
    assert "public" in response.headers["Cache-Control"]


def test_static_files_have_fingerprinted_names_kept_for_a_year(client, app, world, login):
    login("admin")
    page = client.get("/").get_data(as_text=True)
    digest = file_digest(f"{app.static_folder}/kepu.css")
    assert f"/static/kepu.{digest}.css" in page
    assert "/static/kepu.css" not in page
    with client.get(f"/static/kepu.{digest}.css") as kept:
        assert kept.status_code == 200
        assert kept.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert kept.data == Path(app.static_folder, "kepu.css").read_bytes()
    with client.get("/static/kepu.css") as plain:
        assert plain.status_code == 200 and "immutable" not in plain.headers["Cache-Control"]
    with client.get("/static/kepu.000000000000.css") as old:  # a page kept from an older release
        assert old.status_code == 200 and "immutable" not in old.headers["Cache-Control"]
    assert client.get("/static/nothing.000000000000.css").status_code == 404


def test_a_plugins_static_files_are_fingerprinted_too(make_app, world, log_in):
    served = make_app(PLUGINS_ENABLED_BY_DEFAULT=["reading_rooms"])
    client = log_in(served.test_client(), "admin")
    with served.test_request_context():
        from flask import url_for

        url = url_for("reading_rooms.static", filename="reading_rooms.css")
    assert re.search(r"/reading_rooms\.[0-9a-f]{12}\.css$", url)
    with client.get(url) as response:
        assert response.status_code == 200 and "immutable" in response.headers["Cache-Control"]


def test_proxy_headers_are_ignored_unless_a_proxy_is_trusted(make_app):
    forwarded = {
        "X-Forwarded-For": "203.0.113.9",
        "X-Forwarded-Proto": "https",
        "X-Forwarded-Host": "kepu.example.org",
    }
    for trusted, scheme_host in ((0, "http://localhost"), (1, "https://kepu.example.org")):
        served = make_app(PROXY_FIX=trusted)

        @served.get("/_probe")
        def probe():
            from flask import request, url_for

            return {
                "addr": request.remote_addr,
                "feed": url_for("calendar.events_feed", _external=True),
            }

        body = (
            served.test_client()
            .get("/_probe", headers=forwarded, environ_base={"REMOTE_ADDR": "127.0.0.1"})
            .get_json()
        )
        assert body["feed"].startswith(scheme_host)
        assert body["addr"] == ("203.0.113.9" if trusted else "127.0.0.1")
