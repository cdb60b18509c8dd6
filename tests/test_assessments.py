"""The year-end assessment: rubric, scoring, ranking, proposal, confirmation, pages and API."""

from datetime import date

import pytest

from core.extensions import db
from core.models import (
    AnnualAssessment,
    AssessmentResult,
    AssessmentStatus,
    Direction,
    Outcome,
    Rectification,
    Role,
    RubricCriterion,
)
from core.services import Conflict, FieldErrors
from core.services.assessments import (
    Decision,
    assessment_view,
    confirm,
    normalise,
    save_manual_scores,
    save_settings,
)
from core.services.rubric import (
    DEFAULT_RUBRIC,
    CriterionInput,
    delete_criterion,
    ensure_rubric,
    save_criterion,
)
from tests.assessment_support import TODAY, YEAR, AssessmentWorld


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    monkeypatch.setattr("core.rules.today", lambda: TODAY)


@pytest.fixture
def aw(world):
    return AssessmentWorld(world)


@pytest.fixture
def scored(aw):
    """The simple rubric, the proposal set to top 1 / bottom 1, and hand scores entered."""
    visits, breaks, manual = aw.simple_rubric()
    save_settings(aw.township, YEAR, "top_n", 1, 1)
    save_manual_scores(
        aw.township,
        YEAR,
        {
            (aw.team_a.id, manual.id): 50,
            (aw.team_b.id, manual.id): 100,
            (aw.team_c.id, manual.id): 0,
        },
    )
    return visits, breaks, manual


# --- rubric ---------------------------------------------------------------------------------


def test_default_rubric_is_seeded_once(app):
    rows = ensure_rubric()
    assert [c.metric for c in rows] == [m for _n, m, _w, _d, _t in DEFAULT_RUBRIC]
    assert sum(c.weight for c in rows) == 100
    assert len(ensure_rubric()) == len(DEFAULT_RUBRIC)


def test_default_rubric_names_are_in_the_default_language(app, monkeypatch):
    monkeypatch.setitem(app.config, "BABEL_DEFAULT_LOCALE", "en")
    rows = ensure_rubric()
    assert rows[0].name == "Visits to farms"


def test_criterion_validation(app):
    with pytest.raises(FieldErrors) as exc:
        save_criterion(CriterionInput(name=" ", metric="nonsense", weight=0, direction="up"))
    assert set(exc.value.errors) == {"name", "metric", "weight", "direction"}
    assert db.session.scalar(db.select(db.func.count(RubricCriterion.id))) == 0


def test_criterion_create_edit_delete_and_keep_one(app):
    ensure_rubric()
    c = save_criterion(CriterionInput(name="讲座", metric="events_held", weight=5))
    assert c.position > 0 and c.direction == Direction.HIGHER
    save_criterion(
        CriterionInput(
            name="讲座场次", metric="events_held", weight=7, direction="lower", position=1
        ),
        c,
    )
    assert (c.name, c.weight, c.direction, c.position) == ("讲座场次", 7, Direction.LOWER, 1)
    for row in ensure_rubric()[1:]:
        delete_criterion(row)
    with pytest.raises(Conflict):
        delete_criterion(ensure_rubric()[0])


# --- scoring --------------------------------------------------------------------------------


def test_normalise_min_max_and_ties():
    assert normalise({1: 3, 2: 1, 3: 0}, Direction.HIGHER) == {1: 100.0, 2: 100 / 3, 3: 0.0}
    assert normalise({1: 0, 2: 9}, Direction.LOWER) == {1: 100.0, 2: 0.0}
    assert normalise({1: 4, 2: 4}, Direction.HIGHER) == {1: 100.0, 2: 100.0}
    assert normalise({1: 0, 2: 0}, Direction.HIGHER) == {1: 0.0, 2: 0.0}
    assert normalise({1: 0, 2: 0}, Direction.LOWER) == {1: 100.0, 2: 100.0}


def test_scores_ranks_and_proposal(aw, scored):
    visits, breaks, manual = scored
    view = assessment_view(aw.township, YEAR)
    by = {r.team_id: r for r in view.results}
    a, b, c = by[aw.team_a.id], by[aw.team_b.id], by[aw.team_c.id]
    assert [r.team_id for r in view.results] == [aw.team_a.id, aw.team_b.id, aw.team_c.id]
    assert a.raw[visits.id] == 3 and b.raw[visits.id] == 1 and c.raw[visits.id] == 0
    assert c.raw[breaks.id] == 9  # too small (1) + 8 members without a farm
    assert a.scores[breaks.id] == b.scores[breaks.id] == 100 and c.scores[breaks.id] == 0
    # (50*100 + 30*100 + 20*50)/100, (50*33.3 + 30*100 + 20*100)/100, 0
    assert (a.total, b.total, c.total) == (90.0, 66.7, 0.0)
    assert (a.rank, b.rank, c.rank) == (1, 2, 3)
    assert (a.proposed, b.proposed, c.proposed) == (
        Outcome.COMMEND,
        Outcome.NONE,
        Outcome.CRITICISE,
    )
    assert c.rule_breaks and "8" in c.proposed_reason
    assert view.missing == [] and not view.confirmed


