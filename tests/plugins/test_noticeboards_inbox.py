"""Noticeboards: a stale board's reminder also reaches the publicist's inbox, once a period."""

from datetime import date, timedelta

import pytest
from noticeboards_support import Boards
from sqlalchemy import select

from core.extensions import db
from core.jobs.job import collect_jobs
from core.jobs.runner import fire
from core.models import Notification, Role
from plugins.noticeboards.models import Reminder
from plugins.noticeboards.services import remind_stale_publicists


@pytest.fixture
def nb(app, world):
    """The plugin enabled, boards in two villages; the first publicist has an account."""
    boards = Boards(app, world)
    boards.account = world.make_user("publicist", Role.MEMBER, team=world.team)
    boards.account.member_id = boards.young.id
    boards.account.locale = "en"
    db.session.commit()
    return boards


def _inbox(user) -> list[Notification]:
    db.session.expire_all()
    return list(db.session.scalars(select(Notification).where(Notification.user_id == user.id)))


def test_the_publicist_with_an_account_finds_the_reminder_in_the_inbox(nb, world):
    nb.update(nb.board, 40)
    assert remind_stale_publicists() == 2  # both boards; only one publicist has an account
    [note] = _inbox(nb.account)
    assert note.subject == "Noticeboard to update: 科普党务宣传栏"
    assert (date.today() - timedelta(days=40)).isoformat() in note.body
    assert note.url == f"/plugins/noticeboards/boards/{nb.board.id}"
    assert db.session.scalar(select(db.func.count(Notification.id))) == 1
    assert remind_stale_publicists() == 0 and len(_inbox(nb.account)) == 1
    nb.update(nb.board, 0)  # updated, then stale again: a new period, a new message
    assert remind_stale_publicists(date.today() + timedelta(days=31)) == 1
    assert len(_inbox(nb.account)) == 2
    assert len(db.session.scalars(select(Reminder)).all()) == 3


def test_the_scheduler_runs_the_reminder_job(nb, app):
    nb.update(nb.board, 40)
    assert "noticeboards.remind_stale_boards" in collect_jobs(app)
    fire("noticeboards.remind_stale_boards")
    assert len(_inbox(nb.account)) == 1
