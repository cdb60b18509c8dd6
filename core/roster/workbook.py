"""The roster workbook (.xlsx): the empty template and the export, in exactly one format.

One sheet per table (areas, teams, members, farms, farm links) with a bold, frozen header
row, drop-down lists for the farm kind and the yes/no columns, and a notes sheet explaining
every column. The export fills the same sheets, ids included, so an exported file can be
edited and imported again.
"""

from io import BytesIO

from flask_babel import gettext as _

from core.exports import safe_cell
from core.models import AreaKind, FarmKind
from core.models.enums import label
from core.roster.columns import FARMS, NO, NOTES_TITLE, SHEETS, SOURCE_LABEL, YES
from core.roster.snapshot import Snapshot

#: rows the drop-down lists cover in a sheet
VALIDATION_ROWS = 20000


def yes_no(value: bool) -> str:
    """The cell text of a yes/no value."""
    return str(YES if value else NO)


def rows_of(snap: Snapshot) -> dict[str, list[list]]:
    """The export's rows of every sheet, sorted by township, village and name."""
    areas = snap.areas
    villages = sorted(
        (a for a in areas.values() if a["kind"] == AreaKind.VILLAGE),
        key=lambda a: (snap.village_names(a["id"]), a["id"]),
    )
    county = snap.county()
    county_name = county["name"] if county else ""
    out: dict[str, list[list]] = {s.key: [] for s in SHEETS}
    listed_townships = set()
    for village in villages:
        listed_townships.add(village["parent_id"])
        out["areas"].append([village["id"], county_name, *snap.village_names(village["id"])])
    for township in sorted(
        (a for a in areas.values() if a["kind"] == AreaKind.TOWNSHIP), key=lambda a: a["name"]
    ):
        if township["id"] not in listed_townships:
            out["areas"].append([township["id"], county_name, township["name"], ""])
    members = snap.members
    for team in sorted(
        snap.teams.values(), key=lambda t: (snap.village_names(t["village_id"]), t["name"])
    ):
        leader = members.get(team["leader_id"]) if team["leader_id"] else None
        out["teams"].append(
            [
                team["id"],
                *snap.village_names(team["village_id"]),
                team["name"],
                leader["name"] if leader else "",
                leader["phone"] if leader else "",
                team["notes"],
            ]
        )
    member_where = {}
    for member in sorted(
        members.values(),
        key=lambda m: (snap.village_names(snap.teams[m["team_id"]]["village_id"]), m["id"]),
    ):
        team = snap.teams[member["team_id"]]
        member_where[member["id"]] = (*snap.village_names(team["village_id"]), team["name"])
        out["members"].append(
            [
                member["id"],
                *member_where[member["id"]],
                member["name"],
                member["phone"],
                yes_no(member["is_party_member"]),
                yes_no(member["is_young_official"]),
                yes_no(member["is_expert"]),
                member["speciality"],
            ]
        )
    for farm in sorted(
        snap.farms.values(), key=lambda f: (snap.village_names(f["village_id"]), f["name"])
    ):
        out["farms"].append(
            [
                farm["id"],
                *snap.village_names(farm["village_id"]),
                farm["name"],
                label(FarmKind(farm["kind"])),
                farm["industry"],
                farm["contact_name"],
                farm["contact_phone"],
                farm["notes"],
            ]
        )
    for (member_id, farm_id), link in sorted(snap.links.items()):
        member, farm = members[member_id], snap.farms[farm_id]
        out["links"].append(
            [
                member_id,
                *member_where[member_id],
                member["name"],
                member["phone"],
                farm_id,
                *snap.village_names(farm["village_id"]),
                farm["name"],
                link["since"],
            ]
        )
    return out


def workbook_bytes(snap: Snapshot | None = None) -> bytes:
    """The roster workbook: empty (the template) or filled with ``snap`` (the export)."""
    from openpyxl import Workbook  # only a download needs it: kept out of start-up
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    rows = rows_of(snap) if snap is not None and snap.root is not None else {}
    book = Workbook()
    book.remove(book.active)
    kinds = ",".join(label(k) for k in FarmKind)
    yes_no_list = f'"{YES},{NO}"'
    for sheet in SHEETS:
        ws = book.create_sheet(str(sheet.title))
        ws.append([str(c.header) for c in sheet.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
        for index, column in enumerate(sheet.columns, start=1):
            letter = get_column_letter(index)
            ws.column_dimensions[letter].width = column.width
            if column.kind in ("kind", "yesno"):
                formula = f'"{kinds}"' if column.kind == "kind" else yes_no_list
                check = DataValidation(type="list", formula1=formula, allow_blank=True)
                check.error = _("Choose a value from the list.")
                check.showErrorMessage = True
                check.add(f"{letter}2:{letter}{VALIDATION_ROWS}")
                ws.add_data_validation(check)
        for row in rows.get(sheet.key, ()):
            ws.append([safe_cell(v) if isinstance(v, str) else v for v in row])
        for index, column in enumerate(sheet.columns, start=1):
            if column.kind == "phone":
                # text cells: Excel would drop a leading zero or show 1.38E+10
                for cell in ws[get_column_letter(index)][1:]:
                    cell.number_format = "@"
    notes = book.create_sheet(str(NOTES_TITLE))
    notes.append([_("Sheet"), _("Column"), _("What to write")])
    for cell in notes[1]:
        cell.font = Font(bold=True)
    for sheet in SHEETS:
        notes.append([str(sheet.title), "", str(sheet.note)])
        for column in sheet.columns:
            notes.append([str(sheet.title), str(column.header), str(column.note)])
    notes.append([])
    notes.append([str(FARMS.column("kind").header), "", kinds])
    notes.append([_("Yes or no"), "", f"{YES} / {NO}"])
    for line in (
        _("Rows are matched by id when the id column is filled, else by name."),
        _("A row removed from the file is reported, and removed only when asked."),
        _(
            "Teams under the minimum size and members with no farm or more than two are shown, "
            "not refused."
        ),
    ):
        notes.append([line])
    if snap is not None and snap.source:
        notes.append([])
        notes.append([SOURCE_LABEL, snap.source])
    notes.column_dimensions["A"].width = 18
    notes.column_dimensions["B"].width = 18
    notes.column_dimensions["C"].width = 60
    out = BytesIO()
    book.save(out)
    return out.getvalue()
