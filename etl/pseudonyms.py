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

import pandas as pd

from civ.keys import pseudonym_key_file, read_or_create_key


def load_key(db: str | os.PathLike) -> bytes:
    return read_or_create_key(pseudonym_key_file(db))


def pseudonym(key: bytes, identity: str) -> str:
    """'m-' + 16 hex digits; the same person (case and spaces ignored) gets the same pseudonym."""
    normalised = " ".join(identity.split()).lower()
    return "m-" + hmac.new(key, normalised.encode("utf-8"), hashlib.sha256).hexdigest()[:16]


def pseudonymise(values: pd.Series, key: bytes) -> pd.Series:
    """Empty values stay empty (<NA>); each distinct identity is hashed once."""
    present = values.fillna("").str.strip()
    distinct = {v: pseudonym(key, v) for v in present.unique() if v}
    return present.map(lambda v: distinct.get(v, pd.NA)).astype("string")
