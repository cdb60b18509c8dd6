"""Cancelling or moving an event tells its organising teams in their inbox (not the one who
made the change); other edits tell nobody."""

from datetime import timedelta

from sqlalchemy import select

from core.extensions import db
from core.models import Notification


def _subjects(user):
    return db.session.scalars(
        select(Notification.subject).where(Notification.user_id == user.id)
    ).all()


def test_cancelling_through_the_api_tells_the_team_but_not_the_canceller(client, world, bearer):
    event = world.make_event(title="梅子栽培讲座")
    response = client.post(f"/api/v1/events/{event.id}/cancel", headers=bearer(world.leader))
    assert response.status_code == 200 and response.get_json()["status"] == "cancelled"
    assert _subjects(world.member) == ["活动已取消：梅子栽培讲座"]
    assert _subjects(world.leader) == []
    assert _subjects(world.other_leader) == []  # not an organiser


def test_moving_tells_once_and_a_new_title_tells_nobody(client, world, bearer):
    event = world.make_event(title="梅子栽培讲座")
    headers = bearer(world.admin)
    later = (event.starts_at + timedelta(days=1)).isoformat()
    ends = (event.ends_at + timedelta(days=1)).isoformat()
    url = f"/api/v1/events/{event.id}"
    assert client.patch(url, json={"title": "梅子修剪讲座"}, headers=headers).status_code == 200
    assert _subjects(world.member) == []
    moved = client.patch(url, json={"starts_at": later, "ends_at": ends}, headers=headers)
    assert moved.status_code == 200
    assert _subjects(world.leader) == ["活动时间或地点已变更：梅子修剪讲座"]
    assert _subjects(world.member) == ["活动时间或地点已变更：梅子修剪讲座"]


def test_cancelling_on_the_page_tells_the_team(client, world, login):
    event = world.make_event(title="梅子栽培讲座")
    login("admin")
    assert client.post(f"/events/{event.id}/cancel").status_code == 302
    assert _subjects(world.leader) == ["活动已取消：梅子栽培讲座"]
    client.post(f"/events/{event.id}/cancel")  # already cancelled: nothing more
    assert len(_subjects(world.leader)) == 1
