"""The review page: scope, numbers, links to the records, charts, plugin sections, print."""

import re
from pathlib import Path

import pytest
from review_support import page_table, table_links
from review_world import ReviewWorld

from core.plugins.state import set_enabled

PAGE = "/review"
YEAR = {"period": "2025"}


@pytest.fixture
def rw(world):
    return ReviewWorld(world)


@pytest.fixture
def as_reviewer(rw, client, login):
    login("reviewer")
    client.post("/lang/en")
    return client


def _page(client, **args) -> str:
    response = client.get(PAGE, query_string=args)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_reviewer_sees_every_number_of_the_township(as_reviewer, rw):
    page = _page(as_reviewer, **YEAR)
    assert "Review of 永阳镇 · 2025" in page
    teams = page_table(page, "teams")
    assert teams[0][:4] == ["Team", "Village", "Members", "Reaches the minimum size"]
    assert teams[1:] == [
        [
            "戴家村服务队",
            "戴家村",
            "10",
            "yes",
            "0",
            "0",
            "1",
            "2",
            "0",
            "1",
            "1",
            "1",
            "0",
            "1",
            "4",
            "1",
            "59",
            "21",
            "2",
            "2025-11-01",
        ],
        [
            "石湫村服务队",
            "石湫村",
            "3",
            "no",
            "1",
            "1",
            "3",
            "1",
            "3",
            "0",
            "0",
            "0",
            "1",
            "0",
            "1",
            "1",
            "7",
            "3",
            "1",
            "2025-05-05",
        ],
    ]
    areas = page_table(page, "areas")
    assert [row[0] for row in areas[1:]] == ["戴家村", "石湫村", "Total: 永阳镇"]
    assert areas[3][1:12] == ["2", "1", "13", "1", "1", "4", "3", "75.0%", "4", "3", "3"]
    assert areas[3][17:] == ["5", "2", "66", "24", "2", "2025-11-01"]
    events = page_table(page, "events")
    assert events[0] == [
        "Campaign",
        "Village",
        "Market town",
        "School",
        "Government office",
        "Enterprise",
        "Events held",
    ]
    assert sorted(events[1:-1]) == [
        ["2026年全国科普日", "1", "0", "0", "0", "0", "1"],
        ["No campaign", "0", "0", "1", "0", "0", "1"],
    ]
    assert events[-1] == ["Total", "1", "0", "1", "0", "0", "2"]
    assert 'class="flagged"' in page  # team B's rule breaches are highlighted


def test_scope_of_reviewers_and_other_roles(rw, world, client, login):
    login("reviewer")
    assert client.get(PAGE, query_string={"area": world.other_township.id}).status_code == 403
    assert client.get(PAGE, query_string={"area": world.county.id}).status_code == 403
    assert client.get(PAGE, query_string={"area": rw.village_b.id, **YEAR}).status_code == 200
    assert client.get(PAGE, query_string={"area": 99999}).status_code == 404
    assert client.get(PAGE, query_string={"area": "x"}).status_code == 404
    for username in ("leader", "member"):
        client.post("/logout")
        login(username)
        assert client.get(PAGE).status_code == 403
        assert client.get(PAGE + "/export.xlsx").status_code == 403
        assert client.get(PAGE + "/print").status_code == 403
    client.post("/logout")
    assert client.get(PAGE).status_code == 302  # to the login page


def test_admin_reviews_any_area_and_defaults_to_the_county(rw, world, client, login):
    login("admin")
    client.post("/lang/en")
    page = _page(client, **YEAR)
    assert "Review of 测试县" in page and "傅家边村服务队" in page
    assert "Review of 洪蓝镇" in _page(client, area=world.other_township.id, **YEAR)


def test_nav_item_for_reviewers_and_admins_only(rw, client, login):
    login("reviewer")
    assert 'href="/review"' in client.get("/").get_data(as_text=True)
    client.post("/logout")
    login("leader")
    assert 'href="/review"' not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    "args, message",
    [
        ({"period": "2025-13"}, "Enter a year (2026), a quarter (2026-Q2) or a month (2026-05)."),
        ({"from": "2025-05-01", "to": "2025-04-01"}, "The end date must not be before the start"),
        ({"from": "2020-01-01", "to": "2025-12-31"}, "Choose a period of at most 1098 days."),
        ({"from": "not-a-day"}, "Enter a date as YYYY-MM-DD."),
        ({"period": "2025", "from": "2025-01-01"}, "Give either a period or dates, not both."),
    ],
)
def test_bad_periods_are_explained(as_reviewer, args, message):
    page = _page(as_reviewer, **args)
    assert message in page and 'aria-invalid="true"' in page
    assert 'data-table="teams"' not in page


