"""The canonical report template (README, "Sjabloon voor meldingen"): CSV or XLSX, Dutch or English
column names, Belgian dates (dd/mm/jjjj uu:mm, local time) or ISO 8601, WGS84 or Lambert 72.

A mapping profile (etl/profiles.py) names the columns itself; without one the aliases below are
tried. A date column and a separate time column are joined ("Datum" + "Tijdstip"); a column that
holds only times is never read as the whole timestamp.
"""

from __future__ import annotations

import re

import pandas as pd

from etl.formats import ReportFormat, require_columns, staging_frame
from etl.geocoding import ADDRESS_FIELDS
from etl.number_shapes import decimal_sign
from etl.tables import RawTable, plain_number

COLUMNS = {
    "id": [
        "id",
        "nummer",
        "meldingnummer",
        "melding_id",
        "dossiernummer",
        "dossiernr",
        "dossier",
        "report_id",
        "meldingsnummer",
        "ticket",
        "ticketnummer",
        "referentie",
        "nr",
        "meldingsnr",
    ],
    "reported_at": [
        "reported_at",
        "datum",
        "datum_melding",
        "meldingsdatum",
        "gemeld_op",
        "datum_tijd",
        "aangemaakt_op",
        "tijdstip",
    ],
    "category": ["category", "categorie", "soort", "soort_melding", "type_melding", "onderwerp", "type"],
    "channel": ["channel", "kanaal", "bron", "meldingskanaal"],
    "mailbox": ["mailbox", "brievenbus"],
    "lat": ["lat", "latitude", "breedtegraad"],
    "lon": ["lon", "lng", "longitude", "lengtegraad"],
    "x": ["x", "x_lambert", "lambert_x", "x_lambert72"],
    "y": ["y", "y_lambert", "lambert_y", "y_lambert72"],
    "status": ["status", "toestand"],
    "closed_at": [
        "closed_at",
        "afgesloten_op",
        "datum_afsluiting",
        "afsluitdatum",
        "datum_afhandeling",
        "afgehandeld_op",
    ],
    "area": ["area", "deelgemeente", "gebied", "wijk"],
    "description": ["description", "omschrijving", "beschrijving", "toelichting"],
    "gas": ["gas", "gas_vaststelling", "gas_finding"],
    "reporter": ["reporter", "melder", "naam_melder"],
    # an address instead of coordinates (etl/geocoding.py places it on the address register)
    "street": ["street", "straat", "straatnaam"],
    "house_number": ["house_number", "huisnummer", "huisnr"],
    "postcode": ["postcode", "postal_code", "zip"],
    "place": ["place", "plaats", "gemeente", "woonplaats", "postname"],
    "address": ["address", "adres", "locatie_adres"],
}
MOSTLY = 0.8  # share of a column sample that must have a shape before we read it so
TIME_COLUMNS = ["tijd", "tijdstip", "uur", "time", "tijdstip_melding", "uur_melding"]
_TIME_ONLY = re.compile(r"^\d{1,2}\s*[:uUhH.]\s*\d{2}([:.]\d{2}(\.\d+)?)?$")
_DATE_ONLY = re.compile(r"^(\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2})$")


def known_columns() -> set[str]:
    """Every header spelling the template knows: helps find the header line under title rows."""
    return {name for names in COLUMNS.values() for name in names} | set(TIME_COLUMNS)


def _sample_matches(frame: pd.DataFrame, column: str, pattern: re.Pattern) -> bool:
    values = frame[column].head(5000).dropna().astype(str).str.strip()  # a sample: a million rows cost seconds
    values = values[values != ""].head(200)
    # most, not all: a totals row or a note under the data does not decide what a column holds
    return len(values) > 0 and sum(bool(pattern.match(v)) for v in values) >= MOSTLY * len(values)


def date_and_time(frame: pd.DataFrame, date_names: list[str], time_names: list[str]) -> list[str]:
    """The column(s) of a timestamp: one date-and-time column, or a date column plus a time column.

    A column with only times (14:30, 16u23) is never the whole timestamp: it is joined to a date
    column when there is one."""
    present = [c for c in date_names if c in frame.columns]
    if not present:
        return []
    first = present[0]
    times = [
        c
        for c in dict.fromkeys(time_names + present)
        if c in frame.columns and c != first and _sample_matches(frame, c, _TIME_ONLY)
    ]
    if _sample_matches(frame, first, _TIME_ONLY):
        dates = [c for c in present[1:] if not _sample_matches(frame, c, _TIME_ONLY)]
        return [dates[0], first] if dates else [first]
    if _sample_matches(frame, first, _DATE_ONLY) and times:
        return [first, times[0]]
    return [first]


def resolve_columns(table: RawTable, mapping: dict[str, list[str]] | None = None) -> dict[str, list[str]]:
    """Our field -> the file's column(s) (normalised names): the profile's, else the aliases."""
    frame = table.frame
    resolved = dict(mapping or {})
    for our, aliases in COLUMNS.items():
        if our in resolved:
            continue
        if our == "reported_at":
            found = date_and_time(frame, aliases, TIME_COLUMNS)
        else:
            used = {c for cs in resolved.values() for c in cs}
            found = next(([a] for a in aliases if a in frame.columns and a not in used), [])
        if found:
            resolved[our] = found
    return resolved


def _recognises(columns: list[str]) -> bool:
    return any(c in columns for c in COLUMNS["reported_at"]) and any(c in columns for c in COLUMNS["category"])


def stage_mapped(table: RawTable, resolved: dict[str, list[str]]) -> pd.DataFrame:
    from etl.profiles import joined

    frame = table.frame

    def field(name: str) -> pd.Series:
        return joined(frame, resolved.get(name, []))

    category = field("category")
    # x/y written with thousands separators ('150.123,45') are read by the decimal sign stated, else shown
    xy_decimal = table.decimal or decimal_sign(pd.concat([field("x"), field("y")], ignore_index=True))
    staged = staging_frame(
        table,
        source_id=field("id"),
        reported_text=field("reported_at"),
        closed_text=field("closed_at"),
        category_text=category,
        source_category=category,
        channel_text=field("channel"),
        channel_detail=field("mailbox"),
        status_text=field("status"),
        lat_text=field("lat"),
        lon_text=field("lon"),
        x_text=plain_number(field("x"), xy_decimal),
        y_text=plain_number(field("y"), xy_decimal),
        area_text=field("area"),
        description=field("description"),
        gas_text=field("gas"),
        reporter_text=field("reporter"),
    )
    for name, column in ADDRESS_FIELDS.items():
        staged[column] = field(name).reset_index(drop=True)
    return staged


def _stage(table: RawTable) -> pd.DataFrame:
    require_columns(
        table, "canonical", {"reported_at/datum": COLUMNS["reported_at"], "category/categorie": COLUMNS["category"]}
    )
    return stage_mapped(table, resolve_columns(table))


FORMAT = ReportFormat(
    name="canonical",
    default_tz="Europe/Brussels",
    day_first=True,
    precision="minute",
    expected_date="dd/mm/jjjj uu:mm",
    unknown_category=None,
    recognises=_recognises,
    stage=_stage,
)
