"""A municipality's own report exports, as their systems write them (issue 16): each failure of the
issue reproduced with a small file written here, then loaded — through a profile, and where promised
without one. Counts are checked against counts computed in the test from the rows it wrote."""

from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo
from pathlib import Path

import duckdb
import openpyxl
import pytest

from civ.errors import UnusableInput
from etl.cli import main
from etl.profiles import load_profile
from etl.reports import load_reports_file

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
LAT, LON = 50.9105, 4.1985  # Asse centre, inside the territory
MUNICIPAL_HEADER = [
    "Dossiernr.",
    "Datum melding",
    "Tijdstip",
    "Soort melding",
    "Straat",
    "Huisnummer",
    "Kanaal",
    "Status",
    "Datum afhandeling",
]
OWN_ROWS = [  # id, date, time, their label, street, number, channel, status, closing date
    [
        "D-001",
        "05/01/2026",
        "16u23",
        "Sluikstorten",
        "Kerkstraat",
        "12",
        "Telefonisch",
        "Doorgestuurd naar politie",
        "",
    ],
    ["D-002", "05/01/2026", "09:15", "Parkeerhinder", "Stationsplein", "1", "Telefonisch", "Afgehandeld", "05/01/2026"],
    ["D-003", "06/01/2026", "14h30", "Wildplassen", "Markt", "3", "E-mail", "Open", ""],
    ["D-004", "07/01/2026", "08:00", "Sluikstorten", "Kerkstraat", "14", "Balie", "Afgehandeld", "09/01/2026"],
    ["D-005", "07/01/2026", "23:59", "Parkeerhinder", "Dorp", "7", "Telefonisch", "Open", ""],
]


def utc(day: str, clock: str) -> dt.datetime:
    """The expected UTC moment of a Brussels date dd/mm/yyyy and a time written 16u23/14h30/09:15."""
    hours, minutes = re.split(r"[uh:]", clock)
    local = dt.datetime.strptime(day, "%d/%m/%Y").replace(hour=int(hours), minute=int(minutes), tzinfo=BRUSSELS)
    return local.astimezone(dt.timezone.utc)


def write_xlsx(path: Path, rows: list[list[str]], title_rows: int = 2) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Meldingen"
    sheet.append(["Export meldingen januari 2026 — gemeente Merchtem"])
    for _ in range(title_rows - 1):
        sheet.append([])
    sheet.append(MUNICIPAL_HEADER)
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def add_own_codes(db: Path) -> None:
    assert (
        main(
            [
                "categories",
                "add",
                "parkeerhinder",
                "--label-nl",
                "Parkeerhinder",
                "--label-en",
                "Parking nuisance",
                "--group",
                "verkeer",
                "--db",
                str(db),
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "categories",
                "add",
                "wildplassen",
                "--label-nl",
                "Wildplassen",
                "--label-en",
                "Public urination",
                "--group",
                "overlast",
                "--db",
                str(db),
            ]
        )
        == 0
    )


PROFILE = """
[file]
sheet = "Meldingen"
header_row = 3
timezone = "Europe/Brussels"

[columns]
id = "Dossiernr."
reported_at = ["Datum melding", "Tijdstip"]
category = "Soort melding"
street = "Straat"
house_number = "Huisnummer"
channel = "Kanaal"
status = "Status"
closed_at = "Datum afhandeling"

[values.category]
"Sluikstorten" = "sluikstort"
[values.channel]
"Telefonisch" = "telefoon"
[values.status]
"Doorgestuurd naar politie" = "in_behandeling"
"""


def last_json(out: str) -> dict:
    return json.loads(out.strip().splitlines()[-1])


