"""The leader's journey on a phone: log in, log a visit, fix a bad value, see it listed."""

import threading

import pytest
from flask import request
from sqlalchemy import select

import core.views.visits as views
from core.extensions import db
from core.models import Visit
from core.static_files import file_digest

pytestmark = pytest.mark.e2e


def test_leader_logs_a_visit_on_a_phone(phone, world):
    page = phone
    page.log_in("leader")

    page.click("main a[href='/visits/new']")
    page.wait_for_url(page.base + "/visits/new")
    page.select_option("#farm_id", str(world.farm.id))
    page.check("input[name=kind][value=technical_training]")
    page.fill("#people_reached", "-5")
    page.fill("#households_reached", "6")
    page.fill("#topics", "梅子修剪与病虫害防治")
    page.click("form button[type=submit].primary")

    error = page.locator("#people_reached-error")
    error.wait_for()
    assert error.is_visible() and error.inner_text().strip()
    assert page.get_attribute("#people_reached", "aria-invalid") == "true"
    assert db.session.execute(select(Visit)).first() is None  # nothing saved
    key = f"kepu-outbox-{world.leader.id}"
    assert _kept(page, key) == []  # the refused copy is the form in front of the leader

    page.fill("#people_reached", "25")
    page.click("form button[type=submit].primary")
    page.wait_for_url(page.base + "/visits")
    assert "戴家梅子基地" in page.inner_text("main")
    assert page.locator(".flash-success").count() == 1
    assert _kept(page, key) == []  # the server's answer named it saved: the copy is gone

    visits = db.session.execute(select(Visit)).scalars().all()
    assert [(v.people_reached, v.households_reached) for v in visits] == [(25, 6)]
    assert page.console_errors == []
    assert page.foreign_requests == []


def test_the_phone_layout_does_not_scroll_sideways(phone, world):
    page = phone
    page.log_in("leader")
    for path in ("/", "/visits/new", "/visits", "/teams", "/farms", "/events"):
        page.goto(page.base + path)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, (path, width)
    assert page.console_errors == []


def _fill_visit(page, world, people: int) -> None:
    """Fill the visit form on screen: a lecture at the team's farm reaching ``people``."""
    page.select_option("#farm_id", str(world.farm.id))
    page.check("input[name=kind][value=lecture]")
    page.fill("#people_reached", str(people))


def _keep_a_visit_offline(page, world, people: int) -> str:
    """Log in as the leader, fill the visit form and submit it offline; the outbox's key."""
    page.log_in("leader")
    page.goto(page.base + "/visits/new")
    _fill_visit(page, world, people)

    page.context.set_offline(True)
    page.click("form button[type=submit].primary")
    page.locator("#outbox:not([hidden])").wait_for()
    assert db.session.execute(select(Visit)).first() is None
    return f"kepu-outbox-{world.leader.id}"


def _until(page, predicate: str, tries: int = 100) -> None:
    """Poll an async page predicate (wait_for_function takes a returned promise as truthy)."""
    for _ in range(tries):
        if page.evaluate(predicate):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"never true: {predicate}")


def _kept(page, key: str) -> list:
    return page.evaluate(f"() => JSON.parse(localStorage.getItem('{key}') || '[]')")


def test_a_visit_logged_offline_is_sent_when_the_connection_returns(phone, world):
    page = phone
    key = _keep_a_visit_offline(page, world, 31)

    page.context.set_offline(False)
    page.locator("#outbox.flash-info").wait_for()
    page.wait_for_function(f"() => localStorage.getItem('{key}') === '[]'")
    db.session.expire_all()
    visits = db.session.execute(select(Visit)).scalars().all()
    assert [v.people_reached for v in visits] == [31]
    page.goto(page.base + "/visits")
    assert "戴家梅子基地" in page.inner_text("main")
    assert page.console_errors == []


