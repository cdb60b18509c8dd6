"""Expert desk: village information officers — named by the township, part of the desk for
their village's questions, told of its answers."""

from datetime import timedelta

import pytest
from expert_desk_support import API, PAGES, Desk, inbox
from sqlalchemy import select

from core import rules
from core.extensions import db
from core.models import AuditEvent, Role
from plugins.expert_desk.models import Officer, Question
from plugins.expert_desk.services import remind


@pytest.fixture
def desk(app, world, client):
    """The desk; ``client`` makes every test client isolate its requests."""
    return Desk(app, world)


def officer_of(village):
    """The officer row of ``village``, fresh from the database."""
    db.session.expire_all()
    return db.session.scalar(select(Officer).where(Officer.village_id == village.id))


def name(world, village=None, user=None):
    """Name an officer directly (for the tests about what an officer may do)."""
    db.session.add(
        Officer(
            village_id=(village or world.village).id,
            user_id=(user or world.member).id,
            named_on=rules.today(),
        )
    )
    db.session.commit()


def test_a_township_reviewer_names_and_replaces_the_officer_on_the_page(desk, world, app, log_in):
    reviewer = log_in(app.test_client(), "reviewer")
    page = reviewer.get(f"{PAGES}/officers").get_data(as_text=True)
    assert f'data-village="{world.village.id}"' in page
    assert f'data-village="{world.other_village.id}"' not in page
    assert f'<option value="{world.member.id}">' in page
    assert f'<option value="{world.other_leader.id}">' not in page

    url = f"{PAGES}/officers/{world.village.id}"
    assert reviewer.post(url, data={"user_id": world.member.id}).status_code == 302
    officer = officer_of(world.village)
    assert officer.user_id == world.member.id and officer.named_by_id == world.reviewer.id
    assert officer.named_on == rules.today()
    page = reviewer.get(f"{PAGES}/officers").get_data(as_text=True)
    assert world.member.name in page

    assert reviewer.post(url, data={"user_id": world.leader.id}).status_code == 302
    assert officer_of(world.village).user_id == world.leader.id
    changes = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "expert_desk_officers")
    ).all()
    # named, then replaced: the trail keeps who held the post before, and who changed it
    assert [c.action for c in changes] == ["create", "update"]
    assert {c.user_id for c in changes} == {world.reviewer.id}


def test_a_user_of_another_village_is_refused(desk, world, app, log_in, bearer):
    reviewer = log_in(app.test_client(), "reviewer")
    url = f"{PAGES}/officers/{world.village.id}"
    response = reviewer.post(url, data={"user_id": world.other_leader.id})
    assert response.status_code == 422
    assert 'aria-invalid="true"' in response.get_data(as_text=True)
    assert reviewer.post(url, data={"user_id": ""}).status_code == 422
    assert officer_of(world.village) is None

    api = app.test_client()
    headers = bearer(world.reviewer)
    for user_id in (world.other_leader.id, world.reviewer.id, 99999):
        response = api.put(
            f"{API}/officers/{world.village.id}", headers=headers, json={"user_id": user_id}
        )
        assert response.status_code == 422
        assert "user_id" in str(response.get_json())
    assert officer_of(world.village) is None


def test_the_api_lists_and_names_officers_within_the_area(desk, world, app, bearer):
    api = app.test_client()
    headers = bearer(world.reviewer)
    rows = api.get(f"{API}/officers", headers=headers).get_json()
    assert [r["village_id"] for r in rows] == [world.village.id] and rows[0]["user_id"] is None
    response = api.put(
        f"{API}/officers/{world.village.id}", headers=headers, json={"user_id": world.member.id}
    )
    assert response.status_code == 200
    assert response.get_json()["user_id"] == world.member.id
    assert officer_of(world.village).named_by_id == world.reviewer.id
    rows = api.get(f"{API}/officers", headers=headers).get_json()
    assert rows[0]["user_name"] == world.member.name

    county = world.make_user("county", Role.REVIEWER, area=world.county)
    db.session.commit()
    county_rows = api.get(f"{API}/officers", headers=bearer(county)).get_json()
    assert {r["village_id"] for r in county_rows} == {world.village.id, world.other_village.id}
    response = api.put(
        f"{API}/officers/{world.village.id}",
        headers=bearer(county),
        json={"user_id": world.leader.id},
    )
    assert response.status_code == 200 and officer_of(world.village).user_id == world.leader.id
    assert (
        api.put(
            f"{API}/officers/{world.township.id}", headers=headers, json={"user_id": 1}
        ).status_code
        == 404
    )


def test_a_reviewer_of_another_township_and_the_teams_are_refused(desk, world, app, log_in, bearer):
    stranger = world.make_user("reviewer2", Role.REVIEWER, area=world.other_township)
    db.session.commit()
    client = log_in(app.test_client(), "reviewer2")
    url = f"{PAGES}/officers/{world.village.id}"
    assert client.post(url, data={"user_id": world.member.id}).status_code == 403
    assert f'data-village="{world.village.id}"' not in client.get(f"{PAGES}/officers").get_data(
        as_text=True
    )
    api = app.test_client()
    response = api.put(
        f"{API}/officers/{world.village.id}",
        headers=bearer(stranger),
        json={"user_id": world.member.id},
    )
    assert response.status_code == 403
    leader = log_in(app.test_client(), "leader")
    assert leader.get(f"{PAGES}/officers").status_code == 403
    assert leader.post(url, data={"user_id": world.member.id}).status_code == 403
    assert api.get(f"{API}/officers", headers=bearer(world.leader)).status_code == 403
    assert officer_of(world.village) is None


