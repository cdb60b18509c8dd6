"""Model campaign decisions: who may decide (strictly above the nominee's area), a reason for an
award below the threshold, and a confirmation before any decision is final (pages and API)."""

from datetime import date

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from core.extensions import db
from core.models import Role
from core.plugins.state import set_enabled
from plugins.model_campaign import services as svc
from plugins.model_campaign.models import Criterion, Nomination, Round, Status, Tier

API = "/api/v1/plugins/model_campaign"
PAGES = "/plugins/model_campaign"
YEAR = date.today().year


@pytest.fixture
def mc(app, world):
    """The plugin enabled, two criteria per tier (highest total 100), this year's round, a
    county reviewer and a village reviewer; English for everyone."""
    set_enabled(app, "model_campaign", True)
    for tier in Tier:
        db.session.add_all(
            [
                Criterion(tier=tier, title=f"{tier}-a", max_score=50, weight=1, position=1),
                Criterion(tier=tier, title=f"{tier}-b", max_score=25, weight=2, position=2),
            ]
        )
    db.session.add(Round(year=YEAR, name=f"{YEAR}年度三级联创"))
    world.county_reviewer = world.make_user("county", Role.REVIEWER, area=world.county)
    world.village_reviewer = world.make_user("villager", Role.REVIEWER, area=world.village)
    for user in (world.admin, world.reviewer, world.county_reviewer, world.village_reviewer):
        user.locale = "en"
    db.session.commit()
    return world


def _nominate(world, tier: Tier, area, user, household: str = "") -> Nomination:
    round_id = db.session.scalar(select(Round.id))
    data = svc.NominationInput(round_id, tier.value, area.id, household, None, "成效突出", "材料")
    return svc.create_nomination(data, user)


def _score(nomination: Nomination, user, a: int, b: int) -> None:
    """Score a + 2*b out of 100."""
    first, second = svc.active_criteria(nomination.tier)
    svc.assess(nomination, {first.id: a, second.id: b}, "", user)


def _own_township_scored_52(world) -> Nomination:
    """The field trial: the township reviewer nominates and scores their own township 52/100."""
    nomination = _nominate(world, Tier.TOWNSHIP, world.township, world.reviewer)
    _score(nomination, world.reviewer, 30, 11)
    assert svc.mean_percent(nomination) == 52.0 and svc.award_threshold() == 80
    return nomination


def _status(nomination: Nomination) -> Status:
    db.session.expire_all()
    return db.session.get(Nomination, nomination.id).status


# --- who decides ------------------------------------------------------------------------------


def test_township_reviewer_cannot_decide_their_own_township(mc, client, login, bearer):
    nomination = _own_township_scored_52(mc)
    assert svc.next_decisions(mc.reviewer, nomination) == [Status.WITHDRAWN]  # they nominated
    with pytest.raises(PermissionError):
        svc.decide(nomination, "awarded", "都很好", mc.reviewer)
    db.session.rollback()
    response = client.post(
        f"{API}/nominations/{nomination.id}/transitions",
        json={"to": "awarded", "reason": "都很好", "confirm": True},
        headers=bearer(mc.reviewer),
    )
    assert response.status_code == 403
    detail = client.get(f"{API}/nominations/{nomination.id}", headers=bearer(mc.reviewer))
    assert detail.get_json()["decisions"] == ["withdrawn"]
    login("reviewer")
    url = f"{PAGES}/nominations/{nomination.id}"
    for to in ("awarded", "not_awarded"):
        data = {"to": to, "reason": "都很好", "confirm": "1"}
        assert client.post(f"{url}/decide", data=data).status_code == 403
    page = client.get(url).get_data(as_text=True)
    assert 'value="awarded"' not in page and 'value="withdrawn"' in page
    assert _status(nomination) == Status.ASSESSED


def test_decisions_are_taken_strictly_above_the_nominee(mc):
    village = _nominate(mc, Tier.VILLAGE, mc.village, mc.admin)
    household = _nominate(mc, Tier.HOUSEHOLD, mc.village, mc.admin, household="王家")
    township = _nominate(mc, Tier.TOWNSHIP, mc.township, mc.admin)
    other = _nominate(mc, Tier.VILLAGE, mc.other_village, mc.admin)
    for nomination in (village, household, township, other):
        _score(nomination, mc.admin, 50, 25)
    allowed = {
        mc.admin: {village, household, township, other},
        mc.county_reviewer: {village, household, township, other},
        mc.reviewer: {village, household},  # not their own township, nor another township's
        mc.village_reviewer: set(),  # neither their own village nor its households
    }
    for user, nominations in allowed.items():
        for nomination in (village, household, township, other):
            expected = nomination in nominations
            assert svc.may_award(user, nomination) is expected, (user.username, nomination.tier)
            assert svc.may_decide(user, nomination, Status.WITHDRAWN) is expected
    svc.decide(household, "awarded", "", mc.reviewer)
    svc.decide(township, "awarded", "", mc.county_reviewer)
    assert household.status == township.status == Status.AWARDED


# --- a reason below the threshold -------------------------------------------------------------


