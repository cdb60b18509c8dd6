"""Export the demo county, import it into an empty Kepu, import it again: the same roster."""

from conftest import _empty_tables
from roster_support import counts, leaders, links
from sqlalchemy import select

from core.extensions import db
from core.models import Area, AuditEvent


def _empty_roster() -> None:
    """Remove every row the demo made (the test then imports into an empty Kepu)."""
    _empty_tables()


def test_export_then_import_into_an_empty_kepu_recreates_the_roster(runner, tmp_path):
    result = runner.invoke(args=["demo", "--seed", "1"])
    assert result.exit_code == 0, result.output
    before, before_links, before_leaders = counts(), links(), leaders()
    path = tmp_path / "roster.xlsx"
    result = runner.invoke(args=["roster", "export", str(path)])
    assert result.exit_code == 0, result.output

    _empty_roster()
    assert counts()["teams"] == 0
    result = runner.invoke(args=["roster", "import", str(path), "--yes"])
    assert result.exit_code == 0, result.output
    assert "imported" in result.output
    assert counts() == before
    assert links() == before_links
    assert leaders() == before_leaders
    assert db.session.query(AuditEvent).count() > 0  # the bulk writes are on the trail
    areas = {a.id: a for a in db.session.scalars(select(Area))}
    for area in areas.values():  # materialized paths as the areas service sets them
        parent = areas[area.parent_id].path if area.parent_id else "/"
        assert area.path == f"{parent}{area.id}/"

    result = runner.invoke(args=["roster", "import", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    for sheet in ("teams", "members", "farms", "links"):
        assert f"{sheet}: 0 created, 0 updated" in result.output
    result = runner.invoke(args=["roster", "import", str(path), "--yes"])
    assert "nothing to change" in result.output
    assert counts() == before
