"""The model campaign plugin: pages, API, workflow, review section, demo data."""

from datetime import date

import pytest
from flask_babel import force_locale
from query_counter import count_queries
from sqlalchemy import func, select

from core.extensions import db
from core.models import AreaKind
from core.plugins.state import set_enabled
from core.services.areas import add_area
from plugins.model_campaign import services as svc
from plugins.model_campaign.demo import build
from plugins.model_campaign.models import (
    Assessment,
    Criterion,
    Nomination,
    Round,
    Score,
    Status,
    Tier,
    Transition,
)
from plugins.model_campaign.review import review_section

API = "/api/v1/plugins/model_campaign"
PAGES = "/plugins/model_campaign"
YEAR = date.today().year


@pytest.fixture
def mc(app, world):
    """The plugin enabled, criteria of each tier and this year's round."""
    set_enabled(app, "model_campaign", True)
    for tier in Tier:
        db.session.add_all(
            [
                Criterion(tier=tier, title=f"{tier}-a", max_score=50, weight=1, position=1),
                Criterion(tier=tier, title=f"{tier}-b", max_score=25, weight=2, position=2),
            ]
        )
    db.session.add(Round(year=YEAR, name=f"{YEAR}年度三级联创"))
    db.session.commit()
    return world


def _round():
    return db.session.scalar(select(Round))


def _criteria(tier):
    return svc.active_criteria(tier)


def _nominate(world, tier=Tier.VILLAGE, area=None, household="", user=None):
    data = svc.NominationInput(
        _round().id, tier.value, (area or world.village).id, household, None, "成效突出", "培训12场"
    )
    return svc.create_nomination(data, user or world.admin)


def _scores(tier, a=40, b=20):
    first, second = _criteria(tier)
    return {first.id: a, second.id: b}


def test_weighted_total_and_workflow(mc):
    nomination = _nominate(mc)
    assessment = svc.assess(nomination, _scores(Tier.VILLAGE, 40, 20.5), "好", mc.reviewer)
    assert assessment.total == 40 + 2 * 20.5 and assessment.max_total == 100
    assert nomination.status == Status.ASSESSED and svc.proposes_award(nomination)
    svc.decide(nomination, "awarded", "", mc.admin)
    moves = [(t.from_status, t.to_status) for t in nomination.transitions]
    assert moves == [
        (None, Status.NOMINATED),
        (Status.NOMINATED, Status.ASSESSED),
        (Status.ASSESSED, Status.AWARDED),
    ]


def test_invalid_transitions_are_refused(mc):
    nomination = _nominate(mc)
    with force_locale("en"), pytest.raises(svc.Conflict, match="assess"):
        svc.decide(nomination, "awarded", "", mc.admin)
    svc.assess(nomination, _scores(Tier.VILLAGE), "", mc.admin)
    with pytest.raises(svc.FieldErrors) as refused:
        svc.decide(nomination, "not_awarded", "  ", mc.admin)
    assert "reason" in refused.value.errors
    svc.decide(nomination, "withdrawn", "", mc.admin)
    with pytest.raises(svc.Conflict):
        svc.decide(nomination, "awarded", "", mc.admin)
    assert db.session.scalar(select(func.count(Transition.id))) == 3


def test_scores_are_checked(mc):
    nomination = _nominate(mc)
    first, second = _criteria(Tier.VILLAGE)
    for bad in (
        {first.id: 51, second.id: 1},
        {first.id: "1.25", second.id: 1},
        {first.id: "x", second.id: 1},
        {first.id: 1},
    ):
        with pytest.raises(svc.FieldErrors):
            svc.assess(nomination, bad, "", mc.admin)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Assessment.id))) == 0
    assert nomination.status == Status.NOMINATED


