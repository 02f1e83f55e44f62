"""One module per external report format. Each turns a RawTable into the staging frame below,
so validation (etl/reports.py) is written once for all of them.

Staging columns (all text unless noted; <NA> when the source has nothing):
row_number (int), raw_text, source_id, reported_text, closed_text, category_text, channel_text,
channel_detail, status_text, lat_text, lon_text, x_text, y_text, area_text, description, gas_text,
reporter_text, source_category.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pandas as pd

from civ.errors import UnusableInput
from etl.tables import RawTable

STAGING_COLUMNS = [
    "row_number",
    "raw_text",
    "source_id",
    "reported_text",
    "closed_text",
    "category_text",
    "channel_text",
    "channel_detail",
    "status_text",
    "lat_text",
    "lon_text",
    "x_text",
    "y_text",
    "area_text",
    "description",
    "gas_text",
    "reporter_text",
    "source_category",
]


@dataclass(frozen=True)
class ReportFormat:
    name: str
    default_tz: str
    day_first: bool  # 01/02/2026 is 1 February (True) or 2 January (False)
    precision: str  # 'minute' or 'month'
    expected_date: str  # shown in the reason when a date cannot be read
    unknown_category: str | None  # fallback code, or None: quarantine the row
    recognises: Callable[[list[str]], bool]
    stage: Callable[[RawTable], pd.DataFrame]
    required: tuple[str, ...] = field(default=())


def pick(frame: pd.DataFrame, aliases: list[str]) -> pd.Series:
    """The first present column among `aliases`, stripped, empty text as <NA>."""
    for name in aliases:
        if name in frame.columns:
            values = frame[name].astype("string").str.strip()
            return values.mask(values == "")
    return pd.Series(pd.NA, index=frame.index, dtype="string")


def staging_frame(table: RawTable, **columns: pd.Series) -> pd.DataFrame:
    frame = table.frame
    staged = pd.DataFrame({"row_number": frame["row_number"], "raw_text": frame["raw_text"]})
    for name in STAGING_COLUMNS[2:]:
        staged[name] = columns.get(name, pd.Series(pd.NA, index=frame.index, dtype="string"))
    return staged.reset_index(drop=True)


def require_columns(table: RawTable, fmt: str, groups: dict[str, list[str]]) -> None:
    missing = [label for label, aliases in groups.items() if not any(a in table.columns for a in aliases)]
    if missing and len(table.frame) + len(table.malformed):
        raise UnusableInput(
            f"kolom {', '.join(missing)} ontbreekt voor formaat {fmt} (gevonden kolommen: {', '.join(table.columns)})"
        )


def all_formats() -> dict[str, ReportFormat]:
    from etl.formats import canonical, open311, police_uk

    return {f.name: f for f in (canonical.FORMAT, police_uk.FORMAT, open311.FORMAT)}


def detect(table: RawTable, requested: str) -> ReportFormat:
    formats = all_formats()
    if requested != "auto":
        if requested not in formats:
            raise UnusableInput(f"onbekend formaat '{requested}' (kies auto, {', '.join(formats)})")
        return formats[requested]
    for name in ("police-uk", "open311", "canonical"):
        if formats[name].recognises(table.columns):
            return formats[name]
    if not table.columns:
        raise UnusableInput("het bestand is leeg: geen kopregel en geen rijen")
    raise UnusableInput(
        "formaat niet herkend: verwacht de kolommen van het sjabloon (zie README), "
        f"police-uk of open311; gevonden: {', '.join(table.columns[:8])}"
    )
