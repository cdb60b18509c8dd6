"""The version of the installed Kepu distribution."""

import functools
from importlib import metadata


@functools.cache
def kepu_version(default: str = "unknown") -> str:
    """Kepu's installed version; ``default`` when running from a tree that is not installed.

    Read once per process: reading it parses the distribution's metadata (milliseconds), and
    the calendar feeds ask for it on every poll.
    """
    try:
        return metadata.version("kepu")
    except metadata.PackageNotFoundError:
        return default
