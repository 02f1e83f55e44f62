"""Secret keys kept in files beside the store (mode 600, created on first use, never in the store).

Two keys, two purposes: the reporters' pseudonym key (`civ-secret.key`, or `CIV_SECRET_KEY_FILE`) and
the login sessions' signing key (`civ-session.key`). Losing the first changes every pseudonym; losing
the second only logs everyone out.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path


def read_or_create_key(path: str | os.PathLike) -> bytes:
    """The 32 random bytes in `path`, written there first (mode 600) when the file does not exist."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process created it meanwhile: use theirs
            return path.read_bytes()
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
    return path.read_bytes()


def pseudonym_key_file(db: str | os.PathLike) -> Path:
    configured = os.environ.get("CIV_SECRET_KEY_FILE")
    return Path(configured) if configured else Path(db).resolve().parent / "civ-secret.key"


def session_key_file(db: str | os.PathLike) -> Path:
    return Path(db).resolve().parent / "civ-session.key"
