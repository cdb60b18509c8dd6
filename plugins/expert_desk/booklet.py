"""The Q&A booklet (问答汇编): its contents by topic, the .xlsx workbook and the file name."""

from io import BytesIO

from flask_babel import gettext as _

from core.plugin_api import safe_cell
from plugins.expert_desk.models import Booklet
from plugins.expert_desk.services import answers_of, booklet_chapters


def context(booklet: Booklet) -> dict:
    """What the print view and the HTML file show: chapters of numbered entries."""
    chapters, number = [], 0
    for topic, questions in booklet_chapters(booklet):
        entries = []
        for question in questions:
            number += 1
            entries.append({"n": number, "q": question, "answers": answers_of(question)})
        chapters.append({"topic": topic, "entries": entries, "anchor": f"c{len(chapters) + 1}"})
    return {"booklet": booklet, "chapters": chapters, "count": number}


def filename(booklet: Booklet, ext: str) -> str:
    """The download's name: the booklet's title."""
    safe = "".join(c for c in booklet.title if c not in '\\/:*?"<>|').strip() or "booklet"
    return f"{safe}.{ext}"


def workbook(booklet: Booklet) -> bytes:
    """One sheet: number, topic, village, farm or crop, question, expert, answer."""
    from openpyxl import Workbook  # only an export needs it: kept out of start-up
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = _("Questions and answers")[:31]
    sheet.append([safe_cell(booklet.title)])
    sheet["A1"].font = Font(bold=True, size=14)
    heading = [
        _("No."),
        _("Topic"),
        _("Village"),
        _("Farm or crop"),
        _("Question"),
        _("Expert"),
        _("Answer"),
    ]
    sheet.append(heading)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for chapter in context(booklet)["chapters"]:
        for entry in chapter["entries"]:
            q = entry["q"]
            sheet.append(
                [
                    entry["n"],
                    safe_cell(chapter["topic"]),
                    safe_cell(q.village.name),
                    safe_cell(q.subject),
                    safe_cell(q.text),
                    safe_cell(q.expert.name if q.expert else ""),
                    safe_cell("\n\n".join(a.text for a in entry["answers"])),
                ]
            )
    for column, width in zip("ABCDEFG", (6, 14, 12, 14, 50, 12, 70), strict=True):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A3"
    out = BytesIO()
    book.save(out)
    return out.getvalue()
