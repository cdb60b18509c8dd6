"""Page sizes: the PAGE_SIZE setting for list pages, 25 for the dated lists, the API's 50/200."""

from sqlalchemy import select

from core.models import Area
from core.pagination import API_PAGE_SIZE, DATED_PAGE_SIZE, MAX_PAGE_SIZE, page_of


def test_sizes_kept():
    assert (API_PAGE_SIZE, MAX_PAGE_SIZE, DATED_PAGE_SIZE) == (50, 200, 25)


def test_page_of_follows_the_setting_within_the_maximum(app, world, monkeypatch):
    query = select(Area).order_by(Area.id)
    with app.test_request_context("/?page=2"):
        monkeypatch.setitem(app.config, "PAGE_SIZE", 2)
        page = page_of(query)
        assert page.page == 2 and page.per_page == 2 and len(page.items) == 2
        assert page_of(query, 1).per_page == 1
        monkeypatch.setitem(app.config, "PAGE_SIZE", 5000)
        assert page_of(query).per_page == MAX_PAGE_SIZE
    with app.test_request_context("/?page=999"):
        assert page_of(query).items == []  # past the last page: empty, not a 404


def test_the_api_documents_its_default_and_maximum(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    params = {p["name"]: p for p in spec["paths"]["/api/v1/teams/"]["get"]["parameters"]}
    assert params["page_size"]["schema"]["default"] == 50
    assert params["page_size"]["schema"]["maximum"] == 200
