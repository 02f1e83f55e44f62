"""Mapping profiles: the user states how their export maps to our fields; nobody renames files.

A profile is TOML (read with the standard library's `tomllib`), in the spirit of csvkit's column
options, sqlite-utils' `--convert`, QGIS's delimited-text dialog and Esri's field map:

    [file]      sheet, header_row (1-based), encoding, crs, timezone, skip_rows_matching,
                line_buffer_m (hot spots), source (the name reports keep their ids under),
                delimiter (";", ",", "\t" or "|"; else the one found in the header line),
                decimal ("," or "."; x/y written with thousands separators, as 150.123,45)
    [columns]   our field = their column, or a list of columns joined with a space before parsing
    [values.F]  their label = our code, for F in category, channel, status, area (reports)

A profile is a file (`--profile merchtem.toml`) or a name saved in the store
(`python -m etl profile save merchtem-meldingen merchtem.toml`). Every mistake in it is unusable
input: exit 2, one `fout:` line that names the profile's line, nothing written.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from civ.errors import UnusableInput
from etl.tables import DELIMITERS, normalise_header

# Our fields per kind of file. street … address are carried for the geocoding of the address issue.
ADDRESS_FIELDS = ("street", "house_number", "postcode", "place", "address")
FIELDS = {
    "reports": (
        "id",
        "reported_at",
        "category",
        "channel",
        "mailbox",
        "status",
        "closed_at",
        "lat",
        "lon",
        "x",
        "y",
        "area",
        "description",
        "gas",
        "reporter",
        *ADDRESS_FIELDS,
    ),
    "fixes": ("device_id", "timestamp", "lat", "lon", "speed_kmh", "accuracy_m"),
    "devices": ("device_id", "warden", "valid_from", "valid_to"),
    "hotspots": ("name", "radius_m", "kind", "lat", "lon", "x", "y", *ADDRESS_FIELDS),
    "projects": ("name", "type", "start", "end", "categories", "area", "radius_m", *ADDRESS_FIELDS),
}
FILE_KEYS = (
    "sheet",
    "header_row",
    "encoding",
    "crs",
    "timezone",
    "skip_rows_matching",
    "line_buffer_m",
    "source",
    "kind",
    "delimiter",
    "decimal",
)
VALUE_FIELDS = ("category", "channel", "status", "area")


@dataclass
class Profile:
    name: str
    text: str
    file: dict = field(default_factory=dict)
    columns: dict[str, list[str]] = field(default_factory=dict)  # our field -> their columns (as written)
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> normalised label -> code

    def where(self, section: str, key: str | None = None) -> str:
        """'profiel merchtem.toml regel 7' for the line that sets `key` in `section`."""
        return f"profiel {self.name} regel {line_of(self.text, section, key)}"

    def normalised_columns(self) -> dict[str, list[str]]:
        return {f: [normalise_header(c) for c in cs] for f, cs in self.columns.items()}

    def check_columns(self, header_names: list[str]) -> None:
        """Every column the profile names is in the file (compared as normalised headers)."""
        present = set(header_names)
        for our, theirs in self.columns.items():
            for column in theirs:
                if normalise_header(column) not in present:
                    raise UnusableInput(
                        f"{self.where('columns', our)}: kolom '{column}' staat niet in het bestand "
                        f"(wel: {', '.join(header_names)})"
                    )

    @property
    def header_row(self) -> int | None:
        return self.file.get("header_row")

    @property
    def timezone(self) -> str | None:
        return self.file.get("timezone")

    @property
    def skip_pattern(self) -> re.Pattern | None:
        text = self.file.get("skip_rows_matching")
        return re.compile(text) if text else None


def line_of(text: str, section: str, key: str | None = None) -> int:
    """1-based line of `key = …` inside `[section]` (or of the section header); 1 when not found."""
    current, section_line = None, None
    for number, line in enumerate(text.splitlines(), start=1):
        header = re.match(r"^\s*\[\s*([^\]]+?)\s*\]", line)
        if header:
            current = header.group(1).replace('"', "").replace("'", "")
            if current == section and key is None:
                return number
            if current == section:
                section_line = number
            continue
        if current == section and key is not None:
            match = re.match(r'^\s*(?:"([^"]*)"|\'([^\']*)\'|([A-Za-z0-9_\-]+))\s*=', line)
            if match and next(g for g in match.groups() if g is not None) == key:
                return number
    return section_line or 1


def parse(text: str, name: str, kind: str) -> Profile:
    """A Profile for files of `kind`, or UnusableInput naming the line at fault."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        where = re.search(r"line (\d+)", str(error))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        raise UnusableInput(
            f"profiel {name} regel {where.group(1) if where else '?'}: geen geldige TOML ({message})"
        ) from None
    profile = Profile(name=name, text=text)
    for section in document:
        if section not in ("file", "columns", "values"):
            raise UnusableInput(
                f"{profile.where(section)}: onbekende sectie [{section}] (verwacht [file], [columns], [values.…])"
            )
    file_part = document.get("file", {})
    for key in file_part:
        if key not in FILE_KEYS:
            raise UnusableInput(
                f"{profile.where('file', key)}: onbekende sleutel '{key}' (verwacht {', '.join(FILE_KEYS)})"
            )
    profile.file = dict(file_part)
    _check_file_values(profile)
    if profile.file.get("kind") and profile.file["kind"] != kind:
        raise UnusableInput(
            f"{profile.where('file', 'kind')}: dit profiel is voor {profile.file['kind']}, niet voor {kind}"
        )
    fields = FIELDS[kind]
    seen: dict[str, str] = {}
    for our, theirs in document.get("columns", {}).items():
        if our not in fields:
            raise UnusableInput(
                f"{profile.where('columns', our)}: '{our}' is geen veld voor {kind} (velden: {', '.join(fields)})"
            )
        columns = [theirs] if isinstance(theirs, str) else theirs
        if not isinstance(columns, list) or not columns or not all(isinstance(c, str) and c.strip() for c in columns):
            raise UnusableInput(f"{profile.where('columns', our)}: geef een kolomnaam of een lijst van kolomnamen")
        for column in columns:
            key = normalise_header(column)
            if key in seen and not {our, seen[key]} <= {"category", "description"}:
                raise UnusableInput(
                    f"{profile.where('columns', our)}: kolom '{column}' is al gekoppeld aan '{seen[key]}'"
                )
            seen[key] = our
        profile.columns[our] = columns
    for our, mapping in document.get("values", {}).items():
        if our not in VALUE_FIELDS or kind != "reports":
            raise UnusableInput(
                f"{profile.where('values.' + our)}: [values.{our}] kan niet "
                f"(wel: {', '.join('values.' + f for f in VALUE_FIELDS)}, voor meldingen)"
            )
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            raise UnusableInput(f'{profile.where("values." + our)}: verwacht "hun label" = "onze code"')
        profile.values[our] = {_label(k): v.strip() for k, v in mapping.items()}
    return profile


