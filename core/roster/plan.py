"""The dry run: what importing a file would create, update, leave unchanged or refuse.

Rows are matched by their id column when it is filled (an export carries ids), else by name
within the village (teams, farms) or by name and phone within the team (members). A cell is
checked with the same functions and limits as the pages' forms (``core.services``); every
bad cell becomes a :class:`Problem` naming sheet, row and column, and a plan with problems
is never applied. References between sheets are *refs*: the id of a stored row, or a string
naming a row the file creates.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from core.area_filters import MAX_ID
from core.extensions import db
from core.models import Area, AreaKind, Farm, FarmKind, Member, Team
from core.models.enums import label, lazy_label
from core.roster.columns import AREAS, FARMS, LINKS, MEMBERS, NO, TEAMS, YES, Sheet, fold, words
from core.roster.reader import Book, Row, plain
from core.roster.snapshot import Snapshot
from core.rules import farm_count_flag, thresholds
from core.services import clean_phone, clean_text

Ref = int | str


def as_id(text: str) -> int | None:
    """``text`` as an id: a whole number from 1 to :data:`MAX_ID`, else None."""
    try:
        ident = int(text) if text.isdigit() else None
    except ValueError:
        return None
    return ident if ident is not None and 0 < ident <= MAX_ID else None


@dataclass
class Problem:
    """A bad cell: sheet, row number, column header and the reason (translated)."""

    sheet: str
    row: int
    column: str
    message: str
    #: the sheet's key (areas, teams, members, farms, links)
    key: str = ""


@dataclass
class Change:
    """A row the import creates or updates: sheet key, what it is, the fields it changes."""

    sheet: str
    row: int
    what: str
    #: (column header, old value, new value) of an update
    fields: list[tuple[str, object, object]] = field(default_factory=list)


@dataclass
class Plan:
    """The dry run's result, and everything :mod:`core.roster.apply` needs to write it."""

    fingerprint: str
    remove: bool
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    created: list[Change] = field(default_factory=list)
    updated: list[Change] = field(default_factory=list)
    #: sheet key -> number of rows that change nothing
    unchanged: Counter = field(default_factory=Counter)
    #: (sheet key, what) of stored rows the file no longer lists
    missing: list[tuple[str, str]] = field(default_factory=list)
    # --- for apply ---
    county: str | None = None  # a county to create (empty database)
    new_areas: list[tuple[str, AreaKind, str, Ref]] = field(default_factory=list)
    renames: dict[int, str] = field(default_factory=dict)
    team_creates: dict[str, dict] = field(default_factory=dict)
    team_updates: dict[int, dict] = field(default_factory=dict)
    leaders: dict[Ref, Ref] = field(default_factory=dict)
    member_creates: dict[str, dict] = field(default_factory=dict)
    member_updates: dict[int, dict] = field(default_factory=dict)
    farm_creates: dict[str, dict] = field(default_factory=dict)
    farm_updates: dict[int, dict] = field(default_factory=dict)
    link_creates: list[dict] = field(default_factory=list)
    link_updates: dict[int, dict] = field(default_factory=dict)
    removed: dict[str, list] = field(default_factory=lambda: defaultdict(list))

    @property
    def ok(self) -> bool:
        """True when nothing is refused: the plan may be applied."""
        return not self.problems

    @property
    def has_changes(self) -> bool:
        """True when applying would write anything."""
        return bool(self.created or self.updated or (self.remove and any(self.removed.values())))

    def counts(self) -> dict[str, dict[str, int]]:
        """Per sheet key: created, updated, unchanged, missing and refused rows."""
        out = {s: Counter() for s in ("areas", "teams", "members", "farms", "links")}
        for change in self.created:
            out[change.sheet]["created"] += 1
        for change in self.updated:
            out[change.sheet]["updated"] += 1
        for sheet, n in self.unchanged.items():
            out[sheet]["unchanged"] += n
        for sheet, _what in self.missing:
            out[sheet]["missing"] += 1
        refused = {(p.key, p.row) for p in self.problems}
        for key, _row in refused:
            out.setdefault(key, Counter())["refused"] += 1
        return out