def test_the_officer_routes_merges_and_asks_for_their_village_only(
    desk, world, app, log_in, bearer
):
    mine = desk.question()
    duplicate = desk.question()
    theirs = desk.question(village=world.other_village)
    member = log_in(app.test_client(), "member")
    # before being named, a member neither routes nor asks
    assert (
        member.post(
            f"{PAGES}/questions/{mine.id}/route", data={"expert_id": desk.expert.id}
        ).status_code
        == 403
    )
    assert member.get(f"{PAGES}/questions/new").status_code == 403
    name(world)

    page = member.get(f"{PAGES}/").get_data(as_text=True)
    assert f'data-question="{mine.id}"' in page and f'data-question="{theirs.id}"' not in page
    assert 'id="ed-suggestions"' in member.get(f"{PAGES}/questions/{mine.id}").get_data(
        as_text=True
    )
    response = member.post(f"{PAGES}/questions/{mine.id}/route", data={"expert_id": desk.expert.id})
    assert response.status_code == 302
    api = app.test_client()
    headers = bearer(world.member)
    response = api.post(
        f"{API}/questions/{mine.id}/route", headers=headers, json={"expert_id": desk.other.id}
    )
    assert response.status_code == 200 and response.get_json()["expert_id"] == desk.other.id
    response = member.post(
        f"{PAGES}/questions/{duplicate.id}/merge", data={"into_id": str(mine.id)}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Question, duplicate.id).status == "merged"

    assert member.post(
        f"{PAGES}/questions/{theirs.id}/route", data={"expert_id": desk.expert.id}
    ).status_code in (403, 404)
    response = api.post(
        f"{API}/questions/{theirs.id}/route", headers=headers, json={"expert_id": desk.expert.id}
    )
    assert response.status_code in (403, 404)
    assert db.session.get(Question, theirs.id).expert_id is None

    form = member.get(f"{PAGES}/questions/new").get_data(as_text=True)
    assert world.team_members(world.team)[0].name in form
    body = {"village_id": world.village.id, "text": "茶叶冻害怎么补救？", "channel": "meeting"}
    body["member_id"] = world.team_members(world.team)[1].id
    assert api.post(f"{API}/questions", headers=headers, json=body).status_code == 201
    body["village_id"] = world.other_village.id
    body.pop("member_id")
    assert api.post(f"{API}/questions", headers=headers, json=body).status_code == 422


def test_the_officer_hears_of_answers_once_and_of_overdue_questions(
    desk, world, app, log_in, bearer
):
    q = desk.question(expert_id=desk.expert.id, status="routed")
    name(world, user=world.leader)  # the officer is also a leader: told once
    response = app.test_client().post(
        f"{API}/questions/{q.id}/answers", headers=bearer(desk.login), json={"text": "疏花疏果。"}
    )
    assert response.status_code == 201
    assert [n.url for n in inbox(world.leader)] == [f"{PAGES}/questions/{q.id}"]

    other = desk.question(expert_id=desk.expert.id, status="routed")
    officer = officer_of(world.village)
    officer.user_id = world.member.id
    db.session.commit()
    log_in(app.test_client(), "expert").post(
        f"{PAGES}/questions/{other.id}/answer", data={"text": "换授粉品种。"}
    )
    assert [n.url for n in inbox(world.member)] == [f"{PAGES}/questions/{other.id}"]
    assert len(inbox(world.leader)) == 2

    late = desk.question(days_ago=10, due_on=rules.today() - timedelta(days=3))
    remind()
    assert f"{PAGES}/questions/{late.id}" in [n.url for n in inbox(world.member)]
    assert f"{PAGES}/questions/{late.id}" not in [n.url for n in inbox(world.other_leader)]

    # an officer who moved to another village's team is no longer this village's desk
    world.member.team_id = world.other_team.id
    db.session.commit()
    moved = desk.question(expert_id=desk.expert.id, status="routed")
    api = app.test_client()
    api.post(f"{API}/questions/{moved.id}/answers", headers=bearer(desk.login), json={"text": "x"})
    assert f"{PAGES}/questions/{moved.id}" not in [n.url for n in inbox(world.member)]
    response = api.post(
        f"{API}/questions/{moved.id}/route",
        headers=bearer(world.member),
        json={"expert_id": desk.other.id},
    )
    assert response.status_code in (403, 404)


def test_the_demo_member_is_the_officer_of_daijia_village(runner):
    result = runner.invoke(args=["demo", "--today", "2026-05-20"])
    assert result.exit_code == 0, result.output
    rows = db.session.scalars(select(Officer)).all()
    assert [(o.village.name, o.user.username, o.named_by.username) for o in rows] == [
        ("戴家村", "member", "township")
    ]
