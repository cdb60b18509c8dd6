"""Benchmark: Kepu over HTTP under its production server, against a bare Flask app.

Run with ``.venv/bin/python bench/http_paths.py [--quick] [--engine sqlite|postgresql]
[--duration 6] [--repeats 3]`` (``--engine`` may be given twice; ``make bench`` runs SQLite,
then PostgreSQL; ``make bench-quick`` runs ``--quick``). It needs ``wrk`` (``make wrk``).

For each database engine it builds a fresh instance folder in a temporary directory, migrates
it and loads the demo county (``kepu demo``; SQLite in WAL mode, or the PostgreSQL database
``kepu_bench_http`` on 127.0.0.1, recreated), makes the demo leader an API token and signs
the leader in for a session cookie. It then serves, each with gunicorn and two sync workers:

- Kepu, with ``gunicorn.conf.py`` as ``make serve`` does (no scheduler);
- ``bench/bare_app.py``, a bare Flask + Flask-SQLAlchemy app on the same database doing the
  least database work in one statement (a primary-key read, a list of 20, an insert + commit),
  with the same gunicorn settings (read from ``gunicorn.conf.py``).

Every path is driven with ``wrk -t1 -c8 -d<duration>s``, alternating between Kepu and its
baseline ``--repeats`` times; the table gives medians (min-max), the ratio Kepu / baseline and
the target for that ratio. It also measures a fresh process's ``create_app()`` against
importing the libraries alone, ``kepu --help``, and the workers' resident memory after the
runs. Everything goes to ``bench/results/latest.json``. The calendar feed's rate limit is
lifted for the run (``KEPU_CALENDAR_RATE_LIMIT``) so wrk measures the feed, not the 429.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import re  # noqa: E402
import runpy  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.error  # noqa: E402
import urllib.parse  # noqa: E402
import urllib.request  # noqa: E402
from datetime import UTC, datetime  # noqa: E402
from http.cookiejar import CookieJar  # noqa: E402

BIN = Path(sys.executable).parent
PYTHON = sys.executable
LUA = HERE / "wrk" / "bench.lua"
RESULTS = HERE / "results" / "latest.json"
PG_SERVER = "postgresql://postgres@127.0.0.1:5432"
PG_DATABASE = "kepu_bench_http"
PG_PROVINCE_DATABASE = "kepu_bench_http_province"
DEMO_USER, DEMO_PASSWORD = "leader", "kepu-demo-2026"
#: the users made in the province (it has none): a leader of team 1 and an admin
PROVINCE_LEADER, PROVINCE_ADMIN, PROVINCE_PASSWORD = "leader", "bench-admin", "bench-password-42"
#: the province's review, asked for as the admin before the workers' memory is read
PROVINCE_REVIEW = "/review?area=1&period=2025"
WORKERS = 2
THREADS, CONNECTIONS = 1, 8
LIBRARIES = (
    "flask, flask_sqlalchemy, sqlalchemy, flask_smorest, icalendar, apscheduler, pluggy, "
    "flask_babel, flask_login, flask_wtf"
)

#: the baselines: what the bare app's endpoint does, its method and address
BASELINES = {
    "pk": ("one primary-key read", "GET", "/pk/{team}"),
    "list20": ("list of 20 (one statement)", "GET", "/list20?team={team}"),
    "insert": ("one insert + commit", "POST", "/insert"),
}

#: the measured paths, in the order they run (the POST last: it adds visits)
PATHS = [
    {
        "key": "api_team",
        "label": "GET /api/v1/teams/ID (token)",
        "url": "/api/v1/teams/{team}",
        "auth": "token",
        "baselines": ["pk"],
        "target": 0.5,
    },
    {
        "key": "api_list20",
        "label": "GET /api/v1/visits/?team&page_size=20",
        "url": "/api/v1/visits/?team={team}&page_size=20",
        "auth": "token",
        "baselines": ["pk", "list20"],
        "target": 0.35,
    },
    {
        "key": "page_team",
        "label": "GET /teams/ID (signed in)",
        "url": "/teams/{team}",
        "auth": "cookie",
        "baselines": ["pk"],
        "target": 0.25,
    },
    {
        "key": "page_home",
        "label": "GET / (signed in)",
        "url": "/",
        "auth": "cookie",
        "baselines": ["pk"],
        "target": 0.25,
    },
    {
        "key": "page_visit_form",
        "label": "GET /visits/new (signed in)",
        "url": "/visits/new",
        "auth": "cookie",
        "baselines": ["pk"],
        "target": 0.25,
    },
    {
        "key": "page_visit_list",
        "label": "GET /visits (signed in)",
        "url": "/visits",
        "auth": "cookie",
        "baselines": ["pk"],
        "target": 0.25,
    },
    {
        "key": "feed_304",
        "label": "GET /calendar/events.ics (304)",
        "url": "/calendar/events.ics",
        "auth": "etag",
        "baselines": ["pk"],
        "target": 0.8,
    },
    {
        "key": "feed_full",
        "label": "GET /calendar/events.ics (full)",
        "url": "/calendar/events.ics",
        "auth": None,
        "baselines": [],
        "target": None,
    },
    {
        "key": "api_post",
        "label": "POST /api/v1/visits/ (token)",
        "url": "/api/v1/visits/",
        "auth": "token",
        "method": "POST",
        "baselines": ["insert"],
        "target": 0.6,
    },
]


class BenchError(RuntimeError):
    """The benchmark cannot go on (the message says why)."""


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Answers 3xx as they are: a probe must see a redirect to the login page."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        """Never follow."""
        return None


# -- processes ---------------------------------------------------------------------------------


class Servers:
    """The gunicorn masters started by the run; :meth:`stop_all` ends each, by its id."""

    def __init__(self):
        """No server yet."""
        self.processes: list[tuple[str, subprocess.Popen, object]] = []

    def start(self, name: str, argv: list[str], env: dict, log_path: Path) -> subprocess.Popen:
        """Start ``argv`` in a session of its own, its output in ``log_path``."""
        log = open(log_path, "wb")  # noqa: SIM115 (closed by stop_all)
        process = subprocess.Popen(
            argv, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes.append((name, process, log))
        return process

    def stop_all(self) -> None:
        """SIGTERM to each master (gunicorn stops its workers); SIGKILL to its group if stuck."""
        for _name, process, _log in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for _name, process, log in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()
        self.processes.clear()


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run(argv: list[str], env: dict, what: str, input_text: str | None = None) -> str:
    """Run a command to its end; its standard output, or a :class:`BenchError` with its output."""
    done = subprocess.run(
        argv, cwd=ROOT, env=env, input=input_text, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise BenchError(f"{what} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    return done.stdout


def wait_until_up(base: str, process: subprocess.Popen, log_path: Path, timeout=90.0) -> None:
    """Wait for ``base``/healthz to answer 200, or raise with the server's log."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.2)
    raise BenchError(f"{base} did not come up; its log:\n{log_path.read_text()[-3000:]}")


