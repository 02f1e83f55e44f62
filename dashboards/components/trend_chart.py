"""Charts of series over time: a series with its expected band, small multiples, the channel mix,
the Pro?bleembox use, a project's before/after — and projects as shaded periods on each of them.

Figures only: the numbers come from analytics/trends.py and analytics/effects.py, every word from
dashboards/i18n.py. A point sits in the middle of its month or week, so a project's shading covers
exactly the points it concerns.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import plotly.graph_objects as go

from analytics.periods import Period
from dashboards.i18n import fmt_float, fmt_int, fmt_month, t

FONT = dict(family="system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", size=15, color="#1d2733")
COLOURS = {
    "count": "#17324d",
    "band": "rgba(31, 95, 139, 0.16)",
    "expected": "#1f5f8b",
    "ma": "#d97706",
    "last_year": "#8a97a6",
    "anomaly": "#c0262d",
    "project": "rgba(46, 125, 50, 0.13)",
    "project_line": "#2e7d32",
    "target": "#1f5f8b",
}
# Channels in a fixed, colour-blind-safe palette (Okabe–Ito, then greys).
PALETTE = [
    "#0072B2",
    "#E69F00",
    "#009E73",
    "#CC79A7",
    "#56B4E9",
    "#D55E00",
    "#F0E442",
    "#000000",
    "#999999",
    "#6b7b8c",
    "#b7c2cc",
    "#3d4b59",
]
CONFIG = {"displaylogo": False, "modeBarButtonsToRemove": ["lasso2d", "select2d", "autoScale2d"]}


def graph_config(lang: str) -> dict:
    return {**CONFIG, "locale": "nl" if lang == "nl" else "en"}


def _middle(codes) -> list[date]:
    return [Period.parse(c).middle for c in codes]


def period_label(code: str, lang: str) -> str:
    return Period.parse(code).label(lang)


def month_ticks(first: date, last: date, lang: str, most: int = 9) -> tuple[list[str], list[str]]:
    """Ticks on the middle of every 1, 3, 6 or 12th month between two days, labelled the Belgian
    way ('okt 2026'): plotly's own date labels would be English."""
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    step = next(s for s in (1, 3, 6, 12, 24) if months / s <= most)
    values, texts = [], []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        if (month - 1) % step == 0:
            middle = Period.month(year, month).middle
            values.append(middle.isoformat())
            texts.append(fmt_month(pd.Timestamp(year, month, 1), lang))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return values, texts


def _with_ticks(fig: go.Figure, codes, lang: str, most: int = 9) -> go.Figure:
    if len(codes):
        values, texts = month_ticks(
            Period.parse(codes[0]).start, Period.parse(codes[-1]).end - timedelta(days=1), lang, most
        )
        fig.update_xaxes(tickmode="array", tickvals=values, ticktext=texts)
    return fig


def _layout(
    fig: go.Figure, height: int, y_title: str | None = None, legend: bool = True, margin: dict | None = None
) -> go.Figure:
    fig.update_layout(
        height=height,
        margin=margin or dict(l=64, r=16, t=12, b=40),
        font=FONT,
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        separators=",.",
        hovermode="closest",
        showlegend=legend,
        legend=dict(orientation="h", yanchor="top", y=-0.12, xanchor="left", x=0, font=dict(size=14)),
        yaxis=dict(title=y_title, gridcolor="#e3e8ee", rangemode="tozero", zeroline=False),
        xaxis=dict(type="date", tickformat="%b %Y", gridcolor="#f0f3f6", showgrid=False),
    )
    return fig


# --- projects as shaded periods ------------------------------------------------------------------
def shade_projects(fig: go.Figure, projects: list, last_day: date | None, lang: str, labels: bool = True) -> go.Figure:
    """A light green band from a project's start to its end (or the series' end), its name on top."""
    for number, project in enumerate(projects):
        end = project.end or last_day
        if end is None or end < project.start:
            continue
        fig.add_vrect(
            x0=project.start.isoformat(),
            x1=(end + timedelta(days=1)).isoformat(),
            fillcolor=COLOURS["project"],
            line_width=0,
            layer="below",
        )
        if labels:
            fig.add_annotation(
                x=project.start.isoformat(),
                xanchor="left",
                y=1.0 - 0.085 * (number % 3),
                yref="paper",
                yanchor="top",
                text=project.name,
                showarrow=False,
                font=dict(size=13, color=COLOURS["project_line"]),
                bgcolor="rgba(255,255,255,0.75)",
            )
    return fig


