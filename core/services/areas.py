"""Building the administrative tree."""

from core.extensions import db
from core.models import Area, AreaKind


def add_area(name: str, kind: AreaKind, parent: Area | None = None) -> Area:
    """Create an area below ``parent`` and set its materialized path (flushes, no commit)."""
    area = Area(name=name, kind=kind, parent=parent)
    db.session.add(area)
    db.session.flush()
    area.path = f"{parent.path if parent else '/'}{area.id}/"
    return area
