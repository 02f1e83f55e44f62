"""The CompStat table as AG Grid rows and columns: counts as numbers (so they sort as numbers),
shown the Belgian way; the change flag in words with its p-value one hover away.
"""

from __future__ import annotations

from analytics.periods import Period
from dashboards.i18n import fmt_float, fmt_int, fmt_p, t

NUMBER = {
    "type": "rightAligned",
    "valueFormatter": {"function": "params.value == null ? '–' : params.value.toLocaleString('nl-BE')"},
}
FLAG_CLASSES = {
    "flag-up": "params.data.flag == 'up'",
    "flag-down": "params.data.flag == 'down'",
    "flag-none": "params.data.flag == 'none'",
}


def missing(value) -> bool:
    return value is None or value != value  # NaN and pd.NA compare unequal to themselves


def row(record: dict, lang: str) -> dict:
    """One row of analytics.compstat.compstat_table as grid data."""
    english = lang == "en"
    return {
        "category": (record.get("category_label_en") if english else record.get("category_label"))
        or record.get("category"),
        "area": t("area.none", lang) if missing(record.get("area")) else record.get("area_name"),
        "current": int(record["current"]),
        "last_year": int(record["last_year"]),
        "previous": None if missing(record.get("previous")) else int(record["previous"]),
        "ytd": int(record["ytd"]),
        "ytd_last_year": int(record["ytd_last_year"]),
        # the flag's own yardstick: the seasonal model's range where it flags, else last year's
        "expected": (
            f"{fmt_int(record['model_low'])}–{fmt_int(record['model_high'])}"
            if record.get("flag_test") == "model"
            else f"{fmt_int(record['expected_low'])}–{fmt_int(record['expected_high'])}"
        ),
        "pct": None if missing(record.get("pct_change")) else float(record["pct_change"]),
        "too_few": bool(record["too_few"]),
        "flag": record["flag"],
        "flag_text": t(f"flag.{record['flag']}", lang),
        "flag_tip": flag_tip(record, lang),
    }


def flag_tip(record: dict, lang: str) -> str:
    """The hover text of the flag: the test that set it. A model's flag names the model's expectation,
    range and p-values, with last year's count and its own p-value beside it (the comparison people
    know); a row without a model (short history, year to date) has last year's test only."""
    if record.get("flag_test") == "model":
        return t(
            "flag.tip_model",
            lang,
            expected=fmt_float(record["model_expected"]),
            low=fmt_int(record["model_low"]),
            high=fmt_int(record["model_high"]),
            p=fmt_p(record["model_p"]),
            q=fmt_p(record["model_q"]),
            last_year=fmt_int(record["last_year"]),
            p_last_year=fmt_p(record["p_value"]),
        )
    return t("flag.tip", lang, p=fmt_p(record["p_value"]), q=fmt_p(record["q_value"]))


def columns(by: str, period: Period, lang: str) -> list[dict]:
    """The columns for rows per category, per area or per category × area."""
    too_few = t("compstat.too_few", lang).replace("'", "\\'")
    pct_format = (
        "params.data.too_few ? '" + too_few + "' : params.value == null ? '–' : "
        "(Math.round(params.value) > 0 ? '+' : '') + (Math.round(params.value) || 0).toLocaleString('nl-BE')"
        " + ' %'"
    )  # `|| 0`: −0,3 % reads "0 %", not "-0 %"
    wrap = {"wrapText": True, "autoHeight": True, "cellClass": "label-cell"}  # long names wrap, never cut
    labels = []  # pinned, so with fixed widths (AG Grid does not flex pinned columns)
    if "category" in by:
        labels.append(
            {
                "field": "category",
                "headerName": t("col.category", lang),
                "pinned": "left",
                "width": 180 if "area" in by else 184,
                **wrap,
            }
        )
    if "area" in by:
        labels.append(
            {
                "field": "area",
                "headerName": t("col.area", lang),
                "pinned": "left",
                "width": 150 if "category" in by else 184,
                **wrap,
            }
        )
    previous = period.previous()
    # Minimum widths that fit the texts at the projector's font size and, per category, a 1280 px
    # projector; what is left goes by `flex`.
    return labels + [
        {
            "field": "current",
            "headerName": t("col.current", lang),
            "headerTooltip": period.label(lang),
            "minWidth": 88,
            "flex": 1,
            "cellClass": "count-current",
            **NUMBER,
        },
        {
            "field": "previous",
            "headerName": t("col.previous", lang),
            "minWidth": 88,
            "flex": 1,
            **NUMBER,
            **({"headerTooltip": previous.label(lang)} if previous else {"hide": True}),
        },
        {
            "field": "last_year",
            "headerName": t("col.last_year", lang),
            "minWidth": 94,
            "flex": 1.1,
            "headerTooltip": period.same_period_last_year().label(lang),
            **NUMBER,
        },
        {
            "field": "expected",
            "headerName": t("col.expected", lang),
            "headerTooltip": t("col.expected_tip", lang),
            "minWidth": 130,
            "flex": 1.2,
            "type": "rightAligned",
            "sortable": False,
            "cellClass": "expected-cell",
        },
        {"field": "ytd", "headerName": t("col.ytd", lang), "minWidth": 80, "flex": 0.9, **NUMBER},
        {"field": "ytd_last_year", "headerName": t("col.ytd_last_year", lang), "minWidth": 90, "flex": 1, **NUMBER},
        {
            "field": "pct",
            "headerName": t("col.pct_change", lang),
            "minWidth": 194,
            "flex": 1.2,
            "type": "rightAligned",
            "wrapText": True,
            "autoHeight": True,
            "valueFormatter": {"function": pct_format},
            "cellClassRules": {"too-few": "params.data.too_few"},
        },
        {
            "field": "flag_text",
            "headerName": t("col.flag", lang),
            "tooltipField": "flag_tip",
            "minWidth": 232,
            "flex": 4,
            "wrapText": True,
            "autoHeight": True,
            "cellClassRules": FLAG_CLASSES,
        },
    ]
