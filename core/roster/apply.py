"""Writing a dry run's plan: all of it in one transaction, or nothing.

Rows are written with one bulk statement per table and kind of change (not one ORM object
and query per row), each recorded on the audit trail by :func:`core.audit.bulk.record_bulk`;
new areas get their materialized paths as :func:`core.services.areas.add_area` sets them.
The values were checked by :mod:`core.roster.plan` with the forms' own checks.
"""

from collections.abc import Callable, Iterable

from sqlalchemy import String, cast, delete, insert, select, update
from sqlalchemy.orm import aliased

from core.audit.bulk import record_bulk
from core.audit.record import CREATE, DELETE, UPDATE
from core.extensions import db
from core.models import Area, AreaKind, Assignment, Farm, Member, Team, utcnow
from core.roster.plan import Plan, Ref
from core.roster.snapshot import Snapshot
from core.services.areas import add_area

#: rows per statement (and ids per IN list)
CHUNK = 2000
#: progress lines an import reports (areas, teams, members, farms, links), one more for removals
STEPS = 5


def _chunks(items: list) -> Iterable[list]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


class _Writer:
    def __init__(self, plan: Plan, snap: Snapshot, progress: Callable[[str], None]):
        self.plan, self.snap, self.progress = plan, snap, progress
        self.ids: dict[str, int] = {}
        self.now = utcnow()

    def real(self, ref: Ref | None) -> int | None:
        """The id of a ref (a stored id, or the id a row of the file was given)."""
        if ref is None or isinstance(ref, int):
            return ref
        return self.ids[ref]

    def resolve(self, values: dict) -> dict:
        """``values`` with refs replaced by ids."""
        out = dict(values)
        for key in ("village_id", "team_id", "member_id", "farm_id", "leader_id"):
            if key in out:
                out[key] = self.real(out[key])
        return out

    def areas(self) -> None:
        """The county of an empty Kepu (through the areas service), then the new townships
        and villages: one INSERT a level and one UPDATE of their materialized paths."""
        plan = self.plan
        county = self.snap.county()
        if plan.county:
            county = {"id": add_area(plan.county, AreaKind.COUNTY).id}
            db.session.flush()
        if county is not None:
            self.ids["county"] = county["id"]
        for kind in (AreaKind.TOWNSHIP, AreaKind.VILLAGE):
            items = [(ref, name, parent) for ref, k, name, parent in plan.new_areas if k == kind]
            if not items:
                continue
            rows = [
                {
                    "name": name,
                    "kind": kind,
                    "parent_id": self.real(parent),
                    "path": "",
                    "created_at": self.now,
                    "updated_at": self.now,
                }
                for _ref, name, parent in items
            ]
            statement = insert(Area).returning(Area.id, sort_by_parameter_order=True)
            new_ids = db.session.execute(statement, rows).scalars().all()
            self.ids.update(zip([ref for ref, _n, _p in items], new_ids, strict=True))
            parent = aliased(Area)
            parent_path = select(parent.path).where(parent.id == Area.parent_id).scalar_subquery()
            db.session.execute(
                update(Area)
                .where(Area.id.in_(new_ids))
                .values(path=parent_path + cast(Area.id, String) + "/")
                .execution_options(synchronize_session=False)
            )
            record_bulk("areas", new_ids, CREATE)
        for area_id, name in plan.renames.items():
            db.session.get(Area, area_id).name = name
        db.session.flush()

    def create(self, model, creates: dict[str, dict]) -> None:
        refs = list(creates)
        for chunk in _chunks(refs):
            rows = [
                {**self.resolve(creates[r]), "created_at": self.now, "updated_at": self.now}
                for r in chunk
            ]
            statement = insert(model).returning(model.id, sort_by_parameter_order=True)
            new_ids = db.session.execute(statement, rows).scalars().all()
            self.ids.update(zip(chunk, new_ids, strict=True))
            record_bulk(model.__tablename__, new_ids, CREATE)

    def change(self, model, updates: dict[int, dict]) -> None:
        if not updates:
            return
        rows = [{"id": i, **self.resolve(v), "updated_at": self.now} for i, v in updates.items()]
        by_keys: dict[tuple, list] = {}
        for row in rows:
            by_keys.setdefault(tuple(sorted(row)), []).append(row)
        for keys, group in by_keys.items():
            for chunk in _chunks(group):
                db.session.execute(update(model), chunk)
                fields = [k for k in keys if k not in ("id", "updated_at")]
                record_bulk(model.__tablename__, [r["id"] for r in chunk], UPDATE, fields=fields)

    def soft_delete(self, model, ids: list[int]) -> None:
        for chunk in _chunks(ids):
            db.session.execute(
                update(model)
                .where(model.id.in_(chunk))
                .values(deleted_at=self.now, updated_at=self.now)
                .execution_options(synchronize_session=False)
            )
            record_bulk(model.__tablename__, chunk, UPDATE, fields=["deleted_at"])

    def run(self) -> None:
        plan, say = self.plan, self.progress
        self.areas()
        say(
            f"areas: {len(plan.new_areas) + bool(plan.county)} created, {len(plan.renames)} renamed"
        )
        self.create(Team, plan.team_creates)
        self.change(Team, plan.team_updates)
        say(f"teams: {len(plan.team_creates)} created, {len(plan.team_updates)} updated")
        self.create(Member, plan.member_creates)
        self.change(Member, plan.member_updates)
        say(f"members: {len(plan.member_creates)} created, {len(plan.member_updates)} updated")
        leaders = {self.real(t): {"leader_id": self.real(m)} for t, m in plan.leaders.items()}
        # as on the member's page: a leader who moves to another team stops leading the old one
        for member_id, values in plan.member_updates.items():
            old_team = self.snap.members[member_id]["team_id"]
            team = self.snap.teams.get(old_team)
            moved = "team_id" in values and self.real(values["team_id"]) != old_team
            if moved and team and team["leader_id"] == member_id and old_team not in leaders:
                leaders[old_team] = {"leader_id": None}
        self.change(Team, leaders)
        self.create(Farm, plan.farm_creates)
        self.change(Farm, plan.farm_updates)
        say(f"farms: {len(plan.farm_creates)} created, {len(plan.farm_updates)} updated")
        links = {f"link:{i}": row for i, row in enumerate(plan.link_creates)}
        self.create(Assignment, links)
        self.change(Assignment, plan.link_updates)
        say(f"links: {len(links)} created, {len(plan.link_updates)} updated")
        if plan.remove:
            self.remove()

    def remove(self) -> None:
        removed = self.plan.removed
        for chunk in _chunks(removed.get("links", [])):
            db.session.execute(delete(Assignment).where(Assignment.id.in_(chunk)))
            record_bulk("assignments", chunk, DELETE)
        members = removed.get("members", [])
        for chunk in _chunks(members):
            db.session.execute(update(Team).where(Team.leader_id.in_(chunk)).values(leader_id=None))
        self.soft_delete(Member, members)
        self.soft_delete(Team, removed.get("teams", []))
        self.soft_delete(Farm, removed.get("farms", []))
        self.progress(
            "removed: "
            + ", ".join(
                f"{len(removed.get(k, []))} {k}" for k in ("teams", "members", "farms", "links")
            )
        )


def apply_plan(
    plan: Plan, snap: Snapshot, progress: Callable[[str], None] = lambda _m: None
) -> None:
    """Write ``plan`` (checked, without problems) in one transaction: all or nothing."""
    if not plan.ok:
        raise ValueError("a plan with problems is never applied")
    try:
        _Writer(plan, snap, progress).run()
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