def test_excel_export_with_title_rows_and_own_labels_loads_through_suggest_edit_dry_run_load(db, tmp_path, capsys):
    export = write_xlsx(tmp_path / "meldingen.xlsx", OWN_ROWS)
    add_own_codes(db)
    capsys.readouterr()
    # 1. suggest: the header row under the title rows, the id column, date + time joined, labels listed
    assert main(["profile", "suggest", str(export), "--kind", "reports", "--db", str(db)]) == 0
    suggested = capsys.readouterr().out
    assert "header_row = 3" in suggested
    assert 'id = "Dossiernr."' in suggested
    assert 'reported_at = ["Datum melding", "Tijdstip"]' in suggested
    assert 'closed_at = "Datum afhandeling"' in suggested and 'street = "Straat"' in suggested
    assert '"Parkeerhinder" = "parkeerhinder"' in suggested  # added as our own category
    assert '"Doorgestuurd naar politie" = "nieuw?"' in suggested
    # 2. a profile with "nieuw?" left in is refused, naming its line
    profile = tmp_path / "merchtem.toml"
    profile.write_text(suggested, encoding="utf-8")
    assert main(["reports", str(export), "--profile", str(profile), "--db", str(db)]) == 2
    error = capsys.readouterr().err.strip()
    line = next(i for i, text in enumerate(suggested.splitlines(), 1) if '= "nieuw?"' in text)
    assert error.startswith(f"fout: profiel merchtem.toml regel {line}:") and "\n" not in error
    # 3. edited: the user picks the code
    assert '"Telefonisch" = "nieuw?"' in suggested and '"Wildplassen" = "wildplassen"' in suggested
    profile.write_text(
        suggested.replace(
            '"Doorgestuurd naar politie" = "nieuw?"', '"Doorgestuurd naar politie" = "in_behandeling"'
        ).replace('"Telefonisch" = "nieuw?"', '"Telefonisch" = "telefoon"'),
        encoding="utf-8",
    )
    before = db.read_bytes()
    assert main(["reports", str(export), "--profile", str(profile), "--dry-run", "--json", "--db", str(db)]) == 0
    trial = last_json(capsys.readouterr().out)
    assert db.read_bytes() == before  # the dry run wrote nothing
    assert (trial["dry_run"], trial["rows_in"], trial["loaded"], trial["quarantined"]) == (True, 5, 5, 0)
    assert trial["columns_used"]["reported_at"] == ["Datum melding", "Tijdstip"]
    # 4. the load gives what the dry run said
    assert main(["reports", str(export), "--profile", str(profile), "--json", "--db", str(db)]) == 0
    result = last_json(capsys.readouterr().out)
    assert {k: result[k] for k in ("status", "rows_in", "loaded", "quarantined", "duplicates")} == {
        "status": "loaded",
        "rows_in": 5,
        "loaded": 5,
        "quarantined": 0,
        "duplicates": 0,
    }
    con = duckdb.connect(str(db), read_only=True)
    stored = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT source_id, reported_at, category_code, channel_code, status, closed_at FROM reports"
        ).fetchall()
    }
    con.close()
    expected_codes = {"Sluikstorten": "sluikstort", "Parkeerhinder": "parkeerhinder", "Wildplassen": "wildplassen"}
    for number, day, clock, label, _street, _nr, _channel, _status, _closed in OWN_ROWS:
        assert stored[number][0] == utc(day, clock)
        assert stored[number][1] == expected_codes[label]
    assert stored["D-001"][2:4] == ("telefoon", "in_behandeling")
    # a date-only closing date on the day of the report is that day, not "before the report"
    assert stored["D-002"][3:] == ("afgesloten", utc("05/01/2026", "09:15"))
    # every row has a street but no address register is loaded: all kept, unlocated, each with that remark
    # (D-002 also with its closing date read as that day)
    assert result["remarks"] == len(OWN_ROWS) and result["geocoding"]["not_geocoded"] == len(OWN_ROWS)


def test_saved_profile_by_name_and_re_export_with_changed_statuses_updates_without_double_counts(db, tmp_path, query):
    add_own_codes(db)
    profile_file = tmp_path / "merchtem.toml"
    profile_file.write_text(PROFILE, encoding="utf-8")
    assert main(["profile", "save", "merchtem-meldingen", str(profile_file), "--db", str(db)]) == 0
    profile = load_profile("merchtem-meldingen", "reports", db)
    january = load_reports_file(db, write_xlsx(tmp_path / "jan.xlsx", OWN_ROWS), profile=profile)
    changed = [row[:7] + (["Afgehandeld", "20/01/2026"] if row[7] != "Afgehandeld" else row[7:]) for row in OWN_ROWS]
    new_row = ["D-006", "21/01/2026", "10:00", "Sluikstorten", "Markt", "1", "Telefonisch", "Open", ""]
    february = load_reports_file(db, write_xlsx(tmp_path / "feb.xlsx", changed + [new_row]), profile=profile)
    status_changed = sum(1 for old, new in zip(OWN_ROWS, changed) if old[7:] != new[7:])
    assert (january.loaded, february.loaded, february.updated, february.duplicates) == (
        5,
        status_changed + 1,
        status_changed,
        len(OWN_ROWS) - status_changed,
    )
    assert query("SELECT count(*), count(DISTINCT source_id) FROM reports") == [(6, 6)]  # 0 double counts
    assert query("SELECT count(*) FROM reports WHERE status = 'afgesloten'") == [(5,)]
    # undo of the update batch: the January versions come back, the new report goes
    assert main(["batches", "undo", str(february.batch_id), "--db", str(db)]) == 0
    assert query("SELECT count(*) FROM reports") == [(5,)]
    assert dict(query("SELECT source_id, status FROM reports")) == {
        "D-001": "in_behandeling",
        "D-002": "afgesloten",
        "D-003": "open",
        "D-004": "afgesloten",
        "D-005": "open",
    }
    assert query("SELECT count(*) FROM report_versions") == [(0,)]
    from civ.accounts import audit_entries

    assert [e["event"] for e in audit_entries(db) if e["event"] == "batch_undo"] == ["batch_undo"]


