"""One entry point for the command and the pages: read, compare, and maybe write."""

from collections.abc import Callable

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from core.extensions import db
from core.models import Area
from core.roster.apply import apply_plan
from core.roster.plan import Plan, make_plan
from core.roster.reader import Book, read_files
from core.roster.snapshot import Snapshot, load


def read(files: list[tuple[str, bytes]]) -> Book:
    """The rows of uploaded files, within the configured limits (raises FileRefused)."""
    config = current_app.config
    return read_files(files, config["ROSTER_IMPORT_MAX_BYTES"], config["ROSTER_IMPORT_MAX_ROWS"])


def dry_run(book: Book, root: Area | None, remove: bool = False) -> tuple[Plan, Snapshot]:
    """The plan of importing ``book`` into the roster of ``root`` (nothing written)."""
    snap = load(root)
    return make_plan(book, snap, remove), snap


def confirm(
    book: Book,
    root: Area | None,
    fingerprint: str,
    remove: bool = False,
    progress: Callable[[str], None] = lambda _m: None,
) -> tuple[Plan, bool]:
    """Apply ``book`` if the roster is still the one the dry run saw (``fingerprint``).

    Answers the new plan and whether it was written: not when the roster changed since (the
    plan is then the dry run to show again) or when the plan has problems.
    """
    if root is not None:
        # two confirmations of the same area wait for each other (PostgreSQL; SQLite
        # serialises writers anyway): the second then sees the first's rows and shows again
        db.session.execute(select(Area.id).where(Area.id == root.id).with_for_update())
    plan, snap = dry_run(book, root, remove)
    if plan.fingerprint != fingerprint or not plan.ok:
        return plan, False
    try:
        apply_plan(plan, snap, progress)
    except IntegrityError:
        # a page wrote one of these rows meanwhile (apply_plan rolled back): show it again
        plan, _snap = dry_run(book, root, remove)
        return plan, False
    return plan, True
