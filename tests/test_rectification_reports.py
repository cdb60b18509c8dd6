"""The two-sided follow-up of a rectification item (整改跟进), through the pages: the unit's
leader reports progress with photos, a reviewer accepts or sends it back, the history stays,
each side is told in its inbox."""

from datetime import timedelta
from io import BytesIO

import pytest

from core.extensions import db
from core.models import (
    Notification,
    Rectification,
    RectificationStatus,
    RectificationStep,
    Role,
    StepKind,
    User,
)
from core.services.rectifications import RectificationInput, create_rectification
from tests.assessment_support import TODAY
from tests.image_support import JPEG, PNG


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("core.rules.today", lambda: TODAY)


def _item(world, **kw) -> Rectification:
    data = {
        "team_id": world.team.id,
        "requirement": "补齐队员至10人",
        "deadline": TODAY + timedelta(days=10),
        "title": "队员不足",
    } | kw
    return create_rectification(world.reviewer, RectificationInput(**data))


def _report(client, item, text="已新吸收两名队员", photos=()):
    data = {"text": text, "photos": [(BytesIO(p), f"p{n}.png") for n, p in enumerate(photos)]}
    return client.post(
        f"/rectifications/{item.id}/reports", data=data, content_type="multipart/form-data"
    )


def _steps(item) -> list[tuple[StepKind, str]]:
    return [
        (s.kind, s.text)
        for s in db.session.scalars(
            db.select(RectificationStep)
            .where(RectificationStep.rectification_id == item.id)
            .order_by(RectificationStep.id)
        )
    ]


def _inbox(user) -> list[Notification]:
    return list(
        db.session.scalars(
            db.select(Notification).where(Notification.user_id == user.id).order_by(Notification.id)
        )
    )


def _fresh(item) -> Rectification:
    db.session.expire_all()
    return db.session.get(Rectification, item.id)


def test_leader_reports_with_photos_and_the_item_awaits_review(world, client, login, app):
    item = _item(world)
    login("leader")
    html = client.get(f"/rectifications/{item.id}").get_data(as_text=True)
    assert 'id="report-progress"' in html and 'accept="image/*"' in html and "multiple" in html
    assert 'id="review-report"' not in html
    response = _report(client, item, photos=[PNG, JPEG])
    assert response.status_code == 302
    item = _fresh(item)
    assert item.awaiting_review and item.status == RectificationStatus.OPEN
    assert _steps(item) == [(StepKind.REPORT, "已新吸收两名队员")]
    step = item.steps[0]
    assert step.author_id == world.leader.id and len(step.photos) == 2
    html = client.get(f"/rectifications/{item.id}").get_data(as_text=True)
    assert "awaiting-review" in html and "已新吸收两名队员" in html
    assert f"/rectifications/photos/{step.photos[0].id}?thumbnail=1" in html
    # the reviewer is told, and sees the item among those awaiting review
    notes = _inbox(world.reviewer)
    assert len(notes) == 1 and notes[0].url == f"/rectifications/{item.id}"
    assert "已新吸收两名队员" in notes[0].body
    client.post("/logout")
    login("reviewer")
    listed = client.get("/rectifications?status=awaiting").get_data(as_text=True)
    assert "队员不足" in listed
    html = client.get(f"/rectifications/{item.id}").get_data(as_text=True)
    assert 'id="accept-report"' in html and 'id="send-back"' in html


def test_awaiting_filter_leaves_out_the_others(world, client, login):
    waiting = _item(world, title="已报进展")
    _item(world, title="尚未报告")
    login("leader")
    _report(client, waiting)
    html = client.get("/rectifications?status=awaiting").get_data(as_text=True)
    assert "已报进展" in html and "尚未报告" not in html


def test_a_member_cannot_report(world, client, login):
    item = _item(world)
    login("member")
    html = client.get(f"/rectifications/{item.id}").get_data(as_text=True)
    assert 'id="report-progress"' not in html
    assert _report(client, item).status_code == 403
    assert _steps(item) == [] and not _fresh(item).awaiting_review


