"""The production layout under load: gunicorn with 2 workers (gunicorn.conf.py) and one
``kepu scheduler``, on PostgreSQL, with the rate-limit store in Redis.

A bounded burst of concurrent visit POSTs over loopback, distinct client keys and retries of
some of them sent at the same moment as their first send: every accepted visit is stored
exactly once, no request answers 5xx, a retry answers with the visit already logged, and the
workers count one rate limit together. Runs in the PostgreSQL pass (KEPU_TEST_DATABASE_URI);
it needs Redis on 127.0.0.1:6379 as .ci/run starts it.
"""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import pytest
from conftest import World
from flask_migrate import upgrade
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url

from core import create_app
from core.extensions import db
from core.models import Visit

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
#: distinct visits sent, and how many of them are sent a second time at once
VISITS, RETRIED = 240, 60
#: the feed's rate limit for this test, counted across both workers
FEED_LIMIT = 12

pytestmark = pytest.mark.skipif(
    not (os.environ.get("KEPU_TEST_DATABASE_URI") or "").startswith("postgresql"),
    reason="the production layout runs on PostgreSQL (set KEPU_TEST_DATABASE_URI)",
)


def _redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def database():
    """A new PostgreSQL database at heads with a small county; (URI, token, visit body)."""
    base = make_url(os.environ["KEPU_TEST_DATABASE_URI"]).set(drivername="postgresql+psycopg")
    name = f"kepu_load_{uuid.uuid4().hex[:8]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    uri = base.set(database=name).render_as_string(hide_password=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "x", "PLUGINS_AUTOLOAD": False})
    with app.app_context():
        upgrade(revision="heads")
        world = World()
        token = world.token(world.leader)
        members = world.team_members(world.team)
        body = {
            "farm_id": world.farm.id,
            "kind": "technical_training",
            "visited_on": (date.today() - timedelta(days=1)).isoformat(),
            "people_reached": 20,
            "households_reached": 5,
            "member_ids": [members[0].id],
        }
        db.session.remove()
        db.engine.dispose()
    try:
        yield uri, token, body
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def served(database, tmp_path):
    """``make serve``'s processes: gunicorn (2 workers) and one scheduler; the base URL."""
    if not _redis_up():
        pytest.fail("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
    uri, token, body = database
    port = _free_port()
    env = {
        **os.environ,
        "KEPU_SQLALCHEMY_DATABASE_URI": uri,
        "KEPU_SECRET_KEY": "load-test-secret",
        "KEPU_INSTANCE_PATH": str(tmp_path / "instance"),
        "KEPU_RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379",
        "KEPU_RATELIMIT_KEY_PREFIX": f"kepu-load-{uuid.uuid4().hex[:8]}",
        "KEPU_CALENDAR_RATE_LIMIT": json.dumps(f"{FEED_LIMIT} per hour"),
        "KEPU_PLUGINS_AUTOLOAD": "false",
        "KEPU_WORKERS": "2",
        "KEPU_LOG_LEVEL": "WARNING",
    }
    log = (tmp_path / "serve.log").open("w")
    processes = [
        subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--config",
                "gunicorn.conf.py",
                "--bind",
                f"127.0.0.1:{port}",
                "core:create_app()",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        ),
        subprocess.Popen(
            [str(BIN / "kepu"), "scheduler"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        ),
    ]
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, processes, tmp_path / "serve.log")
        yield base, token, body
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
        log.close()


def _wait_ready(base: str, processes, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if any(process.poll() is not None for process in processes):
            break
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=2) as response:
                if response.status == 200:
                    return
        except (OSError, urllib.error.HTTPError):
            pass
        time.sleep(0.3)
    pytest.fail(f"the server did not become ready:\n{log_path.read_text()[-3000:]}")


def _post(base: str, token: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        f"{base}/api/v1/visits/",
        data=json.dumps(body).encode(),
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, {"body": error.read().decode(errors="replace")[:300]}


def _get(base: str, path: str) -> int:
    try:
        with urllib.request.urlopen(f"{base}{path}", timeout=30) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_a_burst_of_visits_is_stored_exactly_once_with_no_5xx(served, database):
    base, token, body = served
    keys = [f"load-{uuid.uuid4().hex[:12]}-{n}" for n in range(VISITS)]
    # each retried key is sent twice in a row, so both copies are in flight at once
    sends = []
    for n, key in enumerate(keys):
        sends.append(key)
        if n % (VISITS // RETRIED) == 0:
            sends.append(key)
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(
            pool.map(lambda key: (key, *_post(base, token, {**body, "client_key": key})), sends)
        )

    statuses = Counter(status for _, status, _ in answers)
    assert set(statuses) <= {200, 201}, [a for a in answers if a[1] not in (200, 201)][:5]
    assert statuses[201] == VISITS and statuses[200] == len(sends) - VISITS
    ids_by_key = {}
    for key, _, visit in answers:
        assert ids_by_key.setdefault(key, visit["id"]) == visit["id"]  # a retry: the same visit

    engine = create_engine(make_url(database[0]).set(drivername="postgresql+psycopg"))
    with engine.connect() as conn:
        stored = conn.execute(
            select(Visit.client_key, func.count()).group_by(Visit.client_key)
        ).all()
    engine.dispose()
    assert dict(stored) == dict.fromkeys(keys, 1)


def test_the_workers_count_one_rate_limit_together(served):
    base, _, _ = served
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = Counter(
            pool.map(lambda _: _get(base, "/calendar/events.ics"), range(FEED_LIMIT + 6))
        )
    assert statuses == {200: FEED_LIMIT, 429: 6}
