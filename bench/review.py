"""Benchmark: the yearly review of a whole province on PostgreSQL, against plain SQL.

Run with ``.venv/bin/python bench/review.py [--uri URI] [--keep]``. It (re)creates the database
``kepu_bench`` on the local PostgreSQL server (``--uri`` names another), loads a province with
``INSERT ... SELECT generate_series`` — 100 townships, 2,000 villages and teams, ~23,000
members, 40,000 farms, ~40,000 assignments, 1,000,000 visits over two years and 20,000
events — and measures, in milliseconds (median of ``--runs``, after a warm-up):

- ``review figures``: :func:`core.review.report.build`'s computations for the root area and
  the year 2025 (team figures, roll-up per township and total, events per campaign and venue,
  visits per month), through SQLAlchemy, as the page and the API run them;
- ``plain SQL``: hand-written aggregate SQL computing the same figures, run on the same
  connection (the floor); the target is ``review figures <= 3 x plain SQL``;
- ``review page`` and ``review API``: whole HTTP requests (figures, charts, 2,000-row tables
  with links, JSON), for information.

``--keep`` reuses an already loaded ``kepu_bench`` instead of loading it again (after bringing
its indexes up to date with the models and a ``VACUUM ANALYZE``). The timings depend on the
machine's load: run ``uptime`` alongside and repeat.
"""

import argparse
import os
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import psycopg  # noqa: E402
from sqlalchemy import text  # noqa: E402

from core import create_app  # noqa: E402
from core.extensions import db  # noqa: E402
from core.models import Area, Role, User  # noqa: E402
from core.review.figures import (  # noqa: E402
    events_by_campaign_and_venue,
    team_figures,
    visits_per_month,
)
from core.review.rollup import area_rollup  # noqa: E402

SERVER = "postgresql://postgres@127.0.0.1:5432"
START, END = date(2025, 1, 1), date(2025, 12, 31)
NOW = "(now() at time zone 'utc')"

#: the province, loaded with set-based SQL (ids are fixed so the rows can refer to each other)
LOAD = [
    f"""INSERT INTO areas (id, name, kind, parent_id, path, created_at, updated_at)
        VALUES (1, '示范省', 'county', NULL, '/1/', {NOW}, {NOW})""",
    f"""INSERT INTO areas (id, name, kind, parent_id, path, created_at, updated_at)
        SELECT g, '第' || g || '镇', 'township', 1, '/1/' || g || '/', {NOW}, {NOW}
        FROM generate_series(2, 101) g""",
    f"""INSERT INTO areas (id, name, kind, parent_id, path, created_at, updated_at)
        SELECT 101 + v, '第' || v || '村', 'village', 2 + (v - 1) % 100,
               '/1/' || (2 + (v - 1) % 100) || '/' || (101 + v) || '/', {NOW}, {NOW}
        FROM generate_series(1, 2000) v""",
    f"""INSERT INTO teams (id, name, village_id, notes, created_at, updated_at)
        SELECT t, '第' || t || '村党员科普服务队', 101 + t, '', {NOW}, {NOW}
        FROM generate_series(1, 2000) t""",
    # 12 members per team; every 7th team has only 8 (below the minimum of 10)
    f"""INSERT INTO members (id, name, team_id, phone, is_party_member, is_young_official,
                             is_expert, speciality, created_at, updated_at)
        SELECT m, '队员' || m, 1 + (m - 1) / 12, '', true, false, false, '', {NOW}, {NOW}
        FROM generate_series(1, 24000) m
        WHERE NOT ((1 + (m - 1) / 12) % 7 = 0 AND (m - 1) % 12 >= 8)""",
    f"""INSERT INTO farms (id, name, kind, village_id, industry, contact_name, contact_phone,
                           notes, created_at, updated_at)
        SELECT f, '基地' || f, 'industry_base', 102 + (f - 1) / 20, '梅子', '', '', '',
               {NOW}, {NOW}
        FROM generate_series(1, 40000) f""",
    # a first farm for all but every 50th member, a second for every 3rd, a third for every 97th
    f"""INSERT INTO assignments (member_id, farm_id, created_at, updated_at)
        SELECT id, (team_id - 1) * 20 + (id - 1) % 12 + 1, {NOW}, {NOW}
        FROM members WHERE id % 50 <> 0""",
    f"""INSERT INTO assignments (member_id, farm_id, created_at, updated_at)
        SELECT id, (team_id - 1) * 20 + 14 + (id - 1) % 7, {NOW}, {NOW}
        FROM members WHERE id % 3 = 0""",
    f"""INSERT INTO assignments (member_id, farm_id, created_at, updated_at)
        SELECT id, (team_id - 1) * 20 + 13, {NOW}, {NOW} FROM members WHERE id % 97 = 0""",
    # a million visits from December 2024 to November 2026; farms 17-20 of a village: never
    f"""INSERT INTO visits (team_id, farm_id, visited_on, kind, people_reached,
                            households_reached, topics, material, questions, notes,
                            created_at, updated_at)
        SELECT 1 + g % 2000, (g % 2000) * 20 + 1 + (g / 2000) % 16,
               date '2024-12-01' + (g * 7 % 720),
               (ARRAY['party_education', 'policy_study', 'technical_training',
                      'onsite_guidance', 'lecture'])[1 + g % 5],
               g % 40, g % 15, '', '', '', '', {NOW}, {NOW}
        FROM generate_series(0, 999999) g""",
    f"""INSERT INTO campaigns (id, name, kind, year, starts_on, ends_on, description,
                               created_at, updated_at)
        SELECT c, y || k, k, y, make_date(y, 5, 1), make_date(y, 9, 30), '', {NOW}, {NOW}
        FROM (SELECT row_number() OVER () AS c, y, k
              FROM generate_series(2025, 2026) y,
                   unnest(ARRAY['outreach_month', 'st_week', 'science_day']) k) s""",
    f"""INSERT INTO events (uid, title, campaign_id, venue_kind, place, area_id, starts_at,
                            ends_at, all_day, description, status, revision, created_at,
                            updated_at)
        SELECT 'bench-' || e || '@kepu', '讲座' || e,
               CASE WHEN e % 4 = 0 THEN NULL ELSE 1 + e % 6 END,
               (ARRAY['village', 'market_town', 'school', 'government', 'enterprise'])[1 + e % 5],
               '', 102 + e % 2000,
               timestamp '2025-01-01 01:00' + (e * 13 % 700) * interval '1 day',
               timestamp '2025-01-01 03:00' + (e * 13 % 700) * interval '1 day', false, '',
               CASE WHEN e % 17 = 0 THEN 'cancelled' ELSE 'scheduled' END, 0, {NOW}, {NOW}
        FROM generate_series(1, 20000) e""",
    """INSERT INTO event_teams (event_id, team_id)
        SELECT id, 1 + id % 2000 FROM events
        UNION SELECT id, 1 + (id + 1) % 2000 FROM events WHERE id % 5 = 0""",
]
SEQUENCES = ["areas", "teams", "members", "farms", "campaigns"]