def worker_pids(master: int) -> list[int]:
    """The pids of a gunicorn master's workers (its children)."""
    children = Path(f"/proc/{master}/task/{master}/children")
    try:
        return [int(pid) for pid in children.read_text().split()]
    except OSError:
        return []


def rss_mb(pid: int) -> float | None:
    """The resident memory of ``pid`` (VmRSS) in MB."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# -- the instance ------------------------------------------------------------------------------


def recreate_postgresql(name: str = PG_DATABASE) -> None:
    """Drop and create the database ``name`` on the local PostgreSQL server."""
    import psycopg

    try:
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {name}")
    except psycopg.OperationalError as exc:
        raise BenchError(f"PostgreSQL on {PG_SERVER} is not reachable: {exc}") from None


def kepu_env(folder: Path, uri: str) -> dict:
    """The environment of every Kepu process of the run."""
    env = dict(os.environ)
    env.update(
        KEPU_INSTANCE_PATH=str(folder / "instance"),
        KEPU_SECRET_KEY=os.urandom(32).hex(),
        KEPU_SQLALCHEMY_DATABASE_URI=uri,
        KEPU_WORKERS=str(WORKERS),
        # the benchmark's client talks plain HTTP on loopback
        KEPU_SESSION_COOKIE_SECURE="false",
        KEPU_REMEMBER_COOKIE_SECURE="false",
        # wrk fetches the feed thousands of times a minute from one address
        KEPU_CALENDAR_RATE_LIMIT="100000000 per minute",
        KEPU_SCHEDULER_EMBEDDED="false",
        PYTHONUNBUFFERED="1",
    )
    (folder / "instance").mkdir()
    return env


def leader_ids(uri: str, username: str = DEMO_USER) -> tuple[int, int]:
    """The leader's team and a farm in its village."""
    from sqlalchemy import create_engine, text

    if uri.startswith("postgresql://"):
        uri = "postgresql+psycopg://" + uri[len("postgresql://") :]
    engine = create_engine(uri)
    try:
        with engine.connect() as conn:
            team = conn.execute(
                text("SELECT team_id FROM users WHERE username = :u"), {"u": username}
            ).scalar_one()
            farm = conn.execute(
                text(
                    "SELECT f.id FROM farms f JOIN teams t ON t.village_id = f.village_id "
                    "WHERE t.id = :t AND f.deleted_at IS NULL ORDER BY f.id LIMIT 1"
                ),
                {"t": team},
            ).scalar_one()
    finally:
        engine.dispose()
    return team, farm


