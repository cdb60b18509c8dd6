"""One search box: the teams, members, farms, visits and events whose text holds a query.

Every group reads only what the user's scopes of ``core.permissions`` select, never a
soft-deleted row, and costs one SQL statement whatever it finds: the first ``GROUP_LIMIT``
rows and, beside each, the number of all matching rows (a window count). Matching is a
case-insensitive substring (``LIKE`` with the user's ``%`` and ``_`` escaped), the same on
SQLite and PostgreSQL. Rows are plain dicts, for the page and the API alike.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, Select, case, func, literal, null, or_, select
from sqlalchemy.orm import aliased

from core.extensions import db
from core.models import Area, Event, Farm, Member, Team, User, Visit
from core.models.base import utcnow
from core.permissions import (
    event_scope,
    farm_scope,
    member_phone_scope,
    member_scope,
    team_scope,
    visit_scope,
)
from core.services import FieldErrors

#: the longest query, in characters after trimming
MAX_QUERY = 100
#: rows shown per group (the group's total counts them all)
GROUP_LIMIT = 10
#: the groups, in the order they are shown
TYPES = ("teams", "members", "farms", "visits", "events")
#: characters of a visit's text shown around the match
EXCERPT = 80
#: what to type, shown for a blank query
HINT = _l(
    "Type part of a name, a village, a phone number or a word from the notes of a visit. "
    "Only what you may read is searched."
)
#: what people write between the digits of a phone number
PHONE_SEPARATORS = re.compile(r"[\s\-()]")


@dataclass
class Group:
    """One kind of record: the number of all matches and the first rows."""

    total: int = 0
    items: list[dict] = field(default_factory=list)


@dataclass
class Results:
    """What a search found: ``groups`` by type, in ``TYPES`` order (empty for no query)."""

    query: str
    groups: dict[str, Group] = field(default_factory=dict)

    @property
    def total(self) -> int:
        """Matches of every group."""
        return sum(group.total for group in self.groups.values())


def clean_query(raw: str | None) -> str:
    """The query trimmed; ``FieldErrors`` (field ``q``) when it is longer than ``MAX_QUERY``
    or holds a NUL character."""
    query = (raw or "").strip()
    if len(query) > MAX_QUERY:
        raise FieldErrors({"q": [_("Search for at most %(n)s characters.", n=MAX_QUERY)]})
    if "\x00" in query:  # PostgreSQL cannot compare text holding NUL
        raise FieldErrors({"q": [_("Remove the NUL character.")]})
    return query


def search(
    user: User, raw: str | None, types: Iterable[str] = TYPES, limit: int = GROUP_LIMIT
) -> Results:
    """Search the records ``user`` may read for ``raw``: one group per requested type.

    An empty query finds nothing (and runs no query); one longer than ``MAX_QUERY`` raises
    ``FieldErrors``. Each group costs exactly one SQL statement.
    """
    query = clean_query(raw)
    results = Results(query)
    if not query:
        return results
    wanted = set(types)
    for name in TYPES:
        if name in wanted:
            group = results.groups[name] = _run(_STATEMENTS[name](user, query), limit)
            if name == "visits":  # the texts searched make one excerpt around the match
                for item in group.items:
                    item["excerpt"] = _visit_excerpt(item, query)
    return results


def farm_matches(query: str) -> ColumnElement[bool]:
    """A WHERE clause on ``Farm``: the name, the contact (owner) or the industry (crop) holds
    ``query``; the farm list's text filter too, so its count is the search's."""
    return _any_holds(query, Farm.name, Farm.contact_name, Farm.industry)


def _any_holds(query: str, *columns) -> ColumnElement[bool]:
    """True when one of ``columns`` holds ``query``, ignoring case; ``%`` and ``_`` literal."""
    return or_(*(column.icontains(query, autoescape=True) for column in columns))


def _run(statement: Select, limit: int) -> Group:
    """One statement: the first ``limit`` rows, each carrying the count of all of them."""
    rows = db.session.execute(statement.add_columns(_TOTAL).limit(limit)).mappings().all()
    return Group(
        total=rows[0]["total"] if rows else 0,
        items=[{key: value for key, value in row.items() if key != "total"} for row in rows],
    )


#: the number of rows of the whole match, beside each row returned (before LIMIT applies)
_TOTAL = func.count().over().label("total")


def _teams(user: User, query: str) -> Select:
    """Teams by name, village or township name."""
    village, township = aliased(Area), aliased(Area)
    return (
        select(
            Team.id,
            Team.name,
            village.name.label("village"),
            township.name.label("township"),
        )
        .join(village, village.id == Team.village_id)
        .outerjoin(township, township.id == village.parent_id)
        .where(
            team_scope(user),
            Team.deleted_at.is_(None),
            _any_holds(query, Team.name, village.name, township.name),
        )
        .order_by(Team.name, Team.id)
    )


def _members(user: User, query: str) -> Select:
    """Members by name or speciality, and by phone where the user may see phones."""
    phone_visible = member_phone_scope(user)
    matches = [_any_holds(query, Member.name, Member.speciality)]
    digits = PHONE_SEPARATORS.sub("", query)
    if re.fullmatch(r"\+?[0-9]+", digits):
        # a number typed with or without its spaces and dashes finds it either way
        stored = func.replace(func.replace(Member.phone, " ", ""), "-", "")
        matches.append(phone_visible & stored.contains(digits, autoescape=True))
    return (
        select(
            Member.id,
            Member.name,
            Member.speciality,
            case((phone_visible, Member.phone), else_=null()).label("phone"),
            Member.team_id,
            Team.name.label("team"),
            case((Team.deleted_at.is_(None), literal(True)), else_=literal(False)).label(
                "team_live"
            ),
        )
        .outerjoin(Team, Team.id == Member.team_id)
        .where(member_scope(user), Member.deleted_at.is_(None), or_(*matches))
        .order_by(Member.name, Member.id)
    )


def _farms(user: User, query: str) -> Select:
    """Farms by name, contact (owner) or industry (crop)."""
    return (
        select(
            Farm.id,
            Farm.name,
            Farm.kind,
            Farm.industry,
            Farm.contact_name,
            Area.name.label("village"),
        )
        .join(Area, Area.id == Farm.village_id)
        .where(farm_scope(user), Farm.deleted_at.is_(None), farm_matches(query))
        .order_by(Farm.name, Farm.id)
    )


#: the texts of a visit searched, in the order an excerpt is taken from
VISIT_TEXTS = ("topics", "notes", "material", "questions")


def _visits(user: User, query: str) -> Select:
    """Visits by their texts (topics, notes, material, questions), newest first; deleted
    visits never (``HiddenWhenDeleted``)."""
    texts = [getattr(Visit, name) for name in VISIT_TEXTS]
    return (
        select(
            Visit.id,
            Visit.visited_on,
            Visit.kind,
            Visit.team_id,
            Team.name.label("team"),
            Visit.farm_id,
            Farm.name.label("farm"),
            *texts,
        )
        .join(Team, Team.id == Visit.team_id)
        .join(Farm, Farm.id == Visit.farm_id)
        .where(visit_scope(user), _any_holds(query, *texts))
        .order_by(Visit.visited_on.desc(), Visit.id.desc())
    )


def _events(user: User, query: str) -> Select:
    """Events by title or place: upcoming first (soonest first), then past (latest first)."""
    upcoming = Event.ends_at >= utcnow()
    return (
        select(
            Event.id,
            Event.title,
            Event.place,
            Event.starts_at,
            Event.all_day,
            Event.status,
        )
        .where(
            event_scope(user),
            Event.deleted_at.is_(None),
            _any_holds(query, Event.title, Event.place),
        )
        .order_by(
            case((upcoming, 0), else_=1),
            case((upcoming, Event.starts_at)),
            Event.starts_at.desc(),
            Event.id,
        )
    )


_STATEMENTS = {
    "teams": _teams,
    "members": _members,
    "farms": _farms,
    "visits": _visits,
    "events": _events,
}


def _visit_excerpt(item: dict, query: str) -> str:
    """The part of a visit's texts around the first match (what made it a result); the
    texts themselves leave ``item``."""
    texts = [" ".join((item.pop(name) or "").split()) for name in VISIT_TEXTS]
    needle = query.lower()
    for text in texts:
        at = text.lower().find(needle)
        if at >= 0:
            start = max(0, at - EXCERPT // 2)
            end = start + EXCERPT
            return ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    return ""
