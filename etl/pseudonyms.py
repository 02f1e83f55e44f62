"""Reporter identity is replaced at load by a keyed hash, so repeat reporters can be counted
without anyone being able to read or guess a name back from the store.

The key is local to each installation: environment `CIV_SECRET_KEY_FILE`, else a file
`civ-secret.key` beside the database, created with 32 random bytes on first use (mode 600).
It is never in the repository (.gitignore) and never in the database.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import pandas as pd


def key_file(db: str | os.PathLike) -> Path:
    configured = os.environ.get("CIV_SECRET_KEY_FILE")
    return Path(configured) if configured else Path(db).resolve().parent / "civ-secret.key"


def load_key(db: str | os.PathLike) -> bytes:
    path = key_file(db)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(32))
    return path.read_bytes()


def pseudonym(key: bytes, identity: str) -> str:
    """'m-' + 16 hex digits; the same person (case and spaces ignored) gets the same pseudonym."""
    normalised = " ".join(identity.split()).lower()
    return "m-" + hmac.new(key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def pseudonymise(values: pd.Series, key: bytes) -> pd.Series:
    """Empty values stay empty (<NA>); each distinct identity is hashed once."""
    present = values.fillna("").str.strip()
    distinct = {v: pseudonym(key, v) for v in present.unique() if v}
    return present.map(lambda v: distinct.get(v, pd.NA)).astype("string")