def test_team_links_lead_to_the_records(as_reviewer, rw):
    page = _page(as_reviewer, **YEAR)
    links = table_links(page, "teams")
    a, b = rw.team_a.id, rw.team_b.id
    visits = f"/visits?team={a}&date_from=2025-01-01&date_to=2025-12-31"
    assert visits in links
    assert f"/visits?team={a}&kind=lecture&date_from=2025-01-01&date_to=2025-12-31" in links
    assert f"/farms?team={b}&stale=y&on=2025-12-31" in links
    assert f"/teams/{a}" in links
    events = f"/events?team={a}&past=y&status=scheduled&date_from=2025-01-01&date_to=2025-12-31"
    assert events in links
    assert "4 visits" in as_reviewer.get(visits).get_data(as_text=True)
    photographed = f"/visits?team={a}&photos=y&date_from=2025-01-01&date_to=2025-12-31"
    assert photographed in links
    assert "1 visit" in as_reviewer.get(photographed).get_data(as_text=True)
    lectures = as_reviewer.get(
        f"/visits?team={a}&kind=lecture&date_from=2025-01-01&date_to=2025-12-31"
    ).get_data(as_text=True)
    assert "1 visit" in lectures
    stale = as_reviewer.get(f"/farms?team={b}&stale=y&on=2025-12-31").get_data(as_text=True)
    assert "3 farms" in stale and "石湫茶园" in stale
    assert "1 farm" in as_reviewer.get(f"/farms?team={a}").get_data(as_text=True)
    held = as_reviewer.get(events).get_data(as_text=True)
    assert "2 events" in held and "科普日讲座" in held and "取消的讲座" not in held


def test_area_links_lead_to_the_records(as_reviewer, rw):
    page = _page(as_reviewer, **YEAR)
    links = table_links(page, "areas")
    town = rw.world.township.id
    assert f"/review?area={rw.village_b.id}&period=2025" in links  # drill down
    visits = f"/visits?area={town}&date_from=2025-01-01&date_to=2025-12-31"
    assert visits in links
    assert "5 visits" in as_reviewer.get(visits).get_data(as_text=True)
    photographed = f"/visits?area={town}&photos=y&date_from=2025-01-01&date_to=2025-12-31"
    assert photographed in links
    assert "2 visits" in as_reviewer.get(photographed).get_data(as_text=True)
    assert f"/teams?area={town}" in links
    assert "2 teams" in as_reviewer.get(f"/teams?area={town}").get_data(as_text=True)
    assigned = as_reviewer.get(f"/farms?assigned_area={town}").get_data(as_text=True)
    assert "4 farms" in assigned
    stale = as_reviewer.get(f"/farms?assigned_area={town}&stale=y&on=2025-12-31")
    assert "3 farms" in stale.get_data(as_text=True)
    assert "4 farms" in as_reviewer.get(f"/farms?area={town}").get_data(as_text=True)
    events = table_links(page, "events")
    total = f"/events?past=y&status=scheduled&date_from=2025-01-01&date_to=2025-12-31&area={town}"
    assert total in events
    assert "2 events" in as_reviewer.get(total).get_data(as_text=True)


def test_charts_are_inline_accessible_svg_without_external_urls(as_reviewer):
    page = _page(as_reviewer, **YEAR)
    svgs = re.findall(r"<svg\b.*?</svg>", page, re.S)
    assert len(svgs) == 3
    for svg, key in zip(svgs, ("chart-months", "chart-people", "chart-coverage"), strict=True):
        assert 'role="img"' in svg and f'aria-labelledby="{key}-title {key}-desc"' in svg
        assert f'<title id="{key}-title">' in svg and f'<desc id="{key}-desc">' in svg
        assert "http" not in svg and "<script" not in svg and "@import" not in svg
    assert not re.search(r'(?:src|href)="(?:https?:)?//', page)  # nothing loads from elsewhere
    months = page_table(page, "chart-months")
    assert months[3] == ["2025-03", "0", "0", "1", "0", "1", "2"]
    assert page_table(page, "chart-people")[1:] == [["戴家村服务队", "59"], ["石湫村服务队", "7"]]
    assert page_table(page, "chart-coverage")[2] == ["石湫村", "3", "2", "66.7%"]


def test_charts_keep_their_text_legible_on_a_phone(as_reviewer):
    """Drawn about a phone's width (a 800-wide drawing shrank 14 px labels to 6 px); the
    numbers under each chart are folded on the screen and unfolded in the print view."""
    page = _page(as_reviewer, **YEAR)
    widths = [int(w) for w in re.findall(r'<svg\b[^>]*viewBox="0 0 (\d+) \d+"', page)]
    assert len(widths) == 3 and all(w <= 480 for w in widths)
    assert page.count('<details class="chart-data">') == 3
    printed = as_reviewer.get(PAGE + "/print", query_string=YEAR).get_data(as_text=True)
    assert printed.count('<details class="chart-data" open>') == 3


