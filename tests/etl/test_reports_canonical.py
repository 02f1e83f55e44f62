"""The canonical report template: what Belgian exports really look like, and every bad-input rule."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from pyproj import Transformer

from civ.errors import UnusableInput
from etl.reports import load_reports_file

HEADER = "id;datum;categorie;kanaal;lat;lon;status;afgesloten_op;deelgemeente;omschrijving;gas;melder\n"
UTC = dt.timezone.utc


def canonical(*rows: str) -> str:
    return HEADER + "".join(r + "\n" for r in rows)


def accounted(result) -> bool:
    return result.rows_in == result.loaded + result.quarantined + result.duplicates


def reasons(query) -> dict[int, str]:
    return dict(query("SELECT row_number, reason FROM quarantine ORDER BY row_number"))


def test_belgian_export_with_semicolons_decimal_comma_and_windows_1252_loads(db, write_file, query):
    path = write_file(
        "export.csv",
        canonical(
            "M1;31/10/2026 14:05;Hinderlijke begroeiing;E-mail;50,9102;4,1985;afgesloten;02/11/2026 10:00;;haag te breed;nee;Jan Peeters",
            "M2;01/10/2026 09:00;Sluikstort;Pro?bleembox 7;50,8900;4,2600;;;;matras én zetel;ja;",
        ),
        encoding="cp1252",
    )
    result = load_reports_file(db, path)
    assert (result.rows_in, result.loaded, result.quarantined) == (2, 2, 0)
    rows = query(
        "SELECT source_id, category_code, channel_code, channel_detail, lat, lon, status, gas_finding, "
        "description, reported_at, closed_at FROM reports ORDER BY source_id"
    )
    assert rows[0][:9] == (
        "M1",
        "hinderlijke_begroeiing",
        "email",
        None,
        50.9102,
        4.1985,
        "afgesloten",
        False,
        "haag te breed",
    )
    assert rows[0][9] == dt.datetime(2026, 10, 31, 13, 5, tzinfo=UTC)  # 14:05 winter time = 13:05 UTC
    assert rows[0][10] == dt.datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    assert rows[1][:4] == ("M2", "sluikstort", "probleembox", "07")
    assert rows[1][6] == "open" and rows[1][8] == "matras én zetel"


def test_reporter_is_stored_only_as_a_pseudonym_everywhere(db, write_file, query):
    path = write_file(
        "export.csv",
        canonical(
            "M1;01/10/2026 09:00;Sluikstort;post;;;;;;;nee;Jan Peeters",
            "M2;02/10/2026 09:00;Sluikstort;post;;;;;;;nee;  jan   PEETERS ",
            "M3;31/02/2026 09:00;Sluikstort;post;;;;;;;nee;Jan Peeters",
        ),
    )
    load_reports_file(db, path)
    hashes = [h for (h,) in query("SELECT reporter_hash FROM reports ORDER BY source_id")]
    assert hashes[0] == hashes[1] and hashes[0].startswith("m-")  # the same person, counted as one
    dump = str(query("SELECT * FROM reports")) + str(query("SELECT * FROM quarantine"))
    assert "peeters" not in dump.lower()
    assert hashes[0] in query("SELECT raw_text FROM quarantine")[0][0]


def test_each_bad_row_is_quarantined_with_a_reason_a_coordinator_understands(db, write_file, query):
    path = write_file(
        "export.csv",
        canonical(
            "A1;31/02/2026 10:00;Sluikstort;post;;;;;;;;",
            "A2;gisteren;Sluikstort;post;;;;;;;;",
            "A3;01/10/2026 10:00;Vliegende schotels;post;;;;;;;;",
            "A4;01/10/2026 10:00;Sluikstort;duif;;;;;;;;",
            "A5;01/10/2026 10:00;Sluikstort;post;;;half af;;;;;",
            "A6;01/10/2026 10:00;Sluikstort;post;;;;;;;misschien;",
            "A7;01/10/2026 10:00;Sluikstort;post;;;;;Atlantis;;;",
            "A8;01/10/2026 10:00;Sluikstort;post;4,1985;50,9102;;;;;;",
            "A9;01/10/2026 10:00;Sluikstort;post;0;0;;;;;;",
            "A10;01/10/2026 10:00;Sluikstort;post;50,8467;4,3525;;;;;;",
            "A11;01/10/2026 10:00;Sluikstort;post;50,91;;;;;;;",
            "A12;01/10/2026 10:00;Sluikstort;post;noord;4,19;;;;;;",
            "A13;01/10/2026 10:00;Sluikstort;post;;;afgesloten;30/09/2026 10:00;;;;",
            "A14;01/10/2030 10:00;Sluikstort;post;;;;;;;;",
            "A15;01/10/2026 10:00;Sluikstort",
            ";01/10/2026 10:00;;post;;;;;;;;",
        ),
    )
    result = load_reports_file(db, path)
    # refused: no usable date, no category, outside the territory, wrong field count; the others keep
    # the report and flag the field (issue 16: keep the report, flag the field)
    refused = {1, 2, 3, 8, 10, 14, 15, 16}
    kept = {4, 5, 6, 7, 9, 11, 12, 13}
    assert accounted(result) and result.loaded == len(kept) == result.remarks and result.quarantined == len(refused)
    got = reasons(query)
    assert set(got) == refused
    assert got[1] == "meldingsdatum 31/02/2026 10:00 bestaat niet"
    assert got[2] == "meldingsdatum 'gisteren' is geen geldige datum (verwacht dd/mm/jjjj uu:mm)"
    assert got[3] == "categorie 'Vliegende schotels' is onbekend"
    assert got[8] == "breedte- en lengtegraad lijken verwisseld (4,1985 / 50,9102)"
    assert got[10].startswith("locatie 50,8467 / 4,3525 ligt buiten het grondgebied: Asse")
    assert got[14] == "meldingsdatum 01/10/2030 10:00 ligt in de toekomst"
    assert got[15] == "rij heeft 3 velden in plaats van 12"
    assert got[16] == "categorie ontbreekt"
    remarks = dict(query("SELECT row_number, remark FROM row_remarks"))
    assert set(remarks) == kept
    assert remarks[4] == "kanaal 'duif' is onbekend: geladen als onbekend"
    assert remarks[5] == "status 'half af' is onbekend: geladen als onbekend"
    assert remarks[6] == "GAS-waarde 'misschien' is geen ja of nee: geladen als nee"
    assert remarks[7] == "deelgemeente 'Atlantis' is onbekend: deelgemeente uit de locatie"
    assert remarks[9] == "coördinaten 0, 0 (null island): geen echte locatie: zonder locatie geladen"
    assert remarks[11] == "alleen breedte- of lengtegraad ingevuld: zonder locatie geladen"
    assert remarks[12] == "breedtegraad 'noord' is geen getal: zonder locatie geladen"
    assert remarks[13] == (
        "afsluitdatum 30/09/2026 10:00 ligt vóór de meldingsdatum 01/10/2026 10:00: afsluitdatum weggelaten"
    )
    stored = {
        r[0]: r[1:] for r in query("SELECT source_id, channel_code, status, gas_finding, lat, closed_at FROM reports")
    }
    assert stored["A4"][0] == "onbekend" and stored["A5"][1] == "onbekend" and stored["A6"][2] is False
    assert stored["A9"][3] is None and stored["A13"][4] is None and stored["A13"][1] == "afgesloten"
    raw = dict(query("SELECT row_number, raw_text FROM quarantine"))
    assert raw[15] == "A15;01/10/2026 10:00;Sluikstort"
    assert raw[1] == "A1;31/02/2026 10:00;Sluikstort;post;;;;;;;;"


def test_several_problems_on_one_row_are_all_named(db, write_file, query):
    load_reports_file(db, write_file("e.csv", canonical("B1;31/02/2026 10:00;Onbekend ding;post;0;0;;;;;;")))
    reason = reasons(query)[1]
    # the null island is a remark, not a refusal: only the two refusals are named
    assert "bestaat niet" in reason and "is onbekend" in reason
    assert reason.count("; ") == 1


def test_report_without_coordinates_loads_as_unlocated(db, write_file, query):
    result = load_reports_file(db, write_file("e.csv", canonical("C1;01/10/2026 10:00;Geluidshinder;politie;;;;;;;;")))
    assert result.loaded == 1
    assert query("SELECT lat, lon, area_code FROM reports") == [(None, None, None)]


def test_bbox_option_replaces_the_territory(db, write_file, query):
    path = write_file("e.csv", canonical("D1;01/10/2026 10:00;Sluikstort;post;50,8467;4,3525;;;;;;"))
    result = load_reports_file(db, path, bbox="4.30,50.80,4.40,50.90")
    assert result.loaded == 1


@pytest.mark.parametrize("bbox", ["4.3,50.8,4.4", "oost,zuid,west,noord", "4.4,50.8,4.3,50.9"])
def test_unusable_bbox_is_refused_before_anything_is_written(bare_db, write_file, bbox):
    path = write_file("e.csv", canonical("D1;01/10/2026 10:00;Sluikstort;post;;;;;;;;"))
    with pytest.raises(UnusableInput, match="bbox"):
        load_reports_file(bare_db, path, bbox=bbox)
    assert not bare_db.exists()


def test_sub_municipality_comes_from_the_point_or_from_the_area_column(db, write_file, query):
    path = write_file(
        "e.csv",
        canonical(
            "E1;01/10/2026 10:00;Sluikstort;post;50,8875;4,2550;;;;;;",  # in Zellik
            "E2;01/10/2026 10:00;Sluikstort;post;50,9250;4,1930;;;;;;",  # in Asse (deelgemeente)
            "E3;01/10/2026 10:00;Sluikstort;post;;;;;Mollem (Asse);;;",
            "E4;01/10/2026 10:00;Sluikstort;post;;;;;relegem;;;",
        ),
    )
    load_reports_file(db, path)
    assert dict(query("SELECT source_id, area_code FROM reports")) == {
        "E1": "23002E",
        "E2": "23002A",
        "E3": "23002B",
        "E4": "23002D",
    }


def test_lambert_72_coordinates_become_wgs84(db, write_file, query):
    to_lambert = Transformer.from_crs("EPSG:4326", "EPSG:31370", always_xy=True)
    x, y = to_lambert.transform(4.2055, 50.9105)
    path = write_file(
        "l.csv",
        f"id;datum;categorie;kanaal;x;y\nL1;01/10/2026 10:00;Sluikstort;post;{x:.2f};{y:.2f}\n".replace(".", ","),
    )
    load_reports_file(db, path)
    ((lat, lon),) = query("SELECT lat, lon FROM reports")
    assert lat == pytest.approx(50.9105, abs=1e-5) and lon == pytest.approx(4.2055, abs=1e-5)


@pytest.mark.parametrize(
    "local, utc",
    [
        ("01/07/2026 10:00", dt.datetime(2026, 7, 1, 8, 0)),  # summer time, UTC+2
        ("15/01/2026 10:00", dt.datetime(2026, 1, 15, 9, 0)),  # winter time, UTC+1
        ("01/11/2026 00:30", dt.datetime(2026, 10, 31, 23, 30)),  # local November, UTC October
        ("29/03/2026 02:30", dt.datetime(2026, 3, 29, 1, 30)),  # does not exist: read as winter time
        ("25/10/2026 02:30", dt.datetime(2026, 10, 25, 1, 30)),  # exists twice: read as winter time
        ("25/10/2026 01:30", dt.datetime(2026, 10, 24, 23, 30)),  # just before the overlap: summer time
        ("2026-10-25T02:30:00+02:00", dt.datetime(2026, 10, 25, 0, 30)),  # an explicit offset wins
    ],
)
def test_local_times_are_stored_in_utc_with_the_documented_dst_rule(db, write_file, query, local, utc):
    load_reports_file(db, write_file("t.csv", canonical(f"T1;{local};Sluikstort;post;;;;;;;;")))
    assert query("SELECT reported_at FROM reports") == [(utc.replace(tzinfo=UTC),)]


def test_tz_option_reads_local_times_in_another_zone(db, write_file, query):
    load_reports_file(
        db,
        write_file("t.csv", canonical("T1;01/07/2026 10:00;Sluikstort;post;;;;;;;;")),
        tz="America/New_York",
        bbox="-180,-90,180,90",
    )
    assert query("SELECT reported_at FROM reports") == [(dt.datetime(2026, 7, 1, 14, 0, tzinfo=UTC),)]


def test_unknown_time_zone_is_refused(db, write_file):
    with pytest.raises(UnusableInput, match="tijdzone"):
        load_reports_file(
            db, write_file("t.csv", canonical("T1;01/07/2026 10:00;Sluikstort;post;;;;;;;;")), tz="Europe/Asse"
        )


def test_xlsx_with_excel_serial_dates_and_date_cells(db, tmp_path, query):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["id", "reported_at", "category", "channel", "lat", "lon"])
    sheet.append(["X1", 46296.5, "Sluikstort", "E-mail", 50.9102, 4.1985])  # serial: 01/10/2026 12:00
    sheet.append(["X2", dt.datetime(2026, 10, 2, 9, 15), "Zwerfvuil", "Facebook", None, None])
    sheet.append(["X3", "31/02/2026 10:00", "Zwerfvuil", "Facebook"])
    path = tmp_path / "meldingen.xlsx"
    book.save(path)
    result = load_reports_file(db, path)
    assert (result.rows_in, result.loaded, result.quarantined) == (3, 2, 1)
    assert dict(query("SELECT source_id, reported_at FROM reports")) == {
        "X1": dt.datetime(2026, 10, 1, 10, 0, tzinfo=UTC),
        "X2": dt.datetime(2026, 10, 2, 7, 15, tzinfo=UTC),
    }


def test_same_id_twice_in_a_file_is_a_duplicate_or_a_conflict(db, write_file, query):
    path = write_file(
        "d.csv",
        canonical(
            "F1;01/10/2026 10:00;Sluikstort;post;;;;;;;;",
            "F1;01/10/2026 10:00;Sluikstort;post;;;;;;;;",
            "F1;01/10/2026 11:00;Sluikstort;post;;;;;;;;",
        ),
    )
    result = load_reports_file(db, path)
    assert (result.loaded, result.duplicates, result.quarantined) == (1, 1, 1)
    assert reasons(query) == {3: "melding-id F1 staat al op rij 1 van dit bestand, met andere gegevens"}


def test_loading_the_same_file_again_is_a_no_op(db, write_file, query):
    path = write_file("d.csv", canonical("G1;01/10/2026 10:00;Sluikstort;post;;;;;;;;"))
    first = load_reports_file(db, path)
    again = load_reports_file(db, path)
    assert first.status == "loaded" and again.status == "already-loaded"
    assert again.batch_id == first.batch_id and accounted(again)
    assert query("SELECT count(*) FROM reports") == [(1,)]
    assert query("SELECT count(*) FROM import_batches") == [(1,)]


def test_a_later_export_updates_the_report_with_the_same_id(db, write_file, query):
    load_reports_file(
        db,
        write_file(
            "oktober.csv",
            canonical(
                "H1;01/10/2026 10:00;Sluikstort;post;;;open;;;;;", "H2;01/10/2026 10:00;Sluikstort;post;;;open;;;;;"
            ),
        ),
    )
    later = load_reports_file(
        db,
        write_file(
            "november.csv",
            canonical(
                "H1;01/10/2026 10:00;Sluikstort;post;;;afgesloten;05/10/2026 12:00;;;;",
                "H2;01/10/2026 10:00;Sluikstort;post;;;open;;;;;",
            ),
        ),
    )
    assert (later.loaded, later.updated, later.duplicates) == (1, 1, 1)
    assert query("SELECT source_id, status FROM reports ORDER BY 1") == [("H1", "afgesloten"), ("H2", "open")]


def test_rows_without_id_get_stable_generated_ids(db, write_file, query):
    text = "datum;categorie;kanaal\n01/10/2026 10:00;Sluikstort;post\n01/10/2026 10:00;Sluikstort;post\n"
    first = load_reports_file(db, write_file("a.csv", text))
    # the same rows inside a longer export: recognised, not loaded twice
    second = load_reports_file(db, write_file("b.csv", text + "02/10/2026 10:00;Zwerfvuil;post\n"))
    assert first.loaded == 2  # two identical rows without id are two reports
    assert (second.loaded, second.duplicates) == (1, 2)
    assert query("SELECT count(*) FROM reports") == [(3,)]


def test_english_headers_comma_separator_and_iso_dates(db, write_file, query):
    path = write_file(
        "en.csv",
        "id,reported_at,category,channel,lat,lon,status,gas\n"
        "E1,2026-10-01T10:00:00Z,Illegal dumping,Email,50.9102,4.1985,closed,yes\n",
    )
    result = load_reports_file(db, path)
    assert result.loaded == 1
    assert query("SELECT category_code, channel_code, status, gas_finding FROM reports") == [
        ("sluikstort", "email", "afgesloten", True)
    ]


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x00\x01\x02garbage\x00" * 50, "geen tekstbestand"),
        (b"PK\x03\x04 not really a workbook", "geen leesbaar Excel-bestand"),
        (b"kolom_a;kolom_b\n1;2\n", "formaat niet herkend"),
        (b"id;datum;kanaal\nA;01/10/2026;post\n", "formaat niet herkend"),
        (b"", "het bestand is leeg"),  # not "format not recognised, found: (nothing)"
        (b"\n\n  \r\n", "het bestand is leeg"),
    ],
)
def test_unreadable_files_are_refused_and_nothing_is_written(bare_db, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(UnusableInput, match=message):
        load_reports_file(bare_db, path)
    assert not bare_db.exists()


def test_an_empty_file_loads_nothing_and_says_so(db, write_file):
    result = load_reports_file(db, write_file("empty.csv", ""), fmt="canonical")
    assert (result.status, result.rows_in, result.loaded) == ("nothing-loaded", 0, 0)
