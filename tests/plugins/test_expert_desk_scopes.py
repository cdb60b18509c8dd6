"""Expert desk: who reads what; the expert role in the core; the plugin switched off."""

from datetime import timedelta

import pytest
from expert_desk_support import API, PAGES, Desk, inbox
from sqlalchemy import select

from core import rules
from core.extensions import db
from core.jobs.runner import fire
from core.models import JobRun, Role, User
from core.plugins.state import set_enabled
from plugins.expert_desk.services import remind


@pytest.fixture
def desk(app, world, client):
    """The desk; ``client`` makes every test client isolate its requests."""
    return Desk(app, world)


def test_an_expert_sees_only_the_questions_routed_to_them(desk, world, app, log_in, bearer):
    mine = desk.question(expert_id=desk.expert.id, status="routed")
    theirs = desk.question(expert_id=desk.other.id, status="routed")
    waiting = desk.question()
    expert = log_in(app.test_client(), "expert")
    page = expert.get(f"{PAGES}/").get_data(as_text=True)
    assert f'data-question="{mine.id}"' in page
    assert (
        f'data-question="{theirs.id}"' not in page and f'data-question="{waiting.id}"' not in page
    )
    assert expert.get(f"{PAGES}/questions/{mine.id}").status_code == 200
    assert expert.get(f"{PAGES}/questions/{theirs.id}").status_code == 403
    assert expert.get(f"{PAGES}/questions/99999").status_code == 404
    assert (
        expert.post(f"{PAGES}/questions/{theirs.id}/answer", data={"text": "x"}).status_code == 403
    )
    assert (
        expert.post(f"{PAGES}/questions/{mine.id}/route", data={"expert_id": 1}).status_code == 403
    )
    assert expert.get(f"{PAGES}/questions/new").status_code == 403
    assert expert.get(f"{PAGES}/experts").status_code == 403
    headers = bearer(desk.login)
    api = app.test_client()
    assert [q["id"] for q in api.get(f"{API}/questions", headers=headers).get_json()] == [mine.id]
    assert api.get(f"{API}/questions/{theirs.id}", headers=headers).status_code == 403
    body = {"village_id": world.village.id, "text": "x", "channel": "online"}
    assert api.post(f"{API}/questions", headers=headers, json=body).status_code == 403


def test_the_expert_role_reads_nothing_of_the_teams(desk, world, app, log_in):
    expert = log_in(app.test_client(), "expert")
    assert f'href="{PAGES}/"' in expert.get("/").get_data(as_text=True)
    assert expert.get(f"/teams/{world.team.id}").status_code in (403, 404)
    assert expert.get(f"/visits/{world.make_visit().id}").status_code in (403, 404)
    assert world.team.name not in expert.get("/teams/").get_data(as_text=True)
    assert expert.get("/plugins/noticeboards/").status_code in (403, 404)
    lonely = world.make_user("expert3", Role.EXPERT)  # an expert login not linked to an expert
    db.session.commit()
    other = log_in(app.test_client(), lonely.username)
    assert other.get(f"{PAGES}/").status_code == 403


def test_the_user_admin_creates_an_expert_login(desk, world, app, log_in):
    admin = log_in(app.test_client(), "admin")
    form = admin.get("/users/new").get_data(as_text=True)
    assert 'value="expert"' in form
    response = admin.post(
        "/users/new",
        data={
            "username": "prof_wang",
            "display_name": "王建平",
            "role": "expert",
            "password": "a-long-password-1",
            "confirm": "a-long-password-1",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.username == "prof_wang"))
    assert user.role == Role.EXPERT and user.team_id is None and user.area_id is None


def test_another_villages_leader_cannot_read(desk, world, app, log_in, bearer):
    q = desk.question()
    other = log_in(app.test_client(), "leader2")
    assert other.get(f"{PAGES}/questions/{q.id}").status_code == 403
    assert f'data-question="{q.id}"' not in other.get(f"{PAGES}/").get_data(as_text=True)
    api = app.test_client()
    headers = bearer(world.other_leader)
    assert api.get(f"{API}/questions/{q.id}", headers=headers).status_code == 403
    assert api.get(f"{API}/questions", headers=headers).get_json() == []
    own = log_in(app.test_client(), "member")
    assert own.get(f"{PAGES}/questions/{q.id}").status_code == 200
    assert own.post(f"{PAGES}/questions/{q.id}/feedback", data={"solved": "yes"}).status_code == 403


def test_the_daily_job_reminds_and_escalates_once(desk, world):
    soon = desk.question(expert_id=desk.expert.id, status="routed", days_ago=6)
    late = desk.question(expert_id=desk.other.id, status="routed", days_ago=9)
    unrouted = desk.question(days_ago=10)
    desk.question(expert_id=desk.expert.id, status="routed", days_ago=0)  # due in 7 days
    done = desk.question(expert_id=desk.expert.id, status="answered", days_ago=12)
    done.answered_on = rules.today() - timedelta(days=2)
    db.session.commit()
    assert remind() == (1, 2)
    assert [n.url for n in inbox(desk.login)] == [f"{PAGES}/questions/{soon.id}"]
    overdue = {f"{PAGES}/questions/{late.id}", f"{PAGES}/questions/{unrouted.id}"}
    assert {n.url for n in inbox(world.admin)} == overdue
    assert {n.url for n in inbox(world.reviewer)} == overdue
    assert inbox(desk.other_login) == [] and inbox(world.leader) == []
    remind()
    fire("expert_desk.remind_due_questions")
    assert len(inbox(desk.login)) == 1 and len(inbox(world.admin)) == 2


def test_switched_off_pages_404_and_the_job_skips(desk, world, app, log_in):
    desk.question(expert_id=desk.expert.id, status="routed", days_ago=9)
    set_enabled(app, "expert_desk", False)
    admin = log_in(app.test_client(), "admin")
    assert admin.get(f"{PAGES}/").status_code == 404
    assert admin.get(f"{API}/questions").status_code == 404
    assert f'href="{PAGES}/"' not in admin.get("/").get_data(as_text=True)
    visit = world.make_visit(questions="有问题")
    assert f"{PAGES}/visits/" not in admin.get(f"/visits/{visit.id}").get_data(as_text=True)
    fire("expert_desk.remind_due_questions")
    run = db.session.scalars(select(JobRun).order_by(JobRun.id.desc())).first()
    assert run.outcome == "skipped" and inbox(world.admin) == []


def test_the_desk_filters_its_list_by_area_and_status(desk, world, app, log_in):
    here = desk.question()
    late = desk.question(days_ago=20)
    admin = log_in(app.test_client(), "admin")
    elsewhere = desk.question(village=world.other_village)
    page = admin.get(f"{PAGES}/?village={world.township.id}").get_data(as_text=True)
    assert f'data-question="{here.id}"' in page and f'data-question="{elsewhere.id}"' not in page
    assert 'id="ed-area-filter"' in page
    page = admin.get(f"{PAGES}/?village={world.township.id}&status=overdue").get_data(as_text=True)
    assert page.count("data-question=") == 1 and f'data-question="{late.id}"' in page
    assert admin.get(f"{PAGES}/?village=abc&status=nope&page=x").status_code == 200
    leader = log_in(app.test_client(), "leader")
    assert 'id="ed-area-filter"' not in leader.get(f"{PAGES}/").get_data(as_text=True)