def test_chart_styles_come_from_a_stylesheet_the_csp_allows(as_reviewer):
    page = _page(as_reviewer, **YEAR)
    # style-src 'self': an inline <style> or style="" would be blocked and the charts unstyled
    assert "<style" not in page and ' style="' not in page
    assert '<link rel="stylesheet" href="/review/charts.css">' in page
    response = as_reviewer.get("/review/charts.css")
    assert response.status_code == 200 and response.mimetype == "text/css"
    css = response.get_data(as_text=True)
    assert "&gt;" not in css and ".kepu-chart .graph > .background" in css
    assert all(f".kepu-chart .color-{n}" in css for n in range(6))  # every series coloured


def test_people_chart_names_the_top_teams_and_groups_the_others(as_reviewer, app, monkeypatch):
    monkeypatch.setitem(app.config, "REVIEW_CHART_TOP", 1)
    page = _page(as_reviewer, **YEAR)
    rows = page_table(page, "chart-people")
    assert rows[1:] == [["戴家村服务队", "59"], ["Other teams (1)", "7"]]  # the data table
    # the chart draws the top team only; the others are a number in its description
    assert "The other 1 teams reached 7 people together." in page
    chart = page[page.index('id="chart-people"') :]
    chart = chart[: chart.index("</figure>")] if "</figure>" in chart else chart
    assert "戴家村服务队</text>" in chart and "Other teams (1)</text>" not in chart


def test_print_view_has_area_period_and_time(as_reviewer, rw, app):
    response = as_reviewer.get(PAGE + "/print", query_string=YEAR)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "测试县 永阳镇" in page and "2025" in page and "<time datetime=" in page
    assert page_table(page, "teams")[1][0] == "戴家村服务队"
    assert 'class="filters' not in page and page.count("<svg") == 3
    css = (Path(app.static_folder) / "kepu.css").read_text()
    assert "/* Township review" in css and "@media print" in css.split("/* Township review")[1]
    assert as_reviewer.get(PAGE + "/print", query_string={"period": "x"}).status_code == 422


def test_plugin_section_and_a_failing_plugin(sample_app, sample, world, log_in):
    ReviewWorld(world)
    set_enabled(sample_app, "kepu_sample", True)
    client = log_in(sample_app.test_client(), "reviewer")
    client.post("/lang/en")
    page = _page(client, **YEAR)
    assert "Sample notes of 永阳镇" in page and 'id="section-kepu_sample-notes"' in page
    sample.FAILING.add("review_sections")
    page = _page(client, **YEAR)
    assert 'data-unavailable="kepu_sample"' in page
    assert "the module kepu_sample failed" in page
    assert page_table(page, "teams")[1][0] == "戴家村服务队"  # the rest still works


def test_team_table_pages(as_reviewer, app, monkeypatch):
    monkeypatch.setitem(app.config, "REVIEW_TEAMS_PER_PAGE", 1)
    first = _page(as_reviewer, **YEAR)
    second = _page(as_reviewer, teams_page=2, **YEAR)
    wild = _page(as_reviewer, teams_page="x", **YEAR)
    assert [r[0] for r in page_table(first, "teams")[1:]] == ["戴家村服务队"]
    assert "Teams 1–1 of 2" in first and "teams_page=2" in first
    assert [r[0] for r in page_table(second, "teams")[1:]] == ["石湫村服务队"]
    assert [r[0] for r in page_table(wild, "teams")[1:]] == ["戴家村服务队"]


def test_sections_with_their_own_template(as_reviewer, monkeypatch):
    from core.contracts import HookResult, ReviewSection
    from core.review import report

    sections = [
        ReviewSection("own", "Own layout", template="review/_parts.html"),
        ReviewSection("broken", "Broken layout", template="no/such.html"),
    ]
    monkeypatch.setattr(report, "call_each", lambda *a, **k: [HookResult("extra", sections)])
    page = _page(as_reviewer, **YEAR)
    assert 'id="section-extra-own"' in page and "Own layout" in page
    assert 'data-unavailable="extra"' in page
    assert '<h2 id="section-extra-broken-title">Module extra</h2>' in page


@pytest.mark.parametrize(
    "url",
    [
        "/review?area=99999999999999999999999",
        "/farms?team=99999999999999999999999",
        "/visits?area=99999999999999999999999",
        "/events?area=-1&date_from=x",
        "/teams?area=99999999999999999999999",
        "/farms?assigned_area=1e9&on=someday",
    ],
)
def test_bad_filter_values_never_fail(as_reviewer, url):
    assert as_reviewer.get(url).status_code in (200, 404)