# --- one series with its band --------------------------------------------------------------------
def series_figure(
    frame: pd.DataFrame, kind: str, projects: list, lang: str, height: int = 430, compact: bool = False
) -> go.Figure:
    """Counts, the expected band, the expected value, the moving average over a year, the same period
    last year, anomalies in red; projects shaded. `compact`: a small multiple (no legend, fewer lines)."""
    x = _middle(frame["code"])
    labels = [period_label(c, lang) for c in frame["code"]]
    fig = go.Figure()
    has_band = frame["expected"].notna().any()
    if has_band:
        fig.add_trace(
            go.Scatter(
                x=x,
                y=frame["upper"],
                mode="lines",
                line=dict(width=0),
                hoverinfo="skip",
                showlegend=False,
                name="upper",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=frame["lower"],
                mode="lines",
                line=dict(width=0),
                fill="tonexty",
                fillcolor=COLOURS["band"],
                hoverinfo="skip",
                name=t("trends.chart.band", lang),
            )
        )
        if not compact:
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=frame["expected"],
                    mode="lines",
                    name=t("trends.chart.expected", lang),
                    line=dict(color=COLOURS["expected"], width=1.5, dash="dot"),
                    hoverinfo="skip",
                )
            )
    if not compact:
        fig.add_trace(
            go.Scatter(
                x=x,
                y=frame["last_year"],
                mode="lines",
                name=t("trends.chart.last_year", lang),
                line=dict(color=COLOURS["last_year"], width=1.6, dash="dash"),
                customdata=labels,
                hovertemplate="%{customdata}: %{y}<extra>%{fullData.name}</extra>",
            )
        )
        fig.add_trace(
            go.Scatter(
                x=x,
                y=frame["ma12"],
                mode="lines",
                name=t(f"trends.chart.ma.{kind}", lang),
                line=dict(color=COLOURS["ma"], width=2.4),
                customdata=[fmt_float(v) for v in frame["ma12"]],
                hovertemplate="%{customdata}<extra>%{fullData.name}</extra>",
            )
        )
    hover = [
        t("trends.chart.hover", lang, period=label, count=fmt_int(count), low=fmt_int(low), high=fmt_int(high))
        for label, count, low, high in zip(labels, frame["count"], frame["lower"], frame["upper"])
    ]
    fig.add_trace(
        go.Scatter(
            x=x,
            y=frame["count"],
            mode="lines+markers" if len(frame) <= 80 else "lines",
            name=t("trends.chart.count", lang),
            line=dict(color=COLOURS["count"], width=2.6 if not compact else 2),
            marker=dict(size=6),
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
        )
    )
    anomalies = frame[frame["anomaly"]]
    if len(anomalies):
        fig.add_trace(
            go.Scatter(
                x=_middle(anomalies["code"]),
                y=anomalies["count"],
                mode="markers",
                name=t("trends.chart.anomaly", lang),
                marker=dict(
                    size=13 if not compact else 10, color=COLOURS["anomaly"], line=dict(color="#ffffff", width=2)
                ),
                customdata=[h for h, a in zip(hover, frame["anomaly"]) if a],
                hovertemplate="%{customdata}<extra>%{fullData.name}</extra>",
            )
        )
    last_day = frame["end"].iloc[-1] if len(frame) else None
    shade_projects(fig, projects, last_day, lang, labels=not compact)
    codes = list(frame["code"])
    if compact:
        return _with_ticks(_layout(fig, height, legend=False, margin=dict(l=44, r=8, t=8, b=30)), codes, lang, most=4)
    return _with_ticks(_layout(fig, height, t(f"trends.chart.axis.{kind}", lang)), codes, lang)