def test_used_criterion_is_deactivated_not_deleted(mc):
    nomination = _nominate(mc)
    svc.assess(nomination, _scores(Tier.VILLAGE), "", mc.admin)
    (used,) = [c for c in _criteria(Tier.VILLAGE) if c.position == 1]
    assert svc.delete_criterion(used) is False
    assert db.session.get(Criterion, used.id).active is False
    (unused,) = [c for c in _criteria(Tier.TOWNSHIP) if c.position == 1]
    assert svc.delete_criterion(unused) is True


def test_who_may_nominate(mc):
    with pytest.raises(PermissionError):  # a reviewer outside their township
        _nominate(mc, area=mc.other_village, user=mc.reviewer)
    with pytest.raises(PermissionError):  # a leader: only their own village
        _nominate(mc, area=mc.other_village, user=mc.leader)
    with pytest.raises(PermissionError):  # a leader does not nominate the township
        _nominate(mc, tier=Tier.TOWNSHIP, area=mc.township, user=mc.leader)
    assert _nominate(mc, tier=Tier.HOUSEHOLD, household="王家", user=mc.leader).id
    with pytest.raises(svc.FieldErrors):  # a household needs its name; township tier a township
        _nominate(mc, tier=Tier.HOUSEHOLD, household="")
    with pytest.raises(svc.FieldErrors):
        _nominate(mc, tier=Tier.TOWNSHIP, area=mc.village)


def test_pages_for_each_role(mc, client, login):
    nomination = _nominate(mc)
    login("admin")
    client.post("/lang/en")
    assert client.get(f"{PAGES}/").status_code == 200
    assert client.get(f"{PAGES}/criteria").status_code == 200
    first, second = _criteria(Tier.VILLAGE)
    response = client.post(f"{PAGES}/nominations/{nomination.id}/decide", data={"to": "awarded"})
    assert response.status_code == 200 and "not been assessed" in response.get_data(as_text=True)
    response = client.post(
        f"{PAGES}/nominations/{nomination.id}/assess",
        data={f"score_{first.id}": "99", f"score_{second.id}": "3"},
    )
    assert response.status_code == 200 and "Enter 0 to 50" in response.get_data(as_text=True)
    response = client.post(
        f"{PAGES}/nominations/{nomination.id}/assess",
        data={f"score_{first.id}": "45", f"score_{second.id}": "20"},
    )
    assert response.status_code == 302
    page = client.get(f"{PAGES}/nominations/{nomination.id}/assess").get_data(as_text=True)
    assert "propose award" in page
    assert (
        client.post(
            f"{PAGES}/nominations/{nomination.id}/decide", data={"to": "not_awarded", "reason": ""}
        ).status_code
        == 200
    )
    assert (
        client.post(
            f"{PAGES}/nominations/{nomination.id}/decide",
            data={"to": "not_awarded", "reason": "材料不足", "confirm": "1"},
        ).status_code
        == 302
    )
    page = client.get(f"{PAGES}/nominations/{nomination.id}").get_data(as_text=True)
    assert "材料不足" in page and page.count('data-to="') == 3
    assert client.get(f"{PAGES}/nominations/999999").status_code == 404
    response = client.post(
        f"{PAGES}/criteria/new",
        data={"tier": "village", "title": "", "max_score": "10", "weight": "1", "position": "0"},
    )
    assert response.status_code == 200
    client.post("/logout")
    login("member")
    assert client.get(f"{PAGES}/").status_code == 200
    assert client.get(f"{PAGES}/nominations/{nomination.id}").status_code == 200
    assert client.get(f"{PAGES}/nominations/{nomination.id}/assess").status_code == 403
    assert client.get(f"{PAGES}/nominations/new").status_code == 403
    assert client.get(f"{PAGES}/criteria/new").status_code == 403
    client.post("/logout")
    login("leader2")
    assert client.get(f"{PAGES}/nominations/{nomination.id}").status_code == 403


