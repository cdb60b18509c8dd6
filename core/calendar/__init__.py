"""Calendar feeds: events as iCalendar text (writer), kept rendered (cache), assembled into
public and personal feeds (feeds), and imported from .ics files (importer, cli)."""
