"""Writes shared by the pages and the API: validation against the database, then the change.

Form and schema validation (types, required fields) happens in the page or API layer; these
functions check what needs the database and the caller's permissions, and raise
``FieldErrors`` with a message per field, changing nothing.
"""

from collections.abc import Mapping


class FieldErrors(Exception):
    """Bad input: ``errors`` maps each bad field to a list of messages (already translated)."""

    def __init__(self, errors: Mapping[str, list[str]]):
        super().__init__(dict(errors))
        self.errors = dict(errors)