def test_award_below_the_threshold_needs_a_reason(mc):
    nomination = _own_township_scored_52(mc)
    with force_locale("en"), pytest.raises(svc.FieldErrors) as refused:
        svc.decide(nomination, "awarded", "  ", mc.county_reviewer)
    (message,) = refused.value.errors["reason"]
    assert "52.0%" in message and "80.0%" in message and "reason" in message
    db.session.rollback()
    with force_locale("zh_CN"), pytest.raises(svc.FieldErrors) as refused:
        svc.decide(nomination, "awarded", "", mc.county_reviewer)
    assert refused.value.errors["reason"]
    db.session.rollback()
    svc.decide(nomination, "awarded", "全县唯一开展夜校的乡镇", mc.county_reviewer)
    assert nomination.status == Status.AWARDED
    assert nomination.status_reason == "全县唯一开展夜校的乡镇"
    assert nomination.transitions[-1].user_id == mc.county_reviewer.id


def test_award_at_the_threshold_needs_no_reason(mc):
    nomination = _nominate(mc, Tier.TOWNSHIP, mc.township, mc.admin)
    _score(nomination, mc.county_reviewer, 40, 20)  # 80/100
    svc.decide(nomination, "awarded", "", mc.county_reviewer)
    assert nomination.status == Status.AWARDED


# --- the API: reason and confirmation ---------------------------------------------------------


def test_api_county_reviewer_awards_52_only_with_reason_and_confirmation(mc, client, bearer):
    nomination = _own_township_scored_52(mc)
    url = f"{API}/nominations/{nomination.id}/transitions"
    county = bearer(mc.county_reviewer)
    response = client.post(url, json={"to": "awarded", "confirm": True}, headers=county)
    assert response.status_code == 422
    errors = response.get_json()["errors"]["json"]
    assert list(errors) == ["reason"] and "below the award threshold" in errors["reason"][0]
    for body in (
        {"to": "awarded", "reason": "夜校"},
        {"to": "awarded", "reason": "夜校", "confirm": False},
    ):
        response = client.post(url, json=body, headers=county)
        assert response.status_code == 422
        (message,) = response.get_json()["errors"]["json"]["confirm"]
        assert '"confirm": true' in message
    assert _status(nomination) == Status.ASSESSED
    response = client.post(
        url, json={"to": "awarded", "reason": "夜校", "confirm": True}, headers=county
    )
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "awarded" and body["status_reason"] == "夜校"
    assert body["transitions"][-1]["reason"] == "夜校"


def test_api_every_decision_needs_the_confirmation(mc, client, bearer):
    nomination = _nominate(mc, Tier.VILLAGE, mc.village, mc.admin)
    url = f"{API}/nominations/{nomination.id}/transitions"
    response = client.post(url, json={"to": "withdrawn"}, headers=bearer(mc.admin))
    assert response.status_code == 422 and "confirm" in response.get_json()["errors"]["json"]
    assert _status(nomination) == Status.NOMINATED
    response = client.post(url, json={"to": "withdrawn", "confirm": True}, headers=bearer(mc.admin))
    assert response.status_code == 201 and response.get_json()["status"] == "withdrawn"


def test_openapi_documents_the_confirmation(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    schemas = spec["components"]["schemas"]
    (name,) = [n for n in schemas if n.startswith("ModelCampaignDecision")]
    confirm = schemas[name]["properties"]["confirm"]
    assert confirm["type"] == "boolean" and "true" in confirm["description"]
    assert "threshold" in schemas[name]["properties"]["reason"]["description"]


# --- the pages: reason and the confirmation step ----------------------------------------------


def test_page_award_below_threshold_goes_through_reason_and_confirmation(mc, client, login):
    nomination = _own_township_scored_52(mc)
    login("county")
    url = f"{PAGES}/nominations/{nomination.id}"
    page = client.get(url).get_data(as_text=True)
    assert 'id="mc-decision"' in page and 'value="awarded"' in page
    response = client.post(f"{url}/decide", data={"to": "awarded", "reason": ""})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="reason-error"' in page
    assert "below the award threshold" in page and 'id="mc-confirm"' not in page
    response = client.post(f"{url}/decide", data={"to": "awarded", "reason": "全县首个夜校"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="mc-confirm"' in page
    assert 'data-to="awarded"' in page and 'data-below="yes"' in page
    assert "52.0" in page and "80" in page and "全县首个夜校" in page
    assert 'name="confirm" value="1"' in page
    assert _status(nomination) == Status.ASSESSED  # nothing decided before the confirmation
    response = client.post(
        f"{url}/decide", data={"to": "awarded", "reason": "全县首个夜校", "confirm": "1"}
    )
    assert response.status_code == 302
    assert _status(nomination) == Status.AWARDED


def test_page_refusal_and_withdrawal_are_confirmed_too(mc, client, login):
    refused = _own_township_scored_52(mc)
    withdrawn = _nominate(mc, Tier.VILLAGE, mc.village, mc.admin)
    login("county")
    response = client.post(
        f"{PAGES}/nominations/{refused.id}/decide", data={"to": "not_awarded", "reason": "分数不足"}
    )
    page = response.get_data(as_text=True)
    assert 'id="mc-confirm"' in page and 'data-to="not_awarded"' in page and "分数不足" in page
    response = client.post(f"{PAGES}/nominations/{withdrawn.id}/decide", data={"to": "withdrawn"})
    page = response.get_data(as_text=True)
    assert 'id="mc-confirm"' in page and "No reason given." in page
    assert _status(refused) == Status.ASSESSED and _status(withdrawn) == Status.NOMINATED
    response = client.post(
        f"{PAGES}/nominations/{withdrawn.id}/decide", data={"to": "withdrawn", "confirm": "1"}
    )
    assert response.status_code == 302 and _status(withdrawn) == Status.WITHDRAWN
