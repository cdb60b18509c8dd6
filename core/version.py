"""The version of the installed Kepu distribution."""

from importlib import metadata


def kepu_version(default: str = "unknown") -> str:
    """Kepu's installed version; ``default`` when running from a tree that is not installed."""
    try:
        return metadata.version("kepu")
    except metadata.PackageNotFoundError:
        return default
