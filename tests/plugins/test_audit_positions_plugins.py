"""Model campaign decisions and reading-room commendations cite the audit trail's position."""

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from core.extensions import db
from core.models import AuditEvent, Visit
from core.plugins.state import set_enabled
from plugins.model_campaign import services as mc_svc
from plugins.model_campaign.models import Criterion, Round, Tier, Transition
from plugins.reading_rooms import services as rr_svc
from plugins.reading_rooms.models import Commendation
from tests.plugins.reading_rooms_helpers import API as RR_API
from tests.plugins.reading_rooms_helpers import BASE as RR_BASE
from tests.plugins.reading_rooms_helpers import Rooms

MC_API = "/api/v1/plugins/model_campaign"
MC_PAGES = "/plugins/model_campaign"
YEAR = date.today().year


def _last_event() -> int:
    return db.session.scalar(select(func.max(AuditEvent.id)))


def _change_a_visit(world) -> Visit:
    """A visit of the world's township, then changed: two changes to its records."""
    visit = world.make_visit()
    visit.people_reached += 1
    db.session.commit()
    return visit


def _line(html: str, element_id: str) -> dict:
    match = re.search(rf'<p class="muted provenance" id="{element_id}"[^>]*>.*?</p>', html, re.S)
    assert match, f"no {element_id}"
    line = match.group(0)
    position = re.search(r'data-position="(\d*)"', line).group(1)
    changes = re.search(r'data-changes="(\d*)"', line).group(1)
    link = re.search(r'href="([^"]+)"', line)
    return {
        "position": int(position) if position else None,
        "changes": int(changes) if changes else None,
        "link": link.group(1).replace("&amp;", "&") if link else None,
    }


# --- model campaign --------------------------------------------------------------------------


@pytest.fixture
def mc(app, world):
    """The plugin enabled, criteria of the village tier and this year's round."""
    set_enabled(app, "model_campaign", True)
    db.session.add_all(
        [
            Criterion(tier=Tier.VILLAGE, title="a", max_score=50, weight=1, position=1),
            Criterion(tier=Tier.VILLAGE, title="b", max_score=25, weight=2, position=2),
        ]
    )
    db.session.add(Round(year=YEAR, name=f"{YEAR}年度三级联创"))
    db.session.commit()
    return world


def _awarded(world):
    round_ = db.session.scalar(select(Round))
    nomination = mc_svc.create_nomination(
        mc_svc.NominationInput(
            round_.id, "village", world.village.id, "", None, "成效突出", "培训12场"
        ),
        world.admin,
    )
    first, second = mc_svc.active_criteria(Tier.VILLAGE)
    mc_svc.assess(nomination, {first.id: 40, second.id: 20}, "好", world.reviewer)
    mc_svc.decide(nomination, "awarded", "", world.admin)
    return nomination


def test_every_transition_keeps_the_position(mc):
    nomination = _awarded(mc)
    positions = [t.audit_position for t in nomination.transitions]
    assert None not in positions and positions == sorted(positions)
    assert positions[-1] == _last_event()  # the decision's own writes included
    db.session.expire_all()
    stored = db.session.scalars(select(Transition).order_by(Transition.id)).all()
    assert [t.audit_position for t in stored] == positions
    assert mc_svc.decision_provenance(nomination)[0][1] == 0


def test_award_page_and_api_show_later_changes(mc, client, login, bearer):
    nomination = _awarded(mc)
    decision = nomination.transitions[-1]
    position = decision.audit_position
    visit = _change_a_visit(mc)
    mc.make_visit(team=mc.other_team, farm=mc.other_farm)  # another township: not counted
    login("admin")
    html = client.get(f"{MC_PAGES}/nominations/{nomination.id}").get_data(as_text=True)
    line = _line(html, f"mc-provenance-{decision.id}")
    assert line["position"] == position and line["changes"] == 2
    assert f"after={position}" in line["link"] and f"area={mc.village.id}" in line["link"]
    trail = client.get(
        f"/api/v1/audit?after={position}&area={mc.village.id}", headers=bearer(mc.admin)
    ).get_json()
    assert {(row["object_type"], row["object_id"]) for row in trail} == {("visits", str(visit.id))}
    assert len(trail) == 2

    body = client.get(
        f"{MC_API}/nominations/{nomination.id}", headers=bearer(mc.reviewer)
    ).get_json()
    last = body["transitions"][-1]
    assert last["to_status"] == "awarded"
    assert last["audit_position"] == position and last["changes_since"] == 2
    assert all("changes_since" in t for t in body["transitions"])


def test_the_link_is_for_admins_only(mc, client, login):
    nomination = _awarded(mc)
    _change_a_visit(mc)
    login("reviewer")
    html = client.get(f"{MC_PAGES}/nominations/{nomination.id}").get_data(as_text=True)
    line = _line(html, f"mc-provenance-{nomination.transitions[-1].id}")
    assert line["changes"] == 2 and line["link"] is None


# --- reading rooms ---------------------------------------------------------------------------


@pytest.fixture
def rooms(app, world):
    return Rooms(app, world)


def test_commendations_keep_the_position(rooms, world, client, login, bearer):
    made = rr_svc.confirm_commendations(2026, world.admin)
    position = made[0].audit_position
    assert position == _last_event() and {c.audit_position for c in made} == {position}
    db.session.expire_all()
    assert {c.audit_position for c in db.session.scalars(select(Commendation))} == {position}

    login("admin")
    url = f"{RR_BASE}/ranking?year=2026"
    assert _line(client.get(url).get_data(as_text=True), "rr-provenance") == {
        "position": position,
        "changes": 0,
        "link": None,
    }
    rooms.add(rooms.other, 2, 10, 1, 1)
    db.session.commit()
    line = _line(client.get(url).get_data(as_text=True), "rr-provenance")
    assert line["position"] == position and line["changes"] == 1
    assert line["link"] == f"/audit?after={position}"

    body = client.get(f"{RR_API}/ranking?year=2026", headers=bearer(world.admin)).get_json()
    assert {(c["audit_position"], c["changes_since"]) for c in body["confirmed"]} == {(position, 1)}
    again = client.post(f"{RR_API}/ranking/2026/confirm", headers=bearer(world.admin)).get_json()
    assert {c["changes_since"] for c in again} == {0}
    assert {c["audit_position"] for c in again} == {_last_event()}
