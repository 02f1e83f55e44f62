"""Trends: weekly and monthly series of reports, with the 12-month moving average, the same period
last year, the expected band, anomalies and a trend test in words (analytics/seasonal.py).

Counting rules (what a point of a series means):
- a report counts in the Brussels month or ISO week holding its `reported_at` (analytics/periods.py);
- reports known only by month (police-uk) count in monthly series, never in weekly ones;
- a series shows complete periods only, from the first to the last day with reports in the store,
  and at most `years` (5) years back;
- a selection narrows by category or category group, sub-municipality, channel and Pro?bleembox
  mailbox (`Selection`), bound as query parameters.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

import duckdb
import numpy as np
import pandas as pd

from analytics import vocabulary
from analytics.compstat import Filters
from analytics.periods import Period, bin_sql, complete_periods, periods_per_year
from analytics.seasonal import SeasonalModel, trend_sentence
from civ.i18n import texts_of

MAX_YEARS = 5
PROBLEEMBOX = "probleembox"
# What small multiples and mixes can be split by: a fixed allow-list, never a column from a request.
SPLITS = {
    "category": "r.category_code",
    "category_group": "k.category_group",
    "area": "r.area_code",
    "channel": "r.channel_code",
    "mailbox": "r.channel_detail",
}


@dataclass(frozen=True)
class Selection(Filters):
    """The CompStat filters plus one category and one Pro?bleembox mailbox (channel_detail)."""

    category: str | None = None
    mailbox: str | None = None

    def where(self, alias: str = "r") -> tuple[str, list]:
        clause, params = super().where(alias)
        if self.category:
            clause += f" AND {alias}.category_code = ?"
            params.append(self.category)
        if self.mailbox:
            clause += f" AND {alias}.channel_detail = ?"
            params.append(self.mailbox)
        return clause, params

    def categories(self, con: duckdb.DuckDBPyConnection) -> set[str] | None:
        """The category codes this selection counts; None: every category."""
        if self.category:
            return {self.category}
        if self.category_group:
            return {
                r[0]
                for r in con.execute(
                    "SELECT code FROM categories WHERE category_group = ?", [self.category_group]
                ).fetchall()
            }
        return None


@dataclass
class TrendSeries:
    """One series ready to draw: `frame` has one row per period (see `trend_series`)."""

    selection: Selection
    kind: str
    label: str
    frame: pd.DataFrame
    trend: dict
    sentence: str
    harmonics: int = 0
    dispersion: float | None = None
    key: str | None = None  # the split value in small multiples
    notes: list[str] = field(default_factory=list)  # keys of LABEL_TEXTS_NL ('short')


# --- look-ups ------------------------------------------------------------------------------------
def labels(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, str]]:
    """Dutch names for codes: categories, areas, channels (and the groups as they are)."""
    return {
        "category": dict(con.execute("SELECT code, label_nl FROM categories").fetchall()),
        "category_en": dict(con.execute("SELECT code, label_en FROM categories").fetchall()),
        "area": dict(con.execute("SELECT code, name FROM areas").fetchall()),
        "channel": dict(con.execute("SELECT code, label_nl FROM channels").fetchall()),
        "channel_en": dict(con.execute("SELECT code, label_en FROM channels").fetchall()),
    }


def choices(con: duckdb.DuckDBPyConnection) -> dict[str, pd.DataFrame | list]:
    """What a selector can offer: categories (code, label_nl, label_en, category_group), groups,
    areas (code, name: the sub-municipalities), channels (code, label_nl, label_en)."""
    return {
        "categories": con.execute(
            "SELECT code, label_nl, label_en, category_group FROM categories ORDER BY label_nl"
        ).df(),
        "groups": [r[0] for r in con.execute("SELECT DISTINCT category_group FROM categories ORDER BY 1").fetchall()],
        "areas": vocabulary.submunicipalities(con),
        "channels": con.execute("SELECT code, label_nl, label_en FROM channels ORDER BY label_nl").df(),
    }


def resolve_selection(
    con: duckdb.DuckDBPyConnection,
    category: str | None = None,
    group: str | None = None,
    area: str | None = None,
    channel: str | None = None,
    mailbox: str | None = None,
) -> Selection:
    """A selection from what a user typed: codes or Dutch names, any case ('Zellik', '23002E',
    'Sluikstort', 'sluikstort'). ValueError in Dutch, listing what is known, for anything else."""

    def pick(value, rows, what):
        if value is None or str(value).strip() == "":
            return None
        wanted = str(value).strip().casefold()
        for code, *names in rows:
            if wanted in {str(code).casefold(), *(str(n).casefold() for n in names if n)}:
                return code
        known = ", ".join(sorted(str(r[0]) for r in rows))
        raise ValueError(f"{what} '{value}' onbekend; gekend: {known}")

    return Selection(
        category=pick(category, con.execute("SELECT code, label_nl, label_en FROM categories").fetchall(), "categorie"),
        category_group=pick(group, con.execute("SELECT DISTINCT category_group FROM categories").fetchall(), "groep"),
        area=pick(
            area,
            con.execute("SELECT code, name FROM areas ORDER BY level = 'municipality', code").fetchall(),
            "deelgemeente",
        ),
        channel=pick(channel, con.execute("SELECT code, label_nl, label_en FROM channels").fetchall(), "kanaal"),
        mailbox=None if mailbox is None else str(mailbox).strip().zfill(2),
    )


# Words of a series' name ('trendlabel.<key>' in civ/messages/trends.py).
LABEL_TEXTS_NL = texts_of("trendlabel.")


def selection_label(
    con: duckdb.DuckDBPyConnection,
    selection: Selection,
    names: dict | None = None,
    texts: dict | None = None,
    lang: str = "nl",
) -> str:
    """'Sluikstort in Zellik', 'Meldingen afval via Pro?bleembox', 'Alle meldingen'."""
    names = names or labels(con)
    texts = texts or LABEL_TEXTS_NL

    def in_lang(kind: str) -> dict:  # "category", "channel" hold the Dutch labels; "category_en" ...
        return names.get(f"{kind}_{lang}", names[kind])

    if selection.category:
        text = in_lang("category").get(selection.category, selection.category)
    elif selection.category_group:
        text = texts["group"].format(group=selection.category_group)
    else:
        text = texts["all"]
    if selection.area:
        text = texts["in"].format(what=text, area=names["area"].get(selection.area, selection.area))
    if selection.channel:
        text = texts["via"].format(what=text, channel=in_lang("channel").get(selection.channel, selection.channel))
    if selection.mailbox:
        text = texts["mailbox"].format(what=text, mailbox=selection.mailbox)
    return text


def is_plural(selection: Selection) -> bool:
    """'Alle meldingen stijgen', 'Sluikstort stijgt': a name without one category is plural."""
    return selection.category is None


def series_periods(
    con: duckdb.DuckDBPyConnection, kind: str = "month", years: float = MAX_YEARS, until: date | None = None
) -> list[Period]:
    """The complete months or weeks the store covers (its first to last day with reports), at most
    `years` back. A month-precision report covers its whole month; weekly series ignore them."""
    month_only = "r.reported_precision = 'month'"
    local = "CAST(timezone('Europe/Brussels', r.reported_at) AS DATE)"
    first, last = con.execute(f"""
        SELECT min({local}), max(CASE WHEN {month_only} THEN last_day({local}) ELSE {local} END)
        FROM reports r WHERE {"NOT " + month_only if kind == "week" else "true"}""").fetchall()[0]
    if first is None:
        return []
    if until is not None:
        last = min(last, until)
    return complete_periods(first, last, kind, max_years=years)


def _precision(kind: str) -> str:
    return "r.reported_precision <> 'month'" if kind == "week" else "true"


def count_series(
    con: duckdb.DuckDBPyConnection,
    selection: Selection = Selection(),
    kind: str = "month",
    periods: list[Period] | None = None,
    by: str | None = None,
) -> pd.DataFrame:
    """Counts per period (and per `by` value: a key of SPLITS), zeros included.

    Columns: start, code, count — plus `key` when split.
    """
    periods = series_periods(con, kind) if periods is None else periods
    if not periods:
        return pd.DataFrame(columns=["start", "code", "count"] + (["key"] if by else []))
    if by is not None and by not in SPLITS:
        raise ValueError(f"by must be one of {', '.join(SPLITS)}")
    where, params = selection.where()
    low, high = periods[0].utc_bounds()[0], periods[-1].utc_bounds()[1]
    key = f", {SPLITS[by]} AS key" if by else ""
    frame = con.execute(
        f"""
        SELECT {bin_sql("r.reported_at", kind)} AS start{key}, count(*) AS count
        FROM reports r JOIN categories k ON k.code = r.category_code
        WHERE r.reported_at >= ? AND r.reported_at < ? AND {_precision(kind)} AND {where}
        GROUP BY ALL""",
        [low, high] + params,
    ).df()
    frame["start"] = pd.to_datetime(frame["start"]).dt.date
    grid = pd.DataFrame({"start": [p.start for p in periods], "code": [p.code for p in periods]})
    if not by:
        out = grid.merge(frame, on="start", how="left")
    else:
        keys = frame.groupby("key", dropna=False)["count"].sum().sort_values(ascending=False).index
        out = grid.merge(pd.DataFrame({"key": keys}), how="cross").merge(frame, on=["start", "key"], how="left")
    out["count"] = out["count"].fillna(0).astype(int)
    return out


# --- one series, many series ---------------------------------------------------------------------
def _decorate(counts: pd.DataFrame, kind: str, model: SeasonalModel) -> pd.DataFrame:
    """The drawn columns: moving average over a year, the same period last year, the band."""
    frame = counts[["start", "code", "count"]].reset_index(drop=True).copy()
    per_year = int(round(periods_per_year(kind)))
    frame["ma12"] = frame["count"].rolling(per_year, min_periods=per_year).mean()
    by_code = dict(zip(frame["code"], frame["count"]))
    frame["last_year"] = [by_code.get(Period.parse(c).same_period_last_year().code, np.nan) for c in frame["code"]]
    frame["last_year"] = frame["last_year"].astype(float)
    frame["end"] = [Period.parse(c).end - timedelta(days=1) for c in frame["code"]]
    frame["expected"] = model.expected_
    frame["lower"] = model.lower_
    frame["upper"] = model.upper_
    frame["p_value"] = model.p_value_
    frame["outside"] = model.outside_
    frame["anomaly"] = model.anomaly_
    return frame


def _series(
    counts: pd.DataFrame, selection: Selection, kind: str, label: str, level: float, key: str | None = None
) -> TrendSeries:
    model = SeasonalModel(kind=kind, level=level).fit(counts)
    notes = []
    if model.fitted_ and model.harmonics_ == 0:
        notes.append("short")
    return TrendSeries(
        selection=selection,
        kind=kind,
        label=label,
        frame=_decorate(counts, kind, model),
        trend=model.trend_,
        sentence=trend_sentence(label, model.trend_, plural=is_plural(selection)),
        harmonics=getattr(model, "harmonics_", 0),
        dispersion=None if not model.fitted_ else float(model.dispersion_),
        key=key,
        notes=notes,
    )


def trend_series(
    con: duckdb.DuckDBPyConnection,
    selection: Selection = Selection(),
    kind: str = "month",
    years: float = MAX_YEARS,
    level: float = 0.95,
    until: date | None = None,
) -> TrendSeries:
    """The series of one selection with its band, anomalies and trend test.

    frame columns: start, end (first and last local day), code ('2026-10', '2026-W43'), count,
    ma12 (mean of the last 12 months / 52 weeks), last_year (same month, or same ISO week number,
    a year earlier; NaN before the series), expected, lower, upper (the band), p_value, outside,
    anomaly (see analytics/seasonal.py).
    """
    periods = series_periods(con, kind, years, until)
    counts = count_series(con, selection, kind, periods)
    return _series(counts, selection, kind, selection_label(con, selection), level)


def compare_series(
    con: duckdb.DuckDBPyConnection,
    selection: Selection = Selection(),
    by: str = "category",
    kind: str = "month",
    limit: int = 6,
    years: float = MAX_YEARS,
    level: float = 0.95,
    until: date | None = None,
) -> list[TrendSeries]:
    """Small multiples: the `limit` largest series split `by` category, category group, area or
    channel — the selection's own filter on that dimension lifted — each with its band and trend."""
    if by not in ("category", "category_group", "area", "channel"):
        raise ValueError("by must be category, category_group, area or channel")
    names = labels(con)
    periods = series_periods(con, kind, years, until)
    # Compared across the dimension: the filter on it is lifted (a group's categories, all areas).
    widened = replace(selection, **{by: None}, **({"category": None} if by == "category_group" else {}))
    counts = count_series(con, widened, kind, periods, by=by)
    result = []
    if counts.empty:
        return result
    keys = [k for k in counts["key"].drop_duplicates() if k is not None and not pd.isna(k)][:limit]
    for key in keys:
        narrowed = replace(widened, **{by: key})
        result.append(
            _series(counts[counts["key"] == key], narrowed, kind, selection_label(con, narrowed, names), level, key=key)
        )
    return result