#: the township and the total each village of the province counts in (hashed on equality, as
#: the review does; comparing paths with LIKE would cost villages x townships)
BUCKETS = """buckets AS (
        SELECT id AS area_id, 1 AS bucket FROM areas WHERE path LIKE '/1/%%'
        UNION ALL SELECT id, split_part(substr(path, 4), '/', 1)::int FROM areas
        WHERE path LIKE '/1/%%' AND path <> '/1/')"""
ASSIGNED = """pairs AS (SELECT DISTINCT m.team_id, a.farm_id FROM members m
              JOIN assignments a ON a.member_id = m.id
              JOIN farms f ON f.id = a.farm_id AND f.deleted_at IS NULL
              WHERE m.deleted_at IS NULL),
          recent AS (SELECT DISTINCT farm_id FROM visits
              WHERE visited_on BETWEEN %(cut)s AND %(ref)s)"""

#: the same figures as core.review, written by hand as well as we could: each reads the
#: period's visits with an index-only scan of ix_visits_period_team, counts distinct items
#: with a hash aggregate, groups villages into townships with BUCKETS (the floor the review is
#: compared with; every team of the province is in the review, so no team filter)
PLAIN = {
    "teams": """SELECT t.id, t.name, v.id, v.name FROM teams t JOIN areas v ON v.id = t.village_id
        WHERE t.deleted_at IS NULL AND v.path LIKE '/1/%%' ORDER BY t.name, t.id""",
    "members": """SELECT team_id, count(*), count(*) FILTER (WHERE n < 1),
               count(*) FILTER (WHERE n > 2)
        FROM (SELECT m.id, m.team_id, count(f.id) AS n FROM members m
              LEFT JOIN assignments a ON a.member_id = m.id
              LEFT JOIN farms f ON f.id = a.farm_id AND f.deleted_at IS NULL
              WHERE m.deleted_at IS NULL GROUP BY m.id, m.team_id) x GROUP BY team_id""",
    "farms": f"""WITH {ASSIGNED}
        SELECT p.team_id, count(*), count(*) FILTER (WHERE r.farm_id IS NULL)
        FROM pairs p LEFT JOIN recent r ON r.farm_id = p.farm_id GROUP BY p.team_id""",
    "visits": """SELECT team_id, kind, count(*), sum(people_reached), sum(households_reached)
        FROM visits WHERE visited_on BETWEEN %(start)s AND %(end)s GROUP BY team_id, kind""",
    "farms visited": """SELECT team_id, count(*) FROM (SELECT DISTINCT team_id, farm_id
        FROM visits WHERE visited_on BETWEEN %(start)s AND %(end)s) x GROUP BY team_id""",
    "last visit": """SELECT t.id, (SELECT max(visited_on) FROM visits
                             WHERE team_id = t.id AND visited_on <= %(ref)s)
        FROM teams t""",
    "events": """SELECT et.team_id, count(*) FILTER (WHERE e.starts_at >= %(lo)s),
               max(e.starts_at)
        FROM event_teams et JOIN events e ON e.id = et.event_id
        WHERE e.deleted_at IS NULL AND e.status <> 'cancelled' AND e.starts_at < %(hi)s
        GROUP BY et.team_id""",
    "team areas": f"""WITH {BUCKETS}
        SELECT t.id, b.bucket FROM teams t JOIN buckets b ON b.area_id = t.village_id
        WHERE b.bucket <> 1""",
    "area farms": f"""WITH {ASSIGNED}, {BUCKETS}
        SELECT bucket, count(*), count(*) FILTER (WHERE stale)
        FROM (SELECT DISTINCT b.bucket, p.farm_id, r.farm_id IS NULL AS stale
              FROM pairs p LEFT JOIN recent r ON r.farm_id = p.farm_id
              JOIN teams t ON t.id = p.team_id JOIN buckets b ON b.area_id = t.village_id) x
        GROUP BY bucket""",
    "area visited": f"""WITH x AS (SELECT DISTINCT team_id, farm_id FROM visits
              WHERE visited_on BETWEEN %(start)s AND %(end)s), {BUCKETS}
        SELECT 'teams', bucket, count(*), 0
        FROM (SELECT DISTINCT b.bucket, x.farm_id FROM x JOIN teams t ON t.id = x.team_id
              JOIN buckets b ON b.area_id = t.village_id) y GROUP BY bucket
        UNION ALL
        SELECT 'farms', b.bucket, sum(n), sum(seen)
        FROM (SELECT f.village_id, count(*) AS n, count(s.farm_id) AS seen FROM farms f
              LEFT JOIN (SELECT DISTINCT farm_id FROM x) s ON s.farm_id = f.id
              WHERE f.deleted_at IS NULL GROUP BY f.village_id) l
        JOIN buckets b ON b.area_id = l.village_id GROUP BY b.bucket""",
    "area events": f"""WITH {BUCKETS}
        SELECT bucket, count(*) FROM (SELECT DISTINCT b.bucket, et.event_id
        FROM event_teams et JOIN events e ON e.id = et.event_id
        JOIN teams t ON t.id = et.team_id JOIN buckets b ON b.area_id = t.village_id
        WHERE e.deleted_at IS NULL AND e.status <> 'cancelled'
          AND e.starts_at >= %(lo)s AND e.starts_at < %(hi)s) x
        GROUP BY bucket""",
    "campaign venue": """SELECT e.campaign_id, c.name, e.venue_kind, count(*)
        FROM events e LEFT JOIN campaigns c ON c.id = e.campaign_id
        WHERE e.deleted_at IS NULL AND e.status <> 'cancelled'
          AND e.starts_at >= %(lo)s AND e.starts_at < %(hi)s
          AND e.id IN (SELECT event_id FROM event_teams)
        GROUP BY e.campaign_id, c.name, e.venue_kind""",
    "months": """SELECT visited_on, kind, count(*)
        FROM visits WHERE visited_on BETWEEN %(start)s AND %(end)s GROUP BY 1, 2""",
}