def test_top_percent_and_rule_breakers_never_commended(aw, scored):
    save_settings(aw.township, YEAR, "top_percent", 100, 0)
    view = assessment_view(aw.township, YEAR)
    outcomes = {r.team_id: r.proposed for r in view.results}
    # every team is in the top 100%, but C broke a rule: criticised, not commended
    assert outcomes == {
        aw.team_a.id: Outcome.COMMEND,
        aw.team_b.id: Outcome.COMMEND,
        aw.team_c.id: Outcome.CRITICISE,
    }
    save_settings(aw.township, YEAR, "top_percent", 34, 0)  # ceil(3 * 0.34) = 2 places
    view = assessment_view(aw.township, YEAR)
    assert [r.proposed for r in view.results][:2] == [Outcome.COMMEND, Outcome.COMMEND]


def test_equal_totals_share_a_rank(aw, scored):
    _visits, _breaks, manual = scored
    db.session.execute(db.delete(RubricCriterion).where(RubricCriterion.id != manual.id))
    db.session.commit()
    save_manual_scores(aw.township, YEAR, {(aw.team_b.id, manual.id): 50})
    ranks = {r.team_id: r.rank for r in assessment_view(aw.township, YEAR).results}
    assert ranks == {aw.team_a.id: 1, aw.team_b.id: 1, aw.team_c.id: 3}


def test_settings_and_scores_are_validated(aw, scored):
    _visits, breaks, manual = scored
    with pytest.raises(FieldErrors) as exc:
        save_settings(aw.township, YEAR, "best", -1, None)
    assert set(exc.value.errors) == {"commend_mode", "commend_value", "criticise_bottom"}
    with pytest.raises(FieldErrors) as exc:
        save_manual_scores(
            aw.township,
            YEAR,
            {
                (aw.team_a.id, manual.id): 101,
                (aw.team_a.id, breaks.id): 5,
                (aw.world.other_team.id, manual.id): 5,
            },
        )
    assert len(exc.value.errors) == 3
    assert assessment_view(aw.township, YEAR).results[0].scores[manual.id] == 50


def test_missing_hand_scores_block_confirmation(aw):
    aw.simple_rubric()
    view = assessment_view(aw.township, YEAR)
    assert len(view.missing) == 3
    with pytest.raises(FieldErrors) as exc:
        confirm(aw.world.reviewer, aw.township, YEAR, [], date(2026, 12, 31))
    assert "scores" in exc.value.errors


def test_confirm_freezes_and_opens_rectifications(aw, scored):
    visits, _breaks, _manual = scored
    reviewer = aw.world.reviewer
    decisions = [Decision(aw.team_b.id, "commend", "进步明显")]
    confirm(reviewer, aw.township, YEAR, decisions, date(2026, 12, 31), "总体良好")
    assessment = db.session.scalar(db.select(AnnualAssessment))
    assert assessment.status == AssessmentStatus.CONFIRMED
    assert assessment.confirmed_by_id == reviewer.id and assessment.remarks == "总体良好"
    results = {r.team_id: r for r in assessment.results}
    assert results[aw.team_b.id].outcome == Outcome.COMMEND
    assert results[aw.team_b.id].proposed == Outcome.NONE
    assert results[aw.team_b.id].reason == "进步明显"
    assert results[aw.team_c.id].outcome == Outcome.CRITICISE
    items = db.session.scalars(db.select(Rectification)).all()
    assert [(i.team_id, i.deadline, i.result_id) for i in items] == [
        (aw.team_c.id, date(2026, 12, 31), results[aw.team_c.id].id)
    ]
    # frozen: later visits and rubric changes do not move the stored scores
    aw.visit(aw.team_c, aw.farm_b, date(2026, 10, 1), 999)
    for _ in range(5):
        aw.visit(aw.team_c, aw.farm_b, date(2026, 10, 2), 1)
    db.session.commit()
    save_criterion(CriterionInput(name="改名", metric="people_reached", weight=1), visits)
    view = assessment_view(aw.township, YEAR)
    assert view.confirmed and [r.total for r in view.results] == [90.0, 66.7, 0.0]
    assert view.criteria[0].name == "走访次数"
    with pytest.raises(Conflict):
        confirm(reviewer, aw.township, YEAR, [], date(2026, 12, 31))
    with pytest.raises(Conflict):
        save_manual_scores(aw.township, YEAR, {})


