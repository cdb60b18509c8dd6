"""Each installed plugin's Alembic branch, added to the migrations the core runs.

A plugin package's ``migrations/`` folder is one more entry of Alembic's ``version_locations``
(with ``path_separator = os``), so ``kepu db upgrade`` upgrades the core and every plugin.
"""

import os
from typing import TYPE_CHECKING

from flask import current_app

from core.database import MIGRATIONS_DIR
from core.extensions import migrate
from core.plugins.loader import migration_dirs

if TYPE_CHECKING:
    from alembic.config import Config


@migrate.configure
def _plugin_branches(config: "Config") -> "Config":
    """Alembic's ``version_locations``: the core's versions and each installed plugin's branch."""
    locations = [str(MIGRATIONS_DIR / "versions"), *migration_dirs(current_app)]
    config.set_main_option("path_separator", "os")
    config.set_main_option(
        "version_locations", os.pathsep.join(path.replace("%", "%%") for path in locations)
    )
    return config
