"""``kepu demo``: the demo county of the sources, in Chinese, deterministic for a seed.

It builds 溧水县 with 8 townships and 92 villages, a 党员科普服务队 in all but two villages,
farms of every kind, a year of visits up to today, this year's three campaigns (plus one around
today, so upcoming lists are not empty) with events at the five venues, and six demo logins
sharing :data:`DEMO_PASSWORD`. A few rules of the sources are broken on purpose so the flags
show: a team of 8, members with 3 farms or none, farms never visited or not for over 90 days.
The reviewers' work goes through the services (``core.demo.reviews``): inspections of this year
and the last, last year's confirmed county assessment and its rectification items (some done,
some overdue), this year's drafts and last year's bulletin.

If the database already holds areas the command does nothing (``make run`` calls it on every
start); ``--reset`` deletes every row of every table first. Enabled plugins then add their own
records through the ``demo_data`` hook. Building sends plugins no visit or event notices.
"""

import sys
import time
from datetime import date

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import func, select, update

from core.extensions import db
from core.models import Area, Team, User
from core.plugins import call_committing
from core.plugins import delivery as signals

#: the password of every demo login (printed by ``make run``; never use demo data in production)
DEMO_PASSWORD = "kepu-demo-2026"

#: seed used when ``--seed`` is not given
DEFAULT_SEED = 2026

_LOGINS = (
    ("admin", "admin", "管理员：全部数据、用户与模块 / administrator"),
    ("county", "reviewer", "县级审核（溧水县）/ county reviewer"),
    ("township", "reviewer", "镇级审核（永阳镇）/ township reviewer"),
    ("leader", "leader", "戴家村党员科普服务队队长 方光林 / team leader"),
    ("member", "member", "戴家村党员科普服务队队员 / team member"),
    ("expert", "expert", "农科专家咨询台专家 刘春燕（只看分派给她的问题）/ agricultural expert"),
)


def demo_logins() -> list[tuple[str, str, str]]:
    """The demo logins as (username, role, description); all use :data:`DEMO_PASSWORD`."""
    return list(_LOGINS)


def wipe_database() -> None:
    """Delete every row of every table, children first (portable SQL, no TRUNCATE).

    The audit trail is one of those tables, so the wipe keeps no trail of the old data and
    records none of its deletes: a row saying "N teams deleted" would be the only survivor of
    a trail that no longer shows what those teams were, and the demo is never production
    data. The trail starts again with the rows the demo build records (one per bulk INSERT,
    :func:`core.audit.bulk.record_bulk`, plus the ORM's rows for what the services write).
    """
    db.session.execute(update(Team).values(leader_id=None))  # teams and members refer to each other
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()


def build_demo(seed: int = DEFAULT_SEED, today: date | None = None, echo=None) -> dict[str, int]:
    """Build the demo county into an empty database and commit; returns row counts.

    ``echo`` receives progress lines. Raises (and rolls back) on any error, leaving nothing
    half-built.
    """
    from core.dates import local_zone
    from core.demo.build import DemoBuilder
    from core.rules import today as local_today

    enable_demo_plugins()

    echo = echo or (lambda message, nl=True: None)
    builder = DemoBuilder(seed, today or local_today(), local_zone(), echo)
    steps = builder.steps()
    try:
        for number, (label, step) in enumerate(steps, start=1):
            echo(f"[{number}/{len(steps)}] {label}… ", nl=False)
            made = step()
            echo(f"{made:,}")
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return builder.counts


def _print_logins(usernames: set[str]) -> None:
    rows = [row for row in demo_logins() if row[0] in usernames]
    if not rows:
        return
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for username, role, description in rows:
        click.echo(f"  {username:<9} {role:<9} {description}")


