"""`python -m etl profile suggest FILE --kind …`: a starting profile the user edits, then loads.

It says what it found and why, in comments: the header row, each of our fields with the column it
guesses (and the rule that matched), the columns it would ignore, and for reports every distinct
label of category, channel, status and area with the nearest known code, or "nieuw?" where none is
near (a load refuses "nieuw?" until the user picks a code or adds one: nothing is mapped blindly).
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

from civ.errors import UnusableInput
from etl.profiles import FIELDS
from etl.tables import read_table

MAX_LABELS = 60


def _aliases_for(kind: str) -> dict[str, tuple[str, ...]]:
    from etl import devices, fixes, hotspots, projects
    from etl.formats import canonical

    return {
        "reports": {k: tuple(v) for k, v in canonical.COLUMNS.items()},
        "fixes": fixes.CSV_ALIASES,
        "devices": devices.CSV_ALIASES,
        "hotspots": hotspots._TABLE_ALIASES,
        "projects": {k: tuple(v) for k, v in projects.COLUMNS.items()},
    }[kind]


def _known_labels(db) -> dict[str, dict[str, str]]:
    """label -> code for category, channel, status, area: from the store when there is one."""
    from civ import reference, store

    path = store.db_path(db)
    if path.exists():
        with store.reading(path) as con:

            def pairs(sql):
                try:
                    return dict(con.execute(sql).fetchall())
                except Exception:  # an older store without statuses
                    return {}

            return {
                "category": pairs("SELECT alias, category_code FROM category_aliases WHERE source = '*'"),
                "channel": pairs("SELECT alias, channel_code FROM channel_aliases WHERE source = '*'"),
                "status": pairs("SELECT alias, status_code FROM status_aliases WHERE source = '*'"),
                "area": pairs("SELECT lower(name), name FROM areas"),
            }
    rows = reference._rows
    labels = {"category": {}, "channel": {}, "status": {}, "area": {}}
    for name, field, code in (
        ("categories.csv", "category", "code"),
        ("channels.csv", "channel", "code"),
        ("statuses.csv", "status", "code"),
    ):
        for row in rows(name):
            for value in (row["code"], row["label_nl"], row["label_en"]):
                labels[field][reference.normalise_label(value)] = row[code]
    for name, field, code in (
        ("category_aliases.csv", "category", "category_code"),
        ("channel_aliases.csv", "channel", "channel_code"),
        ("status_aliases.csv", "status", "status_code"),
    ):
        for row in rows(name):
            if row["source"] == "*":
                labels[field][reference.normalise_label(row["alias"])] = row[code]
    # without a store there is no territory yet (`etl territory set`), so no areas to match
    return labels


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid TOML basic string


def _guess(frame, kind: str) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Our field -> their normalised column(s), and why."""
    aliases = _aliases_for(kind)
    found, why, used = {}, {}, set()
    if kind in ("reports", "fixes"):
        from etl.formats.canonical import TIME_COLUMNS, date_and_time

        field = "reported_at" if kind == "reports" else "timestamp"
        dates = [a for a in aliases[field] if a in frame.columns] + [
            c for c in ("datum", "date", "dag") if c in frame.columns
        ]
        columns = date_and_time(frame, list(dict.fromkeys(dates)), TIME_COLUMNS)
        if columns:
            found[field] = columns
            why[field] = (
                "een datumkolom en een aparte tijdkolom, samengevoegd"
                if len(columns) == 2
                else f"'{columns[0]}' is een bekende naam voor {field}"
            )
            used |= set(columns)
    for field, names in aliases.items():
        if field in found:
            continue
        match = next((n for n in names if n in frame.columns and n not in used), None)
        if match is None:  # a header that contains a known name: 'datum_afhandeling_dossier'
            match = next(
                (c for c in frame.columns if c not in used and any(len(n) > 3 and n in c for n in names)), None
            )
            if match is not None:
                why[field] = f"'{match}' bevat een bekende naam voor {field} (controleer)"
        else:
            why[field] = f"'{match}' is een bekende naam voor {field}"
        if match is not None:
            found[field] = [match]
            used.add(match)
    return found, why


