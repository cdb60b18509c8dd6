"""Benchmark: importing a 10,000-member roster workbook into an empty Kepu, then again.

Run with ``.venv/bin/python bench/roster_import.py [--members N] [--database-uri URI]``. It
writes a workbook of a county (8 townships, N / 100 villages, one team of 20 members per
village, 2 farms a village), N members, N / 10 farms and 1.5 N farm links, then imports it
into an empty database (a SQLite file in a temporary folder unless ``--database-uri`` names an
empty PostgreSQL database, whose tables are created and dropped) and measures, in seconds:

- ``read``: parsing the workbook (openpyxl);
- ``dry run``: loading the stored roster and comparing (the plan);
- ``import``: the first import, writes included (bulk statements, one commit);
- ``again``: the same file a second time, which must find every row unchanged.

Target: the first import of 10,000 members (read + dry run + import) in seconds, not minutes.
"""

import argparse
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from flask_babel import force_locale  # noqa: E402

from core import create_app  # noqa: E402
from core.extensions import db  # noqa: E402
from core.roster import run  # noqa: E402
from core.roster.apply import apply_plan  # noqa: E402
from core.roster.snapshot import default_root  # noqa: E402

KINDS = ["Industry base", "Large grower/breeder", "Leading agricultural enterprise"]


def build(members: int) -> bytes:
    """The workbook (English headers): 20 members a team, one team and 2 farms a village."""
    from openpyxl import Workbook

    teams = max(1, members // 20)
    wb = Workbook(write_only=True)
    areas = wb.create_sheet("Areas")
    team_sheet = wb.create_sheet("Teams")
    member_sheet = wb.create_sheet("Members")
    farm_sheet = wb.create_sheet("Farms")
    links = wb.create_sheet("Farm links")
    areas.append(["County", "Township", "Village"])
    team_sheet.append(["Township", "Village", "Team name", "Leader", "Leader's phone"])
    member_sheet.append(
        ["Township", "Village", "Team name", "Member name", "Phone", "Party member", "Expert"]
    )
    farm_sheet.append(["Township", "Village", "Farm name", "Kind of farm", "Industry"])
    links.append(
        [
            "Township",
            "Village",
            "Team name",
            "Member name",
            "Phone",
            "Farm township",
            "Farm village",
            "Farm name",
            "Since",
        ]
    )
    n = 0
    for t in range(teams):
        township, village, team = f"镇{t % 8}", f"村{t}", f"村{t}党员科普服务队"
        areas.append(["基准县", township, village])
        farms = [f"村{t}基地{k}" for k in range(max(1, members // 10 // teams))]
        for k, farm in enumerate(farms):
            farm_sheet.append([township, village, farm, KINDS[k % 3], "梅子"])
        for m in range(20):
            phone = f"138{n:08d}"
            member_sheet.append([township, village, team, f"队员{n}", phone, "Yes", "No"])
            for farm in farms[: 1 + (m % 2)]:
                links.append(
                    [
                        township,
                        village,
                        team,
                        f"队员{n}",
                        phone,
                        township,
                        village,
                        farm,
                        "2026-01-01",
                    ]
                )
            if m == 0:
                team_sheet.append([township, village, team, f"队员{n}", phone])
            n += 1
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def timed(name: str, work, results: dict):
    """Run ``work`` once, note its time in ``results`` and answer its result."""
    start = time.perf_counter()
    value = work()
    results[name] = time.perf_counter() - start
    print(f"{name:>10}: {results[name]:.2f} s", flush=True)
    return value


def main() -> None:
    """Write the workbook, import it twice, print the times."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--database-uri", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        uri = args.database_uri or f"sqlite:///{folder}/bench.sqlite3"
        app = create_app(
            {"SQLALCHEMY_DATABASE_URI": uri, "SECRET_KEY": "bench", "PLUGINS_AUTOLOAD": False}
        )
        data = build(args.members)
        print(f"workbook: {len(data) / 1024 / 1024:.1f} MB, {args.members} members")
        results: dict[str, float] = {}
        with app.app_context(), force_locale("en"):
            db.drop_all()
            db.create_all()
            try:
                book = timed("read", lambda: run.read([("bench.xlsx", data)]), results)
                plan, snap = timed("dry run", lambda: run.dry_run(book, None), results)
                assert plan.ok, plan.problems[:5]
                timed("import", lambda: apply_plan(plan, snap), results)
                root = default_root()
                again, _snap = timed("again", lambda: run.dry_run(book, root), results)
                assert not again.has_changes, again.counts()
                counts = plan.counts()
                print(
                    f"created: {counts['teams']['created']} teams, "
                    f"{counts['members']['created']} members, {counts['farms']['created']} "
                    f"farms, {counts['links']['created']} links; the second run: no change"
                )
                first = results["read"] + results["dry run"] + results["import"]
                print(f"first import in total: {first:.2f} s")
            finally:
                db.session.remove()
                if args.database_uri:
                    db.drop_all()


if __name__ == "__main__":
    main()
