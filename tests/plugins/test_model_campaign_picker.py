"""Model campaign: the household member picker is village-filtered (pages, no JavaScript, API)
and the decision form offers only the transitions valid from the present status."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import Member
from core.plugins.state import set_enabled
from plugins.model_campaign import services as svc
from plugins.model_campaign.models import Criterion, Nomination, Round, Status, Tier

API = "/api/v1/plugins/model_campaign"
PAGES = "/plugins/model_campaign"
YEAR = date.today().year


@pytest.fixture
def mc(app, world):
    """The plugin enabled, one criterion per tier, this year's round; English pages."""
    set_enabled(app, "model_campaign", True)
    for tier in Tier:
        db.session.add(Criterion(tier=tier, title=f"{tier}-a", max_score=10, weight=1))
    db.session.add(Round(year=YEAR, name=f"{YEAR}年度三级联创"))
    for user in (world.admin, world.reviewer, world.leader):
        user.locale = "en"
    db.session.commit()
    return world


def _round_id() -> int:
    return db.session.scalar(select(Round.id))


def _members(team) -> list[Member]:
    return list(
        db.session.scalars(select(Member).where(Member.team_id == team.id).order_by(Member.id))
    )


def _options(page: str, name: str) -> set[str]:
    """The non-empty option values of the select ``name``."""
    select_html = re.search(rf'<select[^>]*name="{name}".*?</select>', page, re.S).group(0)
    return set(re.findall(r'value="([^"]+)"', select_html))


def _count() -> int:
    return db.session.scalar(select(func.count(Nomination.id)))


def _household(world, **extra) -> dict:
    return {
        "round_id": str(_round_id()),
        "tier": "household",
        "area_id": str(world.village.id),
        "household_name": "王家",
        "member_id": "",
        "reason": "带动邻里种梅",
        "evidence": "种梅10亩",
    } | extra


# --- the member picker ------------------------------------------------------------------------


def test_admin_picker_lists_no_member_until_a_village_is_chosen(mc, client, login):
    login("admin")
    page = client.get(f"{PAGES}/nominations/new?tier=household").get_data(as_text=True)
    assert _options(page, "member_id") == set()
    assert "Choose the village first" in page and 'name="show_members"' in page
    page = client.get(f"{PAGES}/nominations/new?tier=household&area={mc.village.id}").get_data(
        as_text=True
    )
    own = {str(m.id) for m in _members(mc.team)}
    assert _options(page, "member_id") == own
    assert f'<option selected value="{mc.village.id}"' in page


def test_show_members_button_keeps_the_typed_form_and_saves_nothing(mc, client, login):
    login("admin")
    response = client.post(
        f"{PAGES}/nominations/new",
        data=_household(mc, area_id=str(mc.other_village.id), show_members="1"),
    )
    assert response.status_code == 200 and _count() == 0
    page = response.get_data(as_text=True)
    assert _options(page, "member_id") == {str(m.id) for m in _members(mc.other_team)}
    assert "带动邻里种梅" in page and 'value="王家"' in page
    assert 'class="error"' not in page
    member = _members(mc.other_team)[3]
    response = client.post(
        f"{PAGES}/nominations/new",
        data=_household(mc, area_id=str(mc.other_village.id), member_id=str(member.id)),
    )
    assert response.status_code == 302
    nomination = db.session.scalar(select(Nomination))
    assert nomination.member_id == member.id and nomination.area_id == mc.other_village.id


def test_reviewer_picker_never_offers_villages_out_of_scope(mc, client, login):
    login("reviewer")
    page = client.get(
        f"{PAGES}/nominations/new?tier=household&area={mc.other_village.id}"
    ).get_data(as_text=True)
    assert _options(page, "member_id") == set()
    assert str(mc.other_village.id) not in _options(page, "area_id")
    stranger = _members(mc.other_team)[1]
    response = client.post(
        f"{PAGES}/nominations/new", data=_household(mc, member_id=str(stranger.id))
    )
    assert response.status_code == 200 and _count() == 0
    assert "Choose a member of a team of this village." in response.get_data(as_text=True)


def test_leader_picker_offers_the_own_village_members_at_once(mc, client, login):
    login("leader")
    page = client.get(f"{PAGES}/nominations/new").get_data(as_text=True)
    assert _options(page, "member_id") == {str(m.id) for m in _members(mc.team)}
    assert 'name="show_members"' not in page
    member = _members(mc.team)[2]
    response = client.post(
        f"{PAGES}/nominations/new", data=_household(mc, member_id=str(member.id))
    )
    assert response.status_code == 302
    assert db.session.scalar(select(Nomination.member_id)) == member.id


def test_member_with_another_tier_is_refused(mc, client, login):
    login("admin")
    member = _members(mc.team)[1]
    response = client.post(
        f"{PAGES}/nominations/new", data=_household(mc, tier="village", member_id=str(member.id))
    )
    assert response.status_code == 200 and _count() == 0
    page = response.get_data(as_text=True)
    assert 'id="member_id-error"' in page
    assert "Only a model household names the member heading it." in page


