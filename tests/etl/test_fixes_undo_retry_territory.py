"""Fixes: undo restores the neighbours' outlier flags, retry works for every kind of batch, and
positions outside the territory are refused.

The outlier comparison is between two stores: one that loaded a batch and undid it, one that never
loaded it. Territory expectations come from an independent point-in-polygon test on the shipped
Statbel outline, not from the loader.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import duckdb
import numpy as np

from etl.batches import undo_batch
from etl.demo import ensure_demo_territory
from etl.fixes import load_fixes_file

ASSE = (50.8950, 4.2000)  # in the south of Asse (the demo territory): spikes to the north stay inside
START = dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.timezone.utc)


def fixes_csv(path: Path, rows: list[tuple[str, dt.datetime, float, float]]) -> Path:
    lines = ["device_id,timestamp,lat,lon"]
    lines += [f"{d},{t.strftime('%Y-%m-%dT%H:%M:%SZ')},{lat:.6f},{lon:.6f}" for d, t, lat, lon in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def flags(db: Path) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT device_id, ts, lat, lon, is_outlier, outlier_reason FROM fixes ORDER BY device_id, ts"
        ).fetchall()
    finally:
        con.close()


def test_undo_of_a_fixes_batch_restores_the_outlier_flags_of_the_fixes_left(tmp_path):
    # The first file: two devices, a fix every 20 s, a few spikes of several kilometres (outliers),
    # and a device whose series ends on a jump (the last fix is judged by its one neighbour).
    rng = random.Random(16)
    first, second = [], []
    for device in ("T1", "T2"):
        for step in range(0, 120, 2):
            lat = ASSE[0] + rng.uniform(-0.0003, 0.0003)
            lon = ASSE[1] + rng.uniform(-0.0003, 0.0003)
            if step in (20, 64, 118):
                lat += 0.03  # 3,3 km away and back within 40 s: a receiver error
            first.append((device, START + dt.timedelta(seconds=10 * step), lat, lon))
            # the second file fills the odd steps; some of its fixes sit next to the spikes, which
            # makes those spikes ordinary points of a series while it is stored
            odd = START + dt.timedelta(seconds=10 * (step + 1))
            near_spike = step + 1 in (19, 21, 63, 65, 119)
            second.append((device, odd, ASSE[0] + (0.03 if near_spike else 0) + rng.uniform(-0.0003, 0.0003), lon))
    first_file = fixes_csv(tmp_path / "eerste.csv", first)
    second_file = fixes_csv(tmp_path / "tweede.csv", second)

    undone, never = tmp_path / "undone.duckdb", tmp_path / "never.duckdb"
    for db in (undone, never):
        ensure_demo_territory(db)  # the fixes lie in Asse
    load_fixes_file(undone, first_file)
    batch = load_fixes_file(undone, second_file)
    load_fixes_file(never, first_file)
    before_undo = flags(undone)
    assert [r for r in flags(never) if r[4]], "the first file alone must hold outliers, or the test proves nothing"

    summary = undo_batch(undone, batch.batch_id)

    assert flags(undone) == flags(never)
    # the second file had changed some flags of the first file's fixes: the undo changed them back
    first_keys = {(d, t) for d, t, *_ in flags(never)}
    changed_by_second = {(d, t) for d, t, _, _, outlier, _ in before_undo if (d, t) in first_keys and outlier} ^ {
        (d, t) for d, t, _, _, outlier, _ in flags(never) if outlier
    }
    assert changed_by_second, "the second file must change the first file's flags, or the test proves nothing"
    assert summary["outlier_flags_changed"] >= len(changed_by_second)


# -- the territory -------------------------------------------------------------------------------


def metres_outside_asse(points: list[tuple[float, float]]) -> list[float]:
    """Distance in metres (Belgian Lambert 72) from each (lat, lon) to Asse's shipped outline; 0 inside.
    Independent of the loader, which tests in its own local frame with a grid."""
    import pyproj
    import shapely
    import shapely.geometry

    from civ import territory

    to_lambert = pyproj.Transformer.from_crs("EPSG:4326", "EPSG:31370", always_xy=True).transform
    outline = shapely.transform(
        shapely.geometry.shape(territory.boundaries()["23002"]["geometry"]),
        lambda xy: np.column_stack(to_lambert(xy[:, 0], xy[:, 1])),
    )
    return [outline.distance(shapely.Point(to_lambert(lon, lat))) for lat, lon in points]


def test_fixes_outside_asse_are_refused_naming_it_those_inside_or_within_tolerance_load(tmp_path, query, db):
    # a 40 x 40 grid over Asse's box and 1,5 km around it: points deep inside, on both sides of the
    # edge (the exact test) and far outside (the grid alone)
    south, north, west, east = 50.8600, 50.9580, 4.1180, 4.3220
    points = [(south + (north - south) * i / 39, west + (east - west) * j / 39) for i in range(40) for j in range(40)]
    distance = metres_outside_asse(points)
    rows = [("T1", START + dt.timedelta(minutes=k), lat, lon) for k, (lat, lon) in enumerate(points)]
    result = load_fixes_file(db, fixes_csv(tmp_path / "raster.csv", rows))

    refused = {n for (n,) in query("SELECT row_number FROM quarantine")}
    # the tolerance is 100 m; the outline is simplified by a few metres: points within 60 m must load,
    # points beyond 140 m must be refused, the band between is not judged here
    must_load = {k + 1 for k, d in enumerate(distance) if d <= 60}
    must_refuse = {k + 1 for k, d in enumerate(distance) if d >= 140}
    assert len(must_load) > 300 and len(must_refuse) > 300
    assert any(0 < d <= 60 for d in distance), "no point in the tolerance band outside the outline"
    assert not (must_load & refused)
    assert must_refuse <= refused
    assert result.rows_in == result.loaded + result.quarantined + result.duplicates == len(points)
    reasons = {r for (r,) in query("SELECT DISTINCT regexp_replace(reason, '^positie [0-9, /]+', '') FROM quarantine")}
    assert reasons == {"ligt buiten het grondgebied: Asse"}


def test_a_live_position_inside_the_margin_but_outside_the_outline_is_refused_at_the_flush(db, query):
    from datetime import datetime, timezone

    from etl import live
    from tests.browser.served_app import fill_store

    fill_store(db)
    con = duckdb.connect(str(db))
    con.execute("SELECT nextval('import_batch_ids') FROM range(3)").fetchall()
    con.close()
    try:
        device = live.register_device(db, "toestel-buiten-de-grens-16")
        ingest = live.LiveIngest(db)
        now = datetime.now(timezone.utc)
        t0 = int(now.timestamp()) - 100
        outside = (50.9600, 4.2500)  # about 2 km north of Asse: inside the endpoint's 5 km margin
        assert metres_outside_asse([outside])[0] > 1000
        sent = [(t0, 50.9100, 4.2000), (t0 + 60, *outside)]
        answers = [
            ingest.receive(
                None, {"id": [device], "timestamp": [str(t)], "lat": [str(a)], "lon": [str(o)]}, b"", "192.0.2.7", now
            ).status
            for t, a, o in sent
        ]
        assert answers == [200, 200]  # accepted by the endpoint, judged by the import's rules at the flush
        result = ingest.flush()
        assert (result["rows_in"], result["loaded"], result["quarantined"]) == (2, 1, 1)
        assert query("SELECT reason FROM quarantine WHERE batch_id = ?", [result["batch_id"]]) == [
            ("positie 50,96 / 4,25 ligt buiten het grondgebied: Asse",)
        ]
        # a retry reads the refused live position again, with its phone as the tracker
        add_merchtem(db)
        retry = retried(db, result["batch_id"])
        assert (retry["loaded"], retry["quarantined"]) == (1, 0)
        assert query("SELECT device_id, lat, lon FROM fixes WHERE batch_id = ?", [retry["batch_id"]]) == [
            (device, *outside)
        ]
    finally:
        live.close_ingest(db)


# -- quarantine retry, for every kind of batch -----------------------------------------------------

MERCHTEM = (50.9590, 4.2310)  # the centre of Merchtem, north of Asse
ASSE_CENTRE = (50.9100, 4.2000)


def retried(db: Path, batch_id: int) -> dict:
    from etl.batches import retry_quarantine

    return retry_quarantine(db, batch_id).as_json()


def refused_rows(query, batch_id: int) -> list[int]:
    return [n for (n,) in query("SELECT row_number FROM quarantine WHERE batch_id = ? ORDER BY 1", [batch_id])]


def add_merchtem(db: Path) -> None:
    """The store's territory grows from Asse to Asse and Merchtem: what was outside is now inside."""
    from civ import territory

    territory.set_territory(db, ["23002", "23052"])


