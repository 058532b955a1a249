"""Files the bot writes outside its database, owner-only like the database itself.

Exports and draft files hold the same personal data as the database (names, facts of the
breach), so they are created readable by their owner alone (0600), whatever the umask, and a
file written over is narrowed to 0600 too. Folders the bot creates for them are 0700; a folder
that already exists keeps its mode (it is the reader's).
"""

from __future__ import annotations

import os
from pathlib import Path

FILE_MODE = 0o600
FOLDER_MODE = 0o700


def make_folder(folder: Path) -> None:
    """Create ``folder`` and any missing parent, each owner-only; existing ones are left."""
    missing = []
    for path in (folder, *folder.parents):
        if path.is_dir():
            break
        missing.append(path)
    for path in reversed(missing):
        path.mkdir(mode=FOLDER_MODE, exist_ok=True)
        os.chmod(path, FOLDER_MODE)


def write_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path``, readable and writable by its owner only."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, FILE_MODE)
    try:
        os.fchmod(fd, FILE_MODE)  # a file written over keeps no wider mode
        with os.fdopen(fd, "wb", closefd=False) as handle:
            handle.write(data)
    finally:
        os.close(fd)


def write_text(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8, line ends as given) owner-only."""
    write_bytes(path, text.encode("utf-8"))
