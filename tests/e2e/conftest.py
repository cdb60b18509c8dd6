"""A live Kepu server and the distribution's Chromium, driven by Playwright.

The browser is Debian's ``chromium`` (``/usr/bin/chromium``); nothing is downloaded. Without it
these tests are skipped with the reason.
"""

import os
import shutil
import threading

import pytest
from conftest import PASSWORD
from werkzeug.serving import make_server

CHROMIUM = os.environ.get("KEPU_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def log_in(page, username: str) -> None:
    """Sign ``username`` in through the login form and land on the home page."""
    page.goto(page.base + "/login")
    page.fill("#username", username)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit].primary")
    page.wait_for_url(page.base + "/")


@pytest.fixture
def live_server(app, monkeypatch):
    """Serve the test app on a free local port, with CSRF on as in production."""
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium from the distribution."""
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.skip(f"{CHROMIUM} is not installed (Debian package 'chromium')")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def phone(browser, live_server):
    """A page on a 390x844 phone viewport that records console errors and foreign requests."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, locale="zh-CN"
    )
    page = context.new_page()
    page.console_errors = []
    page.foreign_requests = []
    page.on("console", lambda msg: msg.type == "error" and page.console_errors.append(msg.text))
    page.on("pageerror", lambda exc: page.console_errors.append(str(exc)))
    page.on(
        "request",
        lambda req: (
            req.url.startswith(live_server)
            or req.url.startswith("data:")
            or page.foreign_requests.append(req.url)
        ),
    )
    page.base = live_server
    page.log_in = lambda username: log_in(page, username)
    yield page
    context.close()
