"""Logs: a line per request with its id and no secrets, the id on every record, JSON lines."""

import json
import logging
import re
from datetime import datetime

import pytest
from werkzeug.serving import WSGIRequestHandler

from core import logs
from core.extensions import db
from core.models import CalendarFeed
from core.models.users import hash_token

FEED = "s3cr3t-feed-token"
GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.fixture(autouse=True)
def _info(caplog):
    caplog.set_level(logging.INFO)


def request_lines(caplog) -> list[logging.LogRecord]:
    """The request lines logged so far."""
    return [record for record in caplog.records if record.name == "core.requests"]


def _kaboom(*args, **kwargs):
    raise RuntimeError("kaboom: a detail for the log only")


def test_the_request_line_has_its_fields_and_no_secret(client, world, caplog, capsys):
    db.session.add(CalendarFeed(user_id=world.leader.id, token_hash=hash_token(FEED)))
    db.session.commit()
    response = client.get(f"/calendar/feed/{FEED}.ics?lang=en&token=t0k&api_key=k3y&x=1")
    assert response.status_code == 200
    (line,) = request_lines(caplog)
    assert line.method == "GET"
    assert line.path == "/calendar/feed/***.ics?lang=en&token=***&api_key=***&x=1"
    assert line.status == 200 and line.user_id == "-" and line.remote_addr == "127.0.0.1"
    assert isinstance(line.duration_ms, float) and line.duration_ms >= 0
    assert line.request_id == response.headers["X-Request-ID"]
    assert re.fullmatch(
        r"\d{4}-\d\d-\d\dT[\d:.]+[+-]\d\d:\d\d INFO core\.requests \[[0-9a-f]{32}\] GET "
        r"/calendar/feed/\*\*\*\.ics\?lang=en&token=\*\*\*&api_key=\*\*\*&x=1 200 [\d.]+ms "
        r"user=- addr=127\.0\.0\.1",
        logs.TextFormatter().format(line),
    )
    written = capsys.readouterr().err  # what the handler wrote on stderr
    assert "GET /calendar/feed/***.ics?lang=en&token=***" in written
    for secret in (FEED, "t0k", "k3y"):
        assert secret not in written and secret not in caplog.text


def test_a_mistyped_feed_address_is_masked_too(client, caplog):
    assert client.get(f"/calendar/feed/{FEED}.ics/").status_code == 404
    assert request_lines(caplog)[-1].path == "/calendar/feed/***.ics/"


def test_the_user_is_named_by_id_session_or_token(client, world, login, bearer, caplog):
    client.get("/login")
    client.get("/api/v1/areas/", headers=bearer(world.reviewer))
    login("leader")
    client.get("/")
    users = [(line.path, line.user_id) for line in request_lines(caplog)]
    assert users[0] == ("/login", "-")
    assert users[1] == ("/api/v1/areas/", str(world.reviewer.id))
    assert users[-1] == ("/", str(world.leader.id))


def test_a_safe_request_id_is_kept_and_sent_back(client, caplog):
    response = client.get("/login", headers={"X-Request-ID": "edge-42.a_B"})
    assert response.headers["X-Request-ID"] == "edge-42.a_B"
    assert request_lines(caplog)[-1].request_id == "edge-42.a_B"


def test_without_one_each_request_gets_a_new_id(client, caplog):
    ids = [client.get("/login").headers["X-Request-ID"] for _ in range(2)]
    assert all(GENERATED.fullmatch(one) for one in ids) and ids[0] != ids[1]
    assert [line.request_id for line in request_lines(caplog)] == ids


@pytest.mark.parametrize("unsafe", ["has space", "x" * 65, "a/b", "<script>", "", "ünï"])
def test_an_unsafe_request_id_is_replaced(client, caplog, unsafe):
    sent = client.get("/login", headers={"X-Request-ID": unsafe}).headers["X-Request-ID"]
    assert GENERATED.fullmatch(sent)
    assert request_lines(caplog)[-1].request_id == sent


@pytest.mark.parametrize(
    ("target", "path", "api"),
    [
        ("core.views.home.overdue_rectifications", "/", False),
        ("core.api.inbox.inbox_query", "/api/v1/inbox/", True),
    ],
)
def test_an_unhandled_error_is_logged_with_the_request_id(
    client, world, login, bearer, caplog, monkeypatch, target, path, api
):
    login("reviewer")
    monkeypatch.setattr(target, _kaboom)
    headers = {"X-Request-ID": "trace-me", **(bearer(world.reviewer) if api else {})}
    response = client.get(path, headers=headers)
    assert response.status_code == 500 and response.headers["X-Request-ID"] == "trace-me"
    body = response.get_data(as_text=True)
    assert "kaboom" not in body and "Traceback" not in body
    if api:
        assert response.get_json() == {"code": 500, "status": "Internal Server Error"}
    (error,) = [record for record in caplog.records if record.exc_info]
    assert error.levelno == logging.ERROR and error.request_id == "trace-me"
    assert "RuntimeError: kaboom" in logs.TextFormatter().format(error)
    line = request_lines(caplog)[-1]
    assert (line.path, line.status, line.request_id) == (path, 500, "trace-me")
    assert line.user_id == str(world.reviewer.id)  # read after the rollback, without the row