def test_changing_the_proposal_needs_a_reason(aw, scored):
    with pytest.raises(FieldErrors) as exc:
        confirm(
            aw.world.reviewer,
            aw.township,
            YEAR,
            [Decision(aw.team_c.id, "none", "  "), Decision(aw.team_a.id, "maybe")],
            date(2026, 12, 31),
        )
    assert set(exc.value.errors) == {f"decisions.{aw.team_c.id}", f"decisions.{aw.team_a.id}"}
    assert db.session.scalar(db.select(db.func.count(AssessmentResult.id))) == 0


def test_confirm_needs_a_future_deadline_for_criticisms(aw, scored):
    with pytest.raises(FieldErrors) as exc:
        confirm(aw.world.reviewer, aw.township, YEAR, [], date(2026, 1, 1))
    assert "deadline" in exc.value.errors
    with pytest.raises(FieldErrors):
        confirm(aw.world.reviewer, aw.township, YEAR, [], None)


# --- pages ----------------------------------------------------------------------------------


def test_page_shows_scores_and_proposal(aw, scored, client, login):
    login("reviewer")
    html = client.get(f"/assessments?year={YEAR}").get_data(as_text=True)
    assert "石湫村二队" in html and "90.0" in html and "66.7" in html
    assert f'name="decision_{aw.team_c.id}"' in html


def test_page_scope(aw, client, login, world):
    login("reviewer")
    assert client.get(f"/assessments?area={world.other_township.id}").status_code == 403
    assert client.get("/assessments?area=99999").status_code == 404


def test_leader_has_no_assessment_page(aw, client, login):
    login("leader")
    assert client.get("/assessments").status_code == 403
    assert client.post(f"/assessments/{aw.township.id}/{YEAR}/confirm").status_code == 403


def test_page_hand_scores_and_confirmation(aw, client, login):
    _v, _b, manual = aw.simple_rubric()
    login("reviewer")
    url = f"/assessments/{aw.township.id}/{YEAR}"
    response = client.post(url + "/scores", data={f"score_{aw.team_a.id}_{manual.id}": "abc"})
    assert response.status_code == 200 and "abc" in response.get_data(as_text=True)
    scores = {
        f"score_{t.id}_{manual.id}": s
        for t, s in ((aw.team_a, 50), (aw.team_b, 100), (aw.team_c, 0))
    }
    assert client.post(url + "/scores", data=scores).status_code == 302
    client.post(
        url + "/settings", data={"commend_mode": "top_n", "commend_value": 1, "criticise_bottom": 1}
    )
    form = {
        f"decision_{aw.team_c.id}": "none",
        f"reason_{aw.team_c.id}": "",
        "deadline": "2026-12-31",
    }
    response = client.post(url + "/confirm", data=form)
    assert response.status_code == 200
    assert "give a reason" in response.get_data(as_text=True) or "理由" in response.get_data(
        as_text=True
    )
    form[f"reason_{aw.team_c.id}"] = "已当场整改"
    assert client.post(url + "/confirm", data=form).status_code == 302
    result = db.session.scalar(
        db.select(AssessmentResult).where(AssessmentResult.team_id == aw.team_c.id)
    )
    assert result.outcome == Outcome.NONE and result.reason == "已当场整改"
    assert db.session.scalar(db.select(db.func.count(Rectification.id))) == 0


def test_rubric_pages(world, client, login):
    login("admin")
    assert client.get("/assessments/criteria").status_code == 200
    response = client.post(
        "/assessments/criteria/new",
        data={"name": "", "metric": "visits", "weight": "0", "direction": "higher"},
    )
    assert response.status_code == 200
    response = client.post(
        "/assessments/criteria/new",
        data={
            "name": "农户覆盖",
            "metric": "households_reached",
            "weight": "15",
            "direction": "higher",
        },
    )
    assert response.status_code == 302
    assert db.session.scalar(db.select(RubricCriterion).where(RubricCriterion.name == "农户覆盖"))


def test_reviewers_read_the_rubric(world, client, login):
    login("reviewer")
    assert client.get("/assessments/criteria").status_code == 200
    assert client.get("/assessments/criteria/new").status_code == 403


# --- API ------------------------------------------------------------------------------------


