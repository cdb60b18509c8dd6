"""Which process runs the scheduler: one at a time per database, the others stand by.

- PostgreSQL: ``pg_try_advisory_lock`` taken on a connection of its own, held while the
  process lives; the server frees it when that connection ends (a crash included).
- Other databases (SQLite): a row of ``scheduler_leases`` with an expiry, taken by one
  conditional UPDATE (or the INSERT of the first row) and renewed while the holder lives. A
  holder that dies stops renewing and another process takes over once the lease expires.

Either way the row says who holds the scheduler, for the jobs page.
"""

import contextlib
import logging
import os
import secrets
import socket
from datetime import datetime, timedelta

from flask import Flask
from sqlalchemy import delete, insert, or_, select, text, update
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from core.extensions import db
from core.models import SchedulerLease, utcnow

logger = logging.getLogger(__name__)

LEASES = SchedulerLease.__table__
#: the one lease of a database
NAME = "scheduler"
#: the key of the PostgreSQL advisory lock (any constant shared by every Kepu process)
ADVISORY_KEY = 0x4B455055  # "KEPU"


def holder_name() -> str:
    """A name for this process, unique across machines: ``host:pid:random``."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"


class RowLease:
    """The lease row of ``scheduler_leases``, taken and renewed atomically."""

    def __init__(self, app: Flask, seconds: int, holder: str | None = None):
        self.app = app
        self.seconds = seconds
        self.holder = holder or holder_name()

    def _until(self, now: datetime) -> datetime:
        return now + timedelta(seconds=self.seconds)

    def acquire(self) -> bool:
        """Take the lease if it is free, expired or ours already; True when held."""
        now = utcnow()
        with self.app.app_context(), db.engine.begin() as conn:
            taken = conn.execute(
                update(LEASES)
                .where(
                    LEASES.c.name == NAME,
                    or_(LEASES.c.holder == self.holder, LEASES.c.expires_at < now),
                )
                .values(
                    holder=self.holder, acquired_at=now, renewed_at=now, expires_at=self._until(now)
                )
            ).rowcount
        if taken:
            return True
        try:
            with self.app.app_context(), db.engine.begin() as conn:
                conn.execute(
                    insert(LEASES).values(
                        name=NAME,
                        holder=self.holder,
                        acquired_at=now,
                        renewed_at=now,
                        expires_at=self._until(now),
                    )
                )
        except IntegrityError:  # the row exists and another process holds it
            return False
        return True

    def renew(self) -> bool:
        """Extend our lease; False when it is no longer ours (it expired and was taken)."""
        now = utcnow()
        with self.app.app_context(), db.engine.begin() as conn:
            return (
                conn.execute(
                    update(LEASES)
                    .where(LEASES.c.name == NAME, LEASES.c.holder == self.holder)
                    .values(renewed_at=now, expires_at=self._until(now))
                ).rowcount
                == 1
            )

    def release(self) -> None:
        """Give the lease up, so a standby process takes over at once."""
        with self.app.app_context(), db.engine.begin() as conn:
            conn.execute(
                delete(LEASES).where(LEASES.c.name == NAME, LEASES.c.holder == self.holder)
            )


class AdvisoryLease(RowLease):
    """A PostgreSQL advisory lock on a dedicated connection; the row is only informative."""

    def __init__(self, app: Flask, seconds: int, holder: str | None = None):
        super().__init__(app, seconds, holder)
        self.conn: Connection | None = None

    def acquire(self) -> bool:
        """Take the advisory lock if no other process holds it; then write the row."""
        if self.conn is None:
            with self.app.app_context():
                conn = db.engine.connect()
            got = conn.execute(
                text("SELECT pg_try_advisory_lock(:key)"), {"key": ADVISORY_KEY}
            ).scalar()
            conn.commit()
            if not got:
                conn.close()
                return False
            self.conn = conn
        self._write_row()
        return True

    def _write_row(self) -> None:
        """Say in the row that we hold the scheduler (whatever an old row said)."""
        now = utcnow()
        with self.app.app_context(), db.engine.begin() as conn:
            conn.execute(delete(LEASES).where(LEASES.c.name == NAME))
            conn.execute(
                insert(LEASES).values(
                    name=NAME,
                    holder=self.holder,
                    acquired_at=now,
                    renewed_at=now,
                    expires_at=self._until(now),
                )
            )

    def renew(self) -> bool:
        """True while the lock's connection is alive; the row's expiry moves on."""
        if self.conn is None:
            return False
        try:
            self.conn.execute(text("SELECT 1"))
            self.conn.commit()
        except SQLAlchemyError:
            logger.warning("the scheduler lock's connection was lost")
            self._drop_connection()
            return False
        if not super().renew():
            self._write_row()  # the row was removed (by hand): we still hold the lock
        return True

    def release(self) -> None:
        """Unlock and close the dedicated connection; delete the row."""
        if self.conn is not None:
            try:
                self.conn.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": ADVISORY_KEY})
                self.conn.commit()
            except SQLAlchemyError:
                pass  # the connection is gone, and the lock with it
            self._drop_connection()
        super().release()

    def _drop_connection(self) -> None:
        with contextlib.suppress(SQLAlchemyError):
            self.conn.close()
        self.conn = None


def make_lease(app: Flask, holder: str | None = None) -> RowLease:
    """The lease for ``app``'s database: advisory lock on PostgreSQL, else the row."""
    seconds = int(app.config["SCHEDULER_LEASE_SECONDS"])
    with app.app_context():
        dialect = db.engine.dialect.name
    cls = AdvisoryLease if dialect == "postgresql" else RowLease
    return cls(app, seconds, holder)


def current_holder() -> SchedulerLease | None:
    """The lease row if it is still valid (the jobs page shows who runs the scheduler)."""
    row = db.session.scalar(select(SchedulerLease).where(SchedulerLease.name == NAME))
    if row is None or row.expires_at < utcnow():
        return None
    return row