def test_without_profile_title_rows_trailing_separator_utf16_date_and_time_columns_load(db, write_file, query):
    rows = [
        ("M1", "05/01/2026", "16u23", "Sluikstort"),
        ("M2", "06/01/2026", "07:05", "Zwerfvuil"),
        ("M3", "06/01/2026", "14h30", "Hondenpoep"),
    ]
    text = "Meldingen januari;;;;\n;;;;\nNummer;Datum;Tijdstip;Categorie;\n" + "".join(
        ";".join(r) + ";\n" for r in rows
    )
    path = write_file("platform.csv", text, encoding="utf-16")
    result = load_reports_file(db, path)
    assert (result.rows_in, result.loaded, result.quarantined) == (3, 3, 0)
    stored = dict(query("SELECT source_id, reported_at FROM reports"))
    assert stored == {number: utc(day, clock) for number, day, clock, _ in rows}
    assert result.warnings == []


def test_nr_column_is_the_id_and_date_time_are_joined_despite_a_totals_row(db, write_file, query):
    rows = [("17", "05/01/2026", "9u15", "Sluikstort"), ("18", "06/01/2026", "14h30", "Zwerfvuil")]
    text = "Nr.;Datum melding;Uur;Categorie\n" + "".join(";".join(r) + "\n" for r in rows)
    text += "Totaal: 2 meldingen;;;\n"  # a line under the data must not decide what the date column holds
    result = load_reports_file(db, write_file("leuven.csv", text))
    assert (result.rows_in, result.loaded, result.quarantined) == (3, 2, 1)
    assert dict(query("SELECT source_id, reported_at FROM reports")) == {
        number: utc(day, clock.replace("9u", "09u")) for number, day, clock, _ in rows
    }


def test_a_time_only_column_is_never_the_whole_timestamp(db, write_file, query):
    path = write_file("t.csv", "id;tijdstip;categorie;datum\nT1;16:23;Sluikstort;05/01/2026\n")
    load_reports_file(db, path)
    assert query("SELECT reported_at FROM reports") == [(utc("05/01/2026", "16:23"),)]


def test_no_id_column_warns_and_id_column_names_it(db, write_file, query, capsys):
    text = "Ticket nr;Datum;Categorie\nX-1;05/01/2026 10:00;Sluikstort\n"
    path = write_file("noid.csv", text.replace("Ticket nr", "Volgnummer"))
    assert main(["reports", str(path), "--json", "--db", str(db)]) == 0
    assert "geen id-kolom" in last_json(capsys.readouterr().out)["warnings"][0]
    other = write_file("id.csv", text.replace("Ticket nr", "Volgnummer") + "X-2;05/01/2026 11:00;Zwerfvuil\n")
    assert main(["reports", str(other), "--id-column", "Volgnummer", "--json", "--db", str(db)]) == 0
    assert last_json(capsys.readouterr().out)["warnings"] == []
    assert sorted(r[0] for r in query("SELECT source_id FROM reports WHERE source_id NOT LIKE 'gen-%'")) == [
        "X-1",
        "X-2",
    ]


def test_totals_row_is_skipped_by_the_profile_and_accounted_for(db, write_file, tmp_path, query):
    path = write_file(
        "t.csv", "id;datum;categorie\nA;05/01/2026 10:00;Sluikstort\nB;05/01/2026 11:00;Zwerfvuil\nTotaal;2;\n"
    )
    (tmp_path / "p.toml").write_text('[file]\nskip_rows_matching = "^Totaal"\n[columns]\nid = "id"\n', encoding="utf-8")
    result = load_reports_file(db, path, profile=load_profile(str(tmp_path / "p.toml"), "reports"))
    assert (result.rows_in, result.loaded, result.quarantined) == (3, 2, 1)
    assert query("SELECT row_number, reason LIKE '%skip_rows_matching%' FROM quarantine") == [(3, True)]


