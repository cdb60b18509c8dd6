"""The best party day case competition: the county opens a round, branches enter cases with
photos, reviewers score them, the ranking, the county's final confirmation of the winners, the
printed collection, and who may do each (pages and API)."""

import io
from datetime import date

import pytest
from image_support import JPEG
from party_day_support import API, PAGES, enable, make_day
from sqlalchemy import select

from core.extensions import db
from core.models import Notification, Role
from plugins.party_day.competition import CaseInput, RoundInput, create_round, save_case
from plugins.party_day.models import Case, CaseRound, CaseScore


@pytest.fixture
def comp(app, world):
    """The plugin enabled, a county reviewer, a round and a case from each village."""
    enable(app)
    world.county_reviewer = world.make_user("county", Role.REVIEWER, area=world.county)
    for user in (
        world.admin,
        world.reviewer,
        world.leader,
        world.other_leader,
        world.county_reviewer,
    ):
        user.locale = "en"
    db.session.commit()
    world.round = create_round(
        RoundInput(2026, "2026年度最佳党日案例竞赛", 1, [("形式新颖", 25), ("实际成效", 25)])
    )
    world.case = save_case(
        world.leader,
        world.round,
        CaseInput(world.village.id, "田头课堂", "梅果党支部把党日搬到田头。"),
    )
    world.other_case = save_case(
        world.other_leader,
        world.round,
        CaseInput(world.other_village.id, "网上问专家", "草莓种植户在线提问40多个。"),
    )
    return world


@pytest.fixture
def login(client, login):
    """Log in as another user (ending the session of the one before)."""

    def _switch(username):
        client.post("/logout")
        return login(username)

    return _switch


def _status(response) -> int:
    """The status of a (streamed) response, closed."""
    response.close()
    return response.status_code


def _criteria(world) -> list[int]:
    return [c.id for c in world.round.criteria]


def _score_form(world, *values) -> dict:
    return {f"score_{cid}": str(v) for cid, v in zip(_criteria(world), values, strict=True)}


def test_only_the_county_opens_a_round(comp, client, login, bearer):
    form = {
        "year": "2027",
        "name": "2027年度竞赛",
        "winners_wanted": "20",
        "criteria": "形式新颖 25\n实际成效 75",
    }
    login("reviewer")
    assert client.post(PAGES + "/rounds/new", data=form).status_code == 403
    login("county")
    assert client.post(PAGES + "/rounds/new", data=form).status_code == 302
    made = db.session.scalar(select(CaseRound).where(CaseRound.year == 2027))
    assert [(c.title, c.max_score) for c in made.criteria] == [("形式新颖", 25), ("实际成效", 75)]
    bad = client.post(PAGES + "/rounds/new", data=form | {"year": "2028", "criteria": "没有分数"})
    assert bad.status_code == 200 and 'id="criteria-error"' in bad.get_data(as_text=True)
    api = client.post(
        f"{API}/rounds", json={"year": 2028, "name": "2028"}, headers=bearer(comp.leader)
    )
    assert api.status_code == 403
    api = client.post(
        f"{API}/rounds", json={"year": 2028, "name": "2028"}, headers=bearer(comp.county_reviewer)
    )
    assert api.status_code == 201 and len(api.get_json()["criteria"]) == 4
    again = client.post(
        f"{API}/rounds",
        json={"year": 2028, "name": "2028"},
        headers=bearer(comp.county_reviewer) | {"Accept-Language": "en"},
    )
    assert again.status_code == 422 and "year" in again.get_json()["errors"]["json"]


