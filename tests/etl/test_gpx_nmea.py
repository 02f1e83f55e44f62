"""GPX and NMEA tracker files: real tracks, what is a row, device option, unusable files, sniffing."""

from __future__ import annotations

import datetime as dt
from functools import reduce
from pathlib import Path

import pytest

from civ.errors import UnusableInput
from etl.fixes import detect_format, load_fixes_file

GPX_DIR = Path(__file__).resolve().parents[1] / "data" / "gpx"
# Positions outside the territory are refused; these files are from elsewhere, so a box replaces it.
SLOVENIA = (13.0, 45.0, 16.0, 47.0)
WORLD = (-180.0, -90.0, 180.0, 90.0)
UTC = dt.timezone.utc


# -- GPX -----------------------------------------------------------------------------------------


def test_real_gpx_track_with_all_points_timed_loads_every_point(db, query):
    result = load_fixes_file(db, GPX_DIR / "cerknicko-jezero.gpx", device="GPS-1", box=SLOVENIA)
    assert (result.status, result.rows_in, result.loaded, result.quarantined, result.duplicates) == (
        "loaded",
        296,
        296,
        0,
        0,
    )
    # Slovenia: inside the box given for it
    assert query("SELECT count(*), min(lat) > 45, max(lon) < 15 FROM fixes WHERE device_id = 'GPS-1'") == [
        (296, True, True)
    ]


def test_real_gpx_track_points_without_time_go_to_quarantine(db, query):
    result = load_fixes_file(db, GPX_DIR / "korita-zbevnica.gpx", device="GPS-2", box=SLOVENIA)
    assert (result.rows_in, result.loaded, result.quarantined, result.duplicates) == (871, 513, 358, 0)
    assert query("SELECT DISTINCT reason FROM quarantine") == [("trackpunt zonder tijdstip",)]
    # the first track point of the file has no time; its raw text is the element itself
    assert query("SELECT row_number, raw_text FROM quarantine ORDER BY row_number LIMIT 1") == [
        (1, '<trkpt lat="45.380600095" lon="14.144491442"><ele>733.623291</ele></trkpt>')
    ]
    assert query("SELECT min(ts) FROM fixes") == [(dt.datetime(2010, 10, 3, 9, 36, 30, tzinfo=UTC),)]


def test_reloading_a_gpx_file_is_already_loaded(db, query):
    load_fixes_file(db, GPX_DIR / "korita-zbevnica.gpx", device="GPS-2", box=SLOVENIA)
    again = load_fixes_file(db, GPX_DIR / "korita-zbevnica.gpx", device="GPS-2", box=SLOVENIA)
    assert (again.status, again.rows_in) == ("already-loaded", 871)
    assert query("SELECT count(*) FROM fixes") == [(513,)]


GPX_11 = """<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1">
  <wpt lat="50.91" lon="4.20"><name>Station</name></wpt>
  <rte><rtept lat="50.92" lon="4.21"/></rte>
  <trk><trkseg>
    <trkpt lat="50.9100" lon="4.2000"><ele>30</ele><time>2026-03-01T09:00:00Z</time></trkpt>
    <trkpt lat="50.9101" lon="4.2001"><time>2026-03-01T09:00:10</time></trkpt>
    <trkpt lat="50.9102" lon="4.2002"><ele>31</ele></trkpt>
  </trkseg></trk>
  <trk><trkseg>
    <trkpt lat="95" lon="4.2003"><time>2026-03-01T09:00:30Z</time></trkpt>
  </trkseg></trk>
</gpx>
"""


def test_gpx_11_track_points_are_rows_and_waypoints_are_not_and_times_are_utc(db, write_file, query):
    result = load_fixes_file(db, write_file("walk.gpx", GPX_11), device="T1")
    assert (result.rows_in, result.loaded, result.quarantined) == (4, 2, 2)
    assert query("SELECT device_id, ts, lat, lon FROM fixes ORDER BY ts") == [
        ("T1", dt.datetime(2026, 3, 1, 9, 0, 0, tzinfo=UTC), 50.91, 4.2),
        ("T1", dt.datetime(2026, 3, 1, 9, 0, 10, tzinfo=UTC), 50.9101, 4.2001),
    ]
    assert query("SELECT row_number, raw_text, reason FROM quarantine ORDER BY row_number") == [
        (3, '<trkpt lat="50.9102" lon="4.2002"><ele>31</ele></trkpt>', "trackpunt zonder tijdstip"),
        (
            4,
            '<trkpt lat="95" lon="4.2003"><time>2026-03-01T09:00:30Z</time></trkpt>',
            "breedtegraad '95' ligt niet tussen -90 en 90",
        ),
    ]


def test_gpx_10_speed_in_metres_per_second_is_stored_in_kmh(db, write_file, query):
    text = (
        '<gpx version="1.0" xmlns="http://www.topografix.com/GPX/1/0"><trk><trkseg>'
        '<trkpt lat="50.91" lon="4.2"><time>2026-03-01T09:00:00Z</time><speed>1.5</speed></trkpt>'
        "</trkseg></trk></gpx>"
    )
    load_fixes_file(db, write_file("v10.gpx", text), device="T1")
    assert query("SELECT round(speed_kmh, 6) FROM fixes") == [(5.4,)]


def test_gpx_without_device_option_is_unusable_and_writes_nothing(bare_db):
    with pytest.raises(UnusableInput, match="--device"):
        load_fixes_file(bare_db, GPX_DIR / "cerknicko-jezero.gpx")
    assert not bare_db.exists()


