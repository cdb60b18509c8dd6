"""Expert desk: ask, route, answer, feedback and follow-up, through the pages and the API."""

from datetime import date, timedelta
from io import BytesIO

import pytest
from expert_desk_support import API, PAGES, Desk, inbox
from image_support import JPEG
from sqlalchemy import select

from core import rules
from core.extensions import db
from core.plugins.state import save_settings
from plugins.expert_desk.models import Post, Question


def at(question, tail="") -> str:
    """The path of a question's page, or of one of its actions."""
    return f"{PAGES}/questions/{question.id}{tail}"


@pytest.fixture
def desk(app, world, client):
    """The desk; ``client`` makes every test client isolate its requests."""
    return Desk(app, world)


def test_ask_route_answer_feedback_through_the_pages(desk, world, app, log_in):
    leader = log_in(app.test_client(), "leader")
    form = leader.get(f"{PAGES}/questions/new")
    assert form.status_code == 200 and "戴家村" in form.get_data(as_text=True)
    response = leader.post(
        f"{PAGES}/questions/new",
        data={
            "village_id": world.village.id,
            "subject": "青梅",
            "text": "青梅流胶怎么治？",
            "specialty_id": desk.fruit.id,
            "channel": "meeting",
            "asked_on": "",
            "photos": [(BytesIO(JPEG), "leaf.jpg")],
        },
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    q = db.session.scalars(select(Question)).one()
    assert q.status == "new" and q.channel == "meeting" and len(q.photos) == 1
    assert (q.due_on - q.asked_on).days == 7
    photo = f"{PAGES}/questions/{q.id}/photos/{q.photos[0].id}"
    served = leader.get(photo)
    assert served.status_code == 200
    served.close()

    reviewer = log_in(app.test_client(), "reviewer")
    page = reviewer.get(f"{PAGES}/questions/{q.id}").get_data(as_text=True)
    assert 'id="ed-suggestions"' in page and page.index("刘春燕") < page.index("朱振华")
    assert reviewer.post(at(q, "/route"), data={"expert_id": ""}).status_code == 422
    assert reviewer.post(at(q, "/route"), data={"expert_id": desk.expert.id}).status_code == 302
    assert [n.url for n in inbox(desk.login)] == [f"{PAGES}/questions/{q.id}"]

    expert = log_in(app.test_client(), "expert")
    served = expert.get(photo)
    assert served.status_code == 200
    served.close()
    assert leader.post(at(q, "/answer"), data={"text": "x"}).status_code == 403
    assert expert.post(at(q, "/answer"), data={"text": " "}).status_code == 422
    response = expert.post(at(q, "/answer"), data={"text": "刮除胶块后涂石硫合剂。"})
    assert response.status_code == 302
    db.session.refresh(q)
    assert q.status == "answered" and q.answered_on is not None
    [note] = inbox(world.leader)
    assert note.url == f"{PAGES}/questions/{q.id}" and inbox(world.other_leader) == []

    assert leader.post(at(q, "/feedback"), data={"comment": "x"}).status_code == 422
    response = leader.post(at(q, "/feedback"), data={"solved": "no", "comment": "还是流胶"})
    assert response.status_code == 302
    db.session.refresh(q)
    assert q.solved is False and q.feedback == "还是流胶"
    leader.post(at(q, "/follow-up"), data={"text": "要不要换品种？"})
    db.session.refresh(q)
    assert q.status == "routed" and [p.kind for p in q.posts] == ["answer", "follow_up"]
    assert len(inbox(desk.login)) == 2
    page = leader.get(f"{PAGES}/questions/{q.id}").get_data(as_text=True)
    assert "刮除胶块后涂石硫合剂。" in page and "要不要换品种？" in page


def test_an_admin_answers_on_the_experts_behalf_named(desk, world, app, log_in):
    q = desk.question(expert_id=desk.expert.id, status="routed")
    admin = log_in(app.test_client(), "admin")
    assert admin.post(at(q, "/answer"), data={"text": "代答"}).status_code == 302
    post = db.session.scalars(select(Post)).one()
    assert post.expert_id == desk.expert.id and post.written_by_id == world.admin.id
    page = admin.get(f"{PAGES}/questions/{q.id}").get_data(as_text=True)
    assert "由admin代为录入" in page


def test_rerouting_and_merging(desk, world, app, log_in):
    q = desk.question()
    dup = desk.question(text="梅子流胶")
    reviewer = log_in(app.test_client(), "reviewer")
    reviewer.post(at(q, "/route"), data={"expert_id": desk.expert.id})
    reviewer.post(at(q, "/route"), data={"expert_id": desk.other.id})
    db.session.refresh(q)
    assert q.expert_id == desk.other.id and len(inbox(desk.other_login)) == 1
    assert reviewer.post(at(dup, "/merge"), data={"into_id": dup.id}).status_code == 422
    assert reviewer.post(at(dup, "/merge"), data={"into_id": q.id}).status_code == 302
    db.session.refresh(dup)
    assert dup.status == "merged" and dup.merged_into_id == q.id
    leader = log_in(app.test_client(), "leader")
    assert leader.post(at(q, "/route"), data={"expert_id": 1}).status_code == 403


def test_a_visits_questions_go_to_the_desk_in_one_tap(desk, world, app, log_in):
    visit = world.make_visit(questions="草莓白粉病用什么药？")
    quiet = world.make_visit(questions="")
    leader = log_in(app.test_client(), "leader")
    page = leader.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert f'action="{PAGES}/visits/{visit.id}/send"' in page
    assert f"{PAGES}/visits/" not in leader.get(f"/visits/{quiet.id}").get_data(as_text=True)
    response = leader.post(f"{PAGES}/visits/{visit.id}/send")
    assert response.status_code == 302
    q = db.session.scalars(select(Question)).one()
    assert (q.visit_id, q.channel, q.text, q.village_id) == (
        visit.id,
        "visit",
        "草莓白粉病用什么药？",
        world.village.id,
    )
    leader.post(f"{PAGES}/visits/{visit.id}/send")
    assert db.session.scalar(select(db.func.count(Question.id))) == 1
    page = leader.get(f"/visits/{visit.id}").get_data(as_text=True)
    assert f'href="{PAGES}/questions/{q.id}"' in page
    other = log_in(app.test_client(), "leader2")
    assert other.post(f"{PAGES}/visits/{visit.id}/send").status_code == 403


def test_the_api_flow(desk, world, bearer, client):
    leader, reviewer = bearer(world.leader), bearer(world.reviewer)
    expert, admin = bearer(desk.login), bearer(world.admin)
    bad = client.post(f"{API}/questions", json={"village_id": world.village.id}, headers=leader)
    assert bad.status_code == 422 and {"text", "channel"} <= set(bad.get_json()["errors"]["json"])
    made = client.post(
        f"{API}/questions",
        json={"village_id": world.village.id, "text": "鱼塘浮头", "channel": "online"},
        headers=leader,
    )
    assert made.status_code == 201, made.get_json()
    qid = made.get_json()["id"]
    other = client.post(
        f"{API}/questions",
        json={"village_id": world.other_village.id, "text": "x", "channel": "online"},
        headers=leader,
    )
    assert other.status_code == 422 and "village_id" in other.get_json()["errors"]["json"]
    assert (
        client.post(
            f"{API}/questions/{qid}/route", json={"expert_id": desk.expert.id}, headers=leader
        ).status_code
        == 403
    )
    bad = client.post(f"{API}/questions/{qid}/route", json={"expert_id": "x"}, headers=reviewer)
    assert bad.status_code == 422 and "expert_id" in bad.get_json()["errors"]["json"]
    routed = client.post(
        f"{API}/questions/{qid}/route", json={"expert_id": desk.expert.id}, headers=reviewer
    )
    assert routed.status_code == 200 and routed.get_json()["status"] == "routed"
    assert (
        client.post(
            f"{API}/questions/{qid}/answers", json={"text": "x"}, headers=bearer(desk.other_login)
        ).status_code
        == 403
    )
    answered = client.post(
        f"{API}/questions/{qid}/answers", json={"text": "开增氧机"}, headers=expert
    )
    assert answered.status_code == 201 and answered.get_json()["expert_id"] == desk.expert.id
    bad = client.post(f"{API}/questions/{qid}/feedback", json={}, headers=leader)
    assert bad.status_code == 422 and "solved" in bad.get_json()["errors"]["json"]
    fed = client.post(f"{API}/questions/{qid}/feedback", json={"solved": True}, headers=leader)
    assert fed.status_code == 200 and fed.get_json()["solved"] is True
    listed = client.get(f"{API}/questions?status=answered", headers=admin).get_json()
    assert [q["id"] for q in listed] == [qid] and listed[0]["posts"][0]["text"] == "开增氧机"
    assert client.get(f"{API}/questions?status=nope", headers=admin).status_code == 422
    assert (
        client.get(f"{API}/questions?from=2026-02-01&to=2026-01-01", headers=admin).status_code
        == 422
    )
    experts = client.get(f"{API}/experts", headers=reviewer).get_json()
    assert {e["name"] for e in experts} == {"刘春燕", "朱振华"}
    assert client.get(f"{API}/experts", headers=leader).status_code == 403
    spec = client.get("/api/v1/openapi.json").get_json()
    assert "/api/v1/plugins/expert_desk/questions/{question_id}/route" in spec["paths"]


def test_follow_ups_through_the_api_and_the_answer_deadline_setting(desk, world, app, bearer):
    save_settings(app, "expert_desk", {"answer_within_days": 3})
    api = app.test_client()
    made = api.post(
        f"{API}/questions",
        json={"village_id": world.village.id, "text": "稻田杂草", "channel": "question_form"},
        headers=bearer(world.admin),
    ).get_json()
    assert date.fromisoformat(made["due_on"]) - date.fromisoformat(made["asked_on"]) == timedelta(3)
    url = f"{API}/questions/{made['id']}/follow-ups"
    early = api.post(url, json={"text": "还有一个问题"}, headers=bearer(world.leader))
    assert early.status_code == 409  # nothing answered yet
    q = db.session.get(Question, made["id"])
    q.expert_id, q.status = desk.expert.id, "answered"
    db.session.commit()
    assert api.post(url, json={"text": " "}, headers=bearer(world.leader)).status_code == 422
    other = api.post(url, json={"text": "x"}, headers=bearer(world.other_leader))
    assert other.status_code == 403
    asked = api.post(url, json={"text": "还有一个问题"}, headers=bearer(world.leader))
    assert asked.status_code == 201 and asked.get_json()["kind"] == "follow_up"
    db.session.refresh(q)
    assert q.status == "routed" and q.due_on == rules.today() + timedelta(days=3)
    assert len(inbox(desk.login)) == 1


def test_admins_keep_the_experts_and_their_specialties(desk, world, app, log_in, bearer):
    admin = log_in(app.test_client(), "admin")
    assert admin.post(f"{PAGES}/experts", data={"name": "果树栽培"}).status_code == 422
    assert admin.post(f"{PAGES}/experts", data={"name": "水产养殖"}).status_code == 302
    assert "水产养殖" in admin.get(f"{PAGES}/experts").get_data(as_text=True)
    assert admin.get(f"{PAGES}/experts/new").status_code == 200
    assert admin.get(f"{PAGES}/experts/{desk.expert.id}/edit").status_code == 200
    bad = admin.post(
        f"{PAGES}/experts/new", data={"name": "", "user_id": world.leader.id, "active": "y"}
    )
    assert bad.status_code == 200 and "请选择角色为农科专家的账号。" in bad.get_data(as_text=True)
    made = admin.post(
        f"{PAGES}/experts/new",
        data={"name": "冯德华", "organisation": "无锡渔业学院", "specialty_ids": [desk.law.id]},
    )
    assert made.status_code == 302
    reviewer = log_in(app.test_client(), "reviewer")
    assert reviewer.get(f"{PAGES}/experts").status_code == 200
    assert reviewer.get(f"{PAGES}/experts/new").status_code == 403
    assert reviewer.post(f"{PAGES}/experts", data={"name": "茶叶"}).status_code == 403
    api = app.test_client()
    bad = api.post(
        f"{API}/experts", json={"name": "x", "specialty_ids": [999]}, headers=bearer(world.admin)
    )
    assert bad.status_code == 422 and "specialty_ids" in bad.get_json()["errors"]["json"]
    assert (
        api.post(f"{API}/experts", json={"name": "x"}, headers=bearer(world.reviewer)).status_code
        == 403
    )
    for path in ("/booklets", "/booklets/new", "/questions/new", "/?status=merged"):
        assert reviewer.get(PAGES + path).status_code == 200, path


def test_photos_through_the_api(desk, world, app, bearer):
    q = desk.question()
    api = app.test_client()
    url = f"{API}/questions/{q.id}/photos"

    def upload(user, *files):
        data = {"photos": [(BytesIO(content), name) for content, name in files]}
        return api.post(url, data=data, headers=bearer(user), content_type="multipart/form-data")

    assert upload(world.other_leader, (JPEG, "a.jpg")).status_code == 403
    bad = upload(world.leader, (b"not an image", "a.jpg"))
    assert bad.status_code == 422 and "photos" in bad.get_json()["errors"]["files"]
    made = upload(world.leader, (JPEG, "a.jpg"), (JPEG, "b.jpg"))
    assert made.status_code == 201 and len(made.get_json()["photo_ids"]) == 2
    assert upload(world.leader, *[(JPEG, "c.jpg")] * 3).status_code == 422  # five in all
    photo_id = made.get_json()["photo_ids"][0]
    served = api.get(f"{url}/{photo_id}?thumbnail=1", headers=bearer(world.member))
    assert served.status_code == 200 and served.mimetype.startswith("image/")
    served.close()
    assert api.get(f"{url}/{photo_id}", headers=bearer(world.other_leader)).status_code == 403
    assert api.get(f"{url}/999", headers=bearer(world.leader)).status_code == 404
