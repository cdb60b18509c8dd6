"""Every page of the noticeboards, reading rooms and model campaign plugins is usable on a
390px phone as far as the HTML decides it: tables scroll inside a ``.table-wrap`` (never the
page), long unbroken text (links, summaries) sits where the CSS wraps it, and small links in
lists have full-size tap targets."""

from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from noticeboards_support import Boards
from reading_rooms_helpers import Rooms
from sqlalchemy import select

from core.extensions import db
from core.plugins.state import set_enabled
from plugins.model_campaign import services as mc_svc
from plugins.model_campaign.models import Criterion, Round, Tier
from plugins.noticeboards.models import BoardUpdate, Training
from plugins.reading_rooms import services as rr_svc
from plugins.reading_rooms.models import UsageRecord

PLUGINS = ("noticeboards", "reading_rooms", "model_campaign")
LONG_LINK = "https://example.org/" + "a" * 200
VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
CSS = Path(__file__).resolve().parents[2] / "core" / "static" / "kepu.css"


class Page(HTMLParser):
    """Collects the tables not inside a ``.table-wrap`` and the classes around given text."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, set[str]]] = []
        self.bare_tables = 0
        self.tables = 0
        self.around_link: list[set[str]] = []

    def handle_starttag(self, tag, attrs):
        """Track open elements; check each table's ancestors."""
        classes = set((dict(attrs).get("class") or "").split())
        if tag == "table":
            self.tables += 1
            if not any("table-wrap" in c for _t, c in self.stack):
                self.bare_tables += 1
        if tag == "a" and dict(attrs).get("href") == LONG_LINK:
            self.around_link = [c for _t, c in self.stack]
        if tag not in VOID:
            self.stack.append((tag, classes))

    def handle_endtag(self, tag):
        """Close up to the matching element."""
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break


@pytest.fixture
def everything(app, world, tmp_path, monkeypatch):
    """Records of the three plugins, so that every page has something to show."""
    monkeypatch.setattr(app, "instance_path", str(tmp_path))
    nb = Boards(app, world)
    update = BoardUpdate(
        board_id=nb.board.id, updated_on=date(2026, 1, 5), title="梅子", summary=LONG_LINK
    )
    training = Training(
        held_on=date(2026, 1, 10),
        topic="远程教育",
        hours=Decimal("2"),
        kind="remote",
        attendees=[nb.young],
    )
    db.session.add_all([update, training])
    rooms = Rooms(app, world)
    set_enabled(app, "model_campaign", True)
    criterion = Criterion(tier=Tier.VILLAGE, title="组织领导", max_score=10)
    db.session.add_all([criterion, Round(year=date.today().year, name="本年度三级联创")])
    world.admin.locale = "en"
    db.session.commit()
    nomination = mc_svc.create_nomination(
        mc_svc.NominationInput(
            db.session.scalar(select(Round.id)),
            "village",
            world.village.id,
            "",
            None,
            "成效突出",
            "培训12场",
            LONG_LINK,
        ),
        world.admin,
    )
    mc_svc.assess(nomination, {criterion.id: 8}, LONG_LINK, world.admin)
    report = rr_svc.store_report(date(2026, 1, 1), date(2026, 1, 31))
    return {
        "board_id": nb.board.id,
        "station_id": nb.station.id,
        "update_id": update.id,
        "training_id": training.id,
        "room_id": rooms.village.id,
        "record_id": db.session.scalar(select(UsageRecord.id).order_by(UsageRecord.id)),
        "report_id": report.id,
        "nomination_id": nomination.id,
        "criterion_id": criterion.id,
    }


def _pages(app, ids) -> list[str]:
    """Every GET page of the three plugins, with the ids of ``ids`` filled in."""
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            plugin, _dot, name = rule.endpoint.partition(".")
            if plugin not in PLUGINS or "GET" not in rule.methods or name in ("static", "photo"):
                continue
            values = {arg: ids[arg] for arg in rule.arguments - set(rule.defaults or {})}
            urls.append(rule.build(values, append_unknown=False)[1])
    return sorted(set(urls))


def test_every_page_keeps_its_tables_inside_a_scrolling_container(everything, app, client, login):
    login("admin")
    pages = _pages(app, everything)
    assert len(pages) >= 30
    tables = 0
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        page = Page()
        page.feed(response.get_data(as_text=True))
        assert page.bare_tables == 0, url
        tables += page.tables
    assert tables >= 8  # the check above looked at real tables


def test_long_text_sits_where_the_css_wraps_it(everything, client, login):
    login("admin")
    nomination = Page()
    nomination.feed(
        client.get(f"/plugins/model_campaign/nominations/{everything['nomination_id']}").get_data(
            as_text=True
        )
    )
    assert any("mc-links" in classes for classes in nomination.around_link)
    board = client.get(f"/plugins/noticeboards/boards/{everything['board_id']}")
    assert 'class="cards nb-updates"' in board.get_data(as_text=True)
    css = CSS.read_text(encoding="utf-8")
    block = css[css.index("/* Plugins at phone width") :]
    for selector in (
        ".prewrap",
        "ul.mc-links a",
        "ul.cards.nb-updates li",
        "#rr-import-errors",
        "nav.rr-links a",
    ):
        assert selector in block, selector
    assert "overflow-wrap: anywhere" in block and "min-height: 44px" in block


def test_edit_links_in_card_lists_are_full_size_tap_targets(everything, client, login):
    login("admin")
    for url in (
        "/plugins/noticeboards/stations",
        "/plugins/noticeboards/trainings",
        f"/plugins/noticeboards/boards/{everything['board_id']}",
    ):
        html = client.get(url).get_data(as_text=True)
        assert '<div class="actions">' in html, url
        assert '<span class="visually-hidden">' in html, url
