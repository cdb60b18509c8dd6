"""On a phone, with CSRF on: a member reads the inbox, an admin queues a job run."""

import pytest
from sqlalchemy import select

from core.extensions import db
from core.models import JobOutcome, JobRun, Notification
from core.notify.inbox import notify

pytestmark = pytest.mark.e2e


def test_a_member_reads_the_inbox_on_a_phone(phone, world):
    notify([world.member], "明天：梅子栽培讲座", "地点：戴家村村部", url="/events")
    notify([world.member], "第二条通知")
    page = phone
    page.log_in("member")
    assert page.inner_text("#inbox-link .inbox-count") == "2"
    page.click("#inbox-link")
    page.wait_for_url(page.base + "/inbox")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("li.unread form button").first.click()
    page.wait_for_url(page.base + "/inbox")
    assert page.inner_text("#inbox-link .inbox-count") == "1"
    page.click("form[action='/inbox/read-all'] button")
    page.wait_for_url(page.base + "/inbox")
    assert page.locator("#inbox-link .inbox-count").count() == 0
    db.session.expire_all()
    assert all(n.read_at for n in db.session.scalars(select(Notification)))
    assert page.console_errors == [] and page.foreign_requests == []


def test_an_admin_queues_a_job_run_on_a_phone(phone, world):
    page = phone
    page.log_in("admin")
    page.goto(page.base + "/admin/jobs")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("#job-core\\.stale_farms form button")
    page.wait_for_url(page.base + "/admin/jobs/core.stale_farms")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    db.session.expire_all()
    [run] = db.session.scalars(select(JobRun)).all()
    assert (run.job_id, run.outcome) == ("core.stale_farms", JobOutcome.QUEUED)
    assert page.console_errors == [] and page.foreign_requests == []
