"""Marshmallow field types of the API: ids, clean text, instants in the configured zone."""

from datetime import UTC, datetime

from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError, fields, validate

from core.api.common import MAX_ID
from core.dates import local_zone

#: the instants an event may name (far from datetime.min/max, so zone arithmetic never overflows)
FIRST_INSTANT = datetime(1900, 1, 1, tzinfo=UTC)
LAST_INSTANT = datetime(2999, 12, 31, tzinfo=UTC)
#: longest free text accepted (notes, descriptions, questions)
MAX_TEXT = 20_000


class CleanString(fields.String):
    """A string with surrounding white space stripped; NUL characters are refused."""

    def _deserialize(self, value, attr, data, **kwargs):
        """Strip the value and refuse NUL, which PostgreSQL cannot store."""
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise ValidationError(str(_l("Remove the NUL character.")))
        return text.strip()


def _not_blank(value: str) -> None:
    """Refuse an empty or blank value."""
    if not value:
        raise ValidationError(str(_l("Enter a value.")))


def text(max_length: int = MAX_TEXT, *, required: bool = False, **kwargs) -> CleanString:
    """A text field of at most ``max_length`` characters; ``required`` ones may not be blank."""
    validators = [validate.Length(max=max_length)]
    if required:
        validators.insert(0, _not_blank)
    return CleanString(required=required, validate=validators, **kwargs)


def ref(description: str, **kwargs) -> fields.Integer:
    """The id of another record, as a JSON integer."""
    return fields.Integer(
        strict=True,
        validate=validate.Range(min=1, max=MAX_ID),
        metadata={"description": description},
        **kwargs,
    )


#: most ids one list of references may hold (members present, organising teams)
MAX_REFS = 300


class ShortList(fields.List):
    """A list refused as a whole when longer than ``max_items``, before any item is read
    (a list of a hundred thousand ids would otherwise cost seconds before its 422)."""

    def __init__(self, *args, max_items: int, **kwargs):
        kwargs.setdefault("validate", validate.Length(max=max_items))
        super().__init__(*args, **kwargs)
        self.max_items = max_items

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, list) and len(value) > self.max_items:
            raise ValidationError(str(_l("Give at most %(n)s items.", n=self.max_items)))
        return super()._deserialize(value, attr, data, **kwargs)


def ref_list(description: str, **kwargs) -> fields.List:
    """A list of ids of other records (at most ``MAX_REFS``)."""
    return ShortList(
        fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID)),
        max_items=MAX_REFS,
        metadata={"description": description},
        **kwargs,
    )


def count(description: str, **kwargs) -> fields.Integer:
    """A whole number of people or households (the services check the range)."""
    return fields.Integer(strict=True, metadata={"description": description}, **kwargs)


def _plausible_instant(value: datetime) -> None:
    """Refuse instants outside 1900..2999 (zone arithmetic near the limits overflows)."""
    if not FIRST_INSTANT <= value <= LAST_INSTANT:
        raise ValidationError(str(_l("Give a date between 1900 and 2999.")))


class LocalDateTime(fields.DateTime):
    """An ISO 8601 instant. Read: a naive value is taken in the configured zone (TIMEZONE).

    Written: always with its offset, in the configured zone.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("validate", _plausible_instant)
        super().__init__(format="iso", **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        """Parse ISO 8601; attach the configured zone to a value without offset."""
        result = super()._deserialize(value, attr, data, **kwargs)
        if result.tzinfo is None:
            result = result.replace(tzinfo=local_zone())
        return result

    def _serialize(self, value, attr, obj, **kwargs):
        """ISO 8601 with the offset of the configured zone."""
        if value is None:
            return None
        return super()._serialize(value.astimezone(local_zone()), attr, obj, **kwargs)
