"""Exports of a page's tables, written by the server so that every export is in the audit log.

AG Grid can write a CSV in the browser, but then the server never knows what left the app. Here an
export button triggers a callback that computes the rows of the current filters again (the same
function the table uses), writes them as a file Excel in nl-BE opens as it is — `;` between fields,
UTF-8 with a byte-order mark, decimal comma, dates dd/mm/jjjj in Brussels time — and writes an
audit event `export` with the page, the filters and the number of rows. The same tables can go
out as .xlsx (numbers as numbers, for a pivot table).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from dash import Input, ctx, dcc, html
from openpyxl import Workbook
from openpyxl.styles import Font

from dashboards import access
from dashboards.i18n import fmt_date, fmt_datetime, t

# Excel runs a cell that starts with one of these as a formula ("CSV injection"): a hot-spot name or
# category label from an imported file must stay text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass
class Table:
    """Rows (dicts) and the columns to write, as (key in the row, header) in order."""

    columns: list[tuple[str, str]]
    rows: list[dict]


def controls(prefix: str, lang: str, label: str, title: str | None = None) -> html.Span:
    """The export buttons (`{prefix}-export` for CSV, `{prefix}-export-xlsx`) and their download
    (`{prefix}-export-download`)."""
    extra = {"title": title} if title else {}
    return html.Span(
        [
            html.Button(label, id=f"{prefix}-export", n_clicks=0, className="button", **extra),
            html.Button(
                t("export.xlsx", lang),
                id=f"{prefix}-export-xlsx",
                n_clicks=0,
                className="button",
                title=t("export.xlsx_title", lang),
            ),
            dcc.Download(id=f"{prefix}-export-download"),
        ],
        className="export-controls",
    )


def inputs(prefix: str) -> list[Input]:
    """The two buttons as the export callback's inputs (the callback takes two n_clicks)."""
    return [Input(f"{prefix}-export", "n_clicks"), Input(f"{prefix}-export-xlsx", "n_clicks")]


def grid_columns(column_defs: list[dict]) -> list[tuple[str, str]]:
    """The visible columns of an AG Grid's columnDefs as (field, header)."""
    return [(c["field"], c.get("headerName", c["field"])) for c in column_defs if not c.get("hide")]


def cell(value) -> str:
    """One value as Excel in nl-BE reads it: 1234,5 (no thousands point), 31/10/2026, text as text."""
    if value is None or value is pd.NaT:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nee"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return ""
        return f"{value:.6f}".rstrip("0").rstrip(".").replace(".", ",") or "0"
    if isinstance(value, (datetime, pd.Timestamp)):
        return fmt_datetime(value)
    if isinstance(value, date):
        return fmt_date(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(tables: list[Table], title: list | None = None) -> str:
    """The tables one after another (a blank line between), with an optional first line."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    if title:
        writer.writerow([cell(v) for v in title])
        writer.writerow([])
    for n, table in enumerate(tables):
        if n:
            writer.writerow([])
        writer.writerow([cell(header) for _, header in table.columns])
        for row in table.rows:
            writer.writerow([cell(row.get(key)) for key, _ in table.columns])
    return "\ufeff" + out.getvalue()


def _xlsx_value(value):
    if value is None or value is pd.NaT or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if isinstance(value, (datetime, pd.Timestamp)):
        return cell(value)  # Brussels time as text: Excel has no time zones
    if isinstance(value, (int, float, date)):
        return value
    return str(value)


def xlsx_writer(tables: list[Table], title: list | None = None):
    """A function that writes the tables as one sheet of an .xlsx to a binary buffer (dcc.send_bytes)."""

    def write(buffer) -> None:
        book = Workbook()
        sheet = book.active
        if title:
            sheet.append([_xlsx_value(v) for v in title])
            sheet.append([])
        for n, table in enumerate(tables):
            if n:
                sheet.append([])
            sheet.append([header for _, header in table.columns])
            for header_cell in sheet[sheet.max_row]:
                header_cell.font = Font(bold=True)
            for row in table.rows:
                sheet.append([_xlsx_value(row.get(key)) for key, _ in table.columns])
        for row in sheet.iter_rows():
            for item in row:
                if isinstance(item.value, str) and item.value.startswith("="):
                    item.data_type = "s"  # text, never a formula (openpyxl takes "=…" as one)
                elif isinstance(item.value, date):
                    item.number_format = "dd/mm/yyyy"
        book.save(buffer)

    return write


def download(page: str, filters: dict, tables: list[Table], name: str, title: list | None = None) -> dict:
    """The dcc.Download data of `tables` as `name`.csv, or .xlsx when the Excel button was pressed,
    after writing the export to the audit log."""
    as_xlsx = isinstance(ctx.triggered_id, str) and ctx.triggered_id.endswith("-export-xlsx")
    filename = f"{name}.{'xlsx' if as_xlsx else 'csv'}"
    rows = sum(len(table.rows) for table in tables)
    shown = ", ".join(f"{key}={value}" for key, value in filters.items() if value not in (None, ""))
    access.audit("export", f"{page}: {shown or 'geen filters'}; {rows} rijen; {filename}"[:500])
    if as_xlsx:
        return dcc.send_bytes(xlsx_writer(tables, title), filename)
    return {"content": csv_text(tables, title), "filename": filename, "type": "text/csv"}
