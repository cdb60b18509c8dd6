"""The WTForms forms of Kepu's pages, one module per area, and the helpers they share.

Select fields take ``SelectChoice`` lists (WTForms 3.3 deprecates tuples); the views fill in
choices from the database with the ``*_choices`` functions here and in the area modules.
WTForms checks types and required fields only; the rules that need the database live in
``core.services``, whose ``FieldErrors`` the views put on the form with ``show_errors``.
"""

from collections.abc import Iterable, Mapping
from enum import StrEnum

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import SelectMultipleField
from wtforms.fields import SelectChoice
from wtforms.validators import Regexp
from wtforms.widgets import CheckboxInput, ListWidget

from core.extensions import db
from core.models import Area, AreaKind, Role, User
from core.models.enums import lazy_label
from core.services import PHONE_PATTERN

#: ``render_kw`` of a whole-number input: the numeric keyboard on phones, nothing negative
NUMBER = {"inputmode": "numeric", "min": 0}

#: the services' phone rule, checked in the form too so the message shows at once
PHONE = Regexp(PHONE_PATTERN, message=_l("Use digits, spaces and + - ( ) only."))


def optional_int(value) -> int | None:
    """Coerce a select's value: '' means none, anything else must be a whole number.

    ``None`` and the text ``"None"`` mean none too; anything else raises ValueError, which
    WTForms shows as an invalid choice.
    """
    if value is None or value == "" or value == "None":
        return None
    return int(value)


def placeholder(text=None) -> SelectChoice:
    """The empty first option of a select (``Choose…`` unless ``text`` is given)."""
    return SelectChoice("", text or _l("Choose…"))


def _blank(text) -> SelectChoice:
    # ``text`` as given, without placeholder()'s ``or``: testing a lazy label's truth at
    # import time (enum choices in class bodies) would translate it outside any request
    return SelectChoice("", text)


def show_errors(
    form, errors: Mapping[str, list[str]], fields: Mapping[str, str] | None = None
) -> None:
    """Put a service's ``FieldErrors`` next to the form's fields (others above the form).

    ``fields`` renames service names to form field names where they differ.
    """
    for name, messages in errors.items():
        field = form._fields.get((fields or {}).get(name, name))
        if field is None:
            form.form_errors.extend(messages)
        else:
            field.errors = [*field.errors, *messages]


def enum_choices(enum_cls: type[StrEnum], blank=None) -> list[SelectChoice]:
    """Choices of an enum with translated labels, optionally after a blank option."""
    head = [_blank(blank)] if blank is not None else []
    return head + [SelectChoice(m.value, lazy_label(m)) for m in enum_cls]


def choices_of(rows: Iterable, blank=None, text=lambda row: row.name) -> list[SelectChoice]:
    """Choices of model rows by id, optionally after a blank option."""
    head = [_blank(blank)] if blank is not None else []
    return head + [SelectChoice(row.id, text(row)) for row in rows]


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes; templates render it in a fieldset."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def scoped_areas(user: User) -> dict[int, Area]:
    """Townships and villages the user may filter by (a reviewer's subtree, or all), by id."""
    query = select(Area).where(Area.kind.in_([AreaKind.TOWNSHIP, AreaKind.VILLAGE]))
    if user.role == Role.REVIEWER:
        if user.area is None:
            return {}
        query = query.where(Area.in_subtree_of(user.area))
    return {a.id: a for a in db.session.execute(query.order_by(Area.name, Area.id)).scalars()}


def grouped_villages(villages: Iterable[Area], names: Mapping[int, str]) -> list[SelectChoice]:
    """Village options in optgroups named after their township (``names`` by area id), both
    sorted by name."""
    rows = sorted(villages, key=lambda v: (names.get(v.parent_id, ""), v.name))
    return [SelectChoice(str(v.id), v.name, optgroup=names.get(v.parent_id) or None) for v in rows]


def area_filter_choices(areas: Mapping[int, Area]) -> tuple[list, list]:
    """(townships, villages grouped by township) choices for list filters."""
    townships = [placeholder(_l("All townships"))] + [
        SelectChoice(str(a.id), a.name) for a in areas.values() if a.kind == AreaKind.TOWNSHIP
    ]
    return townships, [placeholder(_l("All villages"))] + grouped_villages(
        [a for a in areas.values() if a.kind == AreaKind.VILLAGE],
        {a.id: a.name for a in areas.values()},
    )


def village_choices() -> list[SelectChoice]:
    """Every village, grouped by township, for the team and farm forms."""
    villages = db.session.execute(
        select(Area).where(Area.kind == AreaKind.VILLAGE).options(joinedload(Area.parent))
    ).scalars()
    villages = list(villages)
    names = {v.parent_id: v.parent.name for v in villages if v.parent is not None}
    return [placeholder()] + grouped_villages(villages, names)