def test_api_get_patch_and_confirm(aw, bearer, client):
    _v, _b, manual = aw.simple_rubric()
    headers = bearer(aw.world.reviewer)
    url = f"/api/v1/assessments/{YEAR}?area={aw.township.id}"
    body = client.get(url, headers=headers).get_json()
    assert body["status"] == "draft" and len(body["missing_scores"]) == 3
    scores = [
        {"team_id": t.id, "criterion_id": manual.id, "score": s}
        for t, s in ((aw.team_a, 50), (aw.team_b, 100), (aw.team_c, 0))
    ]
    response = client.patch(
        url,
        json={"scores": scores, "commend_mode": "top_n", "commend_value": 1, "criticise_bottom": 1},
        headers=headers,
    )
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert [r["total"] for r in body["results"]] == [90.0, 66.7, 0.0]
    assert [r["proposed"] for r in body["results"]] == ["commend", "none", "criticise"]
    confirm_url = f"/api/v1/assessments/{YEAR}/confirm?area={aw.township.id}"
    response = client.post(
        confirm_url,
        json={
            "decisions": [{"team_id": aw.team_a.id, "outcome": "none"}],
            "deadline": "2026-12-31",
        },
        headers=headers,
    )
    assert response.status_code == 422
    assert f"decisions.{aw.team_a.id}" in response.get_json()["errors"]["json"]
    response = client.post(confirm_url, json={"deadline": "2026-12-31"}, headers=headers)
    assert response.status_code == 200 and response.get_json()["status"] == "confirmed"
    assert client.post(confirm_url, json={}, headers=headers).status_code == 409
    assert client.delete(url, headers=headers).status_code == 409
    listed = client.get("/api/v1/assessments/", headers=headers)
    assert listed.status_code == 200 and len(listed.get_json()) == 1


def test_api_scope_and_roles(aw, bearer, client, world):
    reviewer = bearer(world.reviewer)
    other = f"/api/v1/assessments/{YEAR}?area={world.other_township.id}"
    assert client.get(other, headers=reviewer).status_code == 403
    assert (
        client.get(
            f"/api/v1/assessments/{YEAR}?area={world.village.id}", headers=reviewer
        ).status_code
        == 422
    )
    leader = bearer(world.leader)
    assert (
        client.get(f"/api/v1/assessments/{YEAR}?area={aw.township.id}", headers=leader).status_code
        == 403
    )


def test_api_rubric_is_admin_crud(app, bearer, client, world):
    admin, reviewer = bearer(world.admin), bearer(world.reviewer)
    assert len(client.get("/api/v1/assessments/criteria", headers=reviewer).get_json()) == 7
    new = {"name": "讲座", "metric": "events_held", "weight": 5}
    assert (
        client.post("/api/v1/assessments/criteria", json=new, headers=reviewer).status_code == 403
    )
    response = client.post("/api/v1/assessments/criteria", json=new, headers=admin)
    assert response.status_code == 201
    cid = response.get_json()["id"]
    response = client.patch(
        f"/api/v1/assessments/criteria/{cid}", json={"weight": 0}, headers=admin
    )
    assert response.status_code == 422
    response = client.patch(
        f"/api/v1/assessments/criteria/{cid}", json={"direction": "lower"}, headers=admin
    )
    assert response.get_json()["direction"] == "lower"
    assert client.delete(f"/api/v1/assessments/criteria/{cid}", headers=admin).status_code == 204
    assert world.admin.role == Role.ADMIN


def test_confirmed_page_shows_decisions_and_no_forms(aw, scored, client, login):
    confirm(aw.world.reviewer, aw.township, YEAR, [], date(2026, 12, 31))
    login("reviewer")
    html = client.get(f"/assessments?year={YEAR}").get_data(as_text=True)
    assert "/rectifications/new?result=" in html
    assert 'name="decision_' not in html and 'name="score_' not in html
    url = f"/assessments/{aw.township.id}/{YEAR}"
    response = client.post(url + "/confirm", data={"deadline": "2026-12-31"})
    assert response.status_code == 302  # refused with a message: already confirmed
    assert db.session.scalar(db.select(db.func.count(AssessmentResult.id))) == 3


def test_rectification_from_a_criticism(aw, scored, client, login):
    confirm(aw.world.reviewer, aw.township, YEAR, [], date(2026, 12, 31))
    result = db.session.scalar(
        db.select(AssessmentResult).where(AssessmentResult.outcome == Outcome.CRITICISE)
    )
    login("reviewer")
    assert client.get(f"/rectifications/new?result={result.id}").status_code == 200
    response = client.post(
        f"/rectifications/new?result={result.id}",
        data={"title": "补充队员", "requirement": "两个月内补足10名队员", "deadline": "2027-01-31"},
    )
    assert response.status_code == 302
    items = db.session.scalars(
        db.select(Rectification)
        .where(Rectification.result_id == result.id)
        .order_by(Rectification.id)
    ).all()
    assert len(items) == 2 and items[1].team_id == aw.team_c.id
    assert client.get("/rectifications/new?result=99999").status_code == 404


def test_deleting_a_hand_scored_criterion_drops_its_scores(aw, scored):
    _visits, _breaks, manual = scored
    delete_criterion(manual)
    db.session.expire_all()
    view = assessment_view(aw.township, YEAR)
    assert [c.metric for c in view.criteria] == ["visits", "rule_breaks"]
    assert view.missing == [] and view.results[0].total == 100.0
    assessment = db.session.scalar(db.select(AnnualAssessment))
    assert assessment.manual_scores == []
