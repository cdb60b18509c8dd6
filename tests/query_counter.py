"""The one SQL statement counter of the tests.

``with count_queries() as queries: ...`` then ``len(queries)``; ``queries`` holds each
statement's text, which helps when a count changes. Counts do not depend on the machine, so a
test may assert them (timings never).
"""

from contextlib import contextmanager

from sqlalchemy import event

from core.extensions import db


@contextmanager
def count_queries(engine=None):
    """Record the SQL statements ``engine`` (the current app's by default) runs in the block."""
    engine = engine if engine is not None else db.engine
    statements: list[str] = []

    def _record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", _record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", _record)
