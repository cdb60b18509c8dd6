"""``kepu calendar``: import an .ics file or address as events."""

from pathlib import Path

import click
from flask import current_app

from core.calendar.importer import ImportRefused, fetch, import_calendar
from core.extensions import db
from core.models import Campaign

calendar_cli = click.Group("calendar", help="Calendar feeds: import events from .ics files.")


@calendar_cli.command("import")
@click.argument("source")
@click.option(
    "--campaign",
    "campaign_id",
    type=int,
    help="Campaign id for the events (default: the campaign named in CATEGORIES).",
)
def import_command(source, campaign_id):
    """Create or update events from SOURCE, an .ics file or an http(s) address, by UID."""
    campaign = None
    if campaign_id is not None:
        campaign = db.session.get(Campaign, campaign_id)
        if campaign is None:
            raise click.ClickException(f"no campaign with id {campaign_id}")
    config = current_app.config
    try:
        if source.startswith(("http://", "https://")) or "://" in source:
            data = fetch(
                source, config["CALENDAR_IMPORT_TIMEOUT"], config["CALENDAR_IMPORT_MAX_BYTES"]
            )
        else:
            path = Path(source)
            if not path.is_file():
                raise click.ClickException(f"no file {source}")
            data = path.read_bytes()
        report = import_calendar(data, campaign)
    except ImportRefused as exc:
        db.session.rollback()
        raise click.ClickException(f"{exc} (nothing imported)") from None
    for what, why in report.skipped:
        click.echo(f"skipped {what}: {why}", err=True)
    click.echo(
        f"{len(report.created)} created, {len(report.updated)} updated, "
        f"{len(report.unchanged)} unchanged, {len(report.skipped)} skipped"
    )