def test_a_busy_server_keeps_the_visit_waiting_and_tries_again(phone, world):
    page = phone
    key = _keep_a_visit_offline(page, world, 17)
    answers = []

    def busy_once(route):
        if route.request.method == "POST" and not answers:
            answers.append(503)
            route.fulfill(status=503, headers={"Retry-After": "1"}, body="busy")
        else:
            route.continue_()

    page.route("**/visits/new", busy_once)
    page.context.set_offline(False)
    page.wait_for_function(f"() => localStorage.getItem('{key}') === '[]'", timeout=15000)
    assert answers == [503]
    db.session.expire_all()
    assert [v.people_reached for v in db.session.execute(select(Visit)).scalars()] == [17]


def test_an_ended_session_keeps_the_visit_until_the_leader_logs_in(phone, world):
    page = phone
    key = _keep_a_visit_offline(page, world, 23)
    page.context.clear_cookies()  # the session ended while the phone was offline
    page.context.set_offline(False)
    page.locator("#outbox.flash-error").wait_for()
    assert "重新登录" in page.inner_text("#outbox")
    assert [dict(item["fields"])["people_reached"] for item in _kept(page, key)] == ["23"]
    assert not any(item.get("rejected") for item in _kept(page, key))
    assert db.session.execute(select(Visit)).first() is None

    page.log_in("leader")
    page.wait_for_function(f"() => localStorage.getItem('{key}') === '[]'")
    db.session.expire_all()
    assert [v.people_reached for v in db.session.execute(select(Visit)).scalars()] == [23]


def test_another_user_on_the_same_phone_never_sends_the_leaders_visits(phone, world):
    page = phone
    key = _keep_a_visit_offline(page, world, 9)
    page.context.clear_cookies()
    page.context.set_offline(False)
    page.locator("#outbox.flash-error").wait_for()
    page.log_in("member")
    page.wait_for_timeout(500)
    assert len(_kept(page, key)) == 1
    assert db.session.execute(select(Visit)).first() is None


def test_two_visits_logged_offline_in_a_row_are_both_sent(phone, world):
    page = phone
    key = _keep_a_visit_offline(page, world, 31)
    _fill_visit(page, world, 12)
    page.click("form button[type=submit].primary")
    page.wait_for_function(f"() => JSON.parse(localStorage.getItem('{key}')).length === 2")
    keys = {dict(item["fields"])["client_key"] for item in _kept(page, key)}
    assert len(keys) == 2  # each kept visit has its own key, or the second would be dropped

    page.context.set_offline(False)
    page.wait_for_function(f"() => localStorage.getItem('{key}') === '[]'")
    db.session.expire_all()
    assert sorted(v.people_reached for v in db.session.execute(select(Visit)).scalars()) == [12, 31]


def test_the_visit_form_opens_without_a_connection(phone, world):
    page = phone
    page.log_in("leader")
    # the home page has the service worker keep the form (no need to open it first)
    _until(page, "() => caches.match('/visits/new').then(Boolean)")
    _until(page, "() => caches.match('/offline').then(Boolean)")

    page.context.set_offline(True)
    keys = set()
    for people in (8, 15):  # opened twice without a connection: two visits, two keys
        page.goto(page.base + "/visits/new")
        _fill_visit(page, world, people)
        keys.add(page.input_value("input[name=client_key]"))
        page.click("form button[type=submit].primary")
        page.locator("#outbox:not([hidden])").wait_for()
    assert len(keys) == 2

    page.context.set_offline(False)
    key = f"kepu-outbox-{world.leader.id}"
    page.wait_for_function(f"() => localStorage.getItem('{key}') === '[]'", timeout=15000)
    db.session.expire_all()
    assert sorted(v.people_reached for v in db.session.execute(select(Visit)).scalars()) == [8, 15]

    page.context.set_offline(True)  # any other page: says so, and offers the visit form
    page.goto(page.base + "/visits")
    assert "无网络连接" in page.inner_text("main")
    page.click("main a[href='/visits/new']")
    page.locator("#farm_id").wait_for()
    page.context.set_offline(False)

    page.goto(page.base + "/")
    page.click("form[action='/logout'] button")
    page.wait_for_url("**/login**")
    # what was kept belonged to the leader: gone once they log out
    _until(page, "() => caches.match('/visits/new').then(hit => !hit)")


