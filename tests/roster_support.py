"""Helpers of the roster tests: small workbooks written with openpyxl, and table counts."""

from io import BytesIO

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from core.extensions import db
from core.models import Area, Assignment, Farm, Member, Team


def counts() -> dict[str, int]:
    """Live rows of the roster's tables."""

    def n(model, live=True):
        query = select(func.count()).select_from(model)
        if live and hasattr(model, "deleted_at"):
            query = query.where(model.deleted_at.is_(None))
        return db.session.scalar(query)

    return {
        "areas": n(Area),
        "teams": n(Team),
        "members": n(Member),
        "farms": n(Farm),
        "links": n(Assignment),
    }


def links() -> set[tuple]:
    """Every link as (team name, member name, phone, farm name, since)."""
    rows = db.session.execute(
        select(Team.name, Member.name, Member.phone, Farm.name, Assignment.since)
        .join(Member, Member.id == Assignment.member_id)
        .join(Team, Team.id == Member.team_id)
        .join(Farm, Farm.id == Assignment.farm_id)
    ).all()
    return {tuple(r) for r in rows}


def leaders() -> set[tuple]:
    """Every team with its leader's name and phone."""
    rows = db.session.execute(
        select(Team.name, Member.name, Member.phone).join(Member, Member.id == Team.leader_id)
    ).all()
    return {tuple(r) for r in rows}


def book(sheets: dict[str, list[list]]) -> bytes:
    """An .xlsx workbook of ``{title: rows}`` (first row: headers)."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


def read_back(data: bytes):
    """The workbook of ``data`` (openpyxl)."""
    return load_workbook(BytesIO(data))


def export_world(runner, tmp_path, *args: str) -> bytes:
    """The roster export of the test world (English headers)."""
    path = tmp_path / "export.xlsx"
    result = runner.invoke(args=["roster", "export", str(path), "--lang", "en", *args])
    assert result.exit_code == 0, result.output
    return path.read_bytes()


def edited(data: bytes, edit) -> bytes:
    """``data`` after ``edit(workbook)``."""
    wb = load_workbook(BytesIO(data))
    edit(wb)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()