@pytest.mark.parametrize(
    "extra, field",
    [
        ({"member_id": "other"}, "member_id"),
        ({"tier": "village", "member_id": "own"}, "member_id"),
        ({"member_id": 99999}, "member_id"),
    ],
)
def test_api_validates_the_member_the_same_way(mc, client, bearer, extra, field):
    member = {"own": _members(mc.team)[1].id, "other": _members(mc.other_team)[1].id}
    body = {
        "round_id": _round_id(),
        "tier": "household",
        "area_id": mc.village.id,
        "household_name": "王家",
        "reason": "带动邻里",
        "evidence": "种梅10亩",
    }
    body |= {k: member.get(v, v) if isinstance(v, str) else v for k, v in extra.items()}
    response = client.post(f"{API}/nominations", json=body, headers=bearer(mc.admin))
    assert response.status_code == 422
    assert list(response.get_json()["errors"]["json"]) == [field]
    assert _count() == 0
    ok = client.post(
        f"{API}/nominations",
        headers=bearer(mc.admin),
        json=body | {"tier": "household", "member_id": member["own"]},
    )
    assert ok.status_code == 201 and ok.get_json()["member_id"] == member["own"]


# --- decisions offered ------------------------------------------------------------------------


def _nomination(world, area=None) -> Nomination:
    data = svc.NominationInput(
        _round_id(), "village", (area or world.village).id, "", None, "成效突出", "培训12场"
    )
    return svc.create_nomination(data, world.admin)


def _assessed(world) -> Nomination:
    nomination = _nomination(world, world.other_village)
    criterion = svc.active_criteria(Tier.VILLAGE)[0]
    svc.assess(nomination, {criterion.id: 6}, "", world.admin)
    return nomination


def _decisions(page: str) -> set[str]:
    if 'id="mc-decision"' not in page:
        return set()
    return _options(page, "to")


def test_offered_decisions_follow_the_status(mc, client, login):
    login("admin")
    nomination = _nomination(mc)
    url = f"{PAGES}/nominations/{nomination.id}"
    assert _decisions(client.get(url).get_data(as_text=True)) == {"withdrawn"}
    criterion = svc.active_criteria(Tier.VILLAGE)[0]
    svc.assess(nomination, {criterion.id: 6}, "", mc.admin)
    assert _decisions(client.get(url).get_data(as_text=True)) == {
        "awarded",
        "not_awarded",
        "withdrawn",
    }
    response = client.post(
        f"{url}/decide", data={"to": "not_awarded", "reason": "材料不足", "confirm": "1"}
    )
    assert response.status_code == 302
    page = client.get(url).get_data(as_text=True)
    assert _decisions(page) == set() and 'id="mc-final"' in page


def test_refused_reason_re_offers_only_the_valid_decisions(mc, client, login):
    login("admin")
    nomination = _nomination(mc)
    response = client.post(f"{PAGES}/nominations/{nomination.id}/decide", data={"to": "awarded"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="mc-refusal"' in page
    assert "not been assessed" in page and _decisions(page) == {"withdrawn"}
    assessed = _assessed(mc)
    response = client.post(
        f"{PAGES}/nominations/{assessed.id}/decide", data={"to": "not_awarded", "reason": " "}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="reason-error"' in page
    assert _decisions(page) == {"awarded", "not_awarded", "withdrawn"}
    db.session.refresh(assessed)
    assert assessed.status == Status.ASSESSED


def test_decision_on_a_final_nomination_offers_nothing(mc, client, login):
    nomination = _assessed(mc)
    svc.decide(nomination, "not_awarded", "分数不足", mc.admin)
    login("admin")
    response = client.post(f"{PAGES}/nominations/{nomination.id}/decide", data={"to": "awarded"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and 'id="mc-refusal"' in page
    assert "cannot become" in page and _decisions(page) == set()
    db.session.refresh(nomination)
    assert nomination.status == Status.NOT_AWARDED and len(nomination.transitions) == 3


def test_leader_who_nominated_is_offered_only_withdrawal(mc, client, login):
    data = svc.NominationInput(_round_id(), "village", mc.village.id, "", None, "成效突出", "材料")
    nomination = svc.create_nomination(data, mc.leader)
    login("leader")
    url = f"{PAGES}/nominations/{nomination.id}"
    assert _decisions(client.get(url).get_data(as_text=True)) == {"withdrawn"}
    assert client.post(f"{url}/decide", data={"to": "awarded"}).status_code == 403
    client.post("/logout")
    login("member")
    assert _decisions(client.get(url).get_data(as_text=True)) == set()
    assert client.post(f"{url}/decide", data={"to": "withdrawn"}).status_code == 403


def test_api_lists_the_decisions_valid_now(mc, client, bearer):
    nomination = _nomination(mc)
    url = f"{API}/nominations/{nomination.id}"
    assert client.get(url, headers=bearer(mc.admin)).get_json()["decisions"] == ["withdrawn"]
    assert client.get(url, headers=bearer(mc.member)).get_json()["decisions"] == []
    criterion = svc.active_criteria(Tier.VILLAGE)[0]
    svc.assess(nomination, {criterion.id: 6}, "", mc.admin)
    assert client.get(url, headers=bearer(mc.admin)).get_json()["decisions"] == [
        "awarded",
        "not_awarded",
        "withdrawn",
    ]
    response = client.post(
        f"{url}/transitions",
        headers=bearer(mc.admin),
        json={"to": "not_awarded", "reason": "分数不足", "confirm": True},
    )
    assert response.status_code == 201 and response.get_json()["decisions"] == []
    again = client.post(f"{url}/transitions", headers=bearer(mc.admin), json={"to": "awarded"})
    assert again.status_code == 409
    db.session.refresh(nomination)
    assert nomination.status == Status.NOT_AWARDED
