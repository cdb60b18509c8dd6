"""What is stored: the roster of an area read in a few bulk queries, and its fingerprint.

The dry run compares a file with a snapshot; the confirmation compares the snapshot's
fingerprint with the one the dry run saw, so a roster changed in between is shown again.
"""

import hashlib
from dataclasses import dataclass, field

from sqlalchemy import select

from core.extensions import db
from core.models import Area, AreaKind, Assignment, Farm, Member, Team


@dataclass
class Snapshot:
    """The live roster inside ``root`` (None: an empty database, no county yet).

    Each table is a dict of plain row dicts by id, so comparing never touches the ORM.
    """

    root: Area | None
    areas: dict[int, dict] = field(default_factory=dict)
    teams: dict[int, dict] = field(default_factory=dict)
    members: dict[int, dict] = field(default_factory=dict)
    farms: dict[int, dict] = field(default_factory=dict)
    links: dict[tuple[int, int], dict] = field(default_factory=dict)
    #: names this database's county: an export carries it, and the ids of a file are
    #: trusted only when it matches (another Kepu's ids name other rows here)
    source: str = ""

    def county(self) -> dict | None:
        """The county row of the snapshot (root or its ancestor), if any."""
        return next((a for a in self.areas.values() if a["kind"] == AreaKind.COUNTY), None)

    def village_names(self, village_id: int) -> tuple[str, str]:
        """(township, village) names of a village of the snapshot."""
        village = self.areas[village_id]
        township = self.areas.get(village["parent_id"])
        return (township["name"] if township else "", village["name"])

    def fingerprint(self) -> str:
        """A hash of every row: equal fingerprints mean the roster did not change."""
        digest = hashlib.sha256()
        for table in (self.areas, self.teams, self.members, self.farms, self.links):
            for key in sorted(table):
                digest.update(repr((key, sorted(table[key].items()))).encode())
        return digest.hexdigest()


def default_root() -> Area | None:
    """The only county, or None when there is none; a second county makes ``--area`` needed."""
    counties = db.session.scalars(
        select(Area).where(Area.kind == AreaKind.COUNTY).order_by(Area.id).limit(2)
    ).all()
    if len(counties) > 1:
        raise LookupError("several counties")
    return counties[0] if counties else None


def load(root: Area | None) -> Snapshot:
    """Read the live roster inside ``root`` (its areas, ancestors included, and everything in
    its villages) in five queries."""
    snap = Snapshot(root)
    if root is None:
        return snap
    cols = (Area.id, Area.name, Area.kind, Area.parent_id)
    ancestors = [int(p) for p in root.path.strip("/").split("/") if p.isdigit()]
    query = select(*cols).where(Area.in_subtree_of(root) | Area.id.in_(ancestors))
    for row in db.session.execute(query).mappings():
        snap.areas[row["id"]] = {**row, "kind": AreaKind(row["kind"])}
    county = snap.county()
    if county is not None:
        created = db.session.scalar(select(Area.created_at).where(Area.id == county["id"]))
        key = f"{county['id']}:{created.isoformat() if created else ''}"
        snap.source = hashlib.sha256(key.encode()).hexdigest()[:20]
    inside = Area.subtree_ids(root)
    team_cols = (Team.id, Team.name, Team.village_id, Team.leader_id, Team.notes)
    query = select(*team_cols).where(Team.deleted_at.is_(None), Team.village_id.in_(inside))
    snap.teams = {r["id"]: dict(r) for r in db.session.execute(query).mappings()}
    member_cols = (
        Member.id,
        Member.name,
        Member.team_id,
        Member.phone,
        Member.is_party_member,
        Member.is_young_official,
        Member.is_expert,
        Member.speciality,
    )
    query = (
        select(*member_cols)
        .join(Team, Team.id == Member.team_id)
        .where(Member.deleted_at.is_(None), Team.deleted_at.is_(None), Team.village_id.in_(inside))
    )
    snap.members = {r["id"]: dict(r) for r in db.session.execute(query).mappings()}
    farm_cols = (
        Farm.id,
        Farm.name,
        Farm.kind,
        Farm.village_id,
        Farm.industry,
        Farm.contact_name,
        Farm.contact_phone,
        Farm.notes,
    )
    query = select(*farm_cols).where(Farm.deleted_at.is_(None), Farm.village_id.in_(inside))
    snap.farms = {r["id"]: dict(r) for r in db.session.execute(query).mappings()}
    # the farms' scope is checked here, not in SQL: one more join and IN made PostgreSQL
    # choose a nested loop of seconds right after a bulk import (before ANALYZE)
    query = (
        select(Assignment.id, Assignment.member_id, Assignment.farm_id, Assignment.since)
        .join(Member, Member.id == Assignment.member_id)
        .join(Team, Team.id == Member.team_id)
        .where(Member.deleted_at.is_(None), Team.deleted_at.is_(None), Team.village_id.in_(inside))
    )
    for r in db.session.execute(query).mappings():
        if r["farm_id"] in snap.farms:
            snap.links[(r["member_id"], r["farm_id"])] = dict(r)
    return snap
