"""Tracker portal exports and hot-spot lists as municipalities have them (issue 16), written here and
loaded; counts checked against counts the test makes from the rows it wrote."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo

import pytest
from pyproj import Transformer

from civ.errors import UnusableInput
from civ.geometry import haversine_m as distance_m
from etl.cli import main
from etl.fixes import load_fixes_file
from etl.hotspots import load_hotspots_file
from etl.profiles import load_profile

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
LAT, LON = 50.9105, 4.1985
TO_LAMBERT = Transformer.from_crs("EPSG:4326", "EPSG:31370", always_xy=True)
IMEI_A, IMEI_B = "356938035643809", "356938035643817"


def portal_rows():
    """Two trackers, a fix a minute, 'Datum' and 'Tijd' apart, speed in km/u, Belgian decimal commas."""
    rows = []
    for minute in range(6):
        for imei, shift in ((IMEI_A, 0.0), (IMEI_B, 0.002)):
            rows.append(
                (
                    imei,
                    "19/10/2026",
                    f"09u{minute:02d}",
                    f"{LAT + shift + minute * 1e-4:.6f}".replace(".", ","),
                    f"{LON:.6f}".replace(".", ","),
                    "4,5",
                )
            )
    return rows


def expected_utc(day: str, clock: str) -> dt.datetime:
    local = dt.datetime.strptime(f"{day} {clock.replace('u', ':')}", "%d/%m/%Y %H:%M").replace(tzinfo=BRUSSELS)
    return local.astimezone(dt.timezone.utc)


def test_portal_csv_with_two_trackers_and_split_date_time_loads_as_two_devices(db, write_file, query):
    rows = portal_rows()
    text = "IMEI;Datum;Tijd;Breedtegraad;Lengtegraad;Snelheid (km/u)\n" + "".join(";".join(r) + "\n" for r in rows)
    result = load_fixes_file(db, write_file("portaal.csv", text))
    assert (result.rows_in, result.loaded, result.quarantined) == (len(rows), len(rows), 0)
    per_device = {imei: sum(1 for r in rows if r[0] == imei) for imei in (IMEI_A, IMEI_B)}
    assert dict(query("SELECT device_id, count(*) FROM fixes GROUP BY device_id")) == per_device
    first = rows[0]
    assert query("SELECT ts, speed_kmh FROM fixes WHERE device_id = ? ORDER BY ts LIMIT 1", [IMEI_A]) == [
        (expected_utc(first[1], first[2]), 4.5)
    ]
    assert result.columns_used["timestamp"] == ["Datum", "Tijd"]


def test_datum_tijd_and_snelheid_km_u_headers_match_with_title_rows_and_trailing_separator(db, write_file, query):
    text = (
        "Export trackers;;;;;\n"
        "Toestel;Datum/tijd;Breedtegraad;Lengtegraad;Snelheid (km/u);\n"
        f"T1;19/10/2026 09:00:00;{LAT};{LON};3,6;\n"
        f"T1;19/10/2026 09:00:15;{LAT + 1e-4};{LON};3,6;\n"
    )
    result = load_fixes_file(db, write_file("t.csv", text))
    assert (result.rows_in, result.loaded, result.quarantined) == (2, 2, 0)
    assert query("SELECT count(*), min(speed_kmh) FROM fixes") == [(2, 3.6)]


def test_several_trackers_without_a_device_column_never_advise_device_alone(db, write_file):
    text = f"Datum/tijd;lat;lon\n19/10/2026 09:00:00;{LAT};{LON}\n"
    with pytest.raises(UnusableInput) as error:
        load_fixes_file(db, write_file("n.csv", text))
    assert "profiel" in str(error.value) and "één tracker" in str(error.value)


def test_fixes_profile_names_the_columns(db, write_file, tmp_path, query):
    text = "Eenheid;Dag;Uur;N;E\nW7;19/10/2026;09:00;50,9105;4,1985\nW7;19/10/2026;09:01;50,9106;4,1985\n"
    (tmp_path / "p.toml").write_text(
        '[columns]\ndevice_id = "Eenheid"\ntimestamp = ["Dag", "Uur"]\nlat = "N"\nlon = "E"\n', encoding="utf-8"
    )
    result = load_fixes_file(db, write_file("p.csv", text), profile=load_profile(str(tmp_path / "p.toml"), "fixes"))
    assert (result.loaded, result.quarantined) == (2, 0)
    assert query("SELECT min(ts) FROM fixes") == [(expected_utc("19/10/2026", "09:00"),)]


def test_gpx_whose_track_name_is_the_imei_needs_no_device_option(db, write_file, query):
    points = "".join(
        f'<trkpt lat="{LAT + i * 1e-4}" lon="{LON}"><time>2026-10-19T07:0{i}:00Z</time></trkpt>' for i in range(4)
    )
    gpx = (
        f'<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<trk><name>{IMEI_A}</name><trkseg>{points}</trkseg></trk></gpx>"
    )
    result = load_fixes_file(db, write_file("spoor.gpx", gpx))
    assert (result.loaded, result.quarantined) == (4, 0)
    assert query("SELECT DISTINCT device_id FROM fixes") == [(IMEI_A,)]


def feature_collection(features, crs=None):
    document = {"type": "FeatureCollection", "features": features}
    if crs:
        document["crs"] = {"type": "name", "properties": {"name": crs}}
    return json.dumps(document)


def test_qgis_export_in_lambert_72_with_a_crs_member_loads(db, write_file, query):
    x, y = TO_LAMBERT.transform(LON, LAT)
    features = [
        {
            "type": "Feature",
            "properties": {"NAAM": "Station Asse", "STRAAL": 80, "SOORT": "station"},
            "geometry": {"type": "Point", "coordinates": [x, y]},
        }
    ]
    path = write_file("qgis.geojson", feature_collection(features, "urn:ogc:def:crs:EPSG::31370"))
    result = load_hotspots_file(db, path)
    assert (result.loaded, result.quarantined) == (1, 0)
    ((name, kind, lat, lon, radius),) = query("SELECT name, kind, center_lat, center_lon, radius_m FROM hotspots")
    assert (name, kind, radius) == ("Station Asse", "station", 80)
    assert distance_m(lat, lon, LAT, LON) < 1.0


def test_geojson_io_file_with_naam_radius_and_a_street_as_a_line(db, write_file, query):
    street = [[LON, LAT], [LON + 0.003, LAT]]  # about 210 m east-west
    features = [
        {
            "type": "Feature",
            "properties": {"Naam": "Markt", "radius": "60"},
            "geometry": {"type": "Point", "coordinates": [LON, LAT + 0.002]},
        },
        {
            "type": "Feature",
            "properties": {"Naam": "Kerkstraat"},
            "geometry": {"type": "LineString", "coordinates": street},
        },
    ]
    result = load_hotspots_file(db, write_file("io.geojson", feature_collection(features)))
    assert (result.loaded, result.quarantined) == (2, 0)
    kinds = dict(query("SELECT hotspot_id, json_extract_string(geojson, '$.type') FROM hotspots"))
    assert kinds == {"markt": "Point", "kerkstraat": "Polygon"}
    half_length = distance_m(LAT, LON, LAT, LON + 0.0015)
    ((radius,),) = query("SELECT radius_m FROM hotspots WHERE hotspot_id = 'kerkstraat'")
    # the enclosing radius of a 25 m buffer around the line: half its length plus the buffer
    assert radius == pytest.approx(half_length + 25, abs=2)


def test_hot_spot_list_with_address_radius_and_kind_loads_located_rows_and_keeps_the_rest(db, write_file, query):
    x, y = TO_LAMBERT.transform(LON, LAT)
    rows = [
        ("Station", "Stationsplein 1", "80", "station", f"{x:.1f}".replace(".", ","), f"{y:.1f}".replace(".", ",")),
        ("Park", "Parklaan", "120", "park", f"{x + 300:.1f}".replace(".", ","), f"{y:.1f}".replace(".", ",")),
        ("Glasbol Dorp", "Dorp 3", "25", "glasbol", "", ""),
    ]
    text = "Naam;Adres;Straal (m);Soort;X;Y\n" + "".join(";".join(r) + "\n" for r in rows)
    result = load_hotspots_file(db, write_file("lijst.csv", text))
    located = sum(1 for r in rows if r[4])
    assert (result.rows_in, result.loaded, result.quarantined) == (len(rows), located, len(rows) - located)
    ((reason,),) = query("SELECT reason FROM quarantine")
    assert "adressenregister" in reason and "Dorp 3" in reason  # no register loaded: says which, and how
    assert dict(query("SELECT name, radius_m FROM hotspots")) == {"Station": 80.0, "Park": 120.0}
    assert (
        result.columns_used
        == {
            "name": ["Naam"],
            "radius_m": ["Straal (m)"],
            "kind": ["Soort"],
            "x": ["X"],
            "y": ["Y"],
            "address": ["Adres"],
        }
        and result.columns_ignored == []
    )


def test_dry_run_of_hotspots_writes_nothing(db, write_file, capsys):
    features = [
        {
            "type": "Feature",
            "properties": {"name": "Markt", "radius_m": 60},
            "geometry": {"type": "Point", "coordinates": [LON, LAT]},
        }
    ]
    path = write_file("h.geojson", feature_collection(features))
    assert main(["hotspots", str(path), "--db", str(db)]) == 0
    before = db.read_bytes()
    changed = write_file(
        "h2.geojson",
        feature_collection(
            features
            + [
                {
                    "type": "Feature",
                    "properties": {"name": "Park", "radius_m": 70},
                    "geometry": {"type": "Point", "coordinates": [LON + 0.001, LAT]},
                }
            ]
        ),
    )
    capsys.readouterr()
    assert main(["hotspots", str(changed), "--dry-run", "--json", "--db", str(db)]) == 0
    trial = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (trial["loaded"], trial["duplicates"]) == (1, 1)
    assert db.read_bytes() == before


def test_undo_of_a_device_hand_over_and_a_hot_spot_redraw_restores_the_earlier_versions(db, write_file, query):
    from etl.batches import undo_batch
    from etl.devices import load_devices_file

    load_devices_file(db, write_file("d1.csv", "device_id,warden,valid_from,valid_to\nT1,GW-A,,\n"))
    closing = load_devices_file(
        db, write_file("d2.csv", "device_id,warden,valid_from,valid_to\nT1,GW-A,,01/04/2026\nT1,GW-B,01/04/2026,\n")
    )
    assert query("SELECT count(*) FROM devices") == [(2,)]
    point = {
        "type": "Feature",
        "properties": {"name": "Markt", "radius_m": 60},
        "geometry": {"type": "Point", "coordinates": [LON, LAT]},
    }
    load_hotspots_file(db, write_file("h1.geojson", feature_collection([point])))
    redraw = load_hotspots_file(
        db, write_file("h2.geojson", feature_collection([dict(point, properties={"name": "Markt", "radius_m": 90})]))
    )
    assert redraw.updated == 1
    undo_batch(db, redraw.batch_id)
    undo_batch(db, closing.batch_id)
    assert query("SELECT radius_m FROM hotspots") == [(60.0,)]
    assert query("SELECT device_id, warden_code, valid_from, valid_to FROM devices") == [("T1", "GW-A", None, None)]
