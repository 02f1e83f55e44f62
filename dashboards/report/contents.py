"""What the meeting pack holds, gathered from analytics/ into plain objects — aggregates only.

The pack is mailed to the mayor, so nothing here may identify a citizen or follow a warden: no
reporter hashes, no descriptions, no raw rows of the quarantine (its reasons are summarised with the
quoted values taken out), no tracks, positions, device ids or warden codes — coverage is per hot spot
(visits, minutes, how many trackers), never per warden. Everything is read on one read-only
connection (civ.store.reading), like a page view; nothing is written, not even a hot-spot run
(the stored run of the month is used when there is one, else the detector runs on the spot).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

import duckdb
import pandas as pd

from analytics import effects, inventory, layers, meeting_pack, verdicts, vocabulary
from analytics import projects as project_register
from analytics.compstat import Filters, compstat_table, key_figures
from analytics.coverage import is_pending, pending
from analytics.coverage.dosage import hotspot_dosage
from analytics.hotspots.runs import month_results
from analytics.municipality_scope import MunicipalityScope, dosage_within, geography_within, points_within, scope_of
from analytics.periods import LOCAL_TZ, Period
from analytics.trends import Selection, trend_series
from civ import territory
from civ.errors import UnusableInput


@dataclass
class Cover:
    municipality: str
    month: Period
    made: datetime  # UTC
    reports_until: datetime | None  # latest report loaded (UTC)
    fixes_until: datetime | None  # latest GPS fix loaded (UTC)
    last_import: datetime | None  # latest finished import (UTC)
    is_demo: bool


@dataclass
class KeyFigures:
    reports: int
    reports_last_year: int
    reports_previous: int | None
    open_backlog: int
    median_days_to_close: float | None
    gas_findings: int
    share_located: float | None
    flagged_up: int
    flagged_down: int
    emerging_hotspots: int


@dataclass
class CompstatRow:
    category: str
    label: str
    label_en: str
    current: int
    previous: int | None
    last_year: int
    expected_low: int
    expected_high: int
    pct_change: float | None
    too_few: bool
    flag: str  # 'up', 'down', 'none'
    p_value: float
    expected: float | None = None  # the seasonal model's expectation where it sets the flag


@dataclass
class Hotspot:
    rank: int
    klass: str
    emerging: bool
    lat: float
    lon: float
    current: int
    expected: float
    p_value: float
    reason: str
    reason_en: str
    place: str | None  # the defined hot spot it lies on, if any


@dataclass
class Trend:
    category: str
    label: str
    label_en: str
    flag: str
    trend: dict  # analytics.seasonal trend test (for the sentence in either language)
    frame: pd.DataFrame  # analytics.trends frame: code, count, expected, lower, upper, ...
    projects: list  # analytics.projects.Project shaded on the chart


@dataclass
class Coverage:
    rows: pd.DataFrame  # analytics.coverage.dosage.hotspot_dosage, per defined hot spot
    visits_pending: bool  # GPS imports not yet turned into visits
    has_fixes: bool


@dataclass
class ProjectEffect:
    project: object  # analytics.projects.Project
    result: dict  # analytics.effects.project_effect (no series kept)
    categories: dict  # {'nl': 'hondenpoep', 'en': 'dog fouling'}: for the sentence


@dataclass
class DataQuality:
    loads: (
        pd.DataFrame
    )  # batch_id, kind, file_name, finished_at, rows_in, loaded, quarantined, duplicates, month_reports
    quarantine_reasons: pd.DataFrame  # reason (values taken out), rows
    reports: int
    without_location: int


@dataclass
class MeetingPack:
    cover: Cover
    figures: KeyFigures
    compstat: list[CompstatRow]
    hotspots: list[Hotspot]  # every class of the month's run, emerging first
    hotspot_run: dict  # run_id, stored, reports_until
    trends: list[Trend]
    coverage: Coverage
    projects: list[ProjectEffect]
    quality: DataQuality
    geography: dict = field(default_factory=dict)  # municipality/areas GeoJSON, defined hot spots GeoJSON


def month_of(period: Period) -> Period:
    """The month a pack is made for: the period itself when it is a month, else the month holding its
    last day (a week, a year to date, a range of days)."""
    return period.month_of_last_day()


def parse_month(text: str) -> Period:
    """'2026-10' as a month; anything else is unusable input (the CLI's exit 2)."""
    try:
        period = Period.parse(str(text))
    except ValueError:
        period = None
    if period is None or period.kind != "month" or not re.fullmatch(r"\s*\d{4}-\d{2}\s*", str(text)):
        raise UnusableInput(f"maand '{text}' onbekend: gebruik JJJJ-MM, bv. 2026-10")
    return period


def gather(
    con: duckdb.DuckDBPyConnection, month: Period, now: datetime | None = None, municipality: str | None = None
) -> MeetingPack:
    """Everything the pack shows for `month`, on a read-only connection.

    `municipality`: the NIS code of one municipality of a police zone; every count, map and the title
    are then that municipality's (hot spots and dosage: the zone's run, those lying in it)."""
    if month.kind != "month":
        raise UnusableInput("het vergaderpakket is per kalendermaand")
    now = now or datetime.now(timezone.utc)
    summary = inventory.store_summary(con)
    if inventory.is_empty(summary):
        raise UnusableInput("de databank is leeg; laad eerst gegevens (python -m etl demo)")
    scope = scope_of(con, municipality) if municipality else None
    filters = Filters(area=scope.nis) if scope else Filters()
    _check_span(con, month)
    table = compstat_table(con, month, by="category", filters=filters)
    compstat = [_compstat_row(r) for r in table.to_dict("records")]
    run, results = month_results(con, month.code)
    hotspots = _hotspots(points_within(results, scope) if scope else results)
    figures = _figures(con, month, compstat, hotspots, filters)
    dosage = hotspot_dosage(con, month, now=now)
    geography = {
        "municipality": layers.areas_geojson(con, "municipality"),
        "areas": layers.areas_geojson(con),
        "hotspots": layers.hotspots_geojson(con),
    }
    return MeetingPack(
        cover=Cover(
            municipality=_municipality(con, scope),
            month=month,
            made=now,
            reports_until=summary["data_until"],
            fixes_until=_utc(meeting_pack.newest_fix(con)),
            last_import=summary["last_import"],
            is_demo=summary["is_demo"],
        ),
        figures=figures,
        compstat=compstat,
        hotspots=hotspots,
        hotspot_run={
            "run_id": run.get("run_id"),
            "stored": bool(run.get("stored")),
            "reports_until": _utc(run.get("reports_until")),
        },
        trends=_trends(con, month, compstat, scope),
        coverage=Coverage(
            rows=dosage_within(dosage, scope) if scope else dosage,
            visits_pending=is_pending(pending(con)),
            has_fixes=summary["fixes"] > 0,
        ),
        projects=_projects(con, month, scope),
        quality=_quality(con, month, figures),
        geography=geography_within(geography, scope) if scope else geography,
    )


def _check_span(con, month: Period) -> None:
    """A month outside the reports loaded would give a pack of zeros that reads like a quiet month."""
    first, last = vocabulary.reporting_span(con)
    start, end = month.utc_bounds()
    if first is None or last < pd.Timestamp(start) or first >= pd.Timestamp(end):
        span = (
            "er zijn nog geen meldingen geladen"
            if first is None
            else f"de meldingen lopen van {_month_label(first)} tot {_month_label(last)}"
        )
        raise UnusableInput(f"geen meldingen in {month.label()}: {span}")


def _month_label(instant: pd.Timestamp) -> str:
    local = instant.tz_convert(LOCAL_TZ.key)
    return Period.month(local.year, local.month).label()


def _utc(value) -> datetime | None:
    if value is None or value is pd.NaT:
        return None
    stamp = pd.Timestamp(value)
    return (stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")).to_pydatetime()


def _municipality(con, scope: MunicipalityScope | None = None) -> str:
    """The organisation the pack is for ('CIV Merchtem'; one municipality of a zone: 'CIV AMOW — Merchtem');
    also pins the names the pack's texts use."""
    from dashboards import branding

    branding.pin(con, place=scope.name if scope else None)
    name = territory.display_name(con) or "CIV"
    return f"{name} — {scope.name}" if scope else name


def _number(value) -> int | None:
    return None if value is None or value != value else int(value)


def _compstat_row(r: dict) -> CompstatRow:
    pct = r.get("pct_change")
    # the flag's own yardstick: the seasonal model's expectation, range and p where it sets the flag,
    # else last year's test (last year's count stays in its own column)
    model = r.get("flag_test") == "model"
    return CompstatRow(
        category=r["category"],
        label=r.get("category_label") or r["category"],
        label_en=r.get("category_label_en") or r["category"],
        current=int(r["current"]),
        previous=_number(r.get("previous")),
        last_year=int(r["last_year"]),
        expected_low=int(r["model_low" if model else "expected_low"]),
        expected_high=int(r["model_high" if model else "expected_high"]),
        pct_change=None if pct is None or pct != pct else float(pct),
        too_few=bool(r["too_few"]),
        flag=str(r["flag"]),
        p_value=float(r["model_p" if model else "p_value"]),
        expected=float(r["model_expected"]) if model else None,
    )


def _hotspots(results: pd.DataFrame) -> list[Hotspot]:
    """The run's results, emerging ones first (in the run's order: most significant first)."""
    if results.empty:
        return []
    ordered = pd.concat([results[results["emerging"]], results[~results["emerging"]]])
    spots = []
    for rank, row in enumerate(ordered.to_dict("records"), start=1):
        place = row.get("on_defined_hotspot")
        spots.append(
            Hotspot(
                rank=rank,
                klass=row["class"],
                emerging=bool(row["emerging"]),
                lat=float(row["lat"]),
                lon=float(row["lon"]),
                current=int(row["current"]),
                expected=float(row["expected"]),
                p_value=float(row["p_value"]),
                reason=row["reason"],
                reason_en=row.get("reason_en") or row["reason"],
                place=place if isinstance(place, str) and place else None,
            )
        )
    return spots


def _figures(con, month: Period, compstat: list[CompstatRow], hotspots: list[Hotspot], filters: Filters) -> KeyFigures:
    now = key_figures(con, month, filters)
    last_year = key_figures(con, month.same_period_last_year(), filters)
    previous = month.previous()
    return KeyFigures(
        reports=int(now["reports"]),
        reports_last_year=int(last_year["reports"]),
        reports_previous=None if previous is None else int(key_figures(con, previous, filters)["reports"]),
        open_backlog=int(now["open_backlog"]),
        median_days_to_close=now["median_days_to_close"],
        gas_findings=int(now["gas_findings"]),
        share_located=now["share_located"],
        flagged_up=sum(r.flag == "up" for r in compstat),
        flagged_down=sum(r.flag == "down" for r in compstat),
        emerging_hotspots=sum(h.emerging for h in hotspots),
    )


def _trends(con, month: Period, compstat: list[CompstatRow], scope: MunicipalityScope | None) -> list[Trend]:
    """The series of every category flagged up or down, up to the pack's month (no later data)."""
    last_day = month.last_day
    trends = []
    for row in compstat:
        if row.flag == "none":
            continue
        selection = Selection(category=row.category, area=scope.nis if scope else None)
        series = trend_series(con, selection, kind="month", years=3, until=last_day)
        trends.append(
            Trend(
                category=row.category,
                label=row.label,
                label_en=row.label_en,
                flag=row.flag,
                trend=series.trend,
                frame=series.frame,
                projects=_in_scope(project_register.concerning(con, {row.category}, None), scope),
            )
        )
    return trends


def _projects(con, month: Period, scope: MunicipalityScope | None = None) -> list[ProjectEffect]:
    """Projects running at some time in the month, with the effect measured on all data so far; for one
    municipality of a zone, those in its areas and those for the whole territory."""
    first, last = month.start, month.last_day
    running = [p for p in project_register.register(con) if p.start <= last and (p.end is None or p.end >= first)]
    running = _in_scope(running, scope)
    found = []
    for project in running:
        result = effects.project_effect(con, project.name)
        result.pop("series", None)
        found.append(
            ProjectEffect(
                project=project,
                result=result,
                categories={lang: verdicts.category_names(con, project, lang) for lang in ("nl", "en")},
            )
        )
    return found


def _in_scope(projects: list, scope: MunicipalityScope | None) -> list:
    """One municipality of a zone: the projects in its areas and those for the whole territory."""
    if scope is None:
        return projects
    return [p for p in projects if p.submunicipality is None or p.submunicipality in scope.area_codes]


# Quoted values and numbers in a quarantine reason come from the refused row itself (a date, an
# unknown category, coordinates): out they go, so reasons group and no row's content reaches the pack.
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"|‘[^’]*’")
_NUMBERS = re.compile(r"\d[\d.,:/\-]*")


def summarise_reason(reason: str) -> str:
    text = _NUMBERS.sub("…", _QUOTED.sub("'…'", reason or ""))
    return re.sub(r"(…[\s,]*)+…", "…", re.sub(r"\s+", " ", text)).strip()


def _quality(con, month: Period, figures: KeyFigures) -> DataQuality:
    """Imports that brought reports of the month or were loaded during it; their refused rows by reason."""
    loads, reasons = meeting_pack.month_imports(con, month)
    summary = (
        (
            reasons.assign(reason=reasons["reason"].map(summarise_reason))
            .groupby("reason")
            .size()
            .rename("rows")
            .reset_index()
            .sort_values(["rows", "reason"], ascending=[False, True])
            .reset_index(drop=True)
        )
        if len(reasons)
        else pd.DataFrame(columns=["reason", "rows"])
    )
    located = figures.share_located
    without = 0 if located is None else round(figures.reports * (1 - located))
    return DataQuality(loads=loads, quarantine_reasons=summary, reports=figures.reports, without_location=int(without))
