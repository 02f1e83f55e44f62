"""NYC 311 service-request export (Open311 style), both the current 41-column schema and the older
53-column one (with the School and Ferry columns, without `Open Data Channel Type`).

Dates are `MM/DD/YYYY hh:mm:ss AM/PM` in New York time (the default --tz of this format).
Complaint types map to our categories through civ/reference_data/category_aliases.csv
(source open311); unmapped types load as 'overig' with the original type kept.
"""

from __future__ import annotations

import pandas as pd

from etl.formats import ReportFormat, pick, require_columns, staging_frame
from etl.tables import RawTable


def _recognises(columns: list[str]) -> bool:
    return {"unique_key", "created_date", "complaint_type"} <= set(columns)


def _stage(table: RawTable) -> pd.DataFrame:
    require_columns(table, "open311", {"Created Date": ["created_date"], "Complaint Type": ["complaint_type"]})
    frame = table.frame
    complaint = pick(frame, ["complaint_type"])
    descriptor = pick(frame, ["descriptor"])
    return staging_frame(
        table,
        source_id=pick(frame, ["unique_key"]),
        reported_text=pick(frame, ["created_date"]),
        closed_text=pick(frame, ["closed_date"]),
        category_text=complaint,
        source_category=(complaint + " / " + descriptor).fillna(complaint),
        channel_text=pick(frame, ["open_data_channel_type"]),
        status_text=pick(frame, ["status"]),
        lat_text=pick(frame, ["latitude"]),
        lon_text=pick(frame, ["longitude"]),
        description=descriptor,
    )


FORMAT = ReportFormat(
    name="open311",
    default_tz="America/New_York",
    day_first=False,
    precision="minute",
    expected_date="mm/dd/jjjj uu:mm:ss AM/PM",
    unknown_category="overig",
    recognises=_recognises,
    stage=_stage,
)
