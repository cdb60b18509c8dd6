"""A plugin's own translations: the ``translations/`` folder of its package.

A plugin that is not part of Kepu's catalogue ships its catalogues as Flask-Babel expects them
(``translations/<locale>/LC_MESSAGES/messages.mo`` inside its package); they are read beside the
core's, which win where both translate the same text.
"""

from flask import Flask

from core.plugins.loader import plugin_package_dirs


def add_plugin_translations(app: Flask) -> list[str]:
    """Put every installed plugin's ``translations/`` folder before the core's; returns them."""
    babel = app.extensions["babel"]
    folders = [
        str(path / "translations")
        for path in plugin_package_dirs(app).values()
        if (path / "translations").is_dir()
    ]
    known = set(babel.translation_directories)
    babel.translation_directories[:0] = [folder for folder in folders if folder not in known]
    return folders
