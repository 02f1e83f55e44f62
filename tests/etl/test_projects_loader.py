"""README's projects loader (`python -m etl projects`): `name,type,start,end,categories,area`, as CSV or
XLSX; each row loaded, quarantined with a Dutch reason a coordinator understands, or a duplicate.

The same rows as CSV and as XLSX give the same projects and the same reasons.
"""

from __future__ import annotations

from datetime import date

import duckdb
import openpyxl
import pytest

from etl.demo import ensure_demo_territory
from etl.projects import load_projects_file

HEADER = ["name", "type", "start", "end", "categories", "area"]
ROWS = [
    ["Buurtpreventie", "preventie", "01/03/2026", "30/06/2026", "Sluikstort; Zwerfvuil", ""],  # row 1: loaded
    ["", "preventie", "01/03/2026", "", "Sluikstort", ""],  # 2: no name
    ["Zonder start", "preventie", "", "", "Sluikstort", ""],  # 3: no start
    ["Februari", "handhaving", "31/02/2026", "", "Sluikstort", ""],  # 4: a date that does not exist
    ["Achterstevoren", "handhaving", "01/06/2026", "01/05/2026", "Sluikstort", ""],  # 5: end before start
    ["Vliegende schotels", "preventie", "01/03/2026", "", "Vliegende schotels", ""],  # 6: unknown category
    ["Atlantis", "preventie", "01/03/2026", "", "Sluikstort", "Atlantis"],  # 7: unknown area
    ["Buurtpreventie", "preventie", "01/04/2026", "", "Sluikstort", ""],  # 8: the same name again
]
REASONS = {  # data rows are numbered from 1 under the header, as the quarantine page shows them
    2: "projectnaam ontbreekt",
    3: "startdatum ontbreekt",
    4: "startdatum 31/02/2026 bestaat niet",
    5: "einddatum 01/05/2026 ligt vóór de startdatum 01/06/2026",
    6: "categorie 'Vliegende schotels' is onbekend",
    7: "gebied 'Atlantis' is geen deelgemeente en geen gekende hotspot",
    8: "project 'Buurtpreventie' staat al op rij 1 van dit bestand",
}


def _csv(tmp_path):
    path = tmp_path / "projecten.csv"
    path.write_text("\n".join(",".join(f'"{v}"' for v in row) for row in [HEADER, *ROWS]) + "\n", encoding="utf-8")
    return path


def _xlsx(tmp_path):
    path = tmp_path / "projecten.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [HEADER, *ROWS]:
        sheet.append([v or None for v in row])
    book.save(path)
    return path


def _outcome(db):
    with duckdb.connect(str(db), read_only=True) as con:
        projects = con.execute("SELECT name, type, start_date, end_date, categories, area FROM projects").fetchall()
        reasons = dict(con.execute("SELECT row_number, reason FROM quarantine").fetchall())
    return projects, reasons


@pytest.mark.parametrize("write", [_csv, _xlsx], ids=["csv", "xlsx"])
def test_every_project_row_is_loaded_or_quarantined_with_its_reason(write, tmp_path):
    db = tmp_path / "civ.duckdb"
    ensure_demo_territory(db)  # the projects name Asse's deelgemeenten
    result = load_projects_file(db, write(tmp_path))
    assert (result.rows_in, result.loaded, result.quarantined, result.duplicates) == (len(ROWS), 1, len(REASONS), 0)
    projects, reasons = _outcome(db)
    assert projects == [
        ("Buurtpreventie", "preventie", date(2026, 3, 1), date(2026, 6, 30), ["sluikstort", "zwerfvuil"], None)
    ]
    assert sorted(reasons) == sorted(REASONS)
    assert reasons == REASONS


def test_a_changed_project_replaces_the_stored_one_and_an_unchanged_one_is_a_duplicate(tmp_path):
    db = tmp_path / "civ.duckdb"
    ensure_demo_territory(db)
    load_projects_file(db, _csv(tmp_path))
    changed = tmp_path / "projecten-2.csv"
    changed.write_text(
        "name,type,start,end,categories,area\n"
        '"Buurtpreventie","preventie","01/03/2026","31/07/2026","Sluikstort; Zwerfvuil",""\n'
        '"Buurtpreventie 2","preventie","01/03/2026","","Sluikstort",""\n',
        encoding="utf-8",
    )
    result = load_projects_file(db, changed)
    assert (result.loaded, result.updated, result.duplicates, result.quarantined) == (2, 1, 0, 0)
    assert {(name, end) for name, _, _, end, _, _ in _outcome(db)[0]} == {
        ("Buurtpreventie", date(2026, 7, 31)),
        ("Buurtpreventie 2", None),
    }
    again = tmp_path / "projecten-3.csv"
    again.write_text(
        changed.read_text(encoding="utf-8").splitlines()[0]
        + "\n"
        + changed.read_text(encoding="utf-8").splitlines()[2]
        + "\n",
        encoding="utf-8",
    )
    result = load_projects_file(db, again)
    assert (result.loaded, result.duplicates) == (0, 1)