@pytest.mark.parametrize(
    "content, message",
    [
        ("dit is geen xml", "geen leesbaar GPX-bestand"),
        ('<gpx xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg><trkpt lat="1"', "geen leesbaar GPX-bestand"),
        ('<kml xmlns="http://www.opengis.net/kml/2.2"><Document/></kml>', "geen GPX-bestand"),
    ],
)
def test_non_gpx_content_is_unusable_and_writes_nothing(bare_db, write_file, content, message):
    with pytest.raises(UnusableInput, match=message):
        load_fixes_file(bare_db, write_file("track.gpx", content), device="T1")
    assert not bare_db.exists()


# -- NMEA ----------------------------------------------------------------------------------------


def sentence(body: str) -> str:
    """`$body*hh` with the NMEA checksum (XOR of the characters between $ and *)."""
    return f"${body}*{reduce(lambda acc, byte: acc ^ byte, body.encode(), 0):02X}"


def test_the_textbook_rmc_sentence_gives_position_speed_and_utc_time(db, write_file, query):
    # the example every NMEA reference quotes: 48°07.038' N, 11°31.000' E, 22.4 knots, 23 March 1994 12:35:19
    path = write_file("log.nmea", "$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A\n")
    result = load_fixes_file(db, path, device="T1", box=WORLD)
    assert (result.rows_in, result.loaded) == (1, 1)
    ((ts, lat, lon, speed),) = query("SELECT ts, lat, lon, speed_kmh FROM fixes")
    assert ts == dt.datetime(1994, 3, 23, 12, 35, 19, tzinfo=UTC)
    assert lat == pytest.approx(48 + 7.038 / 60, abs=1e-7)
    assert lon == pytest.approx(11 + 31.0 / 60, abs=1e-7)
    assert speed == pytest.approx(22.4 * 1.852, abs=1e-6)


def test_nmea_log_rows_void_fixes_bad_checksums_and_noise(db, write_file, query):
    lines = [
        sentence("GNRMC,083000.00,A,5054.600,N,00412.000,E,2.0,90.0,150326,,,A"),  # 1 row, loaded
        sentence("GPGGA,083000.00,5054.600,N,00412.000,E,1,08,0.9,30.0,M,46.0,M,,"),  # 2 not a row
        sentence("GPGSV,3,1,11,03,03,111,00,04,15,270,00,06,01,010,00,13,06,292,00"),  # 3 not a row
        "",  # 4 blank: not a row
        sentence("GPRMC,083010.00,V,,,,,,,150326,,,N"),  # 5 void
        sentence("GPRMC,083020.00,A,3354.600,S,07012.000,W,0.0,0.0,150326,,,A")[:-2] + "00",  # 6 bad checksum
        "garbage from a crashed logger",  # 7 not NMEA
        sentence("GPRMC,083030.00,A,3354.600,S,07012.000,W,0.0,0.0,150326,,,A"),  # 8 loaded, south-west
        "$GPRMC,083040.00,A,5054.6",  # 9 truncated, no checksum
        sentence("GPRMC,083050.00,A,5054.600,N,00412.000,E,0.0,0.0,310226,,,A"),  # 10 31 Feb
    ]
    result = load_fixes_file(db, write_file("log.txt", "\n".join(lines) + "\n"), device="T1", box=WORLD)
    assert (result.rows_in, result.loaded, result.quarantined, result.duplicates) == (7, 2, 5, 0)
    assert query("SELECT ts, round(lat, 6), round(lon, 6) FROM fixes ORDER BY ts") == [
        (dt.datetime(2026, 3, 15, 8, 30, 0, tzinfo=UTC), 50.91, 4.2),
        (dt.datetime(2026, 3, 15, 8, 30, 30, tzinfo=UTC), -33.91, -70.2),
    ]
    reasons = dict(query("SELECT row_number, reason FROM quarantine"))
    assert reasons[5] == "ontvanger meldt geen geldige positie (status V)"
    assert reasons[6].startswith("controlegetal klopt niet (*00 in de regel")
    assert reasons[7] == "onleesbare regel (geen NMEA-zin)"
    assert reasons[9] == "RMC-zin zonder controlegetal (regel afgebroken?)"
    assert reasons[10] == "tijdstip 2026-02-31T08:30:50.00Z bestaat niet"
    assert query("SELECT raw_text FROM quarantine WHERE row_number = 7") == [("garbage from a crashed logger",)]


def test_nmea_without_device_option_is_unusable(bare_db, write_file):
    path = write_file("log.nmea", "$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A\n")
    with pytest.raises(UnusableInput, match="--device"):
        load_fixes_file(bare_db, path, fmt="nmea")
    assert not bare_db.exists()


# -- sniffing --------------------------------------------------------------------------------------


def test_format_is_recognised_by_extension_or_content(tmp_path, write_file):
    assert detect_format(GPX_DIR / "cerknicko-jezero.gpx") == "gpx"
    assert detect_format(write_file("track.txt", '\ufeff<?xml version="1.0"?><gpx/>')) == "gpx"
    assert detect_format(write_file("log.txt", "$GPGGA,1*00\n")) == "nmea"
    assert detect_format(write_file("fixes.txt", "device_id,timestamp,lat,lon\n")) == "csv"
    binary = tmp_path / "blob.bin"
    binary.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(UnusableInput):
        detect_format(binary)