def test_service_worker_script_is_served_from_the_root(client, app):
    response = client.get("/sw.js")
    assert response.status_code == 200 and response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "no-cache"
    body = response.get_data(as_text=True)
    outbox = f'"/static/outbox.{file_digest(app.static_folder + "/outbox.js")}.js"'
    assert '"/visits/new"' in body and outbox in body and "/logout" in body
    assert '"/offline"' in body


def test_the_no_connection_page(client, login, world):
    assert client.get("/offline").status_code == 302  # kept per user: signed in only
    login("leader")
    html = client.get("/offline").get_data(as_text=True)
    assert "无网络连接" in html and 'href="/visits/new"' in html


def test_a_member_offline_gets_the_no_connection_page_without_the_form(phone, world):
    page = phone
    page.log_in("member")
    _until(page, "() => caches.match('/offline').then(Boolean)")
    assert not page.evaluate("() => caches.match('/visits/new').then(Boolean)")  # 403 for them
    page.context.set_offline(True)
    page.goto(page.base + "/teams")
    assert "无网络连接" in page.inner_text("main")
    assert page.locator("main a[href='/visits/new']").count() == 0


def test_a_visit_sent_on_a_failing_connection_is_kept_and_sent_later(phone, world):
    """The phone says it is online, but the send fails: the copy written first is not lost."""
    page = phone
    page.log_in("leader")
    page.goto(page.base + "/visits/new")
    _fill_visit(page, world, 44)

    def failing(route):
        if route.request.method == "POST":
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route("**/visits/new", failing)
    page.click("form button[type=submit].primary", no_wait_after=True)
    page.wait_for_timeout(500)  # the browser's own error page now
    page.goto(page.base + "/visits")  # still failing: the retry from this page fails too
    page.wait_for_timeout(500)
    key = f"kepu-outbox-{world.leader.id}"
    assert [dict(i["fields"])["people_reached"] for i in _kept(page, key)] == ["44"]
    assert db.session.execute(select(Visit)).first() is None

    page.unroute("**/visits/new", failing)
    page.goto(page.base + "/")  # any Kepu page opened online sends what is kept
    page.wait_for_function(f"() => localStorage.getItem('{key}') === '[]'")
    db.session.expire_all()
    assert [v.people_reached for v in db.session.execute(select(Visit)).scalars()] == [44]


def test_on_a_slow_connection_the_kept_form_shows(phone, world, app, monkeypatch):
    """The server does not answer the form until the test lets it: the phone shows the kept
    copy meanwhile, and a visit logged from it is saved."""
    monkeypatch.setitem(app.config, "OFFLINE_SLOW_MS", 1000)
    page = phone
    page.log_in("leader")
    _until(page, "() => caches.match('/visits/new').then(Boolean)")

    release, answered = threading.Event(), threading.Event()
    real_render = views.render_template

    def slow_render(template, **context):
        if template == "visits/form.html" and request.method == "GET":
            release.wait(20)
            answered.set()
        return real_render(template, **context)

    monkeypatch.setattr(views, "render_template", slow_render)
    try:
        page.goto(page.base + "/visits/new")
        _fill_visit(page, world, 19)
        assert not answered.is_set()  # the form on screen is the kept copy
        page.click("form button[type=submit].primary")
        page.wait_for_url(page.base + "/visits")
    finally:
        release.set()
    db.session.expire_all()
    assert [v.people_reached for v in db.session.execute(select(Visit)).scalars()] == [19]
    assert _kept(page, f"kepu-outbox-{world.leader.id}") == []


def test_the_offline_confirmation_comes_into_view_and_takes_the_focus(phone, world):
    page = phone
    _keep_a_visit_offline(page, world, 12)
    assert page.evaluate("document.activeElement.id") == "outbox"
    top = page.evaluate("document.getElementById('outbox').getBoundingClientRect().top")
    height = page.evaluate("window.innerHeight")
    assert 0 <= top < height  # visible where the leader is, not above the screen