def suggest(file: str, kind: str, db=None) -> str:
    path = Path(file)
    if not path.is_file():
        raise UnusableInput(f"bestand {file} bestaat niet")
    if path.suffix.lower() in (".gpx", ".nmea", ".geojson", ".json"):
        raise UnusableInput(f"{path.name}: een profiel is voor tabellen (CSV of XLSX); dit bestand heeft vaste velden")
    aliases = _aliases_for(kind)
    known = {n for names in aliases.values() for n in names} | {"datum", "tijd", "tijdstip", "uur"}
    table = read_table(path, known=known)
    frame = table.frame
    spelled = dict(zip(table.columns, table.header))
    found, why = _guess(frame, kind)
    lines = [
        f"# Startprofiel voor {path.name} (soort: {kind}), gemaakt door python -m etl profile suggest.",
        "# Pas het aan, probeer het met --dry-run, en laad dan:",
        f"#   python -m etl {kind} {path.name} --profile DIT-PROFIEL.toml --dry-run",
        f"# Kopregel gevonden op regel {table.header_line}"
        + (f" ({table.title_lines} titelregel(s) erboven)" if table.title_lines else "")
        + f"; scheidingsteken {_toml_string(table.delimiter)}; tekenset {table.encoding}; "
        f"{table.rows_in} rijen.",
        "",
        "[file]",
        f"kind = {_toml_string(kind)}",
        f"header_row = {table.header_line}",
        f"# encoding = {_toml_string(table.encoding if table.encoding != 'xlsx' else 'utf-8')}",
        '# timezone = "Europe/Brussels"',
        '# crs = "EPSG:31370"            # voor x/y-kolommen (Lambert 72)',
        '# skip_rows_matching = "^Totaal" # rijen die geen gegevens zijn',
    ]
    if kind == "hotspots":
        lines.append("# line_buffer_m = 25             # lijnen (straten) worden een zone van zoveel meter")
    lines += ["", "[columns]   # ons veld = hun kolom; een lijst wordt met een spatie samengevoegd"]
    for field in FIELDS[kind]:
        if field in found:
            names = [spelled[c] for c in found[field]]
            value = _toml_string(names[0]) if len(names) == 1 else "[" + ", ".join(map(_toml_string, names)) + "]"
            lines.append(f"{field} = {value}   # {why[field]}")
        else:
            lines.append(f'# {field} = ""   # geen kolom gevonden')
    taken = {c for cs in found.values() for c in cs}
    ignored = [spelled[c] for c in table.columns if c not in taken]
    lines.append(f"# genegeerde kolommen: {', '.join(ignored) if ignored else 'geen'}")
    if kind == "reports" and "id" not in found:
        lines.append("# LET OP: geen id-kolom: zonder id telt een latere export gewijzigde meldingen dubbel")
    if kind == "reports":
        lines += _value_sections(frame, found, _known_labels(db))
    return "\n".join(lines) + "\n"


def _value_sections(frame, found: dict[str, list[str]], known: dict[str, dict[str, str]]) -> list[str]:
    from civ.reference import normalise_label

    lines = []
    for field in ("category", "channel", "status", "area"):
        if field not in found:
            continue
        values = frame[found[field][0]].dropna().astype(str).str.strip()
        counts = values[values != ""].value_counts()
        if counts.empty:
            continue
        lines += ["", f'[values.{field}]   # hun label = onze code; "nieuw?": kies een code of verwijder de regel']
        if field == "category":
            lines.append("# een eigen categorie: python -m etl categories add CODE --label-nl … --label-en … --group …")
        codes = known[field]
        for label, count in list(counts.items())[:MAX_LABELS]:
            key = normalise_label(label)
            if key in codes:
                lines.append(f"{_toml_string(label)} = {_toml_string(codes[key])}   # {count}×, bekend label")
                continue
            near = difflib.get_close_matches(key, list(codes), n=1, cutoff=0.85)
            if near:
                lines.append(
                    f"{_toml_string(label)} = {_toml_string(codes[near[0]])}   # {count}×, lijkt op "
                    f"'{near[0]}' (controleer)"
                )
            else:
                lines.append(f'{_toml_string(label)} = "nieuw?"   # {count}×, geen code in de buurt')
        if len(counts) > MAX_LABELS:
            lines.append(f"# … nog {len(counts) - MAX_LABELS} labels")
    return lines