def test_records_of_any_logger_carry_the_request_id(app, capsys):
    with app.test_request_context(headers={"X-Request-ID": "ctx-1"}):
        logging.getLogger("core.anything").warning("inside")
    logging.getLogger("core.anything").warning("outside")
    written = capsys.readouterr().err
    assert "WARNING core.anything [ctx-1] inside" in written
    assert "WARNING core.anything [-] outside" in written


def test_the_handler_is_installed_once_and_caplog_still_hears(make_app, caplog):
    make_app()
    make_app()
    root = logging.getLogger()
    assert [handler.get_name() for handler in root.handlers].count(logs.HANDLER_NAME) == 1
    assert caplog.handler in root.handlers
    core = logging.getLogger("core")
    assert sum(isinstance(f, logs.RequestIdFilter) for f in core.filters) == 1
    logging.getLogger("core.anything").info("heard")
    assert "heard" in caplog.text


def test_werkzeug_request_lines_are_dropped_its_other_messages_kept(app, caplog):
    handler = WSGIRequestHandler.__new__(WSGIRequestHandler)  # as `kepu run` logs a request
    handler.client_address = ("127.0.0.1", 50000)
    handler.command, handler.request_version = "GET", "HTTP/1.1"
    handler.path = f"/calendar/feed/{FEED}.ics?token=t0k"
    handler.log_request(200, 512)
    handler.log_message("%s", "a message of the server")
    heard = [record.getMessage() for record in caplog.records if record.name == "werkzeug"]
    assert len(heard) == 1 and heard[0].endswith("a message of the server")
    assert FEED not in caplog.text


@pytest.fixture
def fresh_handler():
    """No Kepu handler on the root logger until the test's app installs one; then as before."""
    root = logging.getLogger()
    kept, level = [h for h in root.handlers if h.get_name() == logs.HANDLER_NAME], root.level
    for handler in kept:
        root.removeHandler(handler)
    yield
    for handler in [h for h in root.handlers if h.get_name() == logs.HANDLER_NAME]:
        root.removeHandler(handler)
    for handler in kept:
        root.addHandler(handler)
    root.setLevel(level)


def test_json_mode_writes_one_object_per_line(fresh_handler, make_app, capsys):
    json_app = make_app(LOG_JSON=True, LOG_LEVEL="debug")
    assert logging.getLogger().level == logging.DEBUG
    capsys.readouterr()
    json_app.test_client().get(
        f"/calendar/feed/{FEED}.ics?token=t0k", headers={"X-Request-ID": "json-1"}
    )
    with json_app.test_request_context(headers={"X-Request-ID": "json-2"}):
        try:
            _kaboom()
        except RuntimeError:
            logging.getLogger("core.anything").exception("it failed")
    entries = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    (line,) = [
        entry
        for entry in entries
        if entry["logger"] == "core.requests" and entry["request_id"] == "json-1"
    ]
    assert set(line) == {
        "time",
        "level",
        "logger",
        "message",
        "request_id",
        "method",
        "path",
        "status",
        "duration_ms",
        "user_id",
        "remote_addr",
    }
    assert (line["level"], line["method"], line["path"], line["status"], line["user_id"]) == (
        "INFO",
        "GET",
        "/calendar/feed/***.ics?token=***",
        404,
        "-",
    )
    (failure,) = [entry for entry in entries if entry["message"] == "it failed"]
    assert set(failure) == {"time", "level", "logger", "message", "request_id", "exc"}
    assert failure["level"] == "ERROR" and failure["request_id"] == "json-2"
    assert "RuntimeError: kaboom" in failure["exc"]
    assert datetime.fromisoformat(failure["time"]).utcoffset() is not None


def test_a_request_that_never_loads_its_user_is_named_by_the_sessions_user_id(
    client, world, login, caplog
):
    """A signed-in request whose view never reads the user (a static file) names the user id,
    not the whole session id ``user:generation:login time``."""
    login("leader")
    client.get("/static/kepu.css").close()
    (line,) = [line for line in request_lines(caplog) if line.path == "/static/kepu.css"]
    assert line.user_id == str(world.leader.id)
