"""The enabled flag and settings of each plugin, shared by every process on the database."""

from datetime import datetime
from typing import Any

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, String
from sqlalchemy.orm import Mapped, mapped_column

from core.models.base import Base, UTCDateTime, utcnow


class PluginState(Base):
    """One installed plugin's switch and settings; a plugin without a row is new."""

    #: what the record is called on the audit trail and the deleted-records page
    record_label = _l("Plugin setting")

    __tablename__ = "plugin_states"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the plugin's short name, e.g. ``reading_rooms``
    name: Mapped[str] = mapped_column(String(64), unique=True)
    #: false: the plugin's pages answer 404 and its hooks are not called; its data stays
    enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    #: values an admin set, by key; missing keys take the plugin's defaults
    settings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    #: when the flag or a setting last changed
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
