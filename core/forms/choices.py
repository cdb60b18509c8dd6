"""Long pickers grouped by township: the team lists of Kepu's selects and checkbox groups.

A county has about ninety teams; one flat list of them is hard to scan on a phone. Every team
option here sits in the ``<optgroup>`` of its village's township (``SelectChoice.optgroup``,
which WTForms renders), townships and teams sorted by name. ``SEARCHABLE`` marks a field for
``static/picker.js``, which adds a filter box above it; without JavaScript the list works as
before. Village lists are grouped the same way by ``core.forms.grouped_villages``.
"""

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import aliased
from wtforms.fields import SelectChoice

from core.extensions import db
from core.forms import _blank
from core.models import Area, Team

#: ``render_kw`` of a select (or checkbox group) that picker.js gives a filter box
SEARCHABLE = {"data-searchable": ""}


def township_names(village_ids: Iterable[int]) -> dict[int, str]:
    """The name of each village's parent area (its township), by village id, in one query."""
    ids = set(village_ids)
    if not ids:
        return {}
    parent = aliased(Area)
    rows = db.session.execute(
        select(Area.id, parent.name)
        .join(parent, parent.id == Area.parent_id)
        .where(Area.id.in_(ids))
    )
    return dict(rows.tuples().all())


def team_choices(teams: Iterable[Team], blank=None) -> list[SelectChoice]:
    """Choices of ``teams`` by id in optgroups named after their township, optionally after a
    blank option; townships by name, then teams by name (teams outside any township last)."""
    teams = list(teams)
    names = township_names(t.village_id for t in teams)

    def order(team: Team):
        township = names.get(team.village_id)
        return (township is None, township or "", team.name, team.id)

    head = [_blank(blank)] if blank is not None else []
    return head + [
        SelectChoice(str(t.id), t.name, optgroup=names.get(t.village_id))
        for t in sorted(teams, key=order)
    ]
