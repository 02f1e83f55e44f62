"""The CompStat page's lower half: the follow-up tables (channels, statuses, time to close) and the list
of reports behind a clicked marker or cell. Pure layout from analytics.compstat's figures."""

from __future__ import annotations

import dash_ag_grid as dag
from dash import html

from analytics import vocabulary
from analytics.compstat import Filters, follow_up
from analytics.periods import Period
from dashboards.components.compstat_grid import NUMBER, missing
from dashboards.i18n import TEXTS, fmt_pct, grid_locale, t

AUTO_HEIGHT = {
    "domLayout": "autoHeight",
    "suppressCellFocus": True,
    "tooltipShowDelay": 200,
    "enableCellTextSelection": True,
}


def blocks(con, period: Period, filters: Filters, lang: str) -> list:
    """Where the reports of the period came from, their status now, and how long closing took."""
    blocks = follow_up(con, period, filters)
    labels = {"channel": vocabulary.channels(con).set_index("code")}
    english = lang == "en"
    by_channel, by_status, closing = blocks["by_channel"], blocks["by_status"], blocks["time_to_close"]
    total = max(int(by_channel["reports"].sum()), 1)
    channel_rows = [
        {
            "channel": channel_name(labels, r.channel, r.mailbox, lang),
            "reports": int(r.reports),
            "share": fmt_pct(r.reports / total),
        }
        for r in by_channel.itertuples()
    ]
    status_total = max(int(by_status["reports"].sum()), 1)
    status_rows = [
        {"status": status_name(r.status, lang), "reports": int(r.reports), "share": fmt_pct(r.reports / status_total)}
        for r in by_status.itertuples()
    ]
    close_rows = [
        {
            "category": r.category_label_en if english else r.category_label,
            "reports": int(r.reports),
            "closed": int(r.closed),
            "median_days": None if missing(r.median_days) else float(r.median_days),
            "p90_days": None if missing(r.p90_days) else float(r.p90_days),
        }
        for r in closing.itertuples()
    ]
    days = {
        "type": "rightAligned",
        "valueFormatter": {
            "function": "params.value == null ? '–' : params.value.toLocaleString('nl-BE', {minimumFractionDigits: 1, maximumFractionDigits: 1})"
        },
    }
    share = {
        "field": "share",
        "headerName": t("col.share", lang),
        "flex": 1,
        "minWidth": 90,
        "type": "rightAligned",
        "sortable": False,
    }
    count_column = {"field": "reports", "headerName": t("col.reports", lang), "flex": 1, "minWidth": 100, **NUMBER}
    return [
        _block(
            "compstat-channels",
            t("followup.channels", lang),
            channel_rows,
            [
                {"field": "channel", "headerName": t("col.channel", lang), "flex": 2, "minWidth": 140},
                count_column,
                share,
            ],
            lang,
        ),
        _block(
            "compstat-statuses",
            t("followup.statuses", lang),
            status_rows,
            [{"field": "status", "headerName": t("col.status", lang), "flex": 2, "minWidth": 130}, count_column, share],
            lang,
        ),
        _block(
            "compstat-close",
            t("followup.close", lang),
            close_rows,
            [
                {"field": "category", "headerName": t("col.category", lang), "flex": 2, "minWidth": 150},
                count_column,
                {"field": "closed", "headerName": t("col.closed", lang), "flex": 1, "minWidth": 100, **NUMBER},
                {"field": "median_days", "headerName": t("col.median_days", lang), "flex": 1, "minWidth": 100, **days},
                {"field": "p90_days", "headerName": t("col.p90_days", lang), "flex": 1, "minWidth": 100, **days},
            ],
            lang,
            wide=True,
        ),
    ]


def _block(grid_id: str, title: str, rows: list[dict], columns: list[dict], lang: str, wide: bool = False) -> html.Div:
    return html.Div(
        [
            html.H3(title),
            dag.AgGrid(
                id=grid_id,
                rowData=rows,
                columnDefs=columns,
                defaultColDef={"sortable": True, "resizable": True, "wrapHeaderText": True, "autoHeaderHeight": True},
                dashGridOptions={"localeText": grid_locale(lang), **AUTO_HEIGHT},
                style={"width": "100%"},
                className="grid",
            ),
        ],
        className="followup-block" + (" followup-wide" if wide else ""),
    )


def channel_name(labels: dict, code: str, mailbox, lang: str) -> str:
    name = labels["channel"]["label_en" if lang == "en" else "label_nl"].get(code, code)
    return t("followup.mailbox", lang, channel=name, mailbox=mailbox) if isinstance(mailbox, str) and mailbox else name


def status_name(code: str, lang: str) -> str:
    return t(f"status.{code}", lang) if f"status.{code}" in TEXTS else str(code)


def report_list(rows: list[dict]) -> html.Ol:
    """The clicked reports in time order, two lines each: readable beside the map, never cut off."""
    return html.Ol(
        [
            html.Li(
                [
                    html.Div(
                        [
                            html.Span(r["when"], className="report-when"),
                            html.Span(r["category"], className="report-category"),
                        ],
                        className="report-line",
                    ),
                    html.Div(f"{r['channel']} · {r['status']}", className="report-meta"),
                ]
            )
            for r in rows
        ],
        id="compstat-report-list",
        className="report-list",
    )
