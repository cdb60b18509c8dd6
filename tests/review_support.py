"""Helpers of the review tests: reading the page's tables, counting queries, bulk data."""

import html
import re
from datetime import date, timedelta

from query_counter import count_queries  # noqa: F401  (re-exported)

from core.extensions import db
from core.models import AreaKind, Assignment, Farm, FarmKind, Member, Team, Visit, VisitKind
from core.services.areas import add_area

_TAG = re.compile(r"<[^>]+>")
_HIDDEN = re.compile(r'<span class="visually-hidden">.*?</span>', re.S)


def page_table(page: str, key: str) -> list[list[str]]:
    """The cells of the table ``data-table=key`` of a page, as text (heading row first)."""
    match = re.search(rf'<table[^>]*data-table="{re.escape(key)}"[^>]*>(.*?)</table>', page, re.S)
    assert match, f"no table {key}"
    body = re.sub(r"<caption.*?</caption>", "", match[1], flags=re.S)
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row, re.S)
        rows.append([html.unescape(_TAG.sub("", _HIDDEN.sub("", c))).strip() for c in cells])
    return rows


def table_links(page: str, key: str) -> list[str]:
    """Every link inside the table ``data-table=key``."""
    match = re.search(rf'<table[^>]*data-table="{re.escape(key)}"[^>]*>(.*?)</table>', page, re.S)
    return [html.unescape(h) for h in re.findall(r'href="([^"]+)"', match[1])]


def add_villages(township, n: int, visits_per_team: int, start: date) -> None:
    """``n`` villages of ``township``, each with a team of 3, two farms and visits."""
    kinds = list(VisitKind)
    for i in range(n):
        village = add_area(f"加村{township.id}-{i}", AreaKind.VILLAGE, township)
        team = Team(name=f"加队{township.id}-{i}", village=village)
        farms = [
            Farm(name=f"加场{township.id}-{i}-{j}", kind=FarmKind.LARGE_GROWER, village=village)
            for j in range(2)
        ]
        members = [Member(name=f"加员{i}-{j}", team=team) for j in range(3)]
        db.session.add_all([team, *farms, *members])
        db.session.add_all(Assignment(member=m, farm=farms[j % 2]) for j, m in enumerate(members))
        db.session.add_all(
            Visit(
                team=team,
                farm=farms[j % 2],
                visited_on=start + timedelta(days=j % 300),
                kind=kinds[j % len(kinds)],
                people_reached=j % 17,
                households_reached=j % 5,
            )
            for j in range(visits_per_team)
        )
    db.session.commit()
