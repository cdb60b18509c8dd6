"""The review's trend charts, rendered on the server as inline SVG with pygal.

Each chart comes with its numbers as a table (for screen readers and print), a title and a
description referenced from the SVG (``role="img"``, ``aria-labelledby``). Nothing loads from
elsewhere: pygal's JavaScript is off (``js=[]``), its inline config script and comments are
removed, and the fonts are the reader's own.
"""

import functools
import html
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from flask_babel import gettext as _
from markupsafe import Markup, escape

from core.dates import months_between
from core.models import VisitKind
from core.models.enums import label
from core.review.figures import TeamFigures
from core.review.rollup import AreaFigures

if TYPE_CHECKING:
    from pygal.graph.graph import Graph
    from pygal.style import Style


@functools.cache
def _pygal():
    """pygal, imported on the first chart drawn (not at start-up: most processes draw none)."""
    import pygal

    # pygal appends a legacy import hook for its map plugins (pygal.maps.*) that has no
    # find_spec, so every later failed import warns (ImportWarning). Kepu draws no maps: drop it.
    sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "PluginImportFixer"]
    return pygal


#: system fonts only: Chinese text falls back to the reader's CJK sans-serif font
FONTS = 'system-ui, "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", sans-serif'
#: the font size of bar labels (see :func:`_label_margin`)
LABEL_FONT_SIZE = 14


@functools.cache
def style() -> "Style":
    """The style of every chart."""
    _pygal()
    from pygal.style import Style

    return Style(
        font_family=FONTS,
        label_font_family=FONTS,
        major_label_font_family=FONTS,
        value_font_family=FONTS,
        value_label_font_family=FONTS,
        tooltip_font_family=FONTS,
        title_font_family=FONTS,
        legend_font_family=FONTS,
        no_data_font_family=FONTS,
        background="white",
        plot_background="white",
        foreground="#222",
        foreground_strong="#111",
        foreground_subtle="#666",
        colors=("#1f6f50", "#c0392b", "#2e5e9e", "#d68910", "#6c3483", "#7f8c8d"),
        title_font_size=17,
        label_font_size=LABEL_FONT_SIZE,
        major_label_font_size=14,
        legend_font_size=14,
        value_font_size=13,
    )


#: drawing width: about a phone's and half a desktop's, so text is drawn near its own size
WIDTH = 440
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_STYLE_ELEMENT = re.compile(r"<style\b[^>]*>(.*?)</style>", re.S)
_CHART_ID = re.compile(r"#chart-[0-9a-f-]{36}")
#: the class every chart's root carries; the shared stylesheet is scoped to it
CHART_CLASS = "kepu-chart"
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_ROOT = re.compile(r"<svg\b([^>]*)>")


@dataclass(frozen=True)
class Chart:
    """A rendered chart and the same numbers as a table."""

    #: stable id, used for anchors and the SVG title/desc ids
    key: str
    title: str
    #: one sentence saying what the chart shows
    description: str
    #: the inline SVG
    svg: Markup
    columns: tuple[str, ...]
    rows: tuple[tuple, ...]


def _render(chart: "Graph", key: str, title: str, description: str) -> Markup:
    """The chart as clean inline SVG with an accessible name and description."""
    svg = chart.render(is_unicode=True)
    svg = _COMMENT.sub("", _SCRIPT.sub("", svg)).replace(' xmlns="http://www.w3.org/2000/svg"', "")
    # The page's Content-Security-Policy allows no inline styles: pygal's <style> moves to
    # stylesheet() (served as a file) and its one style attribute becomes an SVG attribute.
    svg = _STYLE_ELEMENT.sub("", svg).replace(' style="opacity: 0"', ' opacity="0"')
    svg = svg.replace('class="pygal-chart"', f'class="pygal-chart {CHART_CLASS}"', 1)
    head = (
        f'<svg\\1 role="img" aria-labelledby="{key}-title {key}-desc" '
        f'preserveAspectRatio="xMidYMid meet"><title id="{key}-title">{escape(title)}</title>'
        f'<desc id="{key}-desc">{escape(description)}</desc>'
    )
    return Markup(_ROOT.sub(head, svg, count=1))


@functools.cache
def stylesheet() -> str:
    """The CSS of every chart (pygal's, scoped to :data:`CHART_CLASS`), served as a file.

    pygal writes the same rules for every chart drawn with :func:`style`, prefixed with the
    chart's random id; rendering one sample chart and rescoping them gives the shared sheet.
    """
    sample = _pygal().Bar(**_config())
    for _series in range(12):  # pygal writes a colour rule per series the chart has
        sample.add("", [1])
    # unescaped: inside the SVG's <style> pygal writes ">" as "&gt;"
    rules = html.unescape("".join(_STYLE_ELEMENT.findall(sample.render(is_unicode=True))))
    return _CHART_ID.sub(f".{CHART_CLASS}", rules)


def _config(**extra) -> dict:
    """Options shared by every chart."""
    return {
        "js": [],
        "style": style(),
        "disable_xml_declaration": True,
        "width": WIDTH,
        "height": 400,
        "legend_at_bottom": True,
        "print_values": False,
        "explicit_size": False,
        "no_prefix": False,
        "truncate_legend": 30,
        "truncate_label": 20,
        **extra,
    }