def channel_mix(
    con: duckdb.DuckDBPyConnection,
    selection: Selection = Selection(),
    kind: str = "month",
    years: float = MAX_YEARS,
    until: date | None = None,
) -> pd.DataFrame:
    """How reports came in over time: start, code, channel, channel_label, channel_label_en, count,
    share (of all reports of the period)."""
    counts = count_series(
        con, replace(selection, channel=None, mailbox=None), kind, series_periods(con, kind, years, until), by="channel"
    )
    if counts.empty:
        return counts.assign(channel=[], channel_label=[], channel_label_en=[], share=[])
    names = labels(con)
    counts = counts.rename(columns={"key": "channel"})
    totals = counts.groupby("start")["count"].transform("sum")
    counts["share"] = np.where(totals > 0, counts["count"] / totals.where(totals > 0, 1), np.nan)
    counts["channel_label"] = counts["channel"].map(names["channel"]).fillna(counts["channel"])
    counts["channel_label_en"] = counts["channel"].map(names["channel_en"]).fillna(counts["channel"])
    return counts[["start", "code", "channel", "channel_label", "channel_label_en", "count", "share"]]


def mailbox_use(
    con: duckdb.DuckDBPyConnection,
    selection: Selection = Selection(),
    kind: str = "month",
    years: float = MAX_YEARS,
    until: date | None = None,
) -> pd.DataFrame:
    """Reports per Pro?bleembox mailbox over time: start, code, mailbox, count (mailboxes that were
    never used in the span do not appear; a month without letters is a 0)."""
    narrowed = replace(selection, channel=PROBLEEMBOX, mailbox=None)
    counts = count_series(con, narrowed, kind, series_periods(con, kind, years, until), by="mailbox")
    if counts.empty:
        return counts.assign(mailbox=[])
    counts = counts.rename(columns={"key": "mailbox"})
    counts["mailbox"] = counts["mailbox"].fillna("?")
    return counts.sort_values(["mailbox", "start"])[["start", "code", "mailbox", "count"]].reset_index(drop=True)