# --- channel mix and Pro?bleembox ----------------------------------------------------------------
def mix_figure(mix: pd.DataFrame, lang: str, projects: list, height: int = 400) -> go.Figure:
    """Reports per channel per period, stacked; the share of the period in the hover. Counts rather
    than shares on the axis: a share of a handful of reports jumps about and means little."""
    fig = go.Figure()
    label_column = "channel_label_en" if lang == "en" else "channel_label"
    order = mix.groupby(label_column)["count"].sum().sort_values(ascending=False).index
    for number, label in enumerate(order):
        part = mix[mix[label_column] == label]
        fig.add_trace(
            go.Bar(
                x=_middle(part["code"]),
                y=part["count"],
                name=label,
                marker_color=PALETTE[number % len(PALETTE)],
                customdata=[
                    f"{period_label(c, lang)}: {fmt_int(n)} ({fmt_float(s * 100)} %)"
                    for c, n, s in zip(part["code"], part["count"], part["share"].fillna(0))
                ],
                hovertemplate="%{customdata}<extra>%{fullData.name}</extra>",
            )
        )
    codes = list(dict.fromkeys(mix["code"]))
    last_day = Period.parse(codes[-1]).end - timedelta(days=1) if codes else None
    shade_projects(fig, projects, last_day, lang, labels=False)
    kind = "week" if codes and "W" in codes[0] else "month"
    fig = _layout(fig, height, t(f"trends.chart.axis.{kind}", lang), margin=dict(l=64, r=16, t=12, b=40))
    fig.update_layout(
        barmode="stack",
        bargap=0.12,
        legend=dict(orientation="v", x=1.01, y=1, yanchor="top", xanchor="left", traceorder="normal"),
    )
    return _with_ticks(fig, codes, lang)


def mailbox_figure(use: pd.DataFrame, lang: str, height: int | None = None) -> go.Figure:
    """Reports per Pro?bleembox mailbox (rows) and period (columns): a heat map, darker is more."""
    boxes = sorted(use["mailbox"].unique())
    codes = list(dict.fromkeys(use["code"]))
    table = (
        use.pivot_table(index="mailbox", columns="code", values="count", aggfunc="sum")
        .reindex(index=boxes, columns=codes)
        .fillna(0)
    )
    names = [t("trends.box.label", lang, mailbox=b) for b in boxes]
    hover = [
        [
            t("trends.box.hover", lang, box=name, period=period_label(c, lang), count=fmt_int(v))
            for c, v in zip(codes, row)
        ]
        for name, row in zip(names, table.to_numpy())
    ]
    most = int(table.to_numpy().max()) if table.size else 1
    fig = go.Figure(
        go.Heatmap(
            z=table.to_numpy(),
            x=_middle(codes),
            y=names,
            colorscale="Blues",
            zmin=0,
            zmax=max(most, 1),
            xgap=1,
            ygap=1,
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            colorbar=dict(
                title=dict(text=t("trends.chart.count", lang), side="right"),
                thickness=14,
                tickmode="linear",
                tick0=0,
                dtick=max(1, -(-most // 5)),
            ),
        )
    )
    fig = _layout(fig, height or 80 + 34 * len(boxes), legend=False, margin=dict(l=110, r=16, t=12, b=40))
    fig.update_yaxes(autorange="reversed", rangemode=None, gridcolor=None, type="category")
    return _with_ticks(fig, codes, lang)


# --- a project's before and after ----------------------------------------------------------------
def effect_figure(result: dict, project, lang: str, height: int = 300) -> go.Figure:
    """Reports counted in the target per period (bars) and what the comparison says it would have
    had without the project (line); the project's period shaded."""
    series = pd.DataFrame(result["series"])
    fig = go.Figure()
    if series.empty:
        return _layout(fig, height)
    if result["kind"] == "week":  # a short project: half a year either side, else the bars are hairs
        starts = pd.to_datetime(series["start"]).dt.date
        low = project.start - timedelta(days=183)
        high = (project.end or project.start) + timedelta(days=183)
        series = series[(starts >= low) & (starts <= high)].reset_index(drop=True)
    x = _middle(series["code"])
    labels = [period_label(c, lang) for c in series["code"]]
    fig.add_trace(
        go.Bar(
            x=x,
            y=series["target"],
            name=t("projects.chart.target", lang),
            marker_color=COLOURS["target"],
            opacity=0.85,
            customdata=labels,
            hovertemplate="%{customdata}: %{y}<extra>%{fullData.name}</extra>",
        )
    )
    fig.add_trace(
        go.Scatter(
            x=x,
            y=series["expected"],
            mode="lines",
            name=t("projects.chart.expected", lang),
            line=dict(color=COLOURS["ma"], width=2.4),
            customdata=[f"{label}: {fmt_float(v)}" for label, v in zip(labels, series["expected"])],
            hovertemplate="%{customdata}<extra>%{fullData.name}</extra>",
        )
    )
    last_day = Period.parse(series["code"].iloc[-1]).end - timedelta(days=1)
    shade_projects(fig, [project], last_day, lang, labels=False)
    fig = _layout(fig, height, t(f"projects.chart.axis.{result['kind']}", lang))
    fig.update_layout(bargap=0.15, legend=dict(y=-0.16))
    return _with_ticks(fig, list(series["code"]), lang)
