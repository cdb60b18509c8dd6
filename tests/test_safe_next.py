"""``?next=`` on login and the language switch: a local page or the home page, never 500."""

import pytest

DATA = {"username": "leader", "password": "correct-horse-42"}

BAD = [
    "https://evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "\\\\evil.example",
    "/\t/evil.example",
    "/visits\r\nSet-Cookie: x=1",
    "javascript:alert(1)",
    "http:/evil.example",
    "//[",
    "/" + "a" * 3000,
    "visits",
]


@pytest.mark.parametrize("target", BAD)
def test_login_refuses_foreign_or_broken_targets(client, world, target):
    response = client.post("/login", query_string={"next": target}, data=DATA)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize("target", BAD)
def test_the_language_switch_refuses_them_too(client, world, target):
    response = client.post("/lang/en", data={"next": target})
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_local_targets_are_kept(client, world):
    response = client.post("/login", query_string={"next": "/visits?page=2"}, data=DATA)
    assert response.headers["Location"] == "/visits?page=2"
    assert client.post("/lang/en", data={"next": "/plans"}).headers["Location"] == "/plans"
