"""Writes shared by the pages and the API: validation against the database, then the change.

Form and schema validation (types, required fields) happens in the page or API layer; these
functions check what needs the database and the caller's permissions, and raise
``FieldErrors`` with a message per field (or ``Conflict`` when the data's present state forbids
the change), changing nothing. ``clean_text``, ``check_one_line`` (names and titles) and
``clean_phone`` are the checks of free text that every service shares.
"""

import re
from collections.abc import Mapping

from flask_babel import gettext as _


class FieldErrors(Exception):
    """Bad input: ``errors`` maps each bad field to a list of messages (already translated)."""

    def __init__(self, errors: Mapping[str, list[str]]):
        super().__init__(dict(errors))
        self.errors = dict(errors)


class Conflict(Exception):
    """A change the stored data forbids (e.g. deleting an area still in use); the message is
    translated. The API answers 409."""


#: control characters (line breaks and tabs included): never in a name or title
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def check_one_line(errors: dict, name: str, value: str | None) -> None:
    """Note an error when ``value`` (a name or title) holds a line break or control character."""
    if name not in errors and CONTROL_CHARACTERS.search(value or ""):
        errors[name] = [_("Use one line without line breaks or control characters.")]


def clean_text(
    errors: dict,
    name: str,
    value: str | None,
    limit: int,
    required: bool = False,
    one_line: bool = False,
) -> str:
    """Strip ``value``; note an error when it is missing (and required) or too long, or, for
    a ``one_line`` value (names, titles), when it holds a line break or control character."""
    value = (value or "").strip()
    if required and not value:
        errors[name] = [_("This field is required.")]
    elif len(value) > limit:
        errors[name] = [_("Use at most %(n)s characters.", n=limit)]
    elif one_line:
        check_one_line(errors, name, value)
    return value


#: what a phone number may hold (members' phones, farms' contact phones)
PHONE_PATTERN = re.compile(r"^[0-9+\-() ]*$")


def clean_phone(errors: dict, name: str, value: str | None, limit: int = 32) -> str:
    """``clean_text`` for a phone number: digits, spaces and + - ( ) only."""
    value = clean_text(errors, name, value, limit)
    if name not in errors and not PHONE_PATTERN.match(value):
        errors[name] = [_("Use digits, spaces and + - ( ) only.")]
    return value
