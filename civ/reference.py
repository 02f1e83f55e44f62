"""Reference data every store carries: categories, channels, their aliases, default settings.

Kept as CSV in civ/reference_data/ and upserted on every start so that a new release's labels reach
existing stores. The areas are the territory's (civ/territory.py), set by `etl territory set`.
"""

from __future__ import annotations

import csv
import hashlib
import importlib.resources
import re

import duckdb
import pandas as pd


def _rows(name: str) -> list[dict]:
    text = importlib.resources.files("civ.reference_data").joinpath(name).read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


def normalise_label(text: str) -> str:
    """How labels are compared: lower case, single spaces, underscores as spaces."""
    return re.sub(r"\s+", " ", str(text).replace("_", " ")).strip().lower()


def normalise_labels(values: pd.Series) -> pd.Series:
    """normalise_label for a whole column; missing stays missing."""
    return per_distinct(
        values,
        lambda text: (
            text.str.replace("_", " ", regex=False).str.replace(r"\s+", " ", regex=True).str.strip().str.lower()
        ),
    )


def per_distinct(values: pd.Series, transform) -> pd.Series:
    """`transform` (string Series -> Series) applied to each distinct value once and mapped back.

    A column of labels has a few dozen distinct values in a million rows: string work per row
    cost seconds per column on a million reports; per distinct value it is instant."""
    text = values.astype("string")
    distinct = pd.Series(text.dropna().unique(), dtype="string")
    return text.map(dict(zip(distinct, transform(distinct)))).astype("string")


def area_name(raw_name: str) -> str:
    """'Ekeren (Antwerpen)' -> 'Ekeren'; 'Merchtem (Dg.)' -> 'Merchtem'."""
    return re.sub(r"\s*\(.*\)\s*$", "", raw_name).strip()


def _fingerprint() -> str:
    """A hash of every reference file: the upsert runs only when one of them changed."""
    digest = hashlib.sha256()
    folder = importlib.resources.files("civ.reference_data")
    for name in sorted(e.name for e in folder.iterdir() if e.name.endswith(".csv")):
        digest.update(folder.joinpath(name).read_bytes())
    return digest.hexdigest()


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    from civ import territory

    territory.upgrade_older_store(con)
    fingerprint = _fingerprint()
    if setting(con, "reference_fingerprint") == fingerprint:
        return
    con.execute("BEGIN TRANSACTION")
    try:
        _ensure_categories(con)
        _ensure_channels(con)
        _ensure_statuses(con)
        _ensure_settings(con)
        con.execute("INSERT OR REPLACE INTO settings VALUES ('reference_fingerprint', ?)", [fingerprint])
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise


def _ensure_categories(con):
    categories = _rows("categories.csv")
    con.executemany(
        "INSERT OR REPLACE INTO categories VALUES (?, ?, ?, ?, ?)",
        [
            [c["code"], c["label_nl"], c["label_en"], c["category_group"], c["gas_relevant"] == "true"]
            for c in categories
        ],
    )
    aliases = {
        ("*", normalise_label(v), c["code"]) for c in categories for v in (c["code"], c["label_nl"], c["label_en"])
    }
    aliases |= {(a["source"], normalise_label(a["alias"]), a["category_code"]) for a in _rows("category_aliases.csv")}
    con.executemany("INSERT OR REPLACE INTO category_aliases VALUES (?, ?, ?)", sorted(aliases))


def _ensure_channels(con):
    channels = _rows("channels.csv")
    con.executemany(
        "INSERT OR REPLACE INTO channels VALUES (?, ?, ?)",
        [[c["code"], c["label_nl"], c["label_en"]] for c in channels],
    )
    aliases = {
        ("*", normalise_label(v), c["code"]) for c in channels for v in (c["code"], c["label_nl"], c["label_en"])
    }
    aliases |= {(a["source"], normalise_label(a["alias"]), a["channel_code"]) for a in _rows("channel_aliases.csv")}
    con.executemany("INSERT OR REPLACE INTO channel_aliases VALUES (?, ?, ?)", sorted(aliases))


def _ensure_statuses(con):
    statuses = _rows("statuses.csv")
    con.executemany(
        "INSERT OR REPLACE INTO statuses VALUES (?, ?, ?, ?)",
        [[s["code"], s["label_nl"], s["label_en"], s["status_class"]] for s in statuses],
    )
    aliases = {
        ("*", normalise_label(v), s["code"]) for s in statuses for v in (s["code"], s["label_nl"], s["label_en"])
    }
    aliases |= {(a["source"], normalise_label(a["alias"]), a["status_code"]) for a in _rows("status_aliases.csv")}
    con.executemany("INSERT OR REPLACE INTO status_aliases VALUES (?, ?, ?)", sorted(aliases))


def _ensure_settings(con):
    defaults = {
        "max_speed_kmh": "130",
    }
    for key, value in defaults.items():
        con.execute("INSERT OR IGNORE INTO settings VALUES (?, ?)", [key, value])


def setting(con: duckdb.DuckDBPyConnection, key: str) -> str | None:
    rows = con.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchall()
    return rows[0][0] if rows else None