def csrf_token_of(page: str) -> str:
    """The CSRF token of the login form in ``page``."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    if match is None:
        raise BenchError("no csrf_token on the login page")
    return match.group(1)


def sign_in(base: str, username: str = DEMO_USER, password: str = DEMO_PASSWORD) -> str:
    """Sign a user in through the login form; the Cookie header of the session."""
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(base + "/login", timeout=10) as answer:
        page = answer.read().decode()
    form = urllib.parse.urlencode(
        {"csrf_token": csrf_token_of(page), "username": username, "password": password}
    ).encode()
    with opener.open(base + "/login", data=form, timeout=10) as answer:
        answer.read()
    cookies = {cookie.name: cookie.value for cookie in jar}
    if "session" not in cookies:
        raise BenchError(f"signing in as {username} gave no session cookie")
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


# -- wrk ---------------------------------------------------------------------------------------


def probe(url: str, method: str, headers: dict, body: bytes | None) -> tuple[int, dict]:
    """One request without following redirects: its status and headers."""
    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with opener.open(request, timeout=30) as answer:
            answer.read()
            return answer.status, dict(answer.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers)


def wrk(wrk_path: str, url: str, headers: dict, duration: int, post: tuple | None) -> dict:
    """One wrk run: requests/s, requests, latency, errors and the answers by status code."""
    argv = [wrk_path, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{duration}s", "-s", str(LUA)]
    for name, value in headers.items():
        argv += ["-H", f"{name}: {value}"]
    argv += [url, "--"]
    argv += ["post", *post] if post else ["get"]
    done = subprocess.run(argv, capture_output=True, text=True, timeout=duration + 60, check=False)
    out = done.stdout
    if done.returncode != 0 or "Requests/sec" not in out:
        raise BenchError(f"wrk failed on {url}:\n{out}{done.stderr}")
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "statuses": {m[0]: int(m[1]) for m in re.findall(r"^STATUS (\d+) (\d+)$", out, re.M)},
    }
    latency = re.search(r"Latency\s+([\d.]+)(us|ms|s)\b", out)
    if latency:
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[latency.group(2)]
        result["latency_avg_ms"] = round(float(latency.group(1)) * scale, 3)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if errors:
        result["socket_errors"] = dict(
            zip(("connect", "read", "write", "timeout"), map(int, errors.groups()), strict=True)
        )
    return result


def summary(runs: list[dict]) -> dict:
    """Median, min and max requests/s of some runs, and their answers by status added up."""
    values = [r["rps"] for r in runs]
    statuses: dict[str, int] = {}
    for r in runs:
        for code, count in r["statuses"].items():
            statuses[code] = statuses.get(code, 0) + count
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "statuses": statuses,
        "runs": runs,
    }


# -- start-up ----------------------------------------------------------------------------------


def timed(argv: list[str], env: dict) -> float:
    """Seconds one command takes, start to end (it must succeed)."""
    start = time.perf_counter()
    run(argv, env, " ".join(argv[:3]))
    return time.perf_counter() - start


def startup(env: dict, times: int) -> dict:
    """create_app() in a fresh process against importing the libraries alone, and kepu --help;
    ``times`` runs of each, interleaved; medians and spreads in seconds."""
    commands = {
        "create_app": [PYTHON, "-c", "from core import create_app; create_app()"],
        "imports_only": [PYTHON, "-c", f"import {LIBRARIES}"],
        "kepu_help": [str(BIN / "kepu"), "--help"],
    }
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(times):
        for name, argv in commands.items():
            samples[name].append(timed(argv, env))
    return {
        name: {
            "median": statistics.median(values),
            "min": min(values),
            "max": max(values),
            "samples": values,
        }
        for name, values in samples.items()
    }


# -- one engine --------------------------------------------------------------------------------


def gunicorn_settings() -> dict:
    """The settings of gunicorn.conf.py with two workers (the bare app is served with them)."""
    saved = os.environ.get("KEPU_WORKERS")
    os.environ["KEPU_WORKERS"] = str(WORKERS)
    try:
        conf = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    finally:
        if saved is None:
            del os.environ["KEPU_WORKERS"]
        else:
            os.environ["KEPU_WORKERS"] = saved
    keys = (
        "workers",
        "worker_class",
        "timeout",
        "graceful_timeout",
        "keepalive",
        "max_requests",
        "max_requests_jitter",
    )
    return {key: conf[key] for key in keys}


def run_engine(engine: str, scale: str, args, wrk_path: str) -> dict:
    """Build the instance, serve Kepu and the bare app, measure every path; the results."""
    servers = Servers()
    folder = Path(tempfile.mkdtemp(prefix="kepu-bench-http-"))
    try:
        return _measure(engine, scale, args, wrk_path, folder, servers)
    finally:
        servers.stop_all()
        shutil.rmtree(folder, ignore_errors=True)


def load_county(env: dict) -> tuple[str, str]:
    """Migrate and load the demo county; its leader's name and password."""
    run([str(BIN / "kepu"), "db", "upgrade"], env, "kepu db upgrade")
    run([str(BIN / "kepu"), "demo"], env, "kepu demo")
    return DEMO_USER, DEMO_PASSWORD


