"""The pack's maps and charts as PNG images, drawn with matplotlib's Agg canvas (no browser, no display).

The same colours and classes as the pages (dashboards/components/map.py, coverage_map.py,
trend_chart.py); the maps draw our own boundaries from the store (Statbel, assets/geo), no tiles.
Each function takes plain objects from contents.py and returns PNG bytes.
"""

from __future__ import annotations

import io
import math
from datetime import date, timedelta

import matplotlib
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter, MaxNLocator
from shapely.geometry import shape

from analytics.periods import Period
from dashboards.components import coverage_map
from dashboards.components.map import (
    AREA_STYLE,
    CLASS_COLOURS,
    HOTSPOT_STYLE,
    MUNICIPALITY_STYLE,
)
from dashboards.components.trend_chart import COLOURS
from dashboards.i18n import fmt_int, fmt_month, t

DPI = 150
INK = "#1d2733"
GRID = "#e3e8ee"
matplotlib.rcParams.update(
    {
        "font.family": "DejaVu Sans",
        "font.size": 9,
        "axes.edgecolor": "#8a97a6",
        "axes.labelcolor": INK,
        "xtick.color": INK,
        "ytick.color": INK,
        "text.color": INK,
    }
)


def _figure(width: float, height: float):
    """A figure on its own Agg canvas: no pyplot, whose global state is not safe in the app's threads."""
    fig = Figure(figsize=(width, height))
    FigureCanvasAgg(fig)
    return fig, fig.subplots()


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()


def _rgba(css: str) -> tuple:
    """'rgba(31, 95, 139, 0.16)' (the pages' plotly colours) as a matplotlib colour."""
    if not css.startswith("rgba"):
        return css
    r, g, b, a = (float(x) for x in css[css.index("(") + 1 : -1].split(","))
    return (r / 255, g / 255, b / 255, a)


# --- maps --------------------------------------------------------------------------------------------
def _polygons(geometry: dict) -> list:
    geom = shape(geometry)
    return list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]


def _base_map(geography: dict, size=(7.2, 5.6)):
    """Sub-municipalities (white, names in grey capitals), the municipality outlined, equal-area look."""
    fig, ax = _figure(*size)
    fig.subplots_adjust(left=0.01, right=0.99, top=0.99, bottom=0.12)
    lats = []
    for feature in geography["areas"]["features"]:
        for polygon in _polygons(feature["geometry"]):
            x, y = polygon.exterior.xy
            lats += list(y)
            ax.fill(x, y, facecolor=AREA_STYLE["fillColor"], edgecolor=AREA_STYLE["color"], linewidth=0.8, zorder=1)
        point = shape(feature["geometry"]).representative_point()
        ax.text(
            point.x,
            point.y,
            feature["properties"]["name"].upper(),
            ha="center",
            va="center",
            fontsize=7.5,
            color="#6b7b8c",
            fontweight="bold",
            zorder=2,
            alpha=0.9,
        )
    for feature in geography["municipality"]["features"]:
        for polygon in _polygons(feature["geometry"]):
            x, y = polygon.exterior.xy
            lats += list(y)
            ax.plot(x, y, color=MUNICIPALITY_STYLE["color"], linewidth=2, zorder=3)
    middle = (min(lats) + max(lats)) / 2 if lats else 50.9
    ax.set_aspect(1 / math.cos(math.radians(middle)))  # degrees of longitude are shorter than of latitude
    ax.set_axis_off()
    return fig, ax


