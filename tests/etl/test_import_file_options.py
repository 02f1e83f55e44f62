"""The file options the import page sets (separator, decimal sign) reach the profile and the load, and
the page's preview and label table of a large file read only its start / stream it."""

from __future__ import annotations

import csv
import io
from collections import Counter

import pytest

from civ.errors import UnusableInput
from etl import table_head, web_import
from etl.profiles import parse
from etl.reports import load_reports_file

LAT, LON = 50.9105, 4.1985  # Asse centre, inside the territory


def _profile(text: str):
    return parse(text, "test.toml", "reports")


def test_a_chosen_separator_reads_a_header_with_more_commas_than_semicolons(db, write_file, query):
    # the header names hold commas: the separator found in the header line would be the comma
    text = "Nummer;Datum, uur, dag;Onderwerp, soort\nS1;05/01/2026 10:00;Sluikstort\nS2;06/01/2026 11:00;Sluikstort\n"
    path = write_file("komma.csv", text)
    columns = '[columns]\nid = "Nummer"\nreported_at = "Datum, uur, dag"\ncategory = "Onderwerp, soort"\n'
    with pytest.raises(UnusableInput, match="staat niet in het bestand"):
        load_reports_file(db, path, profile=_profile("[file]\n" + columns))
    result = load_reports_file(db, path, profile=_profile('[file]\ndelimiter = ";"\n' + columns))
    assert (result.loaded, result.quarantined) == (2, 0)
    assert sorted(query("SELECT source_id, category_code FROM reports")) == [("S1", "sluikstort"), ("S2", "sluikstort")]
    assert web_import.preview(path, "reports", delimiter=";")["header"] == [
        "Nummer",
        "Datum, uur, dag",
        "Onderwerp, soort",
    ]


def test_decimal_comma_reads_lambert_coordinates_written_with_thousands_separators(db, write_file, query):
    from pyproj import Transformer

    x, y = Transformer.from_crs("EPSG:4326", "EPSG:31370", always_xy=True).transform(LON, LAT)
    written = [f"{v:,.2f}".replace(",", " ").replace(".", ",").replace(" ", ".") for v in (x, y)]  # 136.123,45
    text = f'id;datum;categorie;x;y\nD1;05/01/2026 10:00;Sluikstort;"{written[0]}";"{written[1]}"\n'
    path = write_file("lambert.csv", text)
    columns = '[columns]\nid = "id"\nx = "x"\ny = "y"\n'
    # stated, or not stated and shown by the numbers themselves (both signs in '136.123,45'): read alike
    without = load_reports_file(db, path, profile=_profile("[file]\n" + columns))
    assert without.loaded == 1
    other = write_file("lambert2.csv", text.replace("D1", "D2"))
    load_reports_file(db, other, profile=_profile('[file]\ndecimal = ","\n' + columns))
    for source_id in ("D1", "D2"):
        ((lat, lon),) = query("SELECT lat, lon FROM reports WHERE source_id = ?", [source_id])
        assert abs(lat - LAT) < 1e-5 and abs(lon - LON) < 1e-5


def test_the_page_writes_separator_decimal_and_crs_into_the_profile_it_saves():
    text = web_import.profile_text(
        "reports", 3, {"id": ["Nr"]}, delimiter="\t", decimal=",", crs="EPSG:3812", encoding="cp1252"
    )
    profile = _profile(text)
    assert profile.file["delimiter"] == "\t" and profile.file["decimal"] == "," and profile.file["crs"] == "EPSG:3812"
    with pytest.raises(UnusableInput, match="regel 3: scheidingsteken"):
        _profile('[file]\nkind = "reports"\ndelimiter = "x"\n')
    with pytest.raises(UnusableInput, match="decimaalteken"):
        _profile('[file]\ndecimal = ";"\n')


def _big_file(path, rows: int, encoding: str = "utf-8") -> list[list[str]]:
    labels = ["Sluikstorten", "Hondenpoep", "Zwerfvuil; straat", "Kapotte bank’s", " Graffiti "]
    records = [["Nummer", "Datum", "Onderwerp", "Afhandeling"]]
    for i in range(rows):
        records.append([f"M-{i}", f"{1 + i % 28:02d}/01/2026 10:00", labels[i % 7 % 5], "Nieuw" if i % 3 else ""])
    out = io.StringIO()
    out.write("Meldingen januari\n\n")
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerows(records)
    path.write_bytes(out.getvalue().encode(encoding))
    return records


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])
def test_preview_of_a_large_file_reads_its_start_and_the_labels_are_counted_over_all_rows(tmp_path, db, encoding):
    from civ.store import open_for_writing

    open_for_writing(db).close()  # a store with our codes: the labels are matched against them
    path = tmp_path / "groot.csv"
    records = _big_file(path, 60_000, encoding)
    assert path.stat().st_size > 2 * table_head.HEAD_BYTES
    shown = web_import.preview(path, "reports", encoding=None if encoding == "utf-8" else encoding)
    assert shown["header_row"] == 3 and shown["header"] == records[0]
    assert [[r[h] for h in records[0]] for r in shown["rows"]] == records[1 : 1 + web_import.PREVIEW_ROWS]
    assert shown["rows_in"] == len(records) - 1 and not shown["rows_exact"]
    head = table_head.read_head(path, web_import._known_columns("reports"), encoding=encoding)
    assert len(head.table.frame) < len(records) - 1  # only the start was parsed
    found = web_import.labels(
        path,
        "reports",
        3,
        {"category": ["Onderwerp"], "status": ["Afhandeling"]},
        db,
        encoding=encoding,
    )
    expected = Counter(r[2].strip() for r in records[1:])
    assert {e["label"]: e["rows"] for e in found["category"]} == expected
    assert {e["label"]: e["rows"] for e in found["status"]} == Counter(r[3] for r in records[1:] if r[3])


