"""``kepu roster``: the roster workbook's template, export and import."""

from pathlib import Path

import click
from flask import current_app
from flask_babel import force_locale

from core.extensions import db
from core.models import Area, AreaKind
from core.roster import run
from core.roster.plan import Plan
from core.roster.reader import FileRefused
from core.roster.snapshot import default_root, load
from core.roster.workbook import workbook_bytes

roster_cli = click.Group("roster", help="The roster workbook: template, export and import.")

_lang = click.option(
    "--lang",
    type=click.Choice(["zh_CN", "en"]),
    default=None,
    help="Language of headers and messages (default: Kepu's default language).",
)
_area = click.option("--area", "area_id", type=int, help="County or township id.")


def _locale(lang: str | None) -> str:
    return lang or current_app.config["BABEL_DEFAULT_LOCALE"]


def _root(area_id: int | None) -> Area | None:
    """The area named by ``--area`` (a county or township), else the only county."""
    if area_id is None:
        try:
            return default_root()
        except LookupError:
            raise click.ClickException("several counties: choose one with --area ID") from None
    area = db.session.get(Area, area_id)
    if area is None or area.kind == AreaKind.VILLAGE:
        raise click.ClickException(f"no county or township with id {area_id}")
    return area


@roster_cli.command("template")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@_lang
def template_command(file, lang):
    """Write an empty roster workbook to FILE."""
    with force_locale(_locale(lang)):
        Path(file).write_bytes(workbook_bytes())
    click.echo(f"wrote {file}")


@roster_cli.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
@_area
@_lang
def export_command(file, area_id, lang):
    """Write the current roster (of --area, or the county) to FILE, in the template's format."""
    root = _root(area_id)
    with force_locale(_locale(lang)):
        snap = load(root)
        Path(file).write_bytes(workbook_bytes(snap))
    click.echo(
        f"wrote {file}: {len(snap.teams)} teams, {len(snap.members)} members, "
        f"{len(snap.farms)} farms, {len(snap.links)} links"
    )


def echo_plan(plan: Plan, limit: int = 50) -> None:
    """Print a dry run: counts per sheet, every problem, notes, and the rules' flags."""
    for sheet, counts in plan.counts().items():
        click.echo(
            f"{sheet}: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['unchanged']} unchanged, {counts['missing']} missing, "
            f"{counts['refused']} refused"
        )
    for change in plan.updated[:limit]:
        fields = "; ".join(f"{h}: {old} -> {new}" for h, old, new in change.fields)
        click.echo(f"  update {change.sheet} row {change.row} {change.what}: {fields}")
    for sheet, what in plan.missing[:limit]:
        click.echo(f"  not in the file ({sheet}): {what}")
    for note in plan.notes:
        click.echo(f"note: {note}")
    for problem in plan.problems:
        click.echo(
            f"{problem.sheet}, row {problem.row}, {problem.column}: {problem.message}", err=True
        )
    if plan.flags:
        click.echo(f"rules: {len(plan.flags)} flags (shown, not refused)")
        for flag in plan.flags[:limit]:
            click.echo(f"  {flag}")


@roster_cli.command("import")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
@_area
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--yes", is_flag=True, help="Answer yes to the confirmation (for scripts).")
@click.option("--remove-missing", is_flag=True, help="Remove stored rows the file no longer lists.")
@_lang
def import_command(files, area_id, dry_run, yes, remove_missing, lang):
    """Import FILES (one .xlsx workbook, or one CSV file per sheet) into the roster."""
    root = _root(area_id)
    with force_locale(_locale(lang)):
        contents = [(Path(f).name, Path(f).read_bytes()) for f in files]
        click.echo(f"reading {', '.join(name for name, _data in contents)}")
        try:
            book = run.read(contents)
        except FileRefused as exc:
            raise click.ClickException(f"{exc} (nothing imported)") from None
        click.echo(f"read {book.count()} rows; checking")
        plan, _snap = run.dry_run(book, root, remove_missing)
        echo_plan(plan)
        if not plan.ok:
            raise click.ClickException(f"{len(plan.problems)} problems (nothing imported)")
        if dry_run:
            click.echo("dry run: nothing written")
            return
        if not plan.has_changes:
            click.echo("nothing to change")
            return
        if not yes and not click.confirm("Import these changes?", err=True):
            raise click.ClickException("nothing imported")
        plan, written = run.confirm(
            book, root, plan.fingerprint, remove_missing, lambda line: click.echo(f"  {line}")
        )
        if not written:
            raise click.ClickException("the roster changed meanwhile: run the import again")
    click.echo("imported")
