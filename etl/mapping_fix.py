"""Fixing the label mapping of an import from its quarantine, then trying its refused rows again.

"categorie 'Kapotte zitbank' is onbekend" in the quarantine of an import means the mapping had no code for
that label. `refused_labels` lists those labels with their rows (and the nearest known code); `fix_labels`
writes the codes the user chose into the import's saved profile (the profile `quarantine retry` reads)
and returns its name, so that the retry (etl/batches.py `retry_quarantine`) loads those rows.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections import Counter
from pathlib import Path

from civ import store
from civ.errors import UnusableInput

UNKNOWN_CATEGORY = re.compile(r"^categorie '(.*)' is onbekend$")


def _batch(con, batch_id: int) -> tuple[str, str | None, str]:
    row = store.first_row(
        con,
        """SELECT b.file_name, d.profile_name, b.kind FROM import_batches b
           LEFT JOIN batch_details d USING (batch_id) WHERE b.batch_id = ?""",
        [batch_id],
    )
    if row is None:
        raise UnusableInput(f"import {batch_id} bestaat niet")
    return row


def refused_labels(db, batch_id: int) -> dict:
    """{batch_id, file, profile_name, labels: [{label, rows, code}]}: the category labels an import refused
    as unknown, most rows first, each with the nearest known code (None when nothing is near)."""
    import difflib

    from civ.reference import normalise_label
    from etl.profile_suggest import _known_labels

    with store.reading(store.db_path(db)) as con:
        file_name, profile_name, _kind = _batch(con, batch_id)
        reasons = con.execute(
            "SELECT reason, count(*) FROM quarantine WHERE batch_id = ? GROUP BY reason", [batch_id]
        ).fetchall()
    counts: Counter = Counter()
    for reason, rows in reasons:
        for part in str(reason or "").split("; "):
            found = UNKNOWN_CATEGORY.match(part.strip())
            if found:
                counts[found.group(1)] += int(rows)
    known = _known_labels(db)["category"]
    labels = []
    for label, rows in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        near = difflib.get_close_matches(normalise_label(label), list(known), n=1, cutoff=0.85)
        labels.append({"label": label, "rows": rows, "code": known[near[0]] if near else None})
    return {"batch_id": batch_id, "file": file_name, "profile_name": profile_name, "labels": labels}


def _toml_value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a valid TOML basic string


def profile_toml(document: dict) -> str:
    """A parsed profile ([file], [columns], [values.F]) written back as TOML."""
    lines: list[str] = []
    for section in ("file", "columns"):
        if document.get(section):
            lines += [f"[{section}]"] + [f"{json.dumps(k)} = {_toml_value(v)}" for k, v in document[section].items()]
            lines.append("")
    for field, mapping in (document.get("values") or {}).items():
        lines += [f"[values.{field}]"] + [
            f"{json.dumps(str(k), ensure_ascii=False)} = {_toml_value(v)}" for k, v in mapping.items()
        ]
        lines.append("")
    return "\n".join(lines)


def fix_labels(db, batch_id: int, codes: dict[str, str]) -> str:
    """Write label -> code into the import's saved profile (a load without a profile gets one named
    `import-N`); the name of the profile the retry must read. Unusable input: nothing chosen, a code that
    does not exist, a mapping made on the page and never saved (its columns are not known)."""
    from etl.profiles import parse, save_profile, saved_profile_text
    from etl.web_import import UNSAVED
    from etl.web_import import codes as our_codes

    chosen = {str(label): str(code) for label, code in codes.items() if code}
    if not chosen:
        raise UnusableInput("kies eerst een code voor minstens één label")
    unknown = sorted(set(chosen.values()) - set(our_codes(db)["category"]))
    if unknown:
        raise UnusableInput(f"onbekende categorie {', '.join(unknown)}")
    with store.reading(store.db_path(db)) as con:
        _file, profile_name, kind = _batch(con, batch_id)
    if kind != "reports":
        raise UnusableInput(f"import {batch_id} is geen import van meldingen")
    if profile_name == UNSAVED:
        raise UnusableInput(
            f"de koppeling van import {batch_id} werd niet als profiel bewaard: laad het bestand opnieuw op de "
            "importpagina en bewaar de koppeling"
        )
    if profile_name:
        text = saved_profile_text(db, profile_name)
        document = tomllib.loads(text)
    else:
        profile_name, document = f"import-{batch_id}", {"file": {"kind": "reports"}}
    document.setdefault("values", {}).setdefault("category", {}).update(chosen)
    text = profile_toml(document)
    parse(text, profile_name, "reports")  # refuse before saving what --profile could not read
    import tempfile

    with tempfile.TemporaryDirectory(prefix="civ-profile-") as folder:
        path = Path(folder) / "profiel.toml"
        path.write_text(text, encoding="utf-8")
        save_profile(db, profile_name, str(path))
    return profile_name