@pytest.mark.parametrize(
    "profile, message",
    [
        ('[columns]\nid = "Bestaat niet"\n', r"regel 2: kolom 'Bestaat niet' staat niet in het bestand"),
        ('[columns]\nid = "id"\nid = "datum"\n', r"regel 3: geen geldige TOML"),
        ('[columns\nid = "id"\n', r"regel 1: geen geldige TOML"),
        ('[file]\ncrs = "EPSG:999999"\n', r"regel 2: onbekend coördinatenstelsel"),
        ('[file]\n\ntimezone = "Europe/Asse"\n', r"regel 3: onbekende tijdzone"),
        ('[columns]\ncategorie = "categorie"\n', r"regel 2: 'categorie' is geen veld voor reports"),
        (
            '[columns]\ncategory = "categorie"\n[values.category]\n"Sluikstort" = "vuilnis"\n',
            r"regel 4: 'vuilnis' is geen bekende category-code",
        ),
    ],
)
def test_profile_mistakes_exit_2_with_one_line_naming_the_profile_line(
    db, write_file, tmp_path, capsys, profile, message
):
    path = write_file("m.csv", "id;datum;categorie\nA;05/01/2026 10:00;Sluikstort\n")
    (tmp_path / "p.toml").write_text(profile, encoding="utf-8")
    assert main(["reports", str(path), "--profile", str(tmp_path / "p.toml"), "--db", str(db)]) == 2
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and re.search(message, error), error
    con = duckdb.connect(str(db), read_only=True) if db.exists() else None
    if con:
        assert con.execute("SELECT count(*) FROM reports").fetchall() == [(0,)]
        con.close()