def test_a_small_file_previews_whole_with_its_exact_row_count(tmp_path):
    path = tmp_path / "klein.csv"
    records = _big_file(path, 30)
    shown = web_import.preview(path, "reports")
    assert shown["rows_exact"] and shown["rows_in"] == 30 and len(shown["rows"]) == web_import.PREVIEW_ROWS
    assert shown["rows"][0]["Onderwerp"] == records[1][2]


def test_profile_suggest_without_a_store_answers_without_area_labels(tmp_path, capsys):
    from etl.cli import main

    export = tmp_path / "export.csv"
    export.write_text("Nummer;Datum;Onderwerp\nA1;05/01/2026 10:00;Sluikstorten\n", encoding="utf-8")
    code = main(["profile", "suggest", str(export), "--db", str(tmp_path / "geen" / "civ.duckdb")])
    assert code == 0
    out = capsys.readouterr().out
    assert 'category = "Onderwerp"' in out and "sluikstort" in out  # the label matched from the reference data


def test_a_worksheets_labels_are_counted_elsewhere_and_a_csvs_in_duckdb(tmp_path, db):
    from openpyxl import Workbook

    from civ.store import open_for_writing

    open_for_writing(db).close()
    book = Workbook()
    book.active.append(["Nummer", "Datum", "Onderwerp"])
    rows = [("X1", "Sluikstorten"), ("X2", "Graffiti"), ("X3", "Sluikstorten")]
    for number, label in rows:
        book.active.append([number, "05/01/2026 10:00", label])
    sheet = tmp_path / "blad.xlsx"
    book.save(sheet)
    csv_file = tmp_path / "blad.csv"
    csv_file.write_text("Nummer;Datum;Onderwerp\n" + "".join(f"{n};05/01/2026;{c}\n" for n, c in rows))
    calls = []

    def elsewhere(function, *args):
        calls.append(function.__name__)
        return function(*args)

    for path in (sheet, csv_file):
        found = web_import.labels(path, "reports", 1, {"category": ["Onderwerp"]}, db, elsewhere=elsewhere)
        assert {e["label"]: e["rows"] for e in found["category"]} == Counter(label for _, label in rows)
    assert calls == ["sheet_label_counts"]  # only the worksheet left the request


@pytest.mark.parametrize(
    "name, text, kind",
    [
        (
            "portaal.csv",
            "IMEI;Datum;Tijd;Breedtegraad;Lengtegraad;Snelheid\n356938035643809;05/11/2026;09:00:00;50,91;4,19;4\n",
            "fixes",
        ),
        ("lijst.csv", "Naam;Breedtegraad;Lengtegraad;Straal (m);Soort\nMarkt;50,91;4,19;100;plein\n", "hotspots"),
        ("export.csv", "Titel export\n\nNummer;Datum;Onderwerp\nA1;05/11/2026 10:00;Sluikstort\n", "reports"),
        ("toestellen.csv", "toestel;gemeenschapswacht;vanaf\nTRK-9;GW-C;01/11/2026\n", "devices"),
        (
            "acties.csv",
            "naam;soort;startdatum;einddatum;categorieen;gebied\nActie;GAS;01/11/2026;;sluikstort;Zellik\n",
            "projects",
        ),
        ("sporen.gpx", "<gpx/>", "fixes"),
    ],
)
def test_the_upload_proposes_the_kind_the_header_names_most(write_file, name, text, kind):
    assert web_import.guessed_kind(name, write_file(name, text)) == kind


def test_a_mapping_loaded_from_the_page_without_saving_can_still_be_fixed_from_the_quarantine(db, write_file):
    from etl import batches
    from etl.mapping_fix import fix_labels

    labels = ["Sluikstorten", "Kapotte zitbank", "Kapotte zitbank"]
    lines = ["Nummer;Datum;Onderwerp"] + [f"N{i};{5 + i:02d}/01/2026 10:00;{label}" for i, label in enumerate(labels)]
    path = write_file("pagina.csv", "\n".join(lines) + "\n")
    text = web_import.profile_text(
        "reports",
        1,
        {"id": ["Nummer"], "reported_at": ["Datum"], "category": ["Onderwerp"]},
        {"category": {"Sluikstorten": "sluikstort"}},
    )
    loaded = web_import.run("load", str(db), kind="reports", path=str(path), profile=text)  # never saved
    assert (loaded["loaded"], loaded["quarantined"]) == (1, 2)
    name = fix_labels(db, loaded["batch_id"], {"Kapotte zitbank": "defect_openbaar_domein"})
    assert name == f"import-{loaded['batch_id']}"
    retried = batches.retry_quarantine(db, loaded["batch_id"], name).as_json()
    assert retried["loaded"] == labels.count("Kapotte zitbank")
