"""What records are called: a table's ``record_label`` (translated), for the trail's pages.

Each model may carry ``record_label = _l("Visit")``; a plugin's model that has none is shown
by its table name, which still says what it is.
"""

from core.extensions import db


def model_of(table_name: str):
    """The mapped class of ``table_name`` (core or plugin), or None."""
    for mapper in db.Model.registry.mappers:
        if getattr(mapper.local_table, "name", None) == table_name:
            return mapper.class_
    return None


def record_label(table_name: str) -> str:
    """The translated name of a table's records, e.g. 走访记录 for ``visits``."""
    model = model_of(table_name)
    label = getattr(model, "record_label", None)
    return str(label) if label is not None else table_name