def test_retry_after_adding_an_alias_loads_the_refused_rows(db, write_file, query, capsys):
    rows = [("R1", "Sluikstort"), ("R2", "Wildplassen"), ("R3", "Wildplassen"), ("R4", "Vliegende schotel")]
    path = write_file("r.csv", "id;datum;categorie\n" + "".join(f"{i};05/01/2026 10:00;{c}\n" for i, c in rows))
    first = load_reports_file(db, path)
    assert (first.loaded, first.quarantined) == (1, 3)
    assert (
        main(
            [
                "categories",
                "add",
                "wildplassen",
                "--label-nl",
                "Wildplassen",
                "--label-en",
                "Public urination",
                "--group",
                "overlast",
                "--db",
                str(db),
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert main(["quarantine", "retry", "--batch", str(first.batch_id), "--json", "--db", str(db)]) == 0
    retry = last_json(capsys.readouterr().out)
    wildplassen = sum(1 for _, c in rows if c == "Wildplassen")
    assert (retry["rows_in"], retry["loaded"], retry["quarantined"], retry["retry_of"]) == (
        3,
        wildplassen,
        1,
        first.batch_id,
    )
    assert query("SELECT count(*) FROM reports WHERE category_code = 'wildplassen'") == [(wildplassen,)]
    # the first batch's quarantine now lists only what is still refused
    assert query("SELECT row_number FROM quarantine WHERE batch_id = ?", [first.batch_id]) == [(4,)]
    assert query("SELECT retry_of FROM batch_details WHERE batch_id = ?", [retry["batch_id"]]) == [(first.batch_id,)]


def test_nothing_loaded_says_so_and_json_has_remarks(db, write_file, capsys):
    path = write_file("x.csv", "id;datum;categorie\nA;gisteren;Sluikstort\n")
    assert main(["reports", str(path), "--json", "--db", str(db)]) == 0
    out = last_json(capsys.readouterr().out)
    assert (out["status"], out["loaded"], out["quarantined"], out["remarks"]) == ("nothing-loaded", 0, 1, 0)


def test_batches_list_shows_every_import_with_its_counts(db, write_file, capsys):
    load_reports_file(db, write_file("a.csv", "id;datum;categorie;kanaal\nA;05/01/2026 10:00;Sluikstort;duif\n"))
    capsys.readouterr()
    assert main(["batches", "list", "--json", "--db", str(db)]) == 0
    listed = last_json(capsys.readouterr().out)
    assert [(b["kind"], b["status"], b["loaded"], b["remarks"]) for b in listed] == [("reports", "loaded", 1, 1)]


def test_undo_then_the_same_file_loads_again(db, write_file, query):
    path = write_file("a.csv", "id;datum;categorie\nA;05/01/2026 10:00;Sluikstort\n")
    first = load_reports_file(db, path)
    assert main(["batches", "undo", str(first.batch_id), "--db", str(db)]) == 0
    assert query("SELECT count(*) FROM reports") == [(0,)]
    again = load_reports_file(db, path)
    assert (again.status, again.loaded) == ("loaded", 1)
    with pytest.raises(UnusableInput, match="al ongedaan"):
        from etl.batches import undo_batch

        undo_batch(db, first.batch_id)


def test_demo_remove_undoes_the_demo_imports_and_keeps_the_own_ones(db, write_file, query):
    own = load_reports_file(db, write_file("own.csv", "id;datum;categorie\nO1;05/01/2026 10:00;Sluikstort\n"))
    demo = load_reports_file(
        db,
        write_file("demo.csv", "id;datum;categorie\nD1;05/01/2026 11:00;Zwerfvuil\nD2;05/01/2026 12:00;Zwerfvuil\n"),
        is_demo=True,
    )
    assert query("SELECT count(*) FROM reports") == [(3,)]
    assert main(["demo", "remove", "--db", str(db)]) == 0
    assert query("SELECT source_id FROM reports") == [("O1",)]
    assert query("SELECT count(*) FROM import_batches WHERE batch_id = ?", [demo.batch_id]) == [(0,)]
    assert own.batch_id != demo.batch_id


def test_profile_crs_reads_x_y_in_another_system(db, write_file, tmp_path, query):
    from pyproj import Transformer

    # Belgian Lambert 2008 (EPSG:3812) instead of Lambert 72
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:3812", always_xy=True).transform(LON, LAT)
    path = write_file("xy.csv", f"id;datum;categorie;x;y\nL1;05/01/2026 10:00;Sluikstort;{x:.2f};{y:.2f}\n")
    (tmp_path / "p.toml").write_text('[file]\ncrs = "EPSG:3812"\n[columns]\nid = "id"\n', encoding="utf-8")
    load_reports_file(db, path, profile=load_profile(str(tmp_path / "p.toml"), "reports"))
    ((lat, lon),) = query("SELECT lat, lon FROM reports")
    assert abs(lat - LAT) < 1e-5 and abs(lon - LON) < 1e-5


def test_quarantine_remarks_lists_the_rows_kept_with_a_remark(db, write_file, capsys):
    rows = [("K1", "duif"), ("K2", "post"), ("K3", "paard")]
    result = load_reports_file(
        db,
        write_file(
            "k.csv", "id;datum;categorie;kanaal\n" + "".join(f"{i};05/01/2026 10:00;Sluikstort;{c}\n" for i, c in rows)
        ),
    )
    capsys.readouterr()
    assert main(["quarantine", "--remarks", "--batch", str(result.batch_id), "--json", "--db", str(db)]) == 0
    listed = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    unknown = [(n, i) for n, (i, c) in enumerate(rows, start=1) if c != "post"]
    assert [(r["row_number"], r["record_key"]) for r in listed] == unknown
    assert all(r["remark"].endswith("is onbekend: geladen als onbekend") for r in listed)


def test_an_own_status_of_class_closed_leaves_the_open_backlog(db, write_file):
    from analytics.compstat import key_figures
    from analytics.periods import Period
    from civ import store
    from etl.own_codes import add_status

    add_status(db, "afgehandeld_politie", "Afgehandeld door politie", "Handled by the police", "closed")
    path = write_file(
        "statussen.csv",
        "id;datum;categorie;status\n"
        "A;05/01/2026 10:00;Sluikstort;afgehandeld_politie\n"
        "B;06/01/2026 10:00;Sluikstort;open\n"
        "C;07/01/2026 10:00;Sluikstort;in behandeling\n",
    )
    assert load_reports_file(db, path).loaded == 3
    with store.reading(db) as con:
        figures = key_figures.__wrapped__(con, Period.parse("2026-01"))
    # none has a closing date: A is closed by its own status's class, B and C are still open
    assert figures["open_backlog"] == 2


@pytest.mark.parametrize("crs", ["EPSG:31370", "EPSG:3812"])
def test_x_y_without_a_stated_system_are_read_in_the_one_their_size_shows(db, write_file, query, crs):
    from pyproj import Transformer

    points = [(LAT, LON), (LAT + 0.004, LON - 0.006)]
    to_crs = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    lines = ["id;datum;categorie;x;y"]
    for n, (lat, lon) in enumerate(points):
        x, y = to_crs.transform(lon, lat)
        lines.append(f"P{n};05/01/2026 10:00;Sluikstort;{x:.2f}".replace(".", ",") + f";{y:.2f}".replace(".", ","))
    result = load_reports_file(db, write_file("xy.csv", "\n".join(lines) + "\n"))
    assert (result.loaded, result.quarantined) == (2, 0)
    stored = query("SELECT lat, lon FROM reports ORDER BY source_id")
    for (lat, lon), (want_lat, want_lon) in zip(stored, points):
        assert abs(lat - want_lat) < 1e-5 and abs(lon - want_lon) < 1e-5  # about a metre
