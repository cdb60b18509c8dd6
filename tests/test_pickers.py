"""Long pickers: team lists come grouped by township (optgroups, or one block of checkboxes per
township) and are marked for the filter box, on every page that offers a team."""

import re
from html.parser import HTMLParser

import pytest

from core.extensions import db

SOUTH, NORTH = "永阳镇", "洪蓝镇"  # the world's two townships


class Picker(HTMLParser):
    """The groups of one select (by id) or one data-searchable fieldset: [(label, [texts])]."""

    def __init__(self, target: str | None = None):
        super().__init__()
        self.target = target  # a select's id; None: the first data-searchable fieldset
        self.tag: str | None = None  # the picker's tag while inside it
        self.nested = 0  # same-tag elements open inside the picker
        self.searchable = False
        self.in_group = False
        self.groups: list[tuple[str | None, list[str]]] = []
        self.text: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        """Open the picker, a group, an option or a checkbox's label."""
        a = dict(attrs)
        if self.tag is None:
            if self.target is False:
                return
            if (tag == "select" and self.target and a.get("id") == self.target) or (
                tag == "fieldset" and self.target is None and "data-searchable" in a
            ):
                self.tag, self.searchable = tag, "data-searchable" in a
            return
        self.nested += tag == self.tag
        if tag == "optgroup" or (tag == "div" and "data-group" in a):
            self.groups.append((a.get("label") or a.get("data-group") or None, []))
            self.in_group = True
        elif tag == "option" or (tag == "label" and "choice" in (a.get("class") or "")):
            if not self.in_group:
                self.groups.append((None, []))
            self.text = []

    def handle_endtag(self, tag):
        """Close what was opened; the picker ends with its own tag."""
        if self.tag is None:
            return
        if tag in ("option", "label") and self.text is not None:
            self.groups[-1][1].append("".join(self.text).strip())
            self.text = None
        elif tag == "optgroup":
            self.in_group = False
        elif tag == self.tag:
            if self.nested:
                self.nested -= 1
            else:
                self.tag, self.target = None, False

    def handle_data(self, data):
        """Collect an option's text."""
        if self.text is not None:
            self.text.append(data)


def picker(html: str, target: str | None = None) -> tuple[bool, list]:
    """(marked searchable, named groups with their options) of a page's picker."""
    p = Picker(target)
    p.feed(html)
    return p.searchable, [(label, texts) for label, texts in p.groups if label]


GROUPED = [(SOUTH, ["戴家村服务队"]), (NORTH, ["傅家边村服务队"])]


@pytest.mark.parametrize(
    "path, select",
    [
        ("/visits/new", "team"),
        ("/visits", "team"),
        ("/plans/new", "team"),
        ("/plans", "team"),
        ("/events", "team"),
        ("/inspections", "team"),
        ("/inspections/new", "team_id"),
        ("/rectifications/new", "team_id"),
    ],
)
def test_team_selects_are_grouped_by_township(client, world, login, path, select):
    login("admin")
    html = client.get(path).get_data(as_text=True)
    searchable, groups = picker(html, select)
    assert searchable and groups == GROUPED, (path, groups)


def test_the_farm_filter_of_the_visits_is_grouped_by_township(client, world, login):
    login("admin")
    html = client.get("/visits").get_data(as_text=True)
    assert picker(html, "farm") == (True, [(SOUTH, ["戴家梅子基地"]), (NORTH, ["傅家边草莓园"])])


def test_the_user_form_groups_teams_by_township(client, world, login):
    login("admin")
    html = client.get(f"/users/{world.member.id}/edit").get_data(as_text=True)
    assert picker(html, "team_id") == (True, GROUPED)


def test_organising_teams_are_checkboxes_in_one_block_per_township(client, world, login):
    login("admin")
    html = client.get("/events/new").get_data(as_text=True)
    assert picker(html) == (True, GROUPED)


def test_a_leader_sees_only_the_teams_of_their_township(client, world, login):
    # a third team in the leader's township, one in the other: only the first is offered
    world.make_team(world.village, "戴家村二队", size=1)
    world.make_team(world.other_village, "傅家边村二队", size=1)
    db.session.commit()
    login("leader")
    html = client.get("/events/new").get_data(as_text=True)
    assert picker(html) == (True, [(SOUTH, ["戴家村二队", "戴家村服务队"])])


def test_a_reviewer_picks_among_the_teams_of_their_area(client, world, login):
    login("reviewer")
    html = client.get("/inspections/new").get_data(as_text=True)
    assert picker(html, "team_id") == (True, [(SOUTH, ["戴家村服务队"])])
    assert picker(html, "village_id") == (True, [(SOUTH, ["戴家村"])])


def test_village_pickers_are_marked_for_the_filter_box(client, world, login):
    login("admin")
    for path in ("/teams/new", "/teams"):
        html = client.get(path).get_data(as_text=True)
        select = "village_id" if path.endswith("new") else "village"
        assert picker(html, select) == (True, [(SOUTH, ["戴家村"]), (NORTH, ["傅家边村"])]), path


def test_the_filter_script_is_served_with_its_words(client, world, login):
    login("admin")
    html = client.get("/visits/new").get_data(as_text=True)
    src = re.search(r'<script src="([^"]*/picker\.[^"]*js)"[^>]*data-count="', html)
    assert src is not None
    script = client.get(src.group(1))
    assert script.status_code == 200 and b"data-searchable" in script.data
    script.close()
    # kept for the visit form opened without a connection
    assert src.group(1) in client.get("/sw.js").get_data(as_text=True)