def series_records(series: TrendSeries) -> dict:
    """The JSON contract of `python -m analytics trends` for one series (NaN -> None)."""

    def clean(value):
        if value is None:
            return None
        if hasattr(value, "item"):
            value = value.item()
        if isinstance(value, float) and np.isnan(value):
            return None
        if isinstance(value, date):
            return value.isoformat()
        return value

    rows = [
        {k: clean(v) for k, v in row.items()}
        for row in series.frame[
            ["code", "start", "end", "count", "ma12", "last_year", "expected", "lower", "upper", "p_value", "anomaly"]
        ].to_dict("records")
    ]
    for row in rows:
        for k in ("ma12", "expected", "p_value"):
            if row[k] is not None:
                row[k] = round(row[k], 4 if k == "p_value" else 2)
        for k in ("lower", "upper", "last_year"):
            if row[k] is not None and np.isfinite(row[k]):
                row[k] = int(row[k])
    trend = {k: clean(v) for k, v in series.trend.items()}
    for k, v in trend.items():
        if isinstance(v, float):
            trend[k] = round(v, 4)
    return {
        "label": series.label,
        "kind": series.kind,
        "trend": trend,
        "sentence": series.sentence,
        "harmonics": series.harmonics,
        "dispersion": None if series.dispersion is None else round(series.dispersion, 3),
        "notes": [LABEL_TEXTS_NL[n] for n in series.notes],
        "series": rows,
    }