def _scale_bar(ax, km: float = 1.0) -> None:
    """A 1 km bar in the lower left corner."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    middle = (y0 + y1) / 2
    width = km / (111.32 * math.cos(math.radians(middle)))
    x, y = x0 + (x1 - x0) * 0.04, y0 + (y1 - y0) * 0.04
    ax.plot([x, x + width], [y, y], color=INK, linewidth=3, solid_capstyle="butt", zorder=6)
    ax.text(x + width / 2, y + (y1 - y0) * 0.015, f"{fmt_int(km)} km", ha="center", va="bottom", fontsize=7.5, zorder=6)


def _defined_outlines(ax, geography: dict) -> None:
    for feature in geography["hotspots"]["features"]:
        for polygon in _polygons(feature["geometry"]):
            x, y = polygon.exterior.xy
            ax.plot(x, y, color=HOTSPOT_STYLE["color"], linewidth=1.2, linestyle=(0, (3, 2)), zorder=4)


def _legend_below(ax, handles: list, title: str | None = None) -> None:
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, -0.01),
        ncol=min(len(handles), 4),
        fontsize=8,
        title=title,
        title_fontsize=8,
        frameon=False,
        columnspacing=1.4,
    )


def _source(ax, lang: str) -> None:
    ax.text(
        0.99,
        0.01,
        t("pack.map.source", lang),
        transform=ax.transAxes,
        ha="right",
        va="bottom",
        fontsize=6.5,
        color="#6b7b8c",
    )


def hotspot_map(geography: dict, hotspots: list, lang: str) -> bytes:
    """The month's concentrations as dots in their class colour; the emerging ones large and numbered."""
    fig, ax = _base_map(geography)
    _defined_outlines(ax, geography)
    for spot in reversed(hotspots):  # emerging (first in the list) drawn last, on top
        colour = CLASS_COLOURS[spot.klass]
        if spot.emerging:
            ax.scatter(spot.lon, spot.lat, s=260, color=colour, edgecolor="white", linewidth=1.5, zorder=8)
            ax.text(
                spot.lon,
                spot.lat,
                str(spot.rank),
                ha="center",
                va="center",
                fontsize=8,
                color="white",
                fontweight="bold",
                zorder=9,
            )
        else:
            ax.scatter(spot.lon, spot.lat, s=45, color=colour, edgecolor="white", linewidth=0.8, zorder=7, alpha=0.9)
    classes = list(dict.fromkeys(s.klass for s in hotspots))
    handles = [
        Line2D(
            [],
            [],
            marker="o",
            linestyle="",
            markersize=8,
            markerfacecolor=CLASS_COLOURS[k],
            markeredgecolor="white",
            label=t(f"class.{k}", lang),
        )
        for k in classes
    ]
    handles.append(
        Line2D([], [], color=HOTSPOT_STYLE["color"], linestyle=(0, (3, 2)), label=t("pack.map.defined", lang))
    )
    _legend_below(ax, handles)
    _scale_bar(ax)
    _source(ax, lang)
    return _png(fig)


def dosage_map(geography: dict, rows: pd.DataFrame, lang: str) -> bytes:
    """Defined hot spots filled by days since the last visit (the Dekking page's colours), numbered as
    in the table."""
    fig, ax = _base_map(geography, size=(5.6, 4.6))
    shapes = {f["properties"]["hotspot_id"]: f["geometry"] for f in geography["hotspots"]["features"]}
    for number, row in enumerate(rows.itertuples(), start=1):
        days = row.days_since_last_visit
        colour = (
            coverage_map.NEVER
            if pd.isna(days)
            else coverage_map.colour_of(int(days), coverage_map.DAYS_BREAKS, coverage_map.DAYS_COLOURS)
        )
        for polygon in _polygons(shapes[row.hotspot_id]) if row.hotspot_id in shapes else []:
            x, y = polygon.exterior.xy
            ax.fill(x, y, facecolor=colour, edgecolor=INK, linewidth=0.6, zorder=5)
        ax.scatter(row.lon, row.lat, s=150, color=colour, edgecolor=INK, linewidth=0.8, zorder=7)
        ax.text(
            row.lon,
            row.lat,
            str(number),
            ha="center",
            va="center",
            fontsize=6.5,
            zorder=8,
            color="white"
            if colour in (coverage_map.NEVER, coverage_map.DAYS_COLOURS[0], coverage_map.DAYS_COLOURS[-1])
            else INK,
            fontweight="bold",
        )
    entries = coverage_map.ranges(coverage_map.DAYS_BREAKS, coverage_map.DAYS_COLOURS, t("cov.unit.days", lang)) + [
        (coverage_map.NEVER, t("cov.legend.never", lang))
    ]
    handles = [Patch(facecolor=colour, edgecolor=INK, linewidth=0.5, label=label) for colour, label in entries]
    _legend_below(ax, handles, t("cov.legend.days", lang))
    _scale_bar(ax)
    _source(ax, lang)
    return _png(fig)


# --- charts ------------------------------------------------------------------------------------------
def _thousands(axis) -> None:
    axis.set_major_formatter(FuncFormatter(lambda value, _: fmt_int(value)))


def _month_axis(ax, frame: pd.DataFrame, lang: str) -> None:
    """Ticks on every 3rd (or 6th) month, labelled 'okt 2026' (fmt_month)."""
    months = len(frame)
    step = next(s for s in (1, 3, 6, 12) if months / s <= 9)
    starts = [Period.parse(c).start for c in frame["code"]]
    ticks = [(s, i) for i, s in enumerate(starts) if (s.month - 1) % step == 0]
    ax.set_xticks([_middle(frame["code"].iloc[i]) for _, i in ticks])
    ax.set_xticklabels([fmt_month(pd.Timestamp(s), lang) for s, _ in ticks], fontsize=7.5)


