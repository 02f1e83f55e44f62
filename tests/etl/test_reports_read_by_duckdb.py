"""The reports loader on DuckDB's reader (issue 19): what a coordinator sees is what csv.reader's records
give — row numbers without blank lines, raw texts, a quoted description over several lines kept whole —
and an unusable file still writes nothing."""

from __future__ import annotations

import pytest

from civ.errors import UnusableInput
from etl.reports import load_reports_file

HEADER = "id;datum;categorie;lat;lon;omschrijving\n"


def test_quarantine_rows_and_descriptions_as_the_records_give_them(db, write_file, query):
    text = (
        HEADER
        + "M1;01/10/2026 09:00;sluikstort;50,9102;4,1985;gewoon\n"
        + "\n"  # a blank line: no record, no number
        + 'M2;02/10/2026 09:00;sluikstort;50,9102;4,1985;"matras\nen zetel; bij de kerk"\n'
        + "M3;03/10/2026 09:00;onbestaand;50,9102;4,1985;x\n"
        + "M4;te weinig velden\n"
        + "M5;05/10/2026 09:00;sluikstort;50,9102;4,1985;y;;\n"  # trailing separators: a row
        + 'M1;06/10/2026 09:00;sluikstort;50,9102;4,1985;"ander ""citaat"""\n'
    )
    result = load_reports_file(db, write_file("m.csv", text))
    assert (result.rows_in, result.loaded, result.quarantined) == (6, 3, 3)
    assert query("SELECT row_number, raw_text, reason FROM quarantine ORDER BY row_number") == [
        (3, "M3;03/10/2026 09:00;onbestaand;50,9102;4,1985;x", "categorie 'onbestaand' is onbekend"),
        (4, "M4;te weinig velden", "rij heeft 2 velden in plaats van 6"),
        (
            6,
            'M1;06/10/2026 09:00;sluikstort;50,9102;4,1985;ander "citaat"',
            "melding-id M1 staat al op rij 1 van dit bestand, met andere gegevens",
        ),
    ]
    assert query("SELECT source_id, description FROM reports ORDER BY source_id") == [
        ("M1", "gewoon"),
        ("M2", "matras\nen zetel; bij de kerk"),
        ("M5", "y"),
    ]


def test_a_file_without_date_or_category_column_is_refused_before_the_store_is_made(bare_db, write_file):
    path = write_file("m.csv", "id;omschrijving\nM1;iets\n")
    with pytest.raises(UnusableInput, match="kolom reported_at/datum, category/categorie ontbreekt"):
        load_reports_file(bare_db, path, fmt="canonical")
    assert not bare_db.exists()


def test_the_same_file_again_still_names_the_columns_it_used(db, write_file):
    path = write_file("m.csv", HEADER + "M1;01/10/2026 09:00;sluikstort;50,9102;4,1985;x\n")
    first = load_reports_file(db, path)
    again = load_reports_file(db, path)
    assert again.status == "already-loaded"
    assert again.columns_used == first.columns_used
    assert first.columns_used["reported_at"] == ["datum"]
