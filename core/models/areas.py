"""The administrative tree: county > township > village."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import ColumnElement, ForeignKey, Select, String, select
from sqlalchemy.orm import Mapped, mapped_column, object_session, relationship
from sqlalchemy.orm.util import identity_key

from core.models.base import Base, TimestampMixin
from core.models.enums import AreaKind, db_enum


class Area(TimestampMixin, Base):
    """A county, township or village."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Area")

    __tablename__ = "areas"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: display name, e.g. 永阳镇
    name: Mapped[str] = mapped_column(String(120))
    #: county, township or village
    kind: Mapped[AreaKind] = mapped_column(db_enum(AreaKind))
    #: the enclosing area; NULL for the root county
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("areas.id"), index=True)
    #: materialized path of ids, "/1/4/27/", for subtree queries with LIKE '/1/4/%'
    path: Mapped[str] = mapped_column(String(255), default="", index=True)

    parent: Mapped["Area | None"] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list["Area"]] = relationship(back_populates="parent", order_by="Area.name")

    def __repr__(self) -> str:
        return f"<Area {self.id} {self.kind} {self.name}>"

    def contains(self, other: "Area | None") -> bool:
        """True when ``other`` is this area or lies below it."""
        return other is not None and other.path.startswith(self.path)

    @classmethod
    def in_subtree_of(cls, area: "Area") -> ColumnElement[bool]:
        """A WHERE clause keeping ``area`` and every area below it (``path LIKE '/1/4/%'``).

        Called on an alias (``aliased(Area).in_subtree_of(area)``) it tests the alias's path.
        """
        return cls.path.startswith(area.path, autoescape=True)

    @classmethod
    def subtree_ids(cls, area: "Area") -> Select:
        """A SELECT of the ids of ``area`` and every area below it, for ``column.in_(...)``."""
        return select(cls.id).where(cls.in_subtree_of(area))

    @property
    def lineage(self) -> list["Area"]:
        """This area's ancestors from the root, itself included.

        The ancestors not loaded yet are read in one query by the ids of the materialized
        path, not one query per level.
        """
        session = object_session(self)
        ids = [int(part) for part in self.path.strip("/").split("/") if part.isdigit()]
        loaded = []  # held while the chain is walked: the session keeps rows only weakly
        if session is not None and ids:
            missing = [i for i in ids if session.identity_map.get(identity_key(Area, i)) is None]
            if missing:
                loaded = session.execute(select(Area).where(Area.id.in_(missing))).scalars().all()
        chain, node = [], self
        while node is not None:
            chain.append(node)
            node = node.parent
        del loaded
        return list(reversed(chain))

    @property
    def full_name(self) -> str:
        """Names of the lineage joined, e.g. 某县 永阳镇 戴家村."""
        return " ".join(a.name for a in self.lineage)
