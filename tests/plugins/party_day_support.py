"""Shared set-up of the party day tests: the plugin enabled, party days in the world's villages."""

from datetime import date, time

from core.extensions import db
from core.plugins.state import set_enabled
from plugins.party_day.models import PartyDay

PAGES = "/plugins/party_day"
API = "/api/v1/plugins/party_day"


def enable(app) -> None:
    """Switch the plugin on."""
    set_enabled(app, "party_day", True)


def make_day(village, held_on: date, present: int = 20, size: int = 30, **kw) -> PartyDay:
    """A party day of ``village`` held on ``held_on``."""
    row = PartyDay(
        village_id=village.id,
        held_on=held_on,
        start_time=kw.pop("start_time", time(9, 0)),
        topic=kw.pop("topic", "青梅病虫害绿色防控"),
        industry=kw.pop("industry", "梅子"),
        present=present,
        branch_size=size,
        revision=0,
        **kw,
    )
    db.session.add(row)
    db.session.commit()
    return row


def form(village, **overrides) -> dict:
    """A valid party day form for ``village``."""
    data = {
        "village_id": str(village.id),
        "held_on": "2026-04-10",
        "start_time": "09:30",
        "topic": "梅子栽培管理新技术",
        "industry": "梅子",
        "expert_name": "南京农业大学 王教授",
        "expert_topic": "保花保果",
        "present": "24",
        "branch_size": "31",
        "equipment_used": "村部电脑和投影仪",
        "notes": "",
    }
    return data | overrides
