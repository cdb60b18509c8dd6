"""Bad or costly JSON bodies answer 4xx in the user's language, and change nothing."""

import io
import time

from test_api_support import field_errors, snapshot

VISITS = "/api/v1/visits/"


def _json(headers: dict) -> dict:
    return {**headers, "Content-Type": "application/json"}


def test_json_nested_a_thousand_levels_deep_answers_400(client, world, bearer):
    before = snapshot()
    body = "[" * 100_000 + "]" * 100_000
    headers = _json(bearer(world.admin))
    for url in (VISITS, "/api/v1/events/", "/api/v1/teams/", "/api/v1/areas/"):
        response = client.post(url, data=body, headers=headers)
        assert response.status_code == 400, url
        assert response.get_json()["message"] == "JSON 请求正文嵌套层数过多。"
    response = client.patch(f"/api/v1/teams/{world.team.id}", data=body, headers=headers)
    assert response.status_code == 400
    assert snapshot() == before


def test_a_json_body_over_the_limit_answers_413_before_it_is_parsed(client, app, world, bearer):
    before = snapshot()
    headers = _json(bearer(world.leader))
    body = '{"member_ids": [' + ",".join(["1"] * 7_000_000) + "]}"  # 14 MB
    started = time.process_time()
    response = client.post(VISITS, data=body, headers=headers)
    assert time.process_time() - started < 1
    assert response.status_code == 413
    assert response.get_json()["message"] == "JSON 请求正文最多 1024 KB。"
    # sent without Content-Length (chunked), as gunicorn passes it on
    chunked = {"CONTENT_LENGTH": "", "wsgi.input_terminated": True}
    response = client.post(
        VISITS,
        input_stream=io.BytesIO(b'{"member_ids": [' + b"1," * 600_000 + b"1]}"),
        headers=headers,
        environ_overrides=chunked,
    )
    assert response.status_code == 413
    assert snapshot() == before


def test_a_long_list_of_ids_is_refused_as_a_whole(client, world, bearer):
    before = snapshot()
    headers = bearer(world.leader)
    body = {"member_ids": list(range(1, 100_001)), "farm_id": world.farm.id}
    started = time.process_time()
    errors = field_errors(client.post(VISITS, json=body, headers=headers))
    assert time.process_time() - started < 1
    assert errors["member_ids"] == ["最多填写 300 项。"]
    assert snapshot() == before
