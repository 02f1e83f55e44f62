"""The canonical report template (README, "Sjabloon voor meldingen"): CSV or XLSX, Dutch or English
column names, Belgian dates (dd/mm/jjjj uu:mm, local time) or ISO 8601, WGS84 or Lambert 72."""
from __future__ import annotations

import pandas as pd

from etl.formats import ReportFormat, pick, require_columns, staging_frame
from etl.geocoding import ADDRESS_FIELDS
from etl.tables import RawTable

COLUMNS = {
    "id": ["id", "nummer", "meldingnummer", "melding_id", "dossiernummer", "report_id"],
    "reported_at": ["reported_at", "datum", "datum_melding", "meldingsdatum", "gemeld_op", "tijdstip"],
    "category": ["category", "categorie", "soort", "type_melding", "onderwerp"],
    "channel": ["channel", "kanaal", "bron"],
    "mailbox": ["mailbox", "brievenbus"],
    "lat": ["lat", "latitude", "breedtegraad"],
    "lon": ["lon", "lng", "longitude", "lengtegraad"],
    "x": ["x", "x_lambert", "lambert_x", "x_lambert72"],
    "y": ["y", "y_lambert", "lambert_y", "y_lambert72"],
    "status": ["status", "toestand"],
    "closed_at": ["closed_at", "afgesloten_op", "datum_afsluiting", "afsluitdatum"],
    "area": ["area", "deelgemeente", "gebied"],
    "description": ["description", "omschrijving", "beschrijving", "toelichting"],
    "gas": ["gas", "gas_vaststelling", "gas_finding"],
    "reporter": ["reporter", "melder", "naam_melder"],
    # an address instead of coordinates (etl/geocoding.py places it on the address register)
    "street": ["street", "straat", "straatnaam"],
    "house_number": ["house_number", "huisnummer", "huisnr", "nr"],
    "postcode": ["postcode", "postal_code", "zip"],
    "place": ["place", "plaats", "deelgemeente", "woonplaats", "gemeente", "postname"],
    "address_text": ["address", "adres"],
}


def _recognises(columns: list[str]) -> bool:
    return any(c in columns for c in COLUMNS["reported_at"]) and any(c in columns for c in COLUMNS["category"])


def _stage(table: RawTable) -> pd.DataFrame:
    require_columns(table, "canonical", {"reported_at/datum": COLUMNS["reported_at"],
                                         "category/categorie": COLUMNS["category"]})
    frame = table.frame
    category = pick(frame, COLUMNS["category"])
    staged = staging_frame(
        table,
        source_id=pick(frame, COLUMNS["id"]),
        reported_text=pick(frame, COLUMNS["reported_at"]),
        closed_text=pick(frame, COLUMNS["closed_at"]),
        category_text=category,
        source_category=category,
        channel_text=pick(frame, COLUMNS["channel"]),
        channel_detail=pick(frame, COLUMNS["mailbox"]),
        status_text=pick(frame, COLUMNS["status"]),
        lat_text=pick(frame, COLUMNS["lat"]),
        lon_text=pick(frame, COLUMNS["lon"]),
        x_text=pick(frame, COLUMNS["x"]),
        y_text=pick(frame, COLUMNS["y"]),
        area_text=pick(frame, COLUMNS["area"]),
        description=pick(frame, COLUMNS["description"]),
        gas_text=pick(frame, COLUMNS["gas"]),
        reporter_text=pick(frame, COLUMNS["reporter"]),
    )
    for field, column in ADDRESS_FIELDS.items():
        staged[column] = pick(frame, COLUMNS[field]).reset_index(drop=True)
    return staged


FORMAT = ReportFormat(name="canonical", default_tz="Europe/Brussels", day_first=True, precision="minute",
                      expected_date="dd/mm/jjjj uu:mm", unknown_category=None,
                      recognises=_recognises, stage=_stage)