def test_another_teams_leader_cannot_report(world, client, login):
    item = _item(world)
    login("leader2")
    assert _report(client, item).status_code == 403
    assert _steps(item) == []


def test_a_village_item_is_reported_by_a_leader_of_the_village(world, client, login):
    item = _item(world, team_id=None, village_id=world.village.id)
    login("leader")
    assert _report(client, item).status_code == 302
    assert _fresh(item).awaiting_review


def test_a_report_needs_text_and_good_photos(world, client, login, app):
    item = _item(world)
    login("leader")
    response = _report(client, item, text="  ")
    assert response.status_code == 200 and 'id="text-error"' in response.get_data(as_text=True)
    assert _steps(item) == [] and not _fresh(item).awaiting_review
    response = _report(client, item, photos=[b"GIF89a" + b"\x00" * 20])
    assert response.status_code == 200 and "JPEG" in response.get_data(as_text=True)
    limit = app.config["RECTIFICATION_REPORT_MAX_PHOTOS"]
    response = _report(client, item, photos=[PNG] * (limit + 1))
    assert response.status_code == 200
    assert _steps(item) == [] and not _fresh(item).awaiting_review


def test_reviewer_sends_back_with_a_reason_then_accepts(world, client, login):
    item = _item(world)
    login("leader")
    _report(client, item)
    client.post("/logout")
    login("reviewer")
    # a send-back without a reason changes nothing
    response = client.post(f"/rectifications/{item.id}/send-back", data={"reason": " "})
    assert response.status_code == 200 and 'id="reason-error"' in response.get_data(as_text=True)
    assert _fresh(item).awaiting_review and len(_steps(item)) == 1
    response = client.post(
        f"/rectifications/{item.id}/send-back", data={"reason": "缺少新队员名单"}
    )
    assert response.status_code == 302
    item = _fresh(item)
    assert item.status == RectificationStatus.OPEN and not item.awaiting_review
    assert item.deadline == TODAY + timedelta(days=10)
    told = _inbox(world.leader)
    assert len(told) == 1 and "缺少新队员名单" in told[0].body
    assert _inbox(world.member) == []
    # nothing awaits review now: accepting is refused
    client.post(f"/rectifications/{item.id}/accept", data={})
    assert _fresh(item).status == RectificationStatus.OPEN
    # the team reports again; the reviewer accepts
    client.post("/logout")
    login("leader")
    _report(client, item, text="已补交新队员名单")
    client.post("/logout")
    login("reviewer")
    assert client.post(f"/rectifications/{item.id}/accept", data={}).status_code == 302
    item = _fresh(item)
    assert item.status == RectificationStatus.DONE and not item.awaiting_review
    assert item.done_on == TODAY and item.done_by_id == world.reviewer.id
    assert item.done_note == "已补交新队员名单"
    assert [kind for kind, _text in _steps(item)] == [
        StepKind.REPORT,
        StepKind.SENT_BACK,
        StepKind.REPORT,
        StepKind.ACCEPTED,
    ]
    assert len(_inbox(world.leader)) == 2
    html = client.get(f"/rectifications/{item.id}").get_data(as_text=True)
    assert "缺少新队员名单" in html and "已补交新队员名单" in html
    assert 'id="review-report"' not in html


def test_a_done_item_takes_no_report(world, client, login):
    item = _item(world)
    login("leader")
    _report(client, item)
    client.post("/logout")
    login("reviewer")
    client.post(f"/rectifications/{item.id}/accept", data={"note": "核实无误"})
    client.post("/logout")
    login("leader")
    html = client.get(f"/rectifications/{item.id}").get_data(as_text=True)
    assert 'id="report-progress"' not in html
    response = _report(client, item, text="再报一次")
    assert response.status_code == 302
    assert len(_steps(item)) == 2 and not _fresh(item).awaiting_review


