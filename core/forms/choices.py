"""Long pickers grouped by township: the team (and farm) lists of selects and checkbox groups.

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


def by_township(rows: Iterable, blank=None) -> list[SelectChoice]:
    """Choices of ``rows`` (teams, farms: anything with ``id``, ``name`` and ``village_id``) by
    id, in optgroups named after their township, optionally after a blank option; townships
    by name, then rows by name (rows outside any township last)."""
    rows = list(rows)
    names = township_names(r.village_id for r in rows)

    def order(row):
        township = names.get(row.village_id)
        return (township is None, township or "", row.name, row.id)

    head = [_blank(blank)] if blank is not None else []
    return head + [
        SelectChoice(str(r.id), r.name, optgroup=names.get(r.village_id))
        for r in sorted(rows, key=order)
    ]


def team_choices(teams: Iterable[Team], blank=None) -> list[SelectChoice]:
    """Choices of ``teams`` grouped by township (see :func:`by_township`)."""
    return by_township(teams, blank)
