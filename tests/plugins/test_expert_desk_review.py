"""Expert desk: the review section matches the lists; the booklet; the demo data."""

from datetime import timedelta
from io import BytesIO

import pytest
from expert_desk_support import API, PAGES, Desk
from openpyxl import load_workbook
from sqlalchemy import func, select

from core import rules
from core.extensions import db
from core.models import Role
from core.plugins import call
from plugins.expert_desk.demo import build
from plugins.expert_desk.models import Booklet, Expert, Post, Question


@pytest.fixture
def desk(app, world, client):
    """The desk; ``client`` makes every test client isolate its requests."""
    return Desk(app, world)


def _answered(desk, days_ago, took, solved=None, **kw):
    q = desk.question(days_ago=days_ago, expert_id=desk.expert.id, status="answered", **kw)
    q.answered_on = q.asked_on + timedelta(days=took)
    q.solved = solved
    db.session.add(
        Post(
            question_id=q.id,
            kind="answer",
            text="答复",
            expert_id=q.expert_id,
            posted_on=q.answered_on,
        )
    )
    db.session.commit()
    return q


def _section(app, world, start, end):
    [section] = [
        s
        for s in call(
            app, "review_sections", area=world.township, start=start, end=end, user=world.admin
        )
        if s.key == "expert_desk"
    ]
    return section


def test_review_figures_match_the_lists(desk, world, app, log_in, bearer):
    _answered(desk, 20, 2, solved=True)
    _answered(desk, 15, 4, solved=False)
    _answered(desk, 10, 6, solved=True)
    desk.question(days_ago=12, expert_id=desk.other.id, status="routed")  # overdue
    desk.question(days_ago=1)  # waiting, not yet due
    desk.question(village=world.other_village, days_ago=3)  # another township
    merged = desk.question(days_ago=2)
    merged.status = "merged"
    db.session.commit()
    start, end = rules.today() - timedelta(days=30), rules.today()
    section = _section(app, world, start, end)
    figures = [f.value for f in section.figures]
    assert figures == [5, 3, 1, "4", "67%"]
    assert section.figures[2].flagged
    per_village, per_expert = section.tables
    assert per_village.rows == (("戴家村", 5, 3, 1, "4", "67%"),)
    assert sorted(per_expert.rows) == sorted(
        [
            ("刘春燕", 3, 3, 0, "4", "67%"),
            ("朱振华", 1, 0, 1, "–", "–"),
            ("未分派", 1, 0, 0, "–", "–"),
        ]
    )
    api = app.test_client()
    headers = bearer(world.reviewer)
    area = f"area={world.township.id}&from={start}&to={end}"
    listed = api.get(f"{API}/questions?{area}", headers=headers).get_json()
    assert len([q for q in listed if q["status"] != "merged"]) == figures[0]
    answered = api.get(f"{API}/questions?{area}&status=answered", headers=headers).get_json()
    assert len(answered) == figures[1]
    overdue = api.get(f"{API}/questions?{area}&status=overdue", headers=headers).get_json()
    assert len(overdue) == figures[2]
    reviewer = log_in(app.test_client(), "reviewer")
    page = reviewer.get(f"{PAGES}/?status=overdue").get_data(as_text=True)
    assert page.count("data-question=") == figures[2]


def test_a_booklet_by_topic_with_contents_and_downloads(desk, world, app, log_in, bearer):
    law = _answered(desk, 5, 1, specialty_id=desk.law.id, text="土地流转合同到期怎么办？")
    fruit = _answered(desk, 6, 1, text="青梅流胶怎么治？")
    waiting = desk.question(days_ago=1)
    reviewer = log_in(app.test_client(), "reviewer")
    bad = reviewer.post(
        f"{PAGES}/booklets/new", data={"title": "汇编", "question_ids": [waiting.id]}
    )
    assert bad.status_code == 200 and db.session.scalar(select(func.count(Booklet.id))) == 0
    made = reviewer.post(
        f"{PAGES}/booklets/new",
        data={"title": "问答汇编", "foreword": "前言", "question_ids": [law.id, fruit.id]},
    )
    assert made.status_code == 302
    booklet = db.session.scalars(select(Booklet)).one()
    member = log_in(app.test_client(), "member")
    page = member.get(f"{PAGES}/booklets/{booklet.id}").get_data(as_text=True)
    assert page.index("果树栽培") < page.index("农业法律")  # topics in list order
    assert page.index("青梅流胶怎么治？") < page.index("土地流转合同到期怎么办？")
    assert 'href="#c1"' in page and 'id="c1"' in page
    html = member.get(f"{PAGES}/booklets/{booklet.id}.html")
    assert html.status_code == 200 and "attachment" in html.headers["Content-Disposition"]
    assert "问答汇编" in html.get_data(as_text=True) and "<!doctype html>" in html.get_data(
        as_text=True
    )
    xlsx = member.get(f"{PAGES}/booklets/{booklet.id}.xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(BytesIO(xlsx.data)).active
    assert sheet["A1"].value == "问答汇编"
    assert [sheet.cell(row, 5).value for row in (3, 4)] == [
        "青梅流胶怎么治？",
        "土地流转合同到期怎么办？",
    ]
    api = app.test_client()
    data = api.get(f"{API}/booklets/{booklet.id}", headers=bearer(world.member)).get_json()
    assert [c["question_ids"] for c in data["chapters"]] == [[fruit.id], [law.id]]
    bad = api.post(
        f"{API}/booklets",
        json={"title": "x", "question_ids": [waiting.id]},
        headers=bearer(world.reviewer),
    )
    assert bad.status_code == 422 and "question_ids" in bad.get_json()["errors"]["json"]
    assert (
        api.post(
            f"{API}/booklets",
            json={"title": "x", "question_ids": [fruit.id]},
            headers=bearer(world.leader),
        ).status_code
        == 403
    )


def test_the_demo_data(app, world):
    counts = build(2026, rules.today())
    assert counts["experts"] == 17 and counts["expert questions"] >= 180
    assert db.session.scalar(select(func.count(Expert.id))) == 17
    statuses = dict(
        db.session.execute(
            select(Question.status, func.count(Question.id)).group_by(Question.status)
        )
        .tuples()
        .all()
    )
    assert statuses["answered"] > 150
    today = rules.today()
    assert (
        db.session.scalar(
            select(func.count(Question.id)).where(
                Question.status == "routed", Question.due_on < today
            )
        )
        > 0
    )
    assert db.session.scalar(select(func.count(Question.id)).where(Question.solved.is_(False))) > 0
    assert len(db.session.scalars(select(Booklet)).one().items) >= 15
    assert build(2026, today) == {}


def test_hook_digest_sections_tell_reviewers_of_the_week_and_the_overdue(desk, world, app):
    late = desk.question(days_ago=10, subject="草莓")
    desk.question(days_ago=2)
    today = rules.today()
    [section] = [
        s
        for s in call(
            app, "digest_sections", user=world.reviewer, start=today - timedelta(7), end=today
        )
        if s.title == "农科专家咨询台"
    ]
    assert section.lines == (
        "提问数 1，已解答 0",
        f"{late.due_on.isoformat()} 起逾期：#{late.id} 戴家村，草莓",
    )
    county = world.make_user("county", Role.REVIEWER, area=world.other_township)
    db.session.commit()
    assert not [
        s
        for s in call(app, "digest_sections", user=county, start=today - timedelta(7), end=today)
        if s.title == "农科专家咨询台"
    ]
