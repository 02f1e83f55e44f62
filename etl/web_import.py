"""The browser import (/import) on top of the own-exports loaders: no loading logic of its own.

The page hands an uploaded file to `receive` (checked, written to a private temporary folder),
shows `preview` (the first rows as `etl.tables.read_table` parses them), pre-fills the mapping with
`suggestion` (the guesses of `profile suggest`), writes the user's choices as a profile (`profile_text`,
the same TOML as `--profile`), and runs `dry_run`, `load`, `retry` or `undo` in a background job:
each calls the function the command line calls (`etl.batches.dry_run`, the kind's `load_*_file`,
`retry_quarantine`, `undo_batch`). The upload is removed after the load (`discard`).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

from civ.errors import UnusableInput

UPLOAD_MAX_BYTES = 200 * 1024 * 1024
# Uncompressed size and ratio that an honest export never reaches: an XLSX of 200 MB unpacks to a
# few GB at most; a zip bomb packs gigabytes into kilobytes.
MAX_UNPACKED_BYTES = 4 * 1024 * 1024 * 1024
MAX_RATIO = 200
PREVIEW_ROWS = 20
UPLOAD_PREFIX = "civ-upload-"
SUFFIXES = (".csv", ".txt", ".xlsx", ".gpx", ".nmea", ".geojson", ".json", ".zip")
KINDS = ("reports", "fixes", "devices", "hotspots", "projects")
TABLE_SUFFIXES = (".csv", ".txt", ".xlsx")
VALUE_FIELDS = ("category", "channel", "status", "area")
_ZIP_MAGIC = b"PK\x03\x04"
# The name a batch keeps for a mapping made on the page and not saved: no saved profile can have it
# (profile names are letters, digits, . _ -), so a later retry says plainly that it is not saved.
UNSAVED = "(niet bewaard)"


KINDS_BY_ORDER = ("reports", "fixes", "devices", "hotspots", "projects")


def guessed_kind(file_name: str, path: str | Path | None = None) -> str:
    """The kind a file most likely holds: tracks are fixes, geometries hot spots; a table is the kind whose
    fields its header names most (a portal's IMEI/Breedtegraad/Snelheid are fixes, Naam/Straal hot spots),
    reports when that does not decide. Only the file's start is read."""
    suffix = Path(file_name).suffix.lower()
    by_form = {".gpx": "fixes", ".nmea": "fixes", ".geojson": "hotspots", ".json": "hotspots", ".zip": "hotspots"}
    if suffix in by_form or path is None or not is_table(path):
        return by_form.get(suffix, "reports")
    from etl.profile_suggest import _aliases_for
    from etl.table_head import read_head

    aliases = {kind: _aliases_for(kind) for kind in KINDS_BY_ORDER}
    try:
        columns = set(read_head(path, known=set().union(*map(_known_columns, KINDS_BY_ORDER))).table.columns)
    except (UnusableInput, ValueError, OSError):
        return "reports"
    named = {kind: sum(1 for names in fields.values() if columns & set(names)) for kind, fields in aliases.items()}
    return max(KINDS_BY_ORDER, key=lambda kind: (named[kind], -KINDS_BY_ORDER.index(kind)))


def _safe_name(file_name: str) -> str:
    name = Path(str(file_name).replace("\\", "/")).name
    name = re.sub(r"[^\w.\- ()]+", "_", name).strip(" .") or "bestand"
    return name[:120]


def check_zip(data: bytes, name: str) -> None:
    """A zip (or XLSX) whose members stay inside the folder and do not unpack to a bomb."""
    import io

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except zipfile.BadZipFile:
        raise UnusableInput(f"{name} is geen geldig zip- of Excel-bestand") from None
    total = 0
    for member in members:
        parts = member.filename.replace("\\", "/").split("/")
        if member.filename.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", member.filename):
            raise UnusableInput(f"{name} bevat een pad buiten de map ('{member.filename[:80]}'): geweigerd")
        total += member.file_size
        if (
            member.compress_size
            and member.file_size / member.compress_size > MAX_RATIO
            and member.file_size > 10_000_000
        ):
            raise UnusableInput(f"{name} pakt verdacht sterk uit ('{member.filename[:80]}'): geweigerd als zip-bom")
    if total > MAX_UNPACKED_BYTES:
        raise UnusableInput(f"{name} pakt uit tot meer dan {MAX_UNPACKED_BYTES // 1024**3} GB: geweigerd als zip-bom")


def _check_content(data: bytes, name: str) -> None:
    """The file is what its name claims (a renamed program or image is refused, not parsed)."""
    suffix = Path(name).suffix.lower()
    head = data[:4096]
    if suffix in (".xlsx", ".zip"):
        if not head.startswith(_ZIP_MAGIC):
            raise UnusableInput(f"{name} is geen {'Excel-bestand' if suffix == '.xlsx' else 'zip-bestand'}")
        check_zip(data, name)
        return
    if head.startswith(_ZIP_MAGIC):
        raise UnusableInput(f"{name} is een zip- of Excel-bestand met een andere extensie: geef het de juiste naam")
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return  # UTF-16 text (Excel's "Unicode text")
    if b"\x00" in head:
        raise UnusableInput(f"{name} is geen tekstbestand")
    text = head.decode("utf-8", errors="replace").lstrip("\ufeff \r\n\t")
    if suffix == ".gpx" and "<gpx" not in text:
        raise UnusableInput(f"{name} is geen GPX-bestand (geen <gpx>-element)")
    if suffix in (".geojson", ".json") and not text.startswith("{"):
        raise UnusableInput(f"{name} is geen GeoJSON-bestand")


def receive(file_name: str, contents: str, limit: int = UPLOAD_MAX_BYTES) -> Path:
    """A dcc.Upload's `contents` (data URL) checked and written to a private temporary folder."""
    name = _safe_name(file_name)
    if Path(name).suffix.lower() not in SUFFIXES:
        raise UnusableInput(f"{name}: dit soort bestand kan niet (wel: {', '.join(SUFFIXES)})")
    if not isinstance(contents, str) or "," not in contents:
        raise UnusableInput(f"{name}: de upload is onvolledig")
    encoded = contents.split(",", 1)[1]
    if len(encoded) * 3 // 4 > limit + 3:
        raise UnusableInput(f"{name} is groter dan {limit // (1024 * 1024)} MB: te groot om op te laden")
    try:
        data = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise UnusableInput(f"{name}: de upload is onleesbaar") from None
    if len(data) > limit:
        raise UnusableInput(f"{name} is groter dan {limit // (1024 * 1024)} MB: te groot om op te laden")
    if not data:
        raise UnusableInput(f"{name} is leeg")
    _check_content(data, name)
    folder = Path(tempfile.mkdtemp(prefix=UPLOAD_PREFIX))  # mode 0700: only the server's user reads it
    path = folder / name
    path.write_bytes(data)
    return path


def discard(path: str | Path | None) -> None:
    """Remove an upload and its private folder (only a folder `receive` made)."""
    if not path:
        return
    folder = Path(path).parent
    if folder.name.startswith(UPLOAD_PREFIX) and folder.parent == Path(tempfile.gettempdir()):
        shutil.rmtree(folder, ignore_errors=True)


def is_table(path: str | Path) -> bool:
    return Path(path).suffix.lower() in TABLE_SUFFIXES


def _known_columns(kind: str) -> set[str]:
    from etl.profile_suggest import _aliases_for

    return {n for names in _aliases_for(kind).values() for n in names} | {"datum", "tijd", "tijdstip", "uur"}


def sheets(path: str | Path) -> list[str]:
    """The worksheets of an XLSX (empty for any other file)."""
    if Path(path).suffix.lower() != ".xlsx":
        return []
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except Exception:  # a damaged file: read_table says what is wrong
        return []
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def _head(path, kind: str, header_row=None, sheet=None, encoding=None, delimiter=None):
    from etl.table_head import read_head

    return read_head(
        path, known=_known_columns(kind), header_row=header_row, sheet=sheet, encoding=encoding, delimiter=delimiter
    )


def preview(
    path: str | Path,
    kind: str,
    header_row: int | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> dict:
    """The first rows as parsed, with the header line, separator and encoding found (or given). Only the
    file's start is read (etl/table_head.py): a million-row export previews as fast as a small one."""
    head = _head(path, kind, header_row, sheet, encoding, delimiter)
    table = head.table
    rows = table.frame.head(PREVIEW_ROWS)
    return {
        "header": list(table.header),
        "columns": list(table.columns),
        "rows": [
            {
                "row_number": int(r["row_number"]),
                **{h: ("" if _missing(r[c]) else str(r[c])) for h, c in zip(table.header, table.columns)},
            }
            for _, r in rows.iterrows()
        ],
        "header_row": table.header_line,
        "encoding": table.encoding,
        "delimiter": table.delimiter,
        "rows_in": head.rows_estimate,
        "rows_exact": head.whole,
    }


def _missing(value) -> bool:
    import pandas as pd

    return value is None or (not isinstance(value, str) and pd.isna(value))


def suggestion(
    path: str | Path,
    kind: str,
    header_row: int,
    db,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
) -> dict:
    """`profile suggest`'s guesses for the file read at `header_row` (from the first rows): field -> their
    column(s)."""
    from etl.profile_suggest import _guess

    table = _head(path, kind, header_row, sheet, encoding, delimiter).table
    spelled = dict(zip(table.columns, table.header))
    found, _ = _guess(table.frame, kind)
    columns = {field: [spelled[c] for c in cs] for field, cs in found.items()}
    return {"columns": columns}


def labels(
    path,
    kind: str,
    header_row: int,
    columns: dict[str, list[str]],
    db,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    elsewhere=None,
    counted: dict | None = None,
) -> dict:
    """For each value field mapped to a column: [{label, rows, code}] with the known or nearest code.

    A CSV's labels are counted by DuckDB streaming over the file (etl/table_head.py `count_labels`), never
    read whole into the request; a worksheet's by `sheet_label_counts` (openpyxl streaming its rows), in
    `elsewhere`, or given as `counted` (its answer from a background job: `sheet_count_args`)."""
    import difflib

    from civ.reference import normalise_label
    from etl.profile_suggest import _known_labels
    from etl.table_head import count_labels
    from etl.tables import normalise_header

    if kind != "reports":
        return {}
    head = _head(path, kind, header_row, sheet, encoding, delimiter)
    wanted = {}
    for field in VALUE_FIELDS:
        chosen = columns.get(field) or []
        column = normalise_header(chosen[0]) if chosen else None
        if column in head.table.columns:
            wanted[field] = column
    if head.table.encoding == "xlsx":
        if counted is None:
            counted = (elsewhere or _call)(
                sheet_label_counts, str(path), kind, header_row, sheet, sorted(set(wanted.values()))
            )
    else:
        counted = count_labels(path, head, list(set(wanted.values())))
    known = _known_labels(db)
    result = {}
    for field, column in wanted.items():
        entries = []
        for label, count in counted.get(column, []):
            key = normalise_label(label)
            code = known[field].get(key)
            if code is None:
                near = difflib.get_close_matches(key, list(known[field]), n=1, cutoff=0.85)
                code = known[field][near[0]] if near else None
            entries.append({"label": str(label), "rows": int(count), "code": code})
        result[field] = entries
    return result


def sheet_count_args(
    path, kind: str, header_row: int, columns: dict[str, list[str]], sheet=None, encoding=None, delimiter=None
) -> tuple | None:
    """The arguments of `sheet_label_counts` for a worksheet's label columns (None for a text file: DuckDB
    counts those at once). Only the file's start is read here."""
    from etl.tables import normalise_header

    if kind != "reports":
        return None
    head = _head(path, kind, header_row, sheet, encoding, delimiter)
    if head.table.encoding != "xlsx":
        return None
    wanted = {normalise_header(cs[0]) for f in VALUE_FIELDS if (cs := columns.get(f))}
    return str(path), kind, header_row, sheet, sorted(wanted & set(head.table.columns))


def _call(function, *args):
    return function(*args)


def sheet_label_counts(path: str, kind: str, header_row: int, sheet: str | None, columns: list[str]) -> dict:
    """column -> [(label, rows)] of a worksheet, most rows first. The header is found as the load finds it
    (etl/table_head.py, the sheet's start only); the rows below it are streamed by openpyxl's read_only
    reader and counted one cell at a time, so a sheet of a million rows is never held in memory."""
    from collections import Counter

    import openpyxl

    from etl import table_head, tables

    known = _known_columns(kind)
    head = table_head.read_head(path, known, header_row, sheet=sheet)
    header_line = head.table.header_line
    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        candidates = [book[sheet]] if sheet is not None else list(book.worksheets)
        # the sheet the head (and the load) takes: the best header match, the first on a tie
        chosen = max(
            candidates, key=lambda s: tables._header_matches(table_head._rows(s, table_head.HEAD_SHEET_ROWS), known)
        )
        header = table_head._rows(chosen, header_line)[header_line - 1]
        positions = {}
        for index, cell in enumerate(header):
            positions.setdefault(tables.normalise_header(cell), index)
        wanted = {column: positions[column] for column in columns if column in positions}
        counters = {column: Counter() for column in wanted}
        for row in chosen.iter_rows(min_row=header_line + 1, values_only=True):
            for column, index in wanted.items():
                text = tables._cell_text(row[index]).strip() if index < len(row) else ""
                if text:
                    counters[column][text] += 1
    finally:
        book.close()
    return {
        column: [(label, int(rows)) for label, rows in counted.most_common()] for column, counted in counters.items()
    }


def codes(db) -> dict[str, list[str]]:
    """Our codes per value field, for the label dropdowns."""
    from civ import store

    path = store.db_path(db)
    with store.reading(path) as con:

        def column(sql):
            try:
                return [r[0] for r in con.execute(sql).fetchall()]
            except Exception:  # an older store without statuses
                return []

        return {
            "category": column("SELECT code FROM categories ORDER BY code"),
            "channel": column("SELECT code FROM channels ORDER BY code"),
            "status": column("SELECT code FROM statuses ORDER BY code"),
            "area": column("SELECT name FROM areas ORDER BY name"),
        }


def load_rate(db, kind: str, batches: int = 10) -> float | None:
    """Rows per second of this store's recent loads of `kind` (the last `batches` of 1.000 rows or more):
    what a running load's progress is estimated from. None without such loads."""
    from civ import store

    try:
        with store.reading(store.db_path(db)) as con:
            row = store.first_row(
                con,
                """SELECT sum(rows_in), sum(epoch(finished_at) - epoch(started_at)) FROM (
                       SELECT rows_in, started_at, finished_at FROM import_batches
                       WHERE kind = ? AND rows_in >= 1000 AND finished_at > started_at
                       ORDER BY finished_at DESC LIMIT ?)""",
                [kind, batches],
            )
    except UnusableInput:
        return None
    rows, seconds = row or (None, None)
    return float(rows) / float(seconds) if rows and seconds else None


def _toml(text: str) -> str:
    return json.dumps(str(text), ensure_ascii=False)  # a JSON string is a valid TOML basic string


def profile_text(
    kind: str,
    header_row: int | None,
    columns: dict[str, list[str]],
    values: dict[str, dict[str, str]] | None = None,
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    decimal: str | None = None,
    crs: str | None = None,
) -> str:
    """The user's choices as a profile, the same TOML `--profile` reads."""
    lines = ["[file]", f"kind = {_toml(kind)}"]
    if sheet:
        lines.append(f"sheet = {_toml(sheet)}")
    if header_row:
        lines.append(f"header_row = {int(header_row)}")
    for key, value in (("encoding", encoding), ("delimiter", delimiter), ("decimal", decimal), ("crs", crs)):
        if value:
            lines.append(f"{key} = {_toml(value)}")
    lines += ["", "[columns]"]
    for field, theirs in columns.items():
        theirs = [c for c in theirs if c]
        if theirs:
            lines.append(
                f"{field} = " + (_toml(theirs[0]) if len(theirs) == 1 else "[" + ", ".join(map(_toml, theirs)) + "]")
            )
    for field, mapping in (values or {}).items():
        chosen = {label: code for label, code in mapping.items() if code}
        if chosen:
            lines += ["", f"[values.{field}]"] + [f"{_toml(label)} = {_toml(code)}" for label, code in chosen.items()]
    return "\n".join(lines) + "\n"


def checked_profile(text: str, kind: str, name: str | None = None):
    """The profile parsed as `--profile` parses it; a mapping without the fields a load needs is refused."""
    from etl.profiles import parse

    profile = parse(text, name or UNSAVED, kind)
    required = {
        "reports": ("reported_at", "category"),
        "fixes": (),
        "devices": ("device_id", "warden"),
        "hotspots": (),
        "projects": ("name",),
    }[kind]
    missing = [f for f in required if f not in profile.columns]
    if missing:
        raise UnusableInput(f"koppel eerst een kolom aan {', '.join(missing)}")
    return profile


def save(db, name: str, text: str) -> dict:
    """Store the mapping as a named profile (`profile save`), usable as `--profile NAME`."""
    from etl.profiles import save_profile

    with tempfile.TemporaryDirectory(prefix="civ-profile-") as folder:
        path = Path(folder) / f"{_safe_name(name)}.toml"
        path.write_text(text, encoding="utf-8")
        return save_profile(db, name, str(path))


def _loader(kind: str):
    from etl.devices import load_devices_file
    from etl.fixes import load_fixes_file
    from etl.hotspots import load_hotspots_file
    from etl.projects import load_projects_file
    from etl.reports import load_reports_file

    return {
        "reports": load_reports_file,
        "fixes": load_fixes_file,
        "devices": load_devices_file,
        "hotspots": load_hotspots_file,
        "projects": load_projects_file,
    }[kind]


def _profile_or_none(args: dict):
    """The job's profile; named as saved (a later `quarantine retry` of the batch finds it by that name)."""
    text, path = args.get("profile"), args["path"]
    return checked_profile(text, args["kind"], args.get("profile_name")) if text and is_table(path) else None


# the loaders that report their own progress (etl.progress)
REPORTING_PROGRESS = ("reports", "fixes")


def _progress_args(args: dict) -> dict:
    """`progress=` for a loader that reports it, when the job was given a file to write it to."""
    from etl.progress import ProgressFile

    if args.get("progress_file") and args["kind"] in REPORTING_PROGRESS:
        return {"progress": ProgressFile(args["progress_file"])}
    return {}


def _keep_mapping(db, batch_id: int, text: str) -> None:
    """A mapping made on the page and loaded without saving is kept as profile `import-N` and named in the
    batch, so the quarantine can fix its labels and retry it (the columns it mapped are known)."""
    from civ import store

    name = f"import-{batch_id}"
    save(db, name, text)
    con = store.open_for_writing(store.db_path(db))
    try:
        con.execute("UPDATE batch_details SET profile_name = ? WHERE batch_id = ?", [name, batch_id])
    finally:
        con.close()


def run(work: str, db: str, **args) -> dict:
    """One job's work, in the child process; unusable input is an answer ({"error": …}), not a crash.
    With `progress_file`, a reports or fixes load writes its stages there for the page's poll."""
    from etl import batches

    try:
        if work == "dry_run":
            profile = _profile_or_none(args)
            load = _loader(args["kind"])
            extra = _progress_args(args)
            return batches.dry_run(db, lambda copy: load(copy, args["path"], profile=profile, **extra))
        if work == "load":
            try:
                profile = _profile_or_none(args)
                result = _loader(args["kind"])(db, args["path"], profile=profile, **_progress_args(args))
                if profile is not None and profile.name == UNSAVED and result.batch_id:
                    _keep_mapping(db, result.batch_id, args["profile"])
                return result.as_json()
            finally:
                discard(args["path"])
        if work == "retry":
            return batches.retry_quarantine(db, int(args["batch_id"]), args.get("profile_name")).as_json()
        if work == "undo":
            return batches.undo_batch(db, int(args["batch_id"]), actor=args.get("actor"))
    except UnusableInput as error:
        return {"error": str(error)}
    raise ValueError(f"onbekend werk {work}")


def recognised_profile(path: str | Path, kind: str, db) -> dict | None:
    """The saved profile for this source, recognised by its columns: every column the profile names is in
    the file's header (read at the profile's header row). The one naming most columns wins.
    {name, header_row, columns, values} or None."""
    from etl.profiles import list_profiles, parse, saved_profile_text
    from etl.tables import normalise_header

    best = None
    for saved in list_profiles(db):
        if saved["kind"] not in (None, kind):
            continue
        try:
            profile = parse(saved_profile_text(db, saved["name"]), saved["name"], kind)
            table = _head(
                path,
                kind,
                header_row=profile.header_row,
                sheet=profile.file.get("sheet"),
                encoding=profile.file.get("encoding"),
                delimiter=profile.file.get("delimiter"),
            ).table
        except UnusableInput:
            continue
        named = {normalise_header(c) for cs in profile.columns.values() for c in cs}
        if named and named <= set(table.columns) and (best is None or len(named) > best[0]):
            best = (
                len(named),
                {
                    "name": saved["name"],
                    "header_row": profile.header_row or table.header_line,
                    "sheet": profile.file.get("sheet"),
                    "encoding": profile.file.get("encoding"),
                    "delimiter": profile.file.get("delimiter"),
                    "decimal": profile.file.get("decimal"),
                    "crs": profile.file.get("crs"),
                    "columns": profile.columns,
                    "values": profile.values,
                },
            )
    return best[1] if best else None