def _middle(code: str) -> date:
    return Period.parse(code).middle


def trend_chart(frame: pd.DataFrame, projects: list, lang: str) -> bytes:
    """Counts per month with the expected band, the expected value, last year and the 12-month
    average; anomalies red; projects shaded green (as trend_chart.series_figure on the Trends page)."""
    fig, ax = _figure(7.2, 2.9)
    fig.subplots_adjust(left=0.08, right=0.99, top=0.96, bottom=0.30)
    x = [_middle(c) for c in frame["code"]]
    if frame["expected"].notna().any():
        ax.fill_between(
            x,
            frame["lower"].astype(float),
            frame["upper"].astype(float),
            color=_rgba(COLOURS["band"]),
            linewidth=0,
            label=t("trends.chart.band", lang),
        )
        ax.plot(
            x,
            frame["expected"].astype(float),
            color=COLOURS["expected"],
            linewidth=1,
            linestyle=":",
            label=t("trends.chart.expected", lang),
        )
    ax.plot(
        x,
        frame["last_year"].astype(float),
        color=COLOURS["last_year"],
        linewidth=1.1,
        linestyle="--",
        label=t("trends.chart.last_year", lang),
    )
    ax.plot(x, frame["ma12"].astype(float), color=COLOURS["ma"], linewidth=1.6, label=t("trends.chart.ma.month", lang))
    ax.plot(
        x,
        frame["count"],
        color=COLOURS["count"],
        linewidth=1.8,
        marker="o",
        markersize=3,
        label=t("trends.chart.count", lang),
    )
    anomalies = frame[frame["anomaly"].astype(bool)]
    if len(anomalies):
        ax.scatter(
            [_middle(c) for c in anomalies["code"]],
            anomalies["count"],
            s=40,
            color=COLOURS["anomaly"],
            edgecolor="white",
            zorder=5,
            label=t("trends.chart.anomaly", lang),
        )
    last_day = Period.parse(frame["code"].iloc[-1]).end - timedelta(days=1) if len(frame) else None
    first_day = Period.parse(frame["code"].iloc[0]).start if len(frame) else None
    for project in projects:
        end = min(project.end or last_day, last_day) if last_day else project.end
        start = max(project.start, first_day) if first_day else project.start
        if end is not None and end >= start:
            ax.axvspan(start, end + timedelta(days=1), color=_rgba(COLOURS["project"]), linewidth=0, zorder=0)
    ax.set_ylim(bottom=0)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=5))
    _thousands(ax.yaxis)
    ax.set_ylabel(t("trends.chart.axis.month", lang), fontsize=8)
    ax.grid(axis="y", color=GRID, linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    _month_axis(ax, frame, lang)
    ax.legend(
        loc="upper center",
        bbox_to_anchor=(0.5, -0.12),
        ncol=3,
        fontsize=7,
        frameon=False,
        handlelength=1.6,
        columnspacing=1.0,
    )
    return _png(fig)


def demand_dosage_chart(rows: pd.DataFrame, lang: str) -> bytes:
    """Per defined hot spot (in the table's order and numbers) its share of the reports against its
    share of the wardens' presence: where the first bar is much longer, presence lags demand."""
    names = [f"{n}. {name}" for n, name in enumerate(rows["name"], start=1)]
    fig, ax = _figure(7.2, 0.9 + 0.27 * len(rows))
    fig.subplots_adjust(left=0.36, right=0.98, top=0.98, bottom=0.9 / (0.9 + 0.27 * len(rows)))
    y = list(range(len(rows)))
    ax.barh(
        [v - 0.19 for v in y],
        rows["demand_share"] * 100,
        height=0.38,
        color=coverage_map.DEMAND_COLOURS[3],
        label=t("pack.chart.demand", lang),
    )
    ax.barh(
        [v + 0.19 for v in y],
        rows["dosage_share"] * 100,
        height=0.38,
        color=coverage_map.MINUTE_COLOURS[3],
        label=t("pack.chart.dosage", lang),
    )
    ax.set_yticks(y)
    ax.set_yticklabels(names, fontsize=7.5)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{fmt_int(value)} %"))
    ax.grid(axis="x", color=GRID, linewidth=0.6)
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(loc="lower right", fontsize=7.5, frameon=True, framealpha=0.92, edgecolor=GRID)
    return _png(fig)
