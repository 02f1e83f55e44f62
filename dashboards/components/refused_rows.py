"""The refused rows of the quarantine as a table to download: CSV or XLSX, to fix in Excel and upload again.

For the coordinator and one import: the file's own header and rows (so the fixed file loads with the same
mapping); the XLSX adds the reason as the last column (a column the mapping does not name is ignored on
the next upload). For every other case: import, file, row and reason (values taken out for who may not
see them), with the raw row for the coordinator.
"""

from __future__ import annotations

import csv
import io

# A cell Excel would read as a formula when the workbook opens: written as text, never evaluated.
_FORMULA_START = ("=", "+", "-", "@")
REASON_COLUMN = "reden (civ-compstat)"


def table(rows, header: tuple[list[str], str] | None, raw: bool, summarise) -> tuple[list[str], list[list], bool]:
    """(columns, cells, own_file): the refused rows as cells. `header` is the import's (header, separator)
    when the coordinator downloads one import; then the cells are the file's own fields plus the reason."""
    if header is not None:
        names, separator = header
        cells = []
        for text, reason in zip(rows["raw_text"], rows["reason"]):
            fields = (text or "").replace("\r", " ").replace("\n", " ").split(separator)
            cells.append(fields + [""] * (len(names) - len(fields)) + [reason])
        return [*names, REASON_COLUMN], cells, True
    columns = ["import", "bestand", "rij", "reden", *(["ruwe_rij"] if raw else [])]
    cells = [
        [
            int(r.batch_id),
            r.file_name,
            int(r.row_number),
            r.reason if raw else summarise(r.reason),
            *([r.raw_text] if raw else []),
        ]
        for r in rows.itertuples()
    ]
    return columns, cells, False


def as_csv(columns: list[str], cells: list[list], own_file: bool, separator: str = ";") -> str:
    """The file's own rows as they were (no reason column: the file uploads again as it is), else a CSV."""
    out = io.StringIO()
    if own_file:
        out.write(separator.join(columns[:-1]) + "\n")
        for row in cells:
            out.write(separator.join(str(c) for c in row[:-1]) + "\n")
    else:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(columns)
        writer.writerows(cells)
    return "\ufeff" + out.getvalue()


def as_xlsx(columns: list[str], cells: list[list], sheet_title: str = "Geweigerd") -> bytes:
    """An Excel workbook of the rows: one sheet, the header bold and frozen, every text cell as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook(write_only=False)
    sheet = book.active
    sheet.title = sheet_title
    sheet.append(columns)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(cells, start=2):
        for column, value in enumerate(row, start=1):
            cell = sheet.cell(row=number, column=column)
            cell.value = value
            if isinstance(value, str) and value.startswith(_FORMULA_START):
                cell.data_type = "s"  # '=SOM(…)' in a refused row stays the text it was
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