def _label(text: str) -> str:
    return re.sub(r"\s+", " ", str(text).replace("_", " ")).strip().lower()


def _check_file_values(profile: Profile) -> None:
    part = profile.file
    if "header_row" in part and (not isinstance(part["header_row"], int) or part["header_row"] < 1):
        raise UnusableInput(f"{profile.where('file', 'header_row')}: header_row is een regelnummer vanaf 1")
    if "timezone" in part:
        from etl.timestamps import checked_zone

        try:
            checked_zone(str(part["timezone"]))
        except UnusableInput as error:
            raise UnusableInput(f"{profile.where('file', 'timezone')}: {error}") from None
    if "crs" in part:
        try:
            crs_transformer(str(part["crs"]))
        except UnusableInput as error:
            raise UnusableInput(f"{profile.where('file', 'crs')}: {error}") from None
    if "encoding" in part:
        import codecs

        try:
            codecs.lookup(str(part["encoding"]))
        except LookupError:
            raise UnusableInput(
                f"{profile.where('file', 'encoding')}: onbekende tekenset '{part['encoding']}' "
                f"(bv. utf-8, cp1252, utf-16)"
            ) from None
    if "skip_rows_matching" in part:
        try:
            re.compile(str(part["skip_rows_matching"]))
        except re.error as error:
            raise UnusableInput(
                f"{profile.where('file', 'skip_rows_matching')}: geen geldige reguliere expressie ({error})"
            ) from None
    if "delimiter" in part and part["delimiter"] not in DELIMITERS:
        raise UnusableInput(
            f"{profile.where('file', 'delimiter')}: scheidingsteken is een van "
            + ", ".join(repr(d) for d in DELIMITERS)
        )
    if "decimal" in part and part["decimal"] not in (",", "."):
        raise UnusableInput(f"{profile.where('file', 'decimal')}: decimaalteken is ',' of '.'")
    if "line_buffer_m" in part and not (isinstance(part["line_buffer_m"], (int, float)) and part["line_buffer_m"] > 0):
        raise UnusableInput(f"{profile.where('file', 'line_buffer_m')}: line_buffer_m is een getal in meter (> 0)")


def crs_transformer(crs: str):
    """A pyproj transformer from `crs` to WGS84 (lon, lat order), or UnusableInput."""
    from pyproj import CRS, Transformer
    from pyproj.exceptions import CRSError

    try:
        source = CRS.from_user_input(crs)
    except CRSError:
        raise UnusableInput(f"onbekend coördinatenstelsel '{crs}' (bv. EPSG:31370 voor Lambert 72)") from None
    return Transformer.from_crs(source, "EPSG:4326", always_xy=True)


def check_values(profile: Profile | None, con) -> None:
    """Every code a [values.…] table maps to exists in the store (categories, channels, statuses, areas)."""
    if profile is None:
        return
    known = {
        "category": {r[0] for r in con.execute("SELECT code FROM categories").fetchall()},
        "channel": {r[0] for r in con.execute("SELECT code FROM channels").fetchall()} | {"onbekend"},
        "status": {r[0] for r in con.execute("SELECT code FROM statuses").fetchall()},
        "area": {v.lower() for r in con.execute("SELECT code, name FROM areas").fetchall() for v in r},
    }
    for our, mapping in profile.values.items():
        for label, code in mapping.items():
            if code.lower() not in known[our] and code not in known[our]:
                key = next((k for k in _raw_keys(profile.text, "values." + our) if _label(k) == label), label)
                raise UnusableInput(
                    f"{profile.where('values.' + our, key)}: '{code}' is geen bekende {our}-code "
                    f"(voeg een categorie toe met python -m etl categories add)"
                    if our == "category"
                    else f"{profile.where('values.' + our, key)}: '{code}' is geen bekende {our}-code "
                    f"(bekend: {', '.join(sorted(known[our])[:12])})"
                )