def recreate(uri: str) -> None:
    """Drop and create the benchmark database."""
    name = uri.rsplit("/", 1)[1]
    with psycopg.connect(uri.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')


def load(app) -> None:
    """Create the schema and load the province; print row counts and the time taken."""
    began = time.perf_counter()
    with app.app_context():
        db.create_all()
        with db.engine.begin() as conn:
            for statement in LOAD:
                conn.execute(text(statement))
            for table in SEQUENCES:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        with db.engine.connect() as conn:
            counts = {
                t: conn.execute(text(f"SELECT count(*) FROM {t}")).scalar()
                for t in (
                    "areas",
                    "teams",
                    "members",
                    "farms",
                    "assignments",
                    "visits",
                    "events",
                    "event_teams",
                )
            }
    print(
        f"loaded in {time.perf_counter() - began:.1f} s: "
        + ", ".join(f"{n:,} {t}" for t, n in counts.items())
    )


#: the columns of an index of the loaded database, in order
INDEX_COLUMNS = """SELECT a.attname FROM pg_class c JOIN pg_index i ON i.indexrelid = c.oid
    CROSS JOIN unnest(i.indkey) WITH ORDINALITY k(attnum, n)
    JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
    WHERE c.relname = :name ORDER BY k.n"""


def prepare(app) -> None:
    """Before timing a kept database: (re)create the indexes the models declare and the
    database lacks or has with other columns (a database loaded by an older version), then
    VACUUM ANALYZE, so that the planner has statistics and index-only scans a visibility map."""
    with app.app_context():
        with db.engine.begin() as conn:
            for table in db.metadata.sorted_tables:
                for index in table.indexes:
                    have = conn.execute(text(INDEX_COLUMNS), {"name": index.name}).scalars()
                    want = [column.name for column in index.columns]
                    if list(have) != want:
                        print(f"creating index {index.name} ({', '.join(want)})")
                        conn.execute(text(f'DROP INDEX IF EXISTS "{index.name}"'))
                        index.create(conn)
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))


