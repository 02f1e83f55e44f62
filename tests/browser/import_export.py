"""A municipality's Excel export as it really comes, for the import page's tests: a title, a block of
print parameters above the table (its cells look like a header, so the header row must be corrected),
own column names and own labels, a date column and a separate time column.

EXPECTED says, from the rows written here and not from the code, what a load must do with them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

HEADER_ROW = 4
SHEET = "Meldingen"
HEADER = ["Nummer", "Ingevoerd op", "Om", "Onderwerp", "Afhandeling", "Breedte", "Lengte"]
# (number, day, time, label, state) — places inside Asse, the store's territory
ROWS = [
    ("M-001", dt.datetime(2026, 1, 5), "08u15", "Sluikstorten", "Nieuw"),
    ("M-002", dt.datetime(2026, 1, 5), "09u40", "Sluikstorten", "Afgewerkt"),
    ("M-003", dt.datetime(2026, 1, 6), "14u05", "Hondenpoep", "Nieuw"),
    ("M-004", dt.datetime(2026, 1, 7), "10u00", "Zwerfvuil op straat", "Nieuw"),
    ("M-005", dt.datetime(2026, 1, 8), "16u30", "Zwerfvuil op straat", "Afgewerkt"),
    ("M-006", dt.datetime(2026, 1, 9), "11u10", "Kapotte zitbank", "Nieuw"),
    ("M-007", dt.datetime(2026, 1, 9), "11u45", "Kapotte zitbank", "Nieuw"),
    ("M-008", dt.datetime(2026, 1, 12), "07u55", "Sluikstorten", "Nieuw"),
    ("M-009", "31/02/2026", "12u00", "Hondenpoep", "Nieuw"),
    ("M-010", dt.datetime(2026, 1, 14), "13u20", "Hondenpoep", "Afgewerkt"),
]
LABELS = {"Sluikstorten": "sluikstort", "Hondenpoep": "hondenpoep", "Zwerfvuil op straat": "zwerfvuil"}
UNMAPPED = "Kapotte zitbank"  # left without a code: its rows are refused with the label in the reason
STATUSES = {"Nieuw": "open", "Afgewerkt": "afgesloten"}


def expected() -> dict:
    """Counts by outcome, from the rows above: refused are the unmapped label and the impossible date."""
    refused = [r for r in ROWS if r[3] == UNMAPPED or not isinstance(r[1], dt.datetime)]
    return {
        "rows_in": len(ROWS),
        "loaded": len(ROWS) - len(refused),
        "quarantined": len(refused),
        "duplicates": 0,
        "updated": 0,
        "unmapped_rows": sum(1 for r in ROWS if r[3] == UNMAPPED),
    }


def write(path: Path) -> Path:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Meldingen"
    sheet.append(["Meldingen januari 2026 — Dienst Omgeving"])
    sheet.append(["Gemeente", "Periode", "Dienst", "Status", "Datum", "Onderwerp", "Afgedrukt door"])
    sheet.append(["Asse", "januari 2026", "Omgeving", "alle", "03/12/2026", "alle", "omgeving01"])
    sheet.append(HEADER)
    for n, (number, day, time, label, state) in enumerate(ROWS):
        sheet.append([number, day, time, label, state, round(50.905 + n * 0.001, 4), round(4.195 + n * 0.001, 4)])
    for cell in sheet["B"][HEADER_ROW:]:
        if isinstance(cell.value, dt.datetime):
            cell.number_format = "DD/MM/YYYY"
    notes = book.create_sheet("Toelichting", 0)  # an explanation sheet first, as many exports have
    notes.append(["Deze export bevat de meldingen van de dienst Omgeving."])
    notes.append(["Vragen: omgeving@example.be"])
    book.save(path)
    return path