def load_province(env: dict, uri: str) -> tuple[str, str]:
    """Load the province of ``bench/review.py`` (2,000 teams, 1,000,000 visits, 20,000
    events), record its schema as migrated, and make a leader of team 1 and an admin; the
    leader's name and password."""
    code = (
        "from bench import review\n"
        "from core import create_app\n"
        f"review.load(create_app({{'SQLALCHEMY_DATABASE_URI': {uri!r}}}))\n"
    )
    say(run([PYTHON, "-c", code], env, "loading the province").strip())
    run([str(BIN / "kepu"), "db", "stamp", "heads"], env, "kepu db stamp heads")
    password = PROVINCE_PASSWORD + "\n"
    run(
        [str(BIN / "kepu"), "users", "create", PROVINCE_LEADER, "--role", "leader", "--team", "1"],
        env,
        "kepu users create (leader)",
        input_text=password,
    )
    run(
        [str(BIN / "kepu"), "users", "create", PROVINCE_ADMIN, "--role", "admin"],
        env,
        "kepu users create (admin)",
        input_text=password,
    )
    return PROVINCE_LEADER, PROVINCE_PASSWORD


def _measure(engine: str, scale: str, args, wrk_path: str, folder: Path, servers: Servers) -> dict:
    """The body of :func:`run_engine`, with its folder and servers."""
    if engine == "postgresql":
        name = PG_PROVINCE_DATABASE if scale == "province" else PG_DATABASE
        recreate_postgresql(name)
        uri = f"{PG_SERVER}/{name}"
    else:
        uri = f"sqlite:///{folder / 'kepu.sqlite3'}"
    env = kepu_env(folder, uri)
    result: dict = {"engine": engine, "scale": scale, "database": uri.split("@")[-1]}

    say(f"[{engine}, {scale}] migrating and loading the data ...")
    start = time.perf_counter()
    if scale == "province":
        user, password = load_province(env, uri)
    else:
        user, password = load_county(env)
    result["load_seconds"] = round(time.perf_counter() - start, 1)
    token = run([str(BIN / "kepu"), "users", "token", user, "--label", "bench"], env, "token")
    token = token.strip().splitlines()[-1]
    team, farm = leader_ids(uri, user)
    result.update(team_id=team, farm_id=farm)

    bare_env = dict(env, BENCH_BARE_DATABASE_URI=uri)
    run([PYTHON, "-c", "from bench.bare_app import init; init()"], bare_env, "bare app init")

    if scale == "county":  # the start-up does not depend on the data
        say(f"[{engine}] start-up times ...")
        result["startup"] = startup(env, 3 if args.quick else 5)

    settings = gunicorn_settings()
    result["gunicorn"] = settings
    kepu_port, bare_port = free_port(), free_port()
    kepu_log, bare_log = folder / "kepu.log", folder / "bare.log"
    kepu = servers.start(
        "kepu",
        [str(BIN / "gunicorn"), "--config", "gunicorn.conf.py"]
        + ["--bind", f"127.0.0.1:{kepu_port}", "core:create_app()"],
        env,
        kepu_log,
    )
    # gunicorn reads ./gunicorn.conf.py unless told otherwise: the bare app gets a file of its
    # own with the same values (without Kepu's start-up check and access logger)
    bare_conf = folder / "bare_gunicorn.conf.py"
    bare_conf.write_text("".join(f"{key} = {value!r}\n" for key, value in settings.items()))
    bare = servers.start(
        "bare",
        [str(BIN / "gunicorn"), "--config", str(bare_conf)]
        + ["--bind", f"127.0.0.1:{bare_port}", "bench.bare_app:create_app()"],
        bare_env,
        bare_log,
    )
    kepu_base, bare_base = f"http://127.0.0.1:{kepu_port}", f"http://127.0.0.1:{bare_port}"
    wait_until_up(kepu_base, kepu, kepu_log)
    wait_until_up(bare_base, bare, bare_log)
    cookie = sign_in(kepu_base, user, password)

    prefix = f"{engine}-{int(time.time())}"
    kepu_body = json.dumps(
        {"farm_id": farm, "visited_on": "2026-01-05", "kind": "lecture", "client_key": "@KEY@"}
    )
    bare_body = json.dumps({"client_key": "@KEY@"})
    json_headers = {"Content-Type": "application/json"}

    def request_of(path: dict) -> tuple[str, str, dict, tuple | None]:
        """Method, URL, headers and POST arguments of a Kepu path."""
        method = path.get("method", "GET")
        headers = {}
        if path["auth"] == "token":
            headers["Authorization"] = f"Bearer {token}"
        elif path["auth"] == "cookie":
            headers["Cookie"] = cookie
        elif path["auth"] == "etag":
            _status, answer = probe(kepu_base + path["url"], "GET", {}, None)
            headers["If-None-Match"] = answer.get("ETag", "")
        post = None
        if method == "POST":
            headers.update(json_headers)
            post = (f"k-{prefix}-{path['key']}", kepu_body)
        return method, kepu_base + path["url"].format(team=team), headers, post

    def baseline_request(name: str) -> tuple[str, str, dict, tuple | None]:
        """Method, URL, headers and POST arguments of a baseline."""
        _what, method, url = BASELINES[name]
        if method == "POST":
            return method, bare_base + url, dict(json_headers), (f"b-{prefix}-{name}", bare_body)
        return method, bare_base + url.format(team=team), {}, None

    def check(method: str, url: str, headers: dict, post: tuple | None) -> int:
        """Warm the workers up with a few requests; the status of the last."""
        status = 0
        for i in range(4):
            body = post[1].replace("@KEY@", f"{post[0]}-probe-{i}").encode() if post else None
            status, _ = probe(url, method, headers, body)
        return status

    duration, repeats = args.duration, args.repeats
    paths = [p for p in PATHS if not args.only or p["key"] in args.only]
    measured = []
    for path in paths:
        kepu_request = request_of(path)
        probe_status = check(*kepu_request)
        expected = 201 if path.get("method") == "POST" else 304 if path["auth"] == "etag" else 200
        if probe_status != expected:
            say(f"  ! {path['label']}: Kepu answered {probe_status} (expected {expected})")
        baselines = {name: baseline_request(name) for name in path["baselines"]}
        for request in baselines.values():
            check(*request)
        kepu_runs: list[dict] = []
        base_runs: dict[str, list[dict]] = {name: [] for name in baselines}
        for repeat in range(repeats):
            # alternate which side goes first, so a drift of the machine hits both alike
            order = ["kepu", *baselines] if repeat % 2 == 0 else [*baselines, "kepu"]
            for side in order:
                if side == "kepu":
                    method, url, headers, post = kepu_request
                    if post:
                        post = (f"{post[0]}-{repeat}", post[1])
                    kepu_runs.append(wrk(wrk_path, url, headers, duration, post))
                else:
                    method, url, headers, post = baselines[side]
                    if post:
                        post = (f"{post[0]}-{repeat}", post[1])
                    base_runs[side].append(wrk(wrk_path, url, headers, duration, post))
        entry = {
            "key": path["key"],
            "label": path["label"],
            "target": path["target"],
            "probe_status": probe_status,
            "expected_status": expected,
            "kepu": summary(kepu_runs),
            "baselines": {},
        }
        for name, runs in base_runs.items():
            base = summary(runs)
            base["ratio"] = entry["kepu"]["median"] / base["median"] if base["median"] else None
            entry["baselines"][name] = base
        measured.append(entry)
        say(f"  {path['label']}: {entry['kepu']['median']:.0f} req/s")
    result["paths"] = measured
    if scale == "province":
        result["review"] = serve_review(kepu_base)
    result["rss_mb"] = {
        "kepu": [rss_mb(pid) for pid in worker_pids(kepu.pid)],
        "bare": [rss_mb(pid) for pid in worker_pids(bare.pid)],
    }
    result["kepu_log_tail"] = kepu_log.read_text(errors="replace")[-4000:].splitlines()[-15:]
    return result


