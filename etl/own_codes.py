"""A municipality's own categories and statuses, as data in the store (never a Python dictionary).

`python -m etl categories add CODE --label-nl … --label-en … --group …` and
`python -m etl statuses add CODE … --class open|in_progress|closed`: the code, its labels and every
given alias become labels that exports may use; a profile's [values.category] can then map to it.
The release's reference data only adds and updates its own codes, so these stay.
"""

from __future__ import annotations

import re
from pathlib import Path

from civ import store
from civ.errors import UnusableInput
from civ.reference import normalise_label

_CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


def _check(code: str | None, label_nl: str | None, label_en: str | None, what: str) -> str:
    if not code or not _CODE.match(code):
        raise UnusableInput(
            f"{what}-code '{code or ''}': kleine letters, cijfers en _ (2 tot 40 tekens), bv. wildplassen"
        )
    if not (label_nl and label_nl.strip()) or not (label_en and label_en.strip()):
        raise UnusableInput("geef de namen: --label-nl en --label-en (de interface is tweetalig)")
    return code


def add_category(
    db: Path,
    code: str | None,
    label_nl: str | None,
    label_en: str | None,
    group: str | None,
    gas_relevant: bool = False,
    aliases: list[str] = (),
) -> dict:
    _check(code, label_nl, label_en, "categorie")
    if not group or not re.match(r"^[a-z][a-z0-9_]{1,39}$", group):
        raise UnusableInput("geef de groep met --group (bv. afval, overlast, verkeer)")
    con = store.open_for_writing(db)
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute(
            "INSERT OR REPLACE INTO categories VALUES (?, ?, ?, ?, ?)",
            [code, label_nl.strip(), label_en.strip(), group, gas_relevant],
        )
        labels = {normalise_label(v) for v in (code, label_nl, label_en, *aliases) if v and v.strip()}
        con.executemany(
            "INSERT OR REPLACE INTO category_aliases VALUES ('*', ?, ?)", [[a, code] for a in sorted(labels)]
        )
        con.execute("COMMIT")
    finally:
        con.close()
    return {
        "code": code,
        "label_nl": label_nl.strip(),
        "label_en": label_en.strip(),
        "group": group,
        "gas_relevant": gas_relevant,
        "aliases": sorted(labels),
        "status": "added",
    }


def add_status(
    db: Path,
    code: str | None,
    label_nl: str | None,
    label_en: str | None,
    status_class: str | None,
    aliases: list[str] = (),
) -> dict:
    _check(code, label_nl, label_en, "status")
    if status_class not in ("open", "in_progress", "closed"):
        raise UnusableInput("geef de klasse met --class: open, in_progress of closed")
    con = store.open_for_writing(db)
    try:
        con.execute("BEGIN TRANSACTION")
        con.execute(
            "INSERT OR REPLACE INTO statuses VALUES (?, ?, ?, ?)",
            [code, label_nl.strip(), label_en.strip(), status_class],
        )
        labels = {normalise_label(v) for v in (code, label_nl, label_en, *aliases) if v and v.strip()}
        con.executemany("INSERT OR REPLACE INTO status_aliases VALUES ('*', ?, ?)", [[a, code] for a in sorted(labels)])
        con.execute("COMMIT")
    finally:
        con.close()
    return {
        "code": code,
        "label_nl": label_nl.strip(),
        "label_en": label_en.strip(),
        "status_class": status_class,
        "aliases": sorted(labels),
        "status": "added",
    }


def _listing(db: Path, sql: str, keys: list[str]) -> list[dict]:
    con = store.open_for_writing(db)  # also brings an older store up to date
    try:
        return [dict(zip(keys, row)) for row in con.execute(sql).fetchall()]
    finally:
        con.close()


def list_categories(db: Path) -> list[dict]:
    return _listing(
        db,
        "SELECT code, label_nl, label_en, category_group FROM categories ORDER BY category_group, code",
        ["code", "label_nl", "label_en", "group"],
    )


def list_statuses(db: Path) -> list[dict]:
    return _listing(
        db,
        "SELECT code, label_nl, label_en, status_class FROM statuses ORDER BY code",
        ["code", "label_nl", "label_en", "status_class"],
    )