def test_a_reviewer_of_another_township_cannot_answer(world, client, login):
    world.make_user("reviewer2", Role.REVIEWER, area=world.other_township)
    db.session.commit()
    item = _item(world)
    login("leader")
    _report(client, item)
    client.post("/logout")
    login("reviewer2")
    assert client.post(f"/rectifications/{item.id}/accept", data={}).status_code == 403
    response = client.post(f"/rectifications/{item.id}/send-back", data={"reason": "x"})
    assert response.status_code == 403
    assert _fresh(item).awaiting_review and len(_steps(item)) == 1
    client.post("/logout")
    login("leader")
    assert client.post(f"/rectifications/{item.id}/accept", data={}).status_code == 403


def test_photos_are_served_only_to_readers(world, client, login):
    item = _item(world)
    login("leader")
    _report(client, item, photos=[PNG])
    photo = _fresh(item).steps[0].photos[0]
    url = f"/rectifications/photos/{photo.id}"
    with client.get(url) as response:
        assert response.status_code == 200 and response.data == PNG
        assert response.headers["Cache-Control"] == "private, no-store"
    with client.get(url + "?thumbnail=1") as response:
        assert response.status_code == 200
    client.post("/logout")
    login("member")
    with client.get(url) as response:
        assert response.status_code == 200
    client.post("/logout")
    login("leader2")
    assert client.get(url).status_code == 403
    client.post("/logout")
    assert client.get(url).status_code == 302  # to the login page
    assert client.get("/rectifications/photos/999999").status_code == 302


def test_a_deleted_item_refuses_reports_and_hides_its_photos(world, client, login):
    item = _item(world)
    login("leader")
    _report(client, item, photos=[PNG])
    photo_id = _fresh(item).steps[0].photos[0].id
    client.post("/logout")
    login("reviewer")
    assert client.post(f"/rectifications/{item.id}/delete").status_code == 302
    assert client.post(f"/rectifications/{item.id}/accept", data={}).status_code == 404
    client.post("/logout")
    login("leader")
    assert _report(client, item, text="删除后再报").status_code == 404
    assert client.get(f"/rectifications/photos/{photo_id}").status_code == 404
    steps = db.session.scalars(db.select(RectificationStep)).all()
    assert [s.text for s in steps] == ["已新吸收两名队员"]  # kept, never removed


def test_direct_done_still_works_and_clears_the_waiting(world, client, login):
    item = _item(world)
    login("leader")
    _report(client, item)
    client.post("/logout")
    login("reviewer")
    response = client.post(
        f"/rectifications/{item.id}/done",
        data={"done_note": "现场核实", "done_on": TODAY.isoformat()},
    )
    assert response.status_code == 302
    item = _fresh(item)
    assert item.status == RectificationStatus.DONE and not item.awaiting_review
    assert client.post(f"/rectifications/{item.id}/reopen").status_code == 302
    assert not _fresh(item).awaiting_review


def test_the_demo_shows_reports_awaiting_sent_back_and_accepted(runner):
    from tests.test_demo import DAY, run_demo

    run_demo(runner)
    steps = db.session.scalars(db.select(RectificationStep).order_by(RectificationStep.id)).all()
    assert {s.kind for s in steps} == set(StepKind)
    waiting = db.session.scalars(
        db.select(Rectification).where(Rectification.awaiting_review.is_(True))
    ).all()
    assert len(waiting) >= 2 and all(i.status == RectificationStatus.OPEN for i in waiting)
    assert any(i.deadline < DAY for i in waiting)  # awaiting review, and overdue all the same
    accepted = next(s for s in steps if s.kind == StepKind.ACCEPTED)
    assert accepted.item.status == RectificationStatus.DONE
    sent_back = next(s for s in steps if s.kind == StepKind.SENT_BACK)
    assert not sent_back.item.awaiting_review and sent_back.item.status == RectificationStatus.OPEN
    leader = db.session.scalar(db.select(User).where(User.username == "leader"))
    # the acceptance and the send-back (the leader also hears of the demo bulletin naming the team)
    follow_up = [n for n in _inbox(leader) if (n.key or "").startswith("rectification-step:")]
    assert len(follow_up) == 2
