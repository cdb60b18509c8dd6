"""Uploaded roster files waiting for their confirmation, under ``instance/roster/<token>/``.

The dry run stores the files with who sent them, the area, the option to remove rows and the
fingerprint of the roster it compared them with; the confirmation reads them back by token.
Folders older than a day are pruned at the next upload.
"""

import json
import re
import secrets
import shutil
import time
from pathlib import Path

from flask import current_app

_TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
#: seconds a pending upload is kept
KEEP_SECONDS = 24 * 3600


def _root() -> Path:
    return Path(current_app.instance_path) / "roster"


def save(files: list[tuple[str, bytes]], meta: dict) -> str:
    """Store ``files`` and ``meta``; answer the token that names them."""
    prune()
    token = secrets.token_urlsafe(24)
    folder = _root() / token
    folder.mkdir(parents=True)
    names = []
    for index, (name, data) in enumerate(files):
        (folder / f"{index}.bin").write_bytes(data)
        names.append(name)
    write_meta(token, {**meta, "names": names})
    return token


def write_meta(token: str, meta: dict) -> None:
    """Replace the metadata of a pending upload."""
    (_root() / token / "meta.json").write_text(json.dumps(meta), encoding="utf-8")


def read_meta(token: str) -> dict | None:
    """The metadata of ``token`` alone (who sent it, for a progress poll), or None when
    unknown or expired."""
    if not _TOKEN.match(token or ""):
        return None
    try:
        return json.loads((_root() / token / "meta.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def load(token: str) -> tuple[list[tuple[str, bytes]], dict] | None:
    """The files and metadata of ``token``, or None when unknown or expired."""
    meta = read_meta(token)
    if meta is None:
        return None
    folder = _root() / token
    try:
        files = [(name, (folder / f"{i}.bin").read_bytes()) for i, name in enumerate(meta["names"])]
    except (OSError, KeyError):
        return None
    return files, meta


def write_progress(token: str, done: int, total: int) -> None:
    """Note how far the import of ``token`` is (read by the page's progress bar)."""
    folder = _root() / token
    if folder.is_dir():
        (folder / "progress.json").write_text(json.dumps({"done": done, "total": total}))


def read_progress(token: str) -> dict | None:
    """How far the import of ``token`` is: ``{"done": n, "total": m}``, or None."""
    if not _TOKEN.match(token or ""):
        return None
    try:
        return json.loads((_root() / token / "progress.json").read_text())
    except (OSError, ValueError):
        return None


def drop(token: str) -> None:
    """Forget a pending upload."""
    if _TOKEN.match(token or ""):
        shutil.rmtree(_root() / token, ignore_errors=True)


def prune() -> None:
    """Remove the pending uploads older than :data:`KEEP_SECONDS`."""
    root = _root()
    if not root.is_dir():
        return
    limit = time.time() - KEEP_SECONDS
    for folder in root.iterdir():
        if folder.is_dir() and folder.stat().st_mtime < limit:
            shutil.rmtree(folder, ignore_errors=True)