@click.command("demo")
@click.option(
    "--seed",
    type=int,
    default=DEFAULT_SEED,
    show_default=True,
    help="Seed of the random generator: the same seed gives the same data.",
)
@click.option(
    "--today",
    "today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="Build as if today were YYYY-MM-DD (default: today in KEPU_TIMEZONE).",
)
@click.option(
    "--reset",
    is_flag=True,
    help="Delete ALL rows of ALL tables (users included) first, then build.",
)
@click.option("--yes", is_flag=True, help="Do not ask before --reset on a terminal.")
@with_appcontext
def demo_command(seed: int, today, reset: bool, yes: bool) -> None:
    """Load the demo county (溧水县: 8 townships, 92 villages, teams, farms, visits, events).

    Does nothing when the database already has areas, unless --reset is given.
    """
    areas = db.session.scalar(select(func.count(Area.id)))
    if areas and not reset:
        click.echo(
            f"Demo data already present ({areas} areas); nothing to do. "
            "Use `kepu demo --reset` to rebuild (deletes everything)."
        )
        existing = [name for name, _, _ in demo_logins() if name in _demo_usernames()]
        if existing:  # their passwords may have changed since: never printed again
            click.echo(f"Demo logins: {', '.join(existing)} (their passwords are not shown).")
        return
    if reset:
        if not yes and sys.stdin.isatty():
            click.confirm("Delete every row of every table and rebuild the demo?", abort=True)
        wipe_database()
        click.echo("Deleted all rows.")
    from core.database import refresh_statistics
    from core.rules import today as local_today

    enable_demo_plugins()

    started = time.perf_counter()
    day = today.date() if today else None
    with signals.paused():
        counts = build_demo(seed, day, echo=click.echo)
        plugin_counts = build_plugin_demo(seed, day or local_today())
    refresh_statistics()  # the demo is used at once: plan its queries with its numbers
    elapsed = time.perf_counter() - started
    click.echo(
        "Built the demo county in {:.1f} s (seed {}, {}): {:,} areas ({} townships, {} villages), "
        "{:,} teams, {:,} members, {:,} farms, {:,} assignments, {:,} visits, {:,} campaigns, "
        "{:,} events, {:,} inspections, {:,} rectification items.".format(
            elapsed,
            seed,
            current_app.config["SQLALCHEMY_DATABASE_URI"].split(":")[0],
            counts["areas"],
            counts["townships"],
            counts["villages"],
            counts["teams"],
            counts["members"],
            counts["farms"],
            counts["assignments"],
            counts["visits"],
            counts["campaigns"],
            counts["events"],
            counts.get("inspections", 0),
            counts.get("rectifications", 0),
        )
    )
    for plugin, made in plugin_counts.items():
        click.echo(
            f"Plugin {plugin}: "
            + (
                ", ".join(f"{n:,} {what}" for what, n in made.items())
                if isinstance(made, dict)
                else made
            )
        )
    _print_logins(_demo_usernames())


#: the first-party modules the demo switches on (those that are installed)
DEMO_PLUGINS = ("reading_rooms", "noticeboards", "model_campaign", "expert_desk", "party_day")


def enable_demo_plugins() -> list[str]:
    """Enable the first-party modules of the sources so the demo shows them; returns the names."""
    from core.plugins.state import plugin_rows, set_enabled

    app = current_app._get_current_object()
    installed = {row.name for row in plugin_rows(app) if row.state not in ("blocked", "failed")}
    names = [name for name in DEMO_PLUGINS if name in installed]
    for name in names:
        set_enabled(app, name, True)
    return names


def build_plugin_demo(seed: int, today: date) -> dict[str, dict[str, int] | str]:
    """Let each enabled plugin add its demo records (committed plugin by plugin).

    Returns, per plugin, its counts, or the error text of a plugin that failed (its records
    are rolled back; the others are kept).
    """
    app = current_app._get_current_object()
    made: dict[str, dict[str, int] | str] = {}
    for result in call_committing(app, "demo_data", seed=seed, today=today):
        made[result.plugin] = f"failed: {result.error}" if result.failed else dict(result.value)
    return made


def _demo_usernames() -> set[str]:
    """The demo usernames present in the database."""
    names = [username for username, _, _ in _LOGINS]
    return set(db.session.scalars(select(User.username).where(User.username.in_(names))))