def test_leader_nominates_from_the_page(mc, client, login):
    login("leader")
    assert client.get(f"{PAGES}/nominations/new").status_code == 200
    response = client.post(
        f"{PAGES}/nominations/new",
        data={
            "round_id": str(_round().id),
            "tier": "household",
            "area_id": str(mc.village.id),
            "household_name": "李家",
            "member_id": "",
            "reason": "带动邻里",
            "evidence": "种梅10亩",
        },
    )
    assert response.status_code == 302
    nomination = db.session.scalar(select(Nomination))
    assert nomination.household_name == "李家" and nomination.nominated_by_id == mc.leader.id
    response = client.post(
        f"{PAGES}/nominations/{nomination.id}/decide",
        data={"to": "withdrawn", "reason": "户主撤回", "confirm": "1"},
    )
    assert response.status_code == 302
    db.session.refresh(nomination)
    assert nomination.status == Status.WITHDRAWN


def test_api_end_to_end(mc, client, bearer):
    admin, reviewer = bearer(mc.admin), bearer(mc.reviewer)
    body = {
        "round_id": _round().id,
        "tier": "village",
        "area_id": mc.village.id,
        "reason": "成效突出",
        "evidence": "培训12场",
        "links": ["https://example.org/a"],
    }
    response = client.post(f"{API}/nominations", json=body, headers=reviewer)
    assert response.status_code == 201, response.get_json()
    nid = response.get_json()["id"]
    assert response.get_json()["links"] == ["https://example.org/a"]
    bad = client.post(
        f"{API}/nominations",
        json=body | {"area_id": mc.township.id, "links": ["ftp://x"]},
        headers=admin,
    )
    assert bad.status_code == 422
    assert set(bad.get_json()["errors"]["json"]) == {"area_id", "links"}
    assert (
        client.post(
            f"{API}/nominations", json=body | {"area_id": mc.other_village.id}, headers=reviewer
        ).status_code
        == 403
    )
    refused = client.post(
        f"{API}/nominations/{nid}/transitions", json={"to": "awarded"}, headers=admin
    )
    assert refused.status_code == 409
    scores = {str(k): v for k, v in _scores(Tier.VILLAGE, 30, 10).items()}
    assert (
        client.post(
            f"{API}/nominations/{nid}/assessments",
            json={"scores": scores},
            headers=bearer(mc.leader),
        ).status_code
        == 403
    )
    response = client.post(
        f"{API}/nominations/{nid}/assessments",
        json={"scores": scores | {"999": 1}},
        headers=reviewer,
    )
    assert response.status_code == 422
    response = client.post(
        f"{API}/nominations/{nid}/assessments", json={"scores": scores}, headers=reviewer
    )
    assert response.status_code == 201 and response.get_json()["total"] == 50
    detail = client.get(f"{API}/nominations/{nid}", headers=admin).get_json()
    assert detail["status"] == "assessed" and detail["proposes_award"] is False
    assert (
        client.post(
            f"{API}/nominations/{nid}/transitions", json={"to": "not_awarded"}, headers=admin
        ).status_code
        == 422
    )
    response = client.post(
        f"{API}/nominations/{nid}/transitions",
        json={"to": "not_awarded", "reason": "分数不足", "confirm": True},
        headers=admin,
    )
    assert response.status_code == 201 and response.get_json()["status"] == "not_awarded"
    assert len(response.get_json()["transitions"]) == 3
    listed = client.get(f"{API}/nominations?status=not_awarded", headers=admin).get_json()
    assert [n["id"] for n in listed] == [nid]
    assert (
        client.post(
            f"{API}/criteria", json={"tier": "village", "title": "新"}, headers=reviewer
        ).status_code
        == 403
    )
    response = client.patch(
        f"{API}/criteria/{_criteria(Tier.VILLAGE)[0].id}", json={"active": False}, headers=admin
    )
    assert response.status_code == 200 and response.get_json()["active"] is False
    assert client.post(f"{API}/rounds", json={"year": YEAR}, headers=admin).status_code == 422
    assert client.get(f"{API}/nominations", headers=bearer(mc.member)).status_code == 200
    assert (
        client.post(f"{API}/nominations", json=body, headers=bearer(mc.member)).status_code == 403
    )
    spec = client.get("/api/v1/openapi.json").get_json()
    assert f"{API}/nominations/{{nomination_id}}/assessments" in spec["paths"]


