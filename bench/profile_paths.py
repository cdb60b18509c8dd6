"""The everyday request paths in process: milliseconds per request beside the bare app, and a
profile of one path.

``make bench`` measures over HTTP; this is where its explanations come from. It builds the demo
county in a temporary folder (SQLite, ``kepu db upgrade`` and ``kepu demo``), makes the leader
an API token, signs the leader in with Flask's test client, then times a few hundred requests
of each path (median of five batches) against the endpoints of ``bench/bare_app.py`` on the
same database, in the same process: no server, no socket, so every millisecond is the app's.

```
.venv/bin/python bench/profile_paths.py                  # the table
.venv/bin/python bench/profile_paths.py --profile home   # and cProfile of one path (top 40)
```

``--sort tottime`` orders the profile by own time; ``--requests N`` sets the requests per
batch. cProfile roughly doubles the time of code that makes many small calls (SQLAlchemy);
read its shape, and the table for the times.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import cProfile  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import pstats  # noqa: E402
import shutil  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402

from bench.http_paths import BIN, DEMO_PASSWORD, DEMO_USER, csrf_token_of, leader_ids  # noqa: E402


def build_instance(folder: Path) -> str:
    """Migrate and load the demo county into ``folder``; the leader's API token."""
    env = dict(os.environ)
    env.update(
        KEPU_INSTANCE_PATH=str(folder / "instance"),
        KEPU_SQLALCHEMY_DATABASE_URI=f"sqlite:///{folder / 'kepu.sqlite3'}",
        KEPU_SECRET_KEY="bench",
    )
    for argv in (["db", "upgrade"], ["demo"]):
        subprocess.run([str(BIN / "kepu"), *argv], env=env, check=True, capture_output=True)
    done = subprocess.run(
        [str(BIN / "kepu"), "users", "token", DEMO_USER, "--label", "profile"],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )
    os.environ.update(env)
    os.environ.update(
        KEPU_SCHEDULER_EMBEDDED="false",
        KEPU_SESSION_COOKIE_SECURE="false",
        KEPU_CALENDAR_RATE_LIMIT="100000000 per minute",
        BENCH_BARE_DATABASE_URI=env["KEPU_SQLALCHEMY_DATABASE_URI"],
    )
    return done.stdout.strip().splitlines()[-1]


def paths(token: str) -> tuple[dict, dict, dict]:
    """Kepu's paths, the bare app's, and which bare path each Kepu path is compared with."""
    from bench.bare_app import create_app as bare_app
    from bench.bare_app import init
    from core import create_app

    app = create_app()
    logging.getLogger("core.requests").disabled = True
    team, farm = leader_ids(os.environ["KEPU_SQLALCHEMY_DATABASE_URI"])
    signed_in, anonymous = app.test_client(), app.test_client()
    page = signed_in.get("/login").get_data(as_text=True)
    signed_in.post(
        "/login",
        data={"username": DEMO_USER, "password": DEMO_PASSWORD, "csrf_token": csrf_token_of(page)},
    )
    bearer = {"Authorization": f"Bearer {token}"}

    def poll():
        etag = anonymous.get("/calendar/events.ics").headers["ETag"]
        return lambda: anonymous.get("/calendar/events.ics", headers={"If-None-Match": etag})

    def post():
        body = {"farm_id": farm, "visited_on": "2026-01-05", "kind": "lecture"}
        return signed_in.post(
            "/api/v1/visits/", headers=bearer, json=body | {"client_key": uuid.uuid4().hex}
        )

    kepu = {
        "healthz": lambda: anonymous.get("/healthz"),
        "feed_304": poll,  # made when timed: every POST moves the trail, so the ETag
        "api_team": lambda: signed_in.get(f"/api/v1/teams/{team}", headers=bearer),
        "api_list20": lambda: signed_in.get(
            f"/api/v1/visits/?team={team}&page_size=20", headers=bearer
        ),
        "page_team": lambda: signed_in.get(f"/teams/{team}"),
        "page_home": lambda: signed_in.get("/"),
        "page_visit_form": lambda: signed_in.get("/visits/new"),
        "page_visit_list": lambda: signed_in.get("/visits"),
        "api_post": post,
    }
    init()
    bare_client = bare_app().test_client()
    bare = {
        "healthz": lambda: bare_client.get("/healthz"),
        "pk": lambda: bare_client.get(f"/pk/{team}"),
        "list20": lambda: bare_client.get(f"/list20?team={team}"),
        "insert": lambda: bare_client.post("/insert", json={"client_key": uuid.uuid4().hex}),
    }
    against = {"healthz": "healthz", "api_list20": "list20", "api_post": "insert"}
    return kepu, bare, against


def timed(request, requests: int) -> float:
    """Median milliseconds per request over five batches, after a warm-up."""
    for _ in range(10):
        request()
    batches = []
    for _ in range(5):
        began = time.perf_counter()
        for _ in range(requests):
            request()
        batches.append((time.perf_counter() - began) * 1000 / requests)
    return statistics.median(batches)


def main() -> None:
    """Build, time every path, print the table, and profile one path if asked."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=100, help="requests per batch")
    parser.add_argument("--profile", help="profile this path (a key of the table)")
    parser.add_argument("--sort", default="cumulative", help="cProfile's order")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="kepu-profile-"))
    try:
        kepu, bare, against = paths(build_instance(folder))
        bare_ms = {name: timed(request, args.requests) for name, request in bare.items()}
        print(f"{'path':16} {'Kepu ms':>8}  {'bare':>6} {'ms':>6}  ratio")
        for name, make in kepu.items():
            request = make() if name == "feed_304" else make
            ms, base = timed(request, args.requests), against.get(name, "pk")
            print(f"{name:16} {ms:8.2f}  {base:>6} {bare_ms[base]:6.2f}  {bare_ms[base] / ms:.2f}")
        if args.profile:
            make = kepu[args.profile]
            request = make() if args.profile == "feed_304" else make
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.requests * 3):
                request()
            profiler.disable()
            pstats.Stats(profiler).sort_stats(args.sort).print_stats(40)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
