"""Error texts and classifications every part of Kepu shares.

A leaf: it imports no other Kepu module, so anything may import it without closing a circle.
"""

from sqlalchemy.exc import DBAPIError

#: SQLSTATE classes of a database out of reach: connection exceptions, an operator's shutdown
UNREACHABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03")
#: what drivers say when they cannot reach the database at all (no SQLSTATE to read)
UNREACHABLE_MESSAGES = (
    "unable to open database file",
    "connection failed",
    "connection refused",
    "could not connect",
    "server closed the connection",
    "connection is closed",
    "terminating connection",
    "the connection is lost",
    "disk i/o error",
)


def describe_error(exc: BaseException) -> str:
    """A one-line text for an exception: its type and message."""
    return f"{type(exc).__name__}: {exc}".strip().rstrip(":")


def is_unreachable(error: DBAPIError) -> bool:
    """True when ``error`` says the database cannot be reached (as opposed to a bad query)."""
    if error.connection_invalidated:
        return True
    sqlstate = getattr(error.orig, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith(UNREACHABLE_SQLSTATES)
    text = str(error.orig).lower()
    return any(message in text for message in UNREACHABLE_MESSAGES)