def test_disabled_plugin_hides_everything_and_keeps_data(mc, app, client, login, bearer):
    nomination = _nominate(mc)
    headers = bearer(mc.admin)
    login("admin")
    assert b"/plugins/model_campaign/" in client.get("/").data
    set_enabled(app, "model_campaign", False)
    assert client.get(f"{PAGES}/").status_code == 404
    assert client.get(f"{API}/nominations", headers=headers).status_code == 404
    assert b"/plugins/model_campaign/" not in client.get("/").data
    set_enabled(app, "model_campaign", True)
    assert db.session.get(Nomination, nomination.id) is not None
    assert client.get(f"{PAGES}/nominations/{nomination.id}").status_code == 200


def _figures(section):
    return {str(f.label): f.value for f in section.figures}


def test_review_section_figures(mc, client):
    client.post("/lang/en")
    awarded = _nominate(mc)
    svc.assess(awarded, _scores(Tier.VILLAGE, 50, 25), "", mc.admin)
    svc.decide(awarded, "awarded", "", mc.admin)
    assessed = _nominate(mc, tier=Tier.HOUSEHOLD, household="王家")
    svc.assess(assessed, _scores(Tier.HOUSEHOLD), "", mc.admin)
    _nominate(mc, tier=Tier.HOUSEHOLD, household="李家")
    withdrawn = _nominate(mc, tier=Tier.TOWNSHIP, area=mc.township)
    svc.decide(withdrawn, "withdrawn", "", mc.admin)
    _nominate(mc, area=mc.other_village)  # another township: outside the subtree
    section = review_section(mc.township, date(YEAR, 1, 1), date(YEAR, 12, 31))
    values = [f.value for f in section.figures]
    assert values == [0, 0, 0, 1, 1, 1, 2, 1, 0]
    county = review_section(mc.county, date(YEAR, 1, 1), date(YEAR, 12, 31))
    assert [f.value for f in county.figures][3] == 2
    awarded_table = section.tables[-1]
    assert awarded_table.rows == ((svc.tier_label(Tier.VILLAGE), "戴家村", ""),)
    empty = review_section(mc.township, date(YEAR - 5, 1, 1), date(YEAR - 5, 12, 31))
    assert len(empty.figures) == 1


def _queries(app, area):
    with count_queries() as statements:
        db.session.expire_all()
        review_section(area, date(YEAR, 1, 1), date(YEAR, 12, 31))
    return len(statements)


def test_review_section_query_count_is_constant(mc, app):
    def add(n):
        for i in range(n):
            village = add_area(f"村{i}-{n}", AreaKind.VILLAGE, mc.township)
            nomination = _nominate(mc, area=village)
            svc.assess(nomination, _scores(Tier.VILLAGE, 50, 25), "", mc.admin)
            svc.decide(nomination, "awarded", "", mc.admin)

    add(3)
    small = _queries(app, mc.township)
    add(30)
    assert _queries(app, mc.township) == small <= 5  # the area (reloaded after expire_all) and four


def test_demo_data_builds_and_is_idempotent(mc, app):
    db.session.execute(Criterion.__table__.delete())
    db.session.execute(Round.__table__.delete())
    db.session.commit()
    for name in "甲乙丙":
        township = add_area(f"{name}镇", AreaKind.TOWNSHIP, mc.county)
        for i in range(4):
            add_area(f"{name}{i}村", AreaKind.VILLAGE, township)
    db.session.commit()
    counts = build(7, date.today())
    db.session.commit()
    assert counts["criteria"] == 14 and counts["nominations"] == 36
    assert counts["withdrawn"] == 1 and counts["assessed"] > 20
    assert db.session.scalar(select(func.count(Score.id))) > 0
    assert build(7, date.today()) == {}
    assert db.session.scalar(select(func.count(Nomination.id))) == 36