def test_retry_of_a_fixes_csv_loads_the_rows_the_larger_territory_now_holds(tmp_path, db, query):
    assert metres_outside_asse([MERCHTEM])[0] > 1000
    rows = [
        ("T1", START, *ASSE_CENTRE),
        ("T1", START + dt.timedelta(minutes=1), *MERCHTEM),  # row 2: outside Asse
        ("T2", START + dt.timedelta(minutes=2), *MERCHTEM),  # row 3: outside Asse
        ("T2", START + dt.timedelta(minutes=3), 48.8566, 2.3522),  # row 4: Paris, outside both
    ]
    first = load_fixes_file(db, fixes_csv(tmp_path / "f.csv", rows))
    assert (first.loaded, first.quarantined, refused_rows(query, first.batch_id)) == (1, 3, [2, 3, 4])
    add_merchtem(db)
    retry = retried(db, first.batch_id)
    assert (retry["rows_in"], retry["loaded"], retry["quarantined"]) == (3, 2, 1)
    assert query("SELECT retry_of FROM batch_details WHERE batch_id = ?", [retry["batch_id"]]) == [(first.batch_id,)]
    assert query("SELECT device_id, lat FROM fixes WHERE batch_id = ? ORDER BY device_id", [retry["batch_id"]]) == [
        ("T1", MERCHTEM[0]),
        ("T2", MERCHTEM[0]),
    ]
    assert refused_rows(query, first.batch_id) == [4]  # what is still refused stays with the first batch