def timed(*funcs, runs: int) -> list[float]:
    """Median milliseconds of ``runs`` calls of each function, after one warm-up call each.
    The functions take turns, so that a change in the machine's load weighs on all alike."""
    for func in funcs:
        func()
    times: list[list[float]] = [[] for _ in funcs]
    for _ in range(runs):
        for func, spent in zip(funcs, times, strict=True):
            began = time.perf_counter()
            func()
            spent.append((time.perf_counter() - began) * 1000)
    return [statistics.median(spent) for spent in times]


def review_figures(area: Area) -> None:
    """What :func:`core.review.report.build` computes (no plugin is enabled here)."""
    figures = team_figures(area, START, END)
    area_rollup(area, START, END, figures)
    events_by_campaign_and_venue(area, START, END)
    visits_per_month(area, START, END)


def plain_sql() -> None:
    """The hand-written queries, on the session's connection."""
    from core.area_filters import day_bounds
    from core.review.figures import reference_day, stale_cutoff

    lo, hi = day_bounds(START, reference_day(END))
    params = {
        "start": START,
        "end": END,
        "ref": reference_day(END),
        "cut": stale_cutoff(END),
        "lo": lo,
        "hi": hi,
    }
    raw = db.session.connection().connection.driver_connection
    with raw.cursor() as cursor:
        for sql in PLAIN.values():
            cursor.execute(sql, params)
            cursor.fetchall()


def main() -> None:
    """Load (unless --keep), then time the review and the plain SQL."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--uri", default=f"{SERVER}/kepu_bench")
    parser.add_argument("--keep", action="store_true", help="reuse the loaded database")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    if not args.keep:
        recreate(args.uri)
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": args.uri,
            "PLUGINS_AUTOLOAD": False,
            "SECRET_KEY": "bench",
            "TESTING": True,
            "WTF_CSRF_ENABLED": False,
            "SESSION_COOKIE_SECURE": False,
            "RATELIMIT_ENABLED": False,
        }
    )
    if args.keep:
        prepare(app)
    else:
        load(app)
    with app.app_context():
        root = db.session.get(Area, 1)
        teams = len(team_figures(root, START, END))
        review, plain = timed(lambda: review_figures(root), plain_sql, runs=args.runs)
        admin = db.session.scalar(db.select(User).where(User.username == "bench-admin"))
        if admin is None:
            admin = User(username="bench-admin", role=Role.ADMIN)
            admin.set_password("bench-password-42")
            db.session.add(admin)
            db.session.commit()
    client = app.test_client()
    client.post("/login", data={"username": "bench-admin", "password": "bench-password-42"})
    query = {"area": 1, "period": "2025"}

    def page():
        assert client.get("/review", query_string=query).status_code == 200

    def api():
        assert client.get("/api/v1/review", query_string=query).status_code == 200

    page_ms, api_ms = timed(page, api, runs=3)
    load_average = ", ".join(f"{n:.2f}" for n in os.getloadavg())
    print(
        f"yearly review of the province ({teams:,} teams), median of {args.runs} runs "
        f"(load average {load_average}):"
    )
    print(f"  review figures {review:8.1f} ms")
    print(f"  plain SQL      {plain:8.1f} ms   ratio {review / plain:.2f} (target <= 3)")
    print(f"  review page    {page_ms:8.1f} ms   (whole request, median of 3)")
    print(f"  review API     {api_ms:8.1f} ms   (whole request, median of 3)")


if __name__ == "__main__":
    main()