def serve_review(base: str) -> dict:
    """The province's review page, asked for twice as the admin (the workers' memory is read
    after it): its status and the seconds each answer took."""
    cookie = sign_in(base, PROVINCE_ADMIN, PROVINCE_PASSWORD)
    times, status = [], 0
    for _ in range(2):
        began = time.perf_counter()
        status, _headers = probe(base + PROVINCE_REVIEW, "GET", {"Cookie": cookie}, None)
        times.append(round(time.perf_counter() - began, 2))
    if status != 200:
        say(f"  ! the province's review answered {status}")
    return {"url": PROVINCE_REVIEW, "status": status, "seconds": times}


# -- report ------------------------------------------------------------------------------------


def say(line: str) -> None:
    """A progress line on standard error (the table goes to standard output)."""
    print(line, file=sys.stderr, flush=True)


def spread(summary_: dict) -> str:
    """``median (min-max)`` of requests/s."""
    if summary_["min"] == summary_["max"]:
        return f"{summary_['median']:.0f}"
    return f"{summary_['median']:.0f} ({summary_['min']:.0f}-{summary_['max']:.0f})"


def answers(statuses: dict) -> str:
    """The status codes seen, with counts when more than one code was."""
    if len(statuses) == 1:
        return next(iter(statuses))
    return " ".join(f"{code}x{count}" for code, count in sorted(statuses.items()))