class _Planner:
    """Walks the sheets in order, building refs so later sheets can name earlier rows."""

    def __init__(self, book: Book, snap: Snapshot, remove: bool):
        self.book, self.snap = book, snap
        self.plan = Plan(snap.fingerprint(), remove, notes=list(book.notes))
        self.yes = {fold(w) for w in words(YES)} | {"y", "1", "true", "√", "是的", "✓"}
        self.no = {fold(w) for w in words(NO)} | {"n", "0", "false", "×", "x", "✗"}
        self.kinds = {}
        for kind in FarmKind:
            for word in words(lazy_label(kind)) | {kind.value}:
                self.kinds[word] = kind
        #: (township name, village name) -> village ref; village ref -> township ref
        self.villages: dict[tuple[str, str], Ref] = {}
        self.township_of: dict[Ref, Ref] = {}
        #: final teams: (village ref, name) -> team ref; team ref -> village ref
        self.teams: dict[tuple[Ref, str], Ref] = {}
        self.team_village: dict[Ref, Ref] = {}
        #: final members: team ref -> [(member ref, name, phone)]; member ref -> team ref
        self.team_members: dict[Ref, list] = defaultdict(list)
        self.member_team: dict[Ref, Ref] = {}
        self.farms: dict[tuple[Ref, str], Ref] = {}
        self.farm_village: dict[Ref, Ref] = {}
        self.farm_count: Counter = Counter()
        #: sheet key -> {id written in the file: ref}, for links naming rows by id
        self.file_ids: dict[str, dict[int, Ref]] = defaultdict(dict)
        #: the team rows read without mistakes, for their leaders once members are known
        self.team_rows_seen: list[tuple[Row, Ref]] = []
        self.foreign_ids = 0
        if book.source != snap.source:
            self._forget_ids()
        self.elsewhere = {
            key: self._elsewhere(key, model)
            for key, model in (
                ("areas", Area),
                ("teams", Team),
                ("members", Member),
                ("farms", Farm),
            )
        }

    def _forget_ids(self) -> None:
        """Drop the ids of a file from another database (or none): match it by names."""
        dropped = 0
        for rows in self.book.sheets.values():
            for row in rows:
                for key in ("id", "member_id", "farm_id"):
                    dropped += row.cells.pop(key, None) is not None
        if dropped and self.book.source:
            self.plan.notes.append(
                _(
                    "The file comes from another Kepu database: its ids are ignored and rows "
                    "are matched by name."
                )
            )

    def _elsewhere(self, key: str, model) -> set[int]:
        """Ids of the sheet ``key`` that Kepu holds outside this roster (or deleted)."""
        stored = getattr(self.snap, key)
        ids = set()
        for row in self.book.sheets.get(key, []):
            ident = as_id(plain(row.text("id")))
            if ident is not None and ident not in stored:
                ids.add(ident)
        if not ids:
            return set()
        return set(db.session.scalars(select(model.id).where(model.id.in_(sorted(ids)))))

    def known_id(self, sheet: Sheet, row: Row, ident: int | None) -> int | None:
        """``ident`` when it names a stored row of this roster; None (match by name) when
        Kepu has no such row (a file from another Kepu); a problem when it names a row
        outside the user's area or a deleted one."""
        if ident is None:
            return None
        if ident in getattr(self.snap, sheet.key):
            return ident
        if ident in self.elsewhere[sheet.key]:
            self.problem(
                sheet,
                row,
                "id",
                _(
                    "This id names a record outside your area, or a deleted one: clear it to "
                    "add the row as new."
                ),
            )
        else:
            self.foreign_ids += 1
        return None

    # --- helpers ---
    def problem(self, sheet: Sheet, row: Row, key: str, message: str) -> None:
        """Note a bad cell."""
        headers = self.book.headers.get(sheet.key, {})
        column = headers.get(key) or str(sheet.column(key).header)
        title = self.book.titles.get(sheet.key, str(sheet.title))
        self.plan.problems.append(Problem(title, row.number, column, message, sheet.key))

    def text(self, sheet, row, key, limit, required=False, one_line=False) -> str:
        """A text cell checked as the forms check it."""
        errors: dict = {}
        value = clean_text(errors, key, row.text(key), limit, required, one_line)
        for message in errors.get(key, []):
            self.problem(sheet, row, key, message)
        return value

    def phone(self, sheet, row, key) -> str:
        """A phone cell: full-width digits made plain, then the forms' check."""
        errors: dict = {}
        value = clean_phone(errors, key, plain(row.text(key)))
        for message in errors.get(key, []):
            self.problem(sheet, row, key, _("Bad phone number: %(m)s", m=message))
        return value

    def id_cell(self, sheet, row, key) -> int | None:
        """An id cell: a whole number or empty."""
        text = plain(row.text(key))
        if not text:
            return None
        ident = as_id(text)
        if ident is None:
            self.problem(sheet, row, key, _("An id is a whole number."))
        return ident

    def yes_no(self, sheet, row, key, default: bool) -> bool:
        """A yes/no cell; empty is the default of the form."""
        value = row.cells.get(key)
        if value is None:
            return default
        if isinstance(value, bool):
            return value
        word = fold(plain(str(value)))
        if word in self.yes:
            return True
        if word in self.no:
            return False
        self.problem(sheet, row, key, _("Write %(yes)s or %(no)s.", yes=YES, no=NO))
        return default

    def village(self, sheet, row, township_key="township", village_key="village") -> Ref | None:
        """The village a row names, or a problem."""
        township, village = row.text(township_key).strip(), row.text(village_key).strip()
        ref = self.villages.get((township, village))
        if ref is None:
            if not village:
                self.problem(sheet, row, village_key, _("This field is required."))
            else:
                self.problem(
                    sheet,
                    row,
                    village_key,
                    _("Unknown village %(v)s in %(t)s.", v=village, t=township or "-"),
                )
        return ref

    # --- the sheets ---
    def areas(self) -> None:
        """Townships and villages: stored ones found by id or name, new ones created."""
        snap, plan = self.snap, self.plan
        county = snap.county()
        townships = {a["name"]: i for i, a in snap.areas.items() if a["kind"] == AreaKind.TOWNSHIP}
        rows = self.book.sheets.get("areas", [])
        for row in rows:
            name = self.text(AREAS, row, "county", 120, one_line=True)
            if county is None and name and plan.county is None:
                plan.county = name
            elif county is not None and name and name != county["name"]:
                self.problem(
                    AREAS,
                    row,
                    "county",
                    _("This file is the roster of %(a)s, not of %(b)s.", a=name, b=county["name"]),
                )
        if county is None and plan.county is None:
            plan.problems.append(
                Problem(
                    str(AREAS.title),
                    2,
                    str(AREAS.column("county").header),
                    _("An empty Kepu needs the county's name on the Areas sheet."),
                    "areas",
                )
            )
        # stored villages by their names
        for area_id, area in snap.areas.items():
            if area["kind"] == AreaKind.VILLAGE:
                self.villages[snap.village_names(area_id)] = area_id
                self.township_of[area_id] = area["parent_id"]
        seen = set()
        root_is_township = snap.root is not None and snap.root.kind == AreaKind.TOWNSHIP
        for row in rows:
            area_id = self.known_id(AREAS, row, self.id_cell(AREAS, row, "id"))
            township = self.text(AREAS, row, "township", 120, required=True, one_line=True)
            village = self.text(AREAS, row, "village", 120, one_line=True)
            if not township:
                continue
            key = (township, village)
            if key in seen:
                self.problem(AREAS, row, "village", _("This row is listed twice."))
                continue
            seen.add(key)
            what = f"{township} {village}".strip()
            if area_id is not None:
                area = snap.areas.get(area_id)
                wanted = AreaKind.VILLAGE if village else AreaKind.TOWNSHIP
                if area is None or area["kind"] != wanted:
                    self.problem(
                        AREAS,
                        row,
                        "id",
                        _("No %(kind)s with this id in your area.", kind=label(wanted)),
                    )
                    continue
                if wanted == AreaKind.TOWNSHIP:
                    if area["name"] != township:
                        self._rename(area_id, township, row, what)
                        townships[township] = area_id
                    else:
                        plan.unchanged["areas"] += 1
                    continue
                parent = snap.areas[area["parent_id"]]
                if townships.get(township, area["parent_id"]) != area["parent_id"]:
                    self.problem(
                        AREAS, row, "township", _("A village cannot move to another township here.")
                    )
                    continue
                if parent["name"] != township:
                    self._rename(parent["id"], township, row, township)
                    townships[township] = parent["id"]
                old_key = snap.village_names(area_id)
                if area["name"] != village:
                    self._rename(area_id, village, row, what)
                elif parent["name"] == township:
                    plan.unchanged["areas"] += 1
                self.villages.pop(old_key, None)
                self.villages[key] = area_id
                continue
            township_ref = townships.get(township)
            if township_ref is None:
                if root_is_township:
                    self.problem(AREAS, row, "township", _("This township is outside your area."))
                    continue
                township_ref = f"township:{row.number}"
                townships[township] = township_ref
                plan.new_areas.append((township_ref, AreaKind.TOWNSHIP, township, "county"))
                plan.created.append(Change("areas", row.number, township))
            if not village:
                if isinstance(township_ref, int):
                    plan.unchanged["areas"] += 1
                continue
            if key in self.villages:
                plan.unchanged["areas"] += 1
                continue
            ref = f"village:{row.number}"
            plan.new_areas.append((ref, AreaKind.VILLAGE, village, township_ref))
            plan.created.append(Change("areas", row.number, what))
            self.villages[key] = ref
            self.township_of[ref] = township_ref

    def _rename(self, area_id: int, name: str, row: Row, what: str) -> None:
        old = self.snap.areas[area_id]["name"]
        self.plan.renames[area_id] = name
        self.plan.updated.append(
            Change("areas", row.number, what, [(str(AREAS.column("village").header), old, name)])
        )

    def team_rows(self) -> None:
        """Teams: matched by id, else by name in the village; leaders resolved later."""
        snap, plan = self.snap, self.plan
        if "teams" not in self.book.sheets:
            for team_id, team in snap.teams.items():
                self.teams[(team["village_id"], team["name"])] = team_id
                self.team_village[team_id] = team["village_id"]
            return
        stored = {(t["village_id"], t["name"]): i for i, t in snap.teams.items()}
        matched = set()
        for row in self.book.sheets["teams"]:
            before = len(plan.problems)
            written_id = self.id_cell(TEAMS, row, "id")
            team_id = self.known_id(TEAMS, row, written_id)
            village = self.village(TEAMS, row)
            name = self.text(TEAMS, row, "name", 120, required=True, one_line=True)
            notes = self.text(TEAMS, row, "notes", 2000)
            bad = len(plan.problems) > before
            if village is None or not name:
                continue
            ref: Ref = team_id if team_id is not None else stored.get((village, name), "")
            if (village, name) in self.teams or (ref and ref in matched):
                self.problem(TEAMS, row, "name", _("This team is listed twice."))
                continue
            values = {"name": name, "village_id": village, "notes": notes}
            what = f"{name}"
            if bad:  # refused, but known to the sheets that name it (no second message there)
                if ref:
                    matched.add(ref)
                ref = ref or f"team:{row.number}"
            elif ref:
                matched.add(ref)
                self._diff(
                    TEAMS, "teams", row, what, snap.teams[ref], values, plan.team_updates, ref
                )
            else:
                ref = f"team:{row.number}"
                plan.team_creates[ref] = values
                plan.created.append(Change("teams", row.number, what))
            self.teams[(village, name)] = ref
            self.team_village[ref] = village
            if not bad:
                self.team_rows_seen.append((row, ref))
        for team_id, team in snap.teams.items():
            if team_id not in matched:
                self._missing("teams", team_id, team["name"])

    def _missing(self, sheet: str, ident, what: str) -> None:
        self.plan.missing.append((sheet, what))
        self.plan.removed[sheet].append(ident)

    def _diff(self, sheet, key, row, what, old: dict, new: dict, updates: dict, ref) -> None:
        """Note the fields of a stored row that the file changes (or count it unchanged)."""
        headers = {
            "village_id": "village",
            "team_id": "team",
            "is_party_member": "party",
            "is_young_official": "young",
            "is_expert": "expert",
        }
        changed = {k: v for k, v in new.items() if old.get(k) != v}
        if not changed:
            self.plan.unchanged[key] += 1
            return
        updates[ref] = changed
        fields = []
        for k, v in changed.items():
            column = sheet.column(headers.get(k, k))
            fields.append((str(column.header), self._show(k, old.get(k)), self._show(k, v)))
        self.plan.updated.append(Change(key, row.number, what, fields))

    def _show(self, key: str, value):
        """A value as the dry run shows it."""
        if key == "village_id" and isinstance(value, int) and value in self.snap.areas:
            return " ".join(self.snap.village_names(value))
        if key == "team_id" and isinstance(value, int) and value in self.snap.teams:
            return self.snap.teams[value]["name"]
        if isinstance(value, bool):
            return str(YES if value else NO)
        if isinstance(value, FarmKind):
            return label(value)
        return "" if value is None else value

    def member_rows(self) -> None:
        """Members: matched by id, else by name and phone within the team."""
        snap, plan = self.snap, self.plan
        if "members" not in self.book.sheets:
            for member_id, m in snap.members.items():
                if m["team_id"] in self.team_village:
                    self.team_members[m["team_id"]].append((member_id, m["name"], m["phone"]))
                    self.member_team[member_id] = m["team_id"]
            return
        stored = {(m["team_id"], m["name"], m["phone"]): i for i, m in snap.members.items()}
        seen, matched = set(), set()
        for row in self.book.sheets["members"]:
            before = len(plan.problems)
            written_id = self.id_cell(MEMBERS, row, "id")
            member_id = self.known_id(MEMBERS, row, written_id)
            village = self.village(MEMBERS, row)
            team_name = row.text("team").strip()
            team = self.teams.get((village, team_name)) if village is not None else None
            if village is not None and team is None:
                self.problem(
                    MEMBERS,
                    row,
                    "team",
                    _("Unknown team %(t)s in this village.", t=team_name or "-"),
                )
            name = self.text(MEMBERS, row, "name", 80, required=True)
            phone = self.phone(MEMBERS, row, "phone")
            values = {
                "name": name,
                "team_id": team,
                "phone": phone,
                "is_party_member": self.yes_no(MEMBERS, row, "party", True),
                "is_young_official": self.yes_no(MEMBERS, row, "young", False),
                "is_expert": self.yes_no(MEMBERS, row, "expert", False),
                "speciality": self.text(MEMBERS, row, "speciality", 120),
            }
            bad = len(plan.problems) > before
            if team is None or not name:
                continue
            key = (team, name, phone)
            if key in seen or (member_id is not None and member_id in matched):
                self.problem(
                    MEMBERS,
                    row,
                    "name",
                    _("%(name)s is listed twice in team %(team)s.", name=name, team=team_name),
                )
                continue
            seen.add(key)
            ref: Ref = member_id if member_id is not None else stored.get(key, "")
            what = f"{name} ({team_name})"
            if bad:  # refused, but known to the links that name it (no second message there)
                if ref:
                    matched.add(ref)
                ref = ref or f"member:{row.number}"
            elif ref:
                matched.add(ref)
                self._diff(
                    MEMBERS,
                    "members",
                    row,
                    what,
                    snap.members[ref],
                    values,
                    plan.member_updates,
                    ref,
                )
            else:
                ref = f"member:{row.number}"
                plan.member_creates[ref] = values
                plan.created.append(Change("members", row.number, what))
            self.team_members[team].append((ref, name, phone))
            self.member_team[ref] = team
            if written_id is not None:
                self.file_ids["members"][written_id] = ref
        for member_id, m in snap.members.items():
            if member_id not in matched:
                self._missing("members", member_id, m["name"])

    def leaders(self) -> None:
        """Each team row names its leader among the team's members."""
        for row, ref in self.team_rows_seen:
            name = row.text("leader").strip()
            phone = plain(row.text("leader_phone"))
            if not name:
                self.problem(
                    TEAMS, row, "leader", _("The team has no leader: name one of its members.")
                )
                continue
            found = [
                m
                for m in self.team_members.get(ref, [])
                if m[1] == name and (not phone or m[2] == phone)
            ]
            if not found:
                self.problem(
                    TEAMS, row, "leader", _("%(name)s is not a member of this team.", name=name)
                )
            elif len(found) > 1:
                self.problem(
                    TEAMS,
                    row,
                    "leader_phone",
                    _("Several members are called %(name)s: give the leader's phone.", name=name),
                )
            else:
                leader = found[0][0]
                stored = self.snap.teams.get(ref) if isinstance(ref, int) else None
                if stored is None or stored["leader_id"] != leader:
                    self.plan.leaders[ref] = leader
                    if stored is not None:
                        self._leader_change(row, ref, stored, name)

    def _leader_change(self, row: Row, ref: int, stored: dict, name: str) -> None:
        """Show a stored team's new leader as a changed field of its row."""
        old = self.snap.members.get(stored["leader_id"], {}).get("name", "")
        field_ = (str(TEAMS.column("leader").header), old, name)
        if ref in self.plan.team_updates:
            change = next(
                c for c in self.plan.updated if c.sheet == "teams" and c.row == row.number
            )
            change.fields.append(field_)
            return
        self.plan.unchanged["teams"] -= 1
        self.plan.updated.append(Change("teams", row.number, row.text("name"), [field_]))

    def farm_rows(self) -> None:
        """Farms: matched by id, else by name in the village."""
        snap, plan = self.snap, self.plan
        if "farms" not in self.book.sheets:
            for farm_id, f in snap.farms.items():
                self.farms[(f["village_id"], f["name"])] = farm_id
                self.farm_village[farm_id] = f["village_id"]
            return
        stored = {(f["village_id"], f["name"]): i for i, f in snap.farms.items()}
        matched = set()
        for row in self.book.sheets["farms"]:
            before = len(plan.problems)
            written_id = self.id_cell(FARMS, row, "id")
            farm_id = self.known_id(FARMS, row, written_id)
            village = self.village(FARMS, row)
            name = self.text(FARMS, row, "name", 120, required=True)
            kind_text = fold(plain(row.text("kind")))
            kind = self.kinds.get(kind_text)
            if kind is None:
                self.problem(
                    FARMS,
                    row,
                    "kind",
                    _("%(v)s is not a kind of farm in the list.", v=row.text("kind") or "-"),
                )
            values = {
                "name": name,
                "kind": kind,
                "village_id": village,
                "industry": self.text(FARMS, row, "industry", 80),
                "contact_name": self.text(FARMS, row, "contact_name", 80),
                "contact_phone": self.phone(FARMS, row, "contact_phone"),
                "notes": self.text(FARMS, row, "notes", 2000),
            }
            bad = len(plan.problems) > before
            if village is None or not name:
                continue
            ref: Ref = farm_id if farm_id is not None else stored.get((village, name), "")
            if (village, name) in self.farms or (ref and ref in matched):
                self.problem(FARMS, row, "name", _("This farm is listed twice."))
                continue
            if bad:  # refused, but known to the links that name it (no second message there)
                if ref:
                    matched.add(ref)
                ref = ref or f"farm:{row.number}"
            elif ref:
                matched.add(ref)
                old = {**snap.farms[ref], "kind": FarmKind(snap.farms[ref]["kind"])}
                self._diff(FARMS, "farms", row, name, old, values, plan.farm_updates, ref)
            else:
                ref = f"farm:{row.number}"
                plan.farm_creates[ref] = values
                plan.created.append(Change("farms", row.number, name))
            self.farms[(village, name)] = ref
            self.farm_village[ref] = village
            if written_id is not None:
                self.file_ids["farms"][written_id] = ref
        for farm_id, f in snap.farms.items():
            if farm_id not in matched:
                self._missing("farms", farm_id, f["name"])

    def link_rows(self) -> None:
        """Links: a member (by id, or team and name) to a farm (by id, or village and name)."""
        snap, plan = self.snap, self.plan
        if "links" not in self.book.sheets:
            for member_id, _farm_id in snap.links:
                if member_id in self.member_team:
                    self.farm_count[member_id] += 1
            return
        members = {(t, n, p): ref for t, ms in self.team_members.items() for ref, n, p in ms}
        seen = set()
        for row in self.book.sheets["links"]:
            before = len(plan.problems)
            member_id = self.id_cell(LINKS, row, "member_id")
            farm_id = self.id_cell(LINKS, row, "farm_id")
            member = self.file_ids["members"].get(member_id)
            if member is None and member_id in self.member_team:
                member = member_id
            if member is None:
                village = self.village(LINKS, row)
                team = self.teams.get((village, row.text("team").strip()))
                key = (team, row.text("member").strip(), plain(row.text("phone")))
                member = members.get(key)
                if village is not None and member is None:
                    self.problem(
                        LINKS,
                        row,
                        "member",
                        _(
                            "No member %(name)s with this phone in team %(team)s.",
                            name=key[1] or "-",
                            team=row.text("team") or "-",
                        ),
                    )
            farm = self.file_ids["farms"].get(farm_id)
            if farm is None and farm_id in self.farm_village:
                farm = farm_id
            if farm is None:
                village = self.village(LINKS, row, "farm_township", "farm_village")
                farm = self.farms.get((village, row.text("farm").strip()))
                if village is not None and farm is None:
                    self.problem(
                        LINKS,
                        row,
                        "farm",
                        _("Unknown farm %(name)s in this village.", name=row.text("farm") or "-"),
                    )
            since = self.day(row)
            if len(plan.problems) > before:
                continue
            member_township = self.township(self.team_village[self.member_team[member]])
            farm_township = self.township(self.farm_village[farm])
            if member_township != farm_township:
                self.problem(
                    LINKS,
                    row,
                    "farm",
                    _("The farm lies in another township than the member's team."),
                )
                continue
            if (member, farm) in seen:
                self.problem(LINKS, row, "farm", _("This link is listed twice."))
                continue
            seen.add((member, farm))
            self.farm_count[member] += 1
            what = f"{row.text('member') or member} → {row.text('farm') or farm}"
            stored = snap.links.get((member, farm))
            if stored is None:
                plan.link_creates.append({"member_id": member, "farm_id": farm, "since": since})
                plan.created.append(Change("links", row.number, what))
            elif stored["since"] != since:
                plan.link_updates[stored["id"]] = {"since": since}
                plan.updated.append(
                    Change(
                        "links",
                        row.number,
                        what,
                        [(str(LINKS.column("since").header), stored["since"] or "", since or "")],
                    )
                )
            else:
                plan.unchanged["links"] += 1
        for key, link in snap.links.items():
            if key not in seen:
                member = snap.members.get(key[0], {}).get("name", key[0])
                farm = snap.farms.get(key[1], {}).get("name", key[1])
                names = f"{member} → {farm}"
                self._missing("links", link["id"], names)

    def township(self, village: Ref):
        """The township ref of a village ref."""
        return self.township_of.get(village)

    def day(self, row: Row) -> date | None:
        """The link's start day: a date cell or text like 2026-03-01."""
        value = row.cells.get("since")
        if value is None or isinstance(value, date):
            return value
        text = plain(str(value)).replace("/", "-").replace(".", "-")
        try:
            return date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
        except ValueError:
            self.problem(LINKS, row, "since", _("Write a day like 2026-03-01."))
            return None

    def rules(self) -> None:
        """The sources' rules, shown on the result and never enforced."""
        limits = thresholds()
        for (_village, name), team in self.teams.items():
            size = len(self.team_members.get(team, []))
            if size < limits["min_team_size"]:
                self.plan.flags.append(
                    _(
                        "Team %(team)s has %(n)s members (under %(min)s).",
                        team=name,
                        n=size,
                        min=limits["min_team_size"],
                    )
                )
        for members in self.team_members.values():
            for ref, name, _phone in members:
                n = self.farm_count.get(ref, 0)
                if farm_count_flag(n, limits) is not None:
                    self.plan.flags.append(
                        _("Member %(name)s is linked to %(n)s farms.", name=name, n=n)
                    )


def make_plan(book: Book, snap: Snapshot, remove: bool = False) -> Plan:
    """The dry run of importing ``book`` into the roster ``snap`` (nothing is written)."""
    planner = _Planner(book, snap, remove)
    planner.areas()
    planner.team_rows()
    planner.member_rows()
    planner.leaders()
    planner.farm_rows()
    planner.link_rows()
    planner.rules()
    if planner.foreign_ids:
        planner.plan.notes.append(
            _(
                "%(n)s rows carry ids this Kepu does not hold (a file from another Kepu?): "
                "they are matched by name.",
                n=planner.foreign_ids,
            )
        )
    return planner.plan