def _label_margin(labels: Iterable[str]) -> int:
    """Extra left margin for bar labels: pygal measures every character as narrow, but
    Chinese characters are about twice as wide."""
    wide = max((sum(1 for ch in text if ord(ch) > 0x2E80) for text in labels), default=0)
    return 20 + wide * LABEL_FONT_SIZE // 2


def _integer_ticks(top: int) -> list[int] | None:
    """Whole-number ticks for small counts (pygal would draw 0.2, 0.4 ...)."""
    return list(range(0, top + 1)) if 0 < top <= 10 else None


def visits_by_month(
    months: Mapping[tuple[int, int], Mapping[str, int]], start: date, end: date
) -> Chart:
    """Stacked bars: visits per month, one colour per kind."""
    title = _("Visits per month by kind")
    keys = months_between(start, end)
    names = [f"{y}-{m:02d}" for y, m in keys]
    rows = tuple(
        (
            name,
            *(months.get(k, {}).get(kind.value, 0) for kind in VisitKind),
            sum(months.get(k, {}).values()),
        )
        for name, k in zip(names, keys, strict=True)
    )
    chart = _pygal().StackedBar(
        **_config(
            x_label_rotation=-45 if len(keys) > 6 else 0,
            y_labels=_integer_ticks(max(r[-1] for r in rows)),
        )
    )
    chart.title = title
    chart.x_labels = names
    for kind in VisitKind:
        chart.add(label(kind), [months.get(k, {}).get(kind.value, 0) for k in keys])
    description = _(
        "%(visits)s visits in %(months)s months, stacked by kind.",
        visits=sum(r[-1] for r in rows),
        months=len(keys),
    )
    return Chart(
        "chart-months",
        title,
        description,
        _render(chart, "chart-months", title, description),
        (_("Month"), *(label(k) for k in VisitKind), _("Visits")),
        rows,
    )


def top_teams(teams: Iterable[TeamFigures], top: int) -> list[tuple[str, int]]:
    """(team name, people reached) of the ``top`` teams, then "Other teams" with the rest."""
    ranked = sorted(teams, key=lambda t: (-t.people_reached, t.team_name))
    rows = [(t.team_name, t.people_reached) for t in ranked[:top]]
    rest = ranked[top:]
    if rest:
        rows.append((_("Other teams (%(n)s)", n=len(rest)), sum(t.people_reached for t in rest)))
    return rows


def people_by_team(teams: Sequence[TeamFigures], top: int) -> Chart:
    """Horizontal bars: people reached by the ``top`` teams; the others are a number in the
    description and a row of the table, never a bar (theirs would dwarf every other)."""
    title = _("People reached per team")
    rows = top_teams(teams, top)
    bars = rows[: min(top, len(teams))]
    chart = _pygal().HorizontalBar(
        **_config(
            show_legend=False,
            height=max(220, 80 + 36 * len(bars)),
            print_values=True,
            margin_left=_label_margin(name for name, _n in bars),
        )
    )
    chart.title = title
    # pygal draws the first label at the bottom: reverse so the largest is on top
    chart.x_labels = [name for name, _n in reversed(bars)]
    chart.add(_("People reached"), [n for _name, n in reversed(bars)])
    description = _(
        "%(people)s people reached by %(teams)s teams; the %(top)s teams that "
        "reached most are shown.",
        people=sum(n for _name, n in rows),
        teams=len(teams),
        top=len(bars),
    )
    if len(rows) > len(bars):
        description += " " + _(
            "The other %(n)s teams reached %(people)s people together.",
            n=len(teams) - len(bars),
            people=rows[-1][1],
        )
    return Chart(
        "chart-people",
        title,
        description,
        _render(chart, "chart-people", title, description),
        (_("Team"), _("People reached")),
        tuple(rows),
    )


def coverage(areas: Sequence[AreaFigures]) -> Chart:
    """Bars: the share of farms visited in the period, per child area (or the area alone)."""
    title = _("Share of farms covered")
    shown = [a for a in areas if not a.total] or list(areas)
    chart = _pygal().HorizontalBar(
        **_config(
            show_legend=False,
            height=max(220, 80 + 36 * len(shown)),
            range=(0, 100),
            y_labels=[0, 25, 50, 75, 100],
            margin_left=_label_margin(a.area_name for a in shown),
            print_values=True,
            value_formatter=lambda v: f"{v:.0f}%",
        )
    )
    chart.title = title
    chart.x_labels = [a.area_name for a in reversed(shown)]
    chart.add(_("Farms covered"), [round(100 * (a.coverage or 0), 1) for a in reversed(shown)])
    rows = tuple(
        (
            a.area_name,
            a.farms,
            a.farms_covered,
            f"{100 * a.coverage:.1f}%" if a.coverage is not None else "",
        )
        for a in shown
    )
    description = _(
        "Per area, the percentage of its farms that had at least one visit in the period."
    )
    return Chart(
        "chart-coverage",
        title,
        description,
        _render(chart, "chart-coverage", title, description),
        (_("Area"), _("Farms"), _("Farms visited"), _("Share")),
        rows,
    )