def test_retry_of_a_gpx_with_two_named_tracks_keeps_each_point_with_its_tracker(tmp_path, db, query):
    def point(seconds, lat, lon):
        moment = (START + dt.timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")
        return f'<trkpt lat="{lat}" lon="{lon}"><time>{moment}</time></trkpt>'

    tracks = {
        "356938035643809": [point(0, *ASSE_CENTRE), point(60, *MERCHTEM), point(120, *MERCHTEM)],
        "356938035643810": [point(0, *MERCHTEM), point(60, *ASSE_CENTRE)],
    }
    text = '<?xml version="1.0"?><gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
    for imei, points in tracks.items():
        text += f"<trk><name>{imei}</name><trkseg>{''.join(points)}</trkseg></trk>"
    (tmp_path / "portal.gpx").write_text(text + "</gpx>", encoding="utf-8")
    first = load_fixes_file(db, tmp_path / "portal.gpx")
    assert (first.loaded, first.quarantined) == (2, 3)
    add_merchtem(db)
    retry = retried(db, first.batch_id)
    assert (retry["rows_in"], retry["loaded"], retry["quarantined"]) == (3, 3, 0)
    assert query(
        "SELECT device_id, count(*) FROM fixes WHERE lat = ? GROUP BY device_id ORDER BY 1", [MERCHTEM[0]]
    ) == [("356938035643809", 2), ("356938035643810", 1)]
    assert refused_rows(query, first.batch_id) == []


def test_retry_of_an_nmea_log_loads_with_the_device_it_was_given(tmp_path, db, query):
    from functools import reduce

    def sentence(body: str) -> str:
        return f"${body}*{reduce(lambda acc, byte: acc ^ byte, body.encode(), 0):02X}"

    # 50°57.540' N 4°13.860' E is Merchtem (50.959, 4.231); 50°54.600' N 4°12.000' E is Asse (50.91, 4.2)
    log = [
        sentence("GPRMC,083000.00,A,5054.600,N,00412.000,E,0.0,0.0,150326,,,A"),
        sentence("GPRMC,083100.00,A,5057.540,N,00413.860,E,0.0,0.0,150326,,,A"),
    ]
    (tmp_path / "log.nmea").write_text("\n".join(log) + "\n", encoding="utf-8")
    first = load_fixes_file(db, tmp_path / "log.nmea", device="NM-7")
    assert (first.loaded, first.quarantined) == (1, 1)
    add_merchtem(db)
    retry = retried(db, first.batch_id)
    assert (retry["loaded"], retry["quarantined"]) == (1, 0)
    assert query("SELECT device_id, round(lat, 3) FROM fixes WHERE batch_id = ?", [retry["batch_id"]]) == [
        ("NM-7", 50.959)
    ]


def test_retry_of_hot_spots_from_a_list_and_from_geojson(tmp_path, db, query):
    from etl.hotspots import load_hotspots_file

    (tmp_path / "lijst.csv").write_text(
        "Naam;Lat;Lon;Straal (m)\n"
        f"Station Asse;{ASSE_CENTRE[0]};{ASSE_CENTRE[1]};150\n"
        f"Markt Merchtem;{MERCHTEM[0]};{MERCHTEM[1]};120\n",
        encoding="utf-8",
    )
    (tmp_path / "kaart.geojson").write_text(
        '{"type": "FeatureCollection", "features": ['
        f'{{"type": "Feature", "properties": {{"Naam": "Kerk Merchtem", "radius": 80}}, '
        f'"geometry": {{"type": "Point", "coordinates": [{MERCHTEM[1]}, {MERCHTEM[0]}]}}}}]}}',
        encoding="utf-8",
    )
    listed = load_hotspots_file(db, tmp_path / "lijst.csv")
    drawn = load_hotspots_file(db, tmp_path / "kaart.geojson")
    assert (listed.loaded, listed.quarantined, drawn.loaded, drawn.quarantined) == (1, 1, 0, 1)
    add_merchtem(db)
    assert (retried(db, listed.batch_id)["loaded"], retried(db, drawn.batch_id)["loaded"]) == (1, 1)
    assert query("SELECT name, radius_m FROM hotspots ORDER BY name") == [
        ("Kerk Merchtem", 80.0),
        ("Markt Merchtem", 120.0),
        ("Station Asse", 150.0),
    ]


def test_retry_of_projects_loads_those_whose_area_the_territory_now_has(tmp_path, db, query):
    from etl.projects import load_projects_file

    (tmp_path / "projecten.csv").write_text(
        "naam;type;start;einde;gebied\nCamera Asse;camera;01/02/2026;;Asse\nCamera Brussegem;camera;01/02/2026;;Brussegem\n",
        encoding="utf-8",
    )
    first = load_projects_file(db, tmp_path / "projecten.csv")
    assert (first.loaded, first.quarantined) == (1, 1)
    add_merchtem(db)
    retry = retried(db, first.batch_id)
    assert (retry["loaded"], retry["quarantined"]) == (1, 0)
    assert sorted(n for (n,) in query("SELECT name FROM projects")) == ["Camera Asse", "Camera Brussegem"]


def test_retry_of_devices_after_the_overlapping_mapping_was_undone(tmp_path, db, query):
    from etl.devices import load_devices_file

    (tmp_path / "a.csv").write_text("device_id,warden,valid_from,valid_to\nT1,GW-A,01/01/2026,\n", encoding="utf-8")
    (tmp_path / "b.csv").write_text(
        "device_id,warden,valid_from,valid_to\nT2,GW-C,01/01/2026,\nT1,GW-B,01/02/2026,\n", encoding="utf-8"
    )
    wrong = load_devices_file(db, tmp_path / "a.csv")
    second = load_devices_file(db, tmp_path / "b.csv")
    assert (second.loaded, second.quarantined, refused_rows(query, second.batch_id)) == (1, 1, [2])
    undo_batch(db, wrong.batch_id)
    retry = retried(db, second.batch_id)
    assert (retry["loaded"], retry["quarantined"]) == (1, 0)
    assert query("SELECT device_id, warden_code FROM devices ORDER BY 1") == [("T1", "GW-B"), ("T2", "GW-C")]


# -- one header reader -----------------------------------------------------------------------------

HEADERS = {
    "title rows and a trailing separator": "Export trackers januari\n\nIMEI;Datum;Tijd;Breedtegraad;Lengtegraad;\n",
    "spelled with units and accents": "Toestel,Datum/tijd,Breedtegraad,Lengtegraad,Snelheid (km/u),Nauwkeurigheid\n",
    "a repeated column": "device_id;timestamp;lat;lon;lat\n",
    "an empty column in the middle": "device_id;timestamp;;lat;lon\n",
    "no separator at all": "device_id timestamp lat lon\n",
}


def test_fixes_and_reports_read_every_header_alike(tmp_path):
    """The fixes reader (DuckDB, line by line) and the reports reader (etl/tables.py) find, split and
    normalise a header in the same way, or refuse it with the same sentence."""
    import pytest

    from civ.errors import UnusableInput
    from etl.fixes import CSV_ALIASES, CSV_TEMPLATE
    from etl.formats import delimited
    from etl.tables import read_table

    known = {a for names in CSV_ALIASES.values() for a in names}
    for case, header in HEADERS.items():
        path = tmp_path / "kop.csv"
        path.write_text(header + "T1;2026-03-01T10:00:00Z;50.91;4.2;5\n", encoding="utf-8")
        try:
            table = read_table(path, known=known)
        except UnusableInput as refused:
            with pytest.raises(UnusableInput) as also:
                delimited.inspect(path, CSV_ALIASES, (), CSV_TEMPLATE)
            assert str(also.value) == str(refused), case
            continue
        fixes = delimited.inspect(path, CSV_ALIASES, (), CSV_TEMPLATE)
        assert (fixes.header, fixes.spelled, fixes.header_lines) == (table.columns, table.header, table.header_line), (
            case
        )


def test_retry_of_a_csv_without_device_column_uses_the_device_it_was_loaded_with(tmp_path, db, query):
    (tmp_path / "een-tracker.csv").write_text(
        f"timestamp;lat;lon\n2026-03-02T08:00:00Z;{ASSE_CENTRE[0]};{ASSE_CENTRE[1]}\n"
        f"2026-03-02T08:01:00Z;{MERCHTEM[0]};{MERCHTEM[1]}\n",
        encoding="utf-8",
    )
    first = load_fixes_file(db, tmp_path / "een-tracker.csv", device="TRK-9")
    assert (first.loaded, first.quarantined) == (1, 1)
    add_merchtem(db)
    retry = retried(db, first.batch_id)
    assert (retry["loaded"], retry["quarantined"]) == (1, 0)
    assert query("SELECT device_id, lat FROM fixes WHERE batch_id = ?", [retry["batch_id"]]) == [("TRK-9", MERCHTEM[0])]


def test_a_fixes_profile_skips_a_totals_row_into_the_quarantine(tmp_path, db, query):
    from etl.profiles import load_profile

    (tmp_path / "p.toml").write_text('[file]\nskip_rows_matching = "^Totaal"\n', encoding="utf-8")
    lines = [f"T1;2026-03-02T08:0{m}:00Z;{ASSE_CENTRE[0]};{ASSE_CENTRE[1]}" for m in range(3)]
    (tmp_path / "portaal.csv").write_text(
        "device_id;timestamp;lat;lon\n" + "\n".join(lines) + "\nTotaal;3 posities;;\n", encoding="utf-8"
    )
    result = load_fixes_file(db, tmp_path / "portaal.csv", profile=load_profile(str(tmp_path / "p.toml"), "fixes"))
    assert (result.rows_in, result.loaded, result.quarantined) == (len(lines) + 1, len(lines), 1)
    assert query("SELECT row_number, raw_text, reason FROM quarantine") == [
        (4, "Totaal;3 posities;;", "rij overgeslagen: past bij skip_rows_matching '^Totaal' van het profiel")
    ]
