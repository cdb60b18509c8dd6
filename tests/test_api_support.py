"""Helpers shared by the API tests (imported by the test_api_* modules; no tests here)."""

import json

from query_counter import count_queries  # noqa: F401  (re-exported)

from core.extensions import db

#: the users of the ``world`` fixture, by attribute name
ROLES = ["admin", "reviewer", "leader", "other_leader", "member"]


def snapshot() -> dict[str, list]:
    """Every row of every table but the API tokens (their last use changes on each call) and
    the audit trail of issuing them (a test issues tokens between snapshots)."""
    db.session.rollback()
    with db.engine.connect() as conn:
        return {
            table.name: sorted((tuple(row) for row in conn.execute(_rows_of(table))), key=repr)
            for table in db.metadata.sorted_tables
            if table.name != "api_tokens"
        }


def _rows_of(table):
    """SELECT the rows of ``table`` that ``snapshot`` compares."""
    if table.name == "audit_events":
        return table.select().where(table.c.object_type != "api_tokens")
    return table.select()


def pagination(response) -> dict:
    """The decoded X-Pagination header."""
    return json.loads(response.headers["X-Pagination"])


def ids(response) -> list[int]:
    """The ids of a list answer, in order."""
    assert response.status_code == 200, response.get_json()
    return [item["id"] for item in response.get_json()]


def field_errors(response) -> dict:
    """The per-field messages of a 422 answer about a JSON body."""
    assert response.status_code == 422, response.get_json()
    body = response.get_json()
    assert body["code"] == 422 and body["status"] == "Unprocessable Entity"
    return body["errors"]["json"]


def check_write(client, world, bearer, role, method, path, body, expected):
    """Send one write as ``role``; assert the status and that a refusal changed nothing."""
    headers = bearer(getattr(world, role))
    before = snapshot()
    response = client.open(path, method=method.upper(), json=body, headers=headers)
    assert response.status_code == expected, (role, method, path, response.get_json())
    if expected >= 400:
        assert response.is_json
        assert snapshot() == before
    return response
