"""API errors speak the caller's language: Accept-Language first, then the user's choice;
errors raised without a message of Kepu's own are not Werkzeug's English."""

import pytest

TEAMS = "/api/v1/teams/"


@pytest.mark.parametrize(
    "language, expected",
    [
        ("zh-CN,zh;q=0.9", "无权查看或修改"),
        ("en-US,en;q=0.8", "may not see or change"),
    ],
)
def test_a_403_body_follows_accept_language(client, world, bearer, language, expected):
    headers = {**bearer(world.member), "Accept-Language": language}
    response = client.post(TEAMS, json={"name": "x"}, headers=headers)
    assert response.status_code == 403
    assert expected in response.get_json()["message"]
    assert "You don't have the permission" not in response.get_json()["message"]


def test_a_405_body_is_translated(client, world, bearer):
    headers = {**bearer(world.admin), "Accept-Language": "zh-CN"}
    response = client.put(TEAMS, json={}, headers=headers)
    assert response.status_code == 405
    assert "The method is not allowed" not in response.get_json()["message"]


def test_a_422_follows_accept_language_over_the_users_choice(client, world, bearer):
    body = {"farm_id": 999_999, "visited_on": "2026-12-01", "kind": "lecture"}
    zh = client.post("/api/v1/visits/", json=body, headers={**bearer(world.leader)})
    en = client.post(
        "/api/v1/visits/", json=body, headers={**bearer(world.leader), "Accept-Language": "en"}
    )
    assert zh.status_code == en.status_code == 422
    assert zh.get_json()["errors"] != en.get_json()["errors"]
    assert "Choose a farm from the list." in str(en.get_json()["errors"])