def test_leader_enters_a_case_with_photos_for_own_village_only(comp, client, login, bearer):
    round_id = comp.round.id
    db.session.delete(db.session.get(Case, comp.case.id))
    db.session.commit()
    login("leader")
    data = {
        "village_id": str(comp.village.id),
        "title": "梅果党支部田头课堂",
        "summary": "把党日活动搬到梅园。",
        "photos": [(io.BytesIO(JPEG), "a.jpg")],
    }
    response = client.post(
        f"{PAGES}/rounds/{round_id}/cases/new", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    case = db.session.scalar(select(Case).where(Case.village_id == comp.village.id))
    assert len(case.photos) == 1
    photo = f"{PAGES}/cases/{case.id}/photos/{case.photos[0].id}"
    assert _status(client.get(photo)) == 200
    api_photo = f"{API}/cases/{case.id}/photos/{case.photos[0].id}"
    assert _status(client.get(api_photo + "?thumbnail=1", headers=bearer(comp.leader))) == 200
    twice = client.post(
        f"{PAGES}/rounds/{round_id}/cases/new",
        data={"village_id": str(comp.village.id), "title": "又一个", "summary": "x"},
    )
    assert "This village has entered a case in this round already." in twice.get_data(as_text=True)
    other = client.post(
        f"{PAGES}/rounds/{round_id}/cases/new",
        data={"village_id": str(comp.other_village.id), "title": "别村", "summary": "x"},
    )
    assert other.status_code == 403
    login("leader2")
    assert _status(client.get(photo)) == 403
    assert client.get(f"{PAGES}/cases/{case.id}").status_code == 403
    api = client.post(
        f"{API}/cases",
        json={"round_id": round_id, "village_id": comp.village.id, "title": "t", "summary": "s"},
        headers=bearer(comp.other_leader),
    )
    assert api.status_code == 403


def test_reviewers_score_their_areas_cases_and_the_ranking_averages(comp, client, login, bearer):
    login("reviewer")
    assert (
        client.post(
            f"{PAGES}/cases/{comp.case.id}/scores", data=_score_form(comp, 20, 20)
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"{PAGES}/cases/{comp.other_case.id}/scores", data=_score_form(comp, 1, 1)
        ).status_code
        == 403
    )
    bad = client.post(f"{PAGES}/cases/{comp.case.id}/scores", data=_score_form(comp, 26, 20))
    assert bad.status_code == 200 and "from 0 to 25" in bad.get_data(as_text=True)
    login("admin")
    client.post(f"{PAGES}/cases/{comp.case.id}/scores", data=_score_form(comp, 10, 10))
    client.post(f"{PAGES}/cases/{comp.other_case.id}/scores", data=_score_form(comp, 25, 20))
    ranking = client.get(
        f"{API}/rounds/{comp.round.id}/ranking", headers=bearer(comp.admin)
    ).get_json()
    assert [
        (r["case_id"], r["total"], r["reviewers"], r["rank"], r["proposed"]) for r in ranking
    ] == [
        (comp.other_case.id, 45.0, 1, 1, True),
        (comp.case.id, 30.0, 2, 2, False),
    ]
    api = client.put(
        f"{API}/cases/{comp.case.id}/scores",
        json={"scores": {str(_criteria(comp)[0]): 5}},
        headers=bearer(comp.reviewer) | {"Accept-Language": "en"},
    )
    assert api.status_code == 422
    assert f"score_{_criteria(comp)[1]}" in api.get_json()["errors"]["json"]
    member = client.put(
        f"{API}/cases/{comp.case.id}/scores", json={"scores": {}}, headers=bearer(comp.member)
    )
    assert member.status_code == 403
    leader_view = client.get(f"{API}/rounds/{comp.round.id}/ranking", headers=bearer(comp.leader))
    assert [r["case_id"] for r in leader_view.get_json()] == [comp.case.id]


def test_the_county_confirms_the_winners_once_and_for_good(comp, client, login, bearer):
    login("admin")
    client.post(f"{PAGES}/cases/{comp.case.id}/scores", data=_score_form(comp, 20, 20))
    client.post(f"{PAGES}/cases/{comp.other_case.id}/scores", data=_score_form(comp, 10, 10))
    login("county")
    page = client.get(f"{PAGES}/rounds/{comp.round.id}").get_data(as_text=True)
    assert 'details class="danger-zone" id="confirm-winners"' in page  # a second, deliberate tap
    assert f'name="winners" value="{comp.case.id}" checked' in page
    login("reviewer")
    url = f"{PAGES}/rounds/{comp.round.id}/confirm"
    assert client.post(url, data={"winners": [str(comp.case.id)]}).status_code == 403
    assert client.get(f"{PAGES}/rounds/{comp.round.id}/collection").status_code == 404
    login("county")
    assert client.post(url, data={"winners": []}).status_code == 302
    assert db.session.get(CaseRound, comp.round.id).confirmed_at is None  # none ticked: refused
    assert client.post(url, data={"winners": [str(comp.case.id)]}).status_code == 302
    db.session.expire_all()
    round_ = db.session.get(CaseRound, comp.round.id)
    assert round_.confirmed_at is not None and round_.audit_position is not None
    case, other = db.session.get(Case, comp.case.id), db.session.get(Case, comp.other_case.id)
    assert (case.winner, case.final_rank, other.winner, other.final_rank) == (True, 1, False, 2)
    page = client.get(f"{PAGES}/rounds/{comp.round.id}").get_data(as_text=True)
    assert "No record of this area has changed since." in page
    make_day(comp.village, date(2026, 4, 2))
    page = client.get(f"{PAGES}/rounds/{comp.round.id}").get_data(as_text=True)
    assert "1 change to this area" in page
    again = client.post(
        f"{API}/rounds/{comp.round.id}/confirm", json={}, headers=bearer(comp.county_reviewer)
    )
    assert again.status_code == 409
    login("admin")
    client.post(f"{PAGES}/cases/{comp.case.id}/scores", data=_score_form(comp, 0, 0))
    scores = db.session.scalars(
        select(CaseScore.score).where(CaseScore.case_id == comp.case.id)
    ).all()
    assert sorted(scores) == [20, 20]  # frozen
    late = client.put(
        f"{API}/cases/{comp.case.id}/scores",
        json={"scores": {str(c): 0 for c in _criteria(comp)}},
        headers=bearer(comp.admin),
    )
    assert late.status_code == 409
    entry = client.post(
        f"{API}/cases",
        json={
            "round_id": comp.round.id,
            "village_id": comp.village.id,
            "title": "t",
            "summary": "s",
        },
        headers=bearer(comp.admin),
    )
    assert entry.status_code == 409
    [note] = db.session.scalars(
        select(Notification).where(Notification.user_id == comp.other_leader.id)
    ).all()
    assert note.url.endswith(f"/rounds/{comp.round.id}/collection")
    login("leader2")  # every branch reads the winning cases, not the others
    collection = client.get(f"{PAGES}/rounds/{comp.round.id}/collection")
    assert collection.status_code == 200 and "田头课堂" in collection.get_data(as_text=True)
    assert "网上问专家" not in collection.get_data(as_text=True)
    assert client.get(f"{PAGES}/cases/{comp.case.id}").status_code == 200
    winners = client.get(f"{API}/cases?winner=true", headers=bearer(comp.member)).get_json()
    assert [c["id"] for c in winners] == [comp.case.id]


def test_confirm_by_api_takes_the_proposal(comp, client, bearer):
    admin = bearer(comp.admin)
    client.put(
        f"{API}/cases/{comp.other_case.id}/scores",
        json={"scores": {str(c): 5 for c in _criteria(comp)}},
        headers=admin,
    )
    done = client.post(f"{API}/rounds/{comp.round.id}/confirm", json={}, headers=admin)
    assert done.status_code == 200 and done.get_json()["confirmed_at"]
    assert db.session.get(Case, comp.other_case.id).winner is True
    assert db.session.get(Case, comp.case.id).final_rank is None  # never scored
    bad = client.post(
        f"{API}/rounds/{comp.round.id}/confirm", json={"winners": [99999]}, headers=admin
    )
    assert bad.status_code == 409


def test_unknown_case_round_and_bad_case_input(comp, client, bearer):
    admin = bearer(comp.admin) | {"Accept-Language": "en"}
    assert client.get(f"{API}/cases/99999", headers=admin).status_code == 404
    assert client.get(f"{API}/rounds/99999", headers=admin).status_code == 404
    blank = client.post(
        f"{API}/cases",
        json={
            "round_id": comp.round.id,
            "village_id": comp.township.id,
            "title": "t",
            "summary": "",
        },
        headers=admin,
    )
    assert blank.status_code == 422 and set(blank.get_json()["errors"]["json"]) >= {"summary"}


def test_case_photos_by_api_all_or_none_and_frozen_after_confirmation(comp, client, bearer):
    url = f"{API}/cases/{comp.case.id}/photos"
    headers = bearer(comp.leader) | {"Accept-Language": "en"}
    files = {"photos": [(io.BytesIO(JPEG), "a.jpg"), (io.BytesIO(b"not an image"), "b.jpg")]}
    refused = client.post(url, data=files, headers=headers, content_type="multipart/form-data")
    assert refused.status_code == 422 and "photos" in refused.get_json()["errors"]["files"]
    assert db.session.get(Case, comp.case.id).photos == []
    added = client.post(
        url,
        data={"photos": [(io.BytesIO(JPEG), "a.jpg")]},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert added.status_code == 201 and len(added.get_json()["photos"]) == 1
    other = client.post(
        f"{API}/cases/{comp.other_case.id}/photos",
        data={"photos": [(io.BytesIO(JPEG), "a.jpg")]},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert other.status_code == 403
    client.put(
        f"{API}/cases/{comp.case.id}/scores",
        json={"scores": {str(c): 5 for c in _criteria(comp)}},
        headers=bearer(comp.admin),
    )
    client.post(f"{API}/rounds/{comp.round.id}/confirm", json={}, headers=bearer(comp.admin))
    late = client.post(
        url,
        data={"photos": [(io.BytesIO(JPEG), "c.jpg")]},
        headers=headers,
        content_type="multipart/form-data",
    )
    assert late.status_code == 409
