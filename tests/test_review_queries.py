"""The review costs the same number of SQL queries for a small and a ten times larger county."""

from datetime import date

from review_support import add_villages, count_queries

from core.review.figures import team_figures

YEAR = {"period": "2025"}


def _costs(client, headers) -> tuple[int, int, int]:
    """Queries of the page, the API and the CSV export (after one warm-up request)."""
    client.get("/review", query_string=YEAR)
    with count_queries() as page:
        assert client.get("/review", query_string=YEAR).status_code == 200
    with count_queries() as api:
        assert client.get("/api/v1/review", query_string=YEAR, headers=headers).status_code == 200
    with count_queries() as export:
        response = client.get("/review/export.csv", query_string={"table": "teams", **YEAR})
        assert response.status_code == 200
    return len(page), len(api), len(export)


def test_query_count_does_not_grow_with_the_data(world, client, login, bearer):
    login("reviewer")
    headers = bearer(world.reviewer)
    client.get("/api/v1/areas/", headers=headers)  # the token's first use is written once
    add_villages(world.township, 2, 5, date(2025, 1, 10))
    small = _costs(client, headers)
    assert len(team_figures(world.township, date(2025, 1, 1), date(2025, 12, 31))) == 3
    add_villages(world.township, 20, 50, date(2025, 1, 10))
    large = _costs(client, headers)
    assert len(team_figures(world.township, date(2025, 1, 1), date(2025, 12, 31))) == 23
    assert small == large, (small, large)
    assert small[0] < 40, small