def table(result: dict, args) -> str:
    """The printed table of one engine."""
    head = (
        f"Kepu vs bare Flask over HTTP - {result['engine']}, {result['scale']} "
        f"(team {result['team_id']}), gunicorn {WORKERS} sync workers, "
        f"wrk -t{THREADS} -c{CONNECTIONS} -d{args.duration}s, median of {args.repeats} "
        "(min-max), requests/s"
    )
    rows = [("path", "Kepu", "answers", "baseline", "bare", "ratio", "target", "met")]
    for entry in result["paths"]:
        kepu = entry["kepu"]
        if not entry["baselines"]:
            rows.append(
                (entry["label"], spread(kepu), answers(kepu["statuses"]), "-", "-", "-", "-", "-")
            )
        for i, (name, base) in enumerate(entry["baselines"].items()):
            target = entry["target"] if i == 0 else None
            ratio = base["ratio"]
            rows.append(
                (
                    entry["label"] if i == 0 else "",
                    spread(kepu) if i == 0 else "",
                    answers(kepu["statuses"]) if i == 0 else "",
                    BASELINES[name][0],
                    spread(base),
                    f"{ratio:.2f}" if ratio is not None else "-",
                    f">= {target}" if target is not None else "(info)",
                    ("yes" if ratio >= target else "NO") if target is not None else "",
                )
            )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = [head, ""]
    for n, row in enumerate(rows):
        lines.append("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * width for width in widths))
    up = result.get("startup")
    if up:
        ratio = up["create_app"]["median"] / up["imports_only"]["median"]
        help_met = "yes" if up["kepu_help"]["median"] < 1 else "NO"
        lines += [
            "",
            f"start-up, median of {len(up['create_app']['samples'])} fresh processes (min-max):",
            f"  create_app()             {seconds(up['create_app'])}  ({ratio:.1f}x the imports "
            f"alone; target <= 1.3x: {'yes' if ratio <= 1.3 else 'NO'})",
            f"  libraries imported alone {seconds(up['imports_only'])}",
            f"  kepu --help              {seconds(up['kepu_help'])}  (target < 1 s: {help_met})",
        ]
    review = result.get("review")
    if review:
        lines += [
            "",
            f"the province's review page as the admin ({review['url']}): {review['status']}, "
            + ", ".join(f"{t:.2f} s" for t in review["seconds"]),
        ]
    rss = result["rss_mb"]
    after = "the runs and the review" if review else "the runs"
    worst = max((mb for mb in rss["kepu"] if mb), default=0)
    lines.append(
        f"worker RSS after {after} (target < 150 MB: {'yes' if worst < 150 else 'NO'}): Kepu "
        + ", ".join(f"{mb:.0f} MB" for mb in rss["kepu"] if mb)
        + "; bare "
        + ", ".join(f"{mb:.0f} MB" for mb in rss["bare"] if mb)
    )
    return "\n".join(lines)


def seconds(values: dict) -> str:
    """``median s (min-max)``."""
    return f"{values['median']:.2f} s ({values['min']:.2f}-{values['max']:.2f})"


def machine() -> dict:
    """What the numbers depend on: the machine, its load, the versions."""
    try:
        wrk_version = subprocess.run(
            ["wrk", "--version"], capture_output=True, text=True, check=False
        ).stdout.splitlines()[0]
    except (OSError, IndexError):
        wrk_version = None
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout.strip()
    return {
        "cpu_count": os.cpu_count(),
        "load_average": os.getloadavg(),
        "uptime": Path("/proc/uptime").read_text().split()[0]
        if Path("/proc/uptime").exists()
        else None,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "wrk": wrk_version,
        "commit": commit,
    }


def main() -> None:
    """Parse the options, run every engine, write the JSON and print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 s runs, once (make bench-quick)")
    parser.add_argument(
        "--engine",
        action="append",
        choices=["sqlite", "postgresql"],
        help="database engine; give it twice for both (default: sqlite)",
    )
    parser.add_argument(
        "--scale",
        action="append",
        choices=["county", "province"],
        help="the demo county (default), or the province of bench/review.py (PostgreSQL only: "
        "2,000 teams, 1,000,000 visits, 20,000 events); give it twice for both",
    )
    parser.add_argument("--duration", type=int, help="seconds of each wrk run (default 6)")
    parser.add_argument("--repeats", type=int, help="wrk runs per path and side (default 3)")
    parser.add_argument("--only", action="append", help="measure only this path key")
    args = parser.parse_args()
    args.engine = args.engine or ["sqlite"]
    args.scale = args.scale or ["county"]
    args.duration = args.duration or (2 if args.quick else 6)
    args.repeats = args.repeats or (1 if args.quick else 3)

    wrk_path = shutil.which("wrk")
    if wrk_path is None:
        sys.exit("wrk is not installed: run `make wrk` (or `apt-get install wrk`) first.")

    def terminate(signum, frame):
        """SIGTERM ends the run as Ctrl-C does, servers stopped."""
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, terminate)
    started = time.perf_counter()
    results = {
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "parameters": {
            "quick": args.quick,
            "engines": args.engine,
            "scales": args.scale,
            "duration_s": args.duration,
            "repeats": args.repeats,
            "wrk_threads": THREADS,
            "wrk_connections": CONNECTIONS,
            "gunicorn_workers": WORKERS,
        },
        "engines": [],
    }
    try:
        for scale in args.scale:
            for engine in args.engine:
                if scale == "province" and engine != "postgresql":
                    continue  # the province is loaded with PostgreSQL's generate_series
                results["engines"].append(run_engine(engine, scale, args, wrk_path))
    except BenchError as exc:
        sys.exit(f"bench/http_paths.py: {exc}")
    except KeyboardInterrupt:
        print("bench/http_paths.py: interrupted; its servers are stopped.", file=sys.stderr)
        sys.exit(130)
    results["machine"]["load_average_after"] = os.getloadavg()
    results["wall_seconds"] = round(time.perf_counter() - started, 1)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    load = " ".join(f"{x:.2f}" for x in results["machine"]["load_average"])
    print(f"{os.cpu_count()} CPUs, load average before: {load}; ", end="")
    print(f"{results['wall_seconds']:.0f} s in all; every number in {RESULTS.relative_to(ROOT)}")
    for result in results["engines"]:
        print()
        print(table(result, args))


if __name__ == "__main__":
    main()
