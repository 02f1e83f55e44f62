"""data.police.uk street-level crime CSV (https://data.police.uk/about/#columns).

What the real files do, and what we make of it:
- only a month (`2017-01`), no day: the report is dated the 1st at 00:00 local time with
  precision 'month', so it counts in that month and never in a day or week;
- anti-social-behaviour rows have no Crime ID, and identical rows repeat: they are separate
  incidents, so each gets a generated id (content hash + occurrence number in the file);
- rows without coordinates ("No Location") are loaded as unlocated;
- `Last outcome category` becomes the status; the crime type maps to a category (unmapped: overig).
"""

from __future__ import annotations

import pandas as pd

from etl.formats import ReportFormat, pick, require_columns, staging_frame
from etl.tables import RawTable

_OPEN_OUTCOMES = {"under investigation", "awaiting court outcome", "court result unavailable"}
_UNKNOWN_OUTCOMES = {"status update unavailable"}


def _recognises(columns: list[str]) -> bool:
    return {"crime_id", "month", "crime_type"} <= set(columns)


def _status(outcome: pd.Series) -> pd.Series:
    text = outcome.str.lower()
    status = pd.Series("afgesloten", index=outcome.index, dtype="string")
    status = status.mask(text.isin(_OPEN_OUTCOMES), "in behandeling")
    status = status.mask(text.isin(_UNKNOWN_OUTCOMES) | outcome.isna(), "onbekend")
    return status


def _stage(table: RawTable) -> pd.DataFrame:
    require_columns(table, "police-uk", {"Month": ["month"], "Crime type": ["crime_type"]})
    frame = table.frame
    month = pick(frame, ["month"])
    location = pick(frame, ["location"])
    crime_type = pick(frame, ["crime_type"])
    return staging_frame(
        table,
        source_id=pick(frame, ["crime_id"]),
        reported_text=month + "-01",
        category_text=crime_type,
        source_category=crime_type,
        channel_text=pd.Series("politie", index=frame.index, dtype="string"),
        status_text=_status(pick(frame, ["last_outcome_category"])),
        lat_text=pick(frame, ["latitude"]),
        lon_text=pick(frame, ["longitude"]),
        description=location.mask(location == "No Location"),
    )


FORMAT = ReportFormat(
    name="police-uk",
    default_tz="Europe/London",
    day_first=True,
    precision="month",
    expected_date="jjjj-mm",
    unknown_category="overig",
    recognises=_recognises,
    stage=_stage,
)
