"""A plugin's records are soft-deleted and restored by an admin without code of their own."""

from noticeboards_support import API as NOTICEBOARDS_API
from noticeboards_support import Boards
from sqlalchemy import select

from core.extensions import db
from core.models import AuditEvent

DELETED = "/api/v1/deleted/"


def _trail(object_type, object_id):
    return db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.object_type == object_type, AuditEvent.object_id == str(object_id))
        .order_by(AuditEvent.id)
    ).all()


def test_a_plugin_record_is_soft_deleted_and_restored_without_plugin_code(
    app, client, world, bearer
):
    boards = Boards(app, world)
    update = boards.update(boards.board, 3)
    leader, admin = bearer(world.leader), bearer(world.admin)
    url = f"{NOTICEBOARDS_API}/updates/{update.id}"
    assert client.delete(url, headers=leader).status_code == 204
    assert client.get(url, headers=leader).status_code == 404
    listed = client.get(f"{DELETED}?object_type=noticeboards_updates", headers=admin)
    assert [row["id"] for row in listed.get_json()] == [update.id]
    restore = f"{DELETED}noticeboards_updates/{update.id}/restore"
    assert client.post(restore, headers=admin).status_code == 204
    assert client.get(url, headers=leader).status_code == 200
    actions = [e.action for e in _trail("noticeboards_updates", update.id)]
    assert actions == ["create", "delete", "restore"]