def _raw_keys(text: str, section: str) -> list[str]:
    try:
        part = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return []
    for name in section.split("."):
        part = part.get(name, {})
    return list(part)


def load_profile(spec: str | None, kind: str, db=None) -> Profile | None:
    """`--profile` as a file path, else as a name saved in the store."""
    if not spec:
        return None
    path = Path(spec)
    if path.suffix.lower() == ".toml" or path.exists():
        if not path.is_file():
            raise UnusableInput(f"profiel {spec} bestaat niet")
        try:
            text = path.read_text(encoding="utf-8-sig")
        except UnicodeDecodeError:
            raise UnusableInput(f"profiel {spec} is geen UTF-8-tekst") from None
        return parse(text, path.name, kind)
    text = saved_profile_text(db, spec)
    return parse(text, spec, kind)


def saved_profile_text(db, name: str) -> str:
    from civ import store

    path = store.db_path(db)
    if not path.exists():
        raise UnusableInput(f"profiel '{name}' is geen bestand en er is nog geen databank met bewaarde profielen")
    with store.reading(path) as con:
        try:
            row = store.first_row(con, "SELECT toml_text FROM mapping_profiles WHERE name = ?", [name])
        except Exception:  # a store from before profiles existed
            row = None
        names = [] if row else [r[0] for r in _names(con)]
    if row is None:
        raise UnusableInput(
            f"profiel '{name}' bestaat niet (bewaarde profielen: {', '.join(names) or 'geen'}; "
            f"bewaar er een met python -m etl profile save NAAM BESTAND.toml)"
        )
    return row[0]


def _names(con) -> list:
    try:
        return con.execute("SELECT name FROM mapping_profiles ORDER BY name").fetchall()
    except Exception:
        return []


def save_profile(db, name: str, path: str) -> dict:
    """Store a profile under `name` after checking it parses (for the kind it names, or any kind)."""
    from civ import store

    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", name) or name.endswith(".toml"):
        raise UnusableInput(f"profielnaam '{name}': letters, cijfers, punt, streep of laag streepje, zonder .toml")
    file = Path(path)
    if not file.is_file():
        raise UnusableInput(f"profiel {path} bestaat niet")
    text = file.read_text(encoding="utf-8-sig")
    kind = _declared_kind(text, file.name)
    parse(text, file.name, kind or _guess_kind(text))
    con = store.open_for_writing(store.db_path(db))
    try:
        con.execute(
            "INSERT OR REPLACE INTO mapping_profiles VALUES (?, ?, ?, ?)",
            [name, kind, text, dt.datetime.now(dt.timezone.utc)],
        )
    finally:
        con.close()
    return {"name": name, "kind": kind, "status": "saved"}


def _declared_kind(text: str, name: str) -> str | None:
    try:
        kind = tomllib.loads(text).get("file", {}).get("kind")
    except tomllib.TOMLDecodeError:
        return parse(text, name, "reports") and None  # raises with the line
    if kind is not None and kind not in FIELDS:
        raise UnusableInput(
            f"profiel {name} regel {line_of(text, 'file', 'kind')}: kind '{kind}' (kies {', '.join(FIELDS)})"
        )
    return kind


def _guess_kind(text: str) -> str:
    """The kind whose fields cover the profile's [columns] (reports first)."""
    columns = set(tomllib.loads(text).get("columns", {}))
    return next((k for k, fields in FIELDS.items() if columns <= set(fields)), "reports")


def joined(frame, columns: list[str]):
    """Their columns (normalised names) as one text per row, joined with a space; empty as <NA>."""
    import pandas as pd

    parts = [frame[c].astype("string").str.strip().fillna("") for c in columns if c in frame.columns]
    if not parts:
        return pd.Series(pd.NA, index=frame.index, dtype="string")
    text = parts[0]
    for part in parts[1:]:
        text = (text + " " + part).str.strip()
    return text.mask(text == "")


def list_profiles(db) -> list[dict]:
    from civ import store

    path = store.db_path(db)
    if not path.exists():
        return []
    with store.reading(path) as con:
        try:
            rows = con.execute("SELECT name, kind, saved_at FROM mapping_profiles ORDER BY name").fetchall()
        except Exception:  # a store from before profiles existed
            return []
    return [{"name": n, "kind": k, "saved_at": s.isoformat()} for n, k, s in rows]


def profile_hash(profile: Profile | None) -> str | None:
    """Part of a load's key: the same file through another profile is another load."""
    import hashlib

    return hashlib.sha256(profile.text.encode("utf-8")).hexdigest()[:16] if profile else None
