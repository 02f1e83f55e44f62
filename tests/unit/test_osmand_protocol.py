"""The OsmAnd protocol decoded as Traccar does it, on the request shapes of Traccar's own documentation
and decoder tests (traccar.org/osmand; traccar/traccar OsmAndProtocolDecoderTest), moved to Asse where a
position must lie in the territory. Expected values are worked out here by hand, not by the decoder."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs, urlsplit

import pytest

from etl.formats import osmand

NOW = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)
ASSE = (50.7, 4.1, 51.0, 4.4)


def query_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def test_query_form_with_unix_seconds_speed_in_knots_and_battery_percent():
    url = "/?id=123456&timestamp=1377177267&lat=50.91&lon=4.2&speed=10.0&bearing=90.5&altitude=35&accuracy=8&batt=87"
    p = osmand.decode(None, query_of(url), b"", NOW)
    assert p.device_id == "123456"
    assert p.ts == datetime(2013, 8, 22, 13, 14, 27, tzinfo=timezone.utc)  # date -ud @1377177267
    assert (p.lat, p.lon) == (50.91, 4.2)
    assert p.speed_kmh == pytest.approx(18.52)  # 10 knots
    assert (p.bearing, p.altitude_m, p.accuracy_m, p.battery_pct, p.valid) == (90.5, 35.0, 8.0, 87.0, True)


def test_query_timestamps_in_milliseconds_iso_and_plain_utc():
    ms = osmand.decode(None, query_of("/?id=902064&lat=50.9&lon=4.2&timestamp=1442068686579"), b"", NOW)
    assert ms.ts == datetime(2015, 9, 12, 14, 38, 6, 579000, tzinfo=timezone.utc)
    iso = osmand.decode(None, query_of("/?id=902064&lat=50.9&lon=4.2&timestamp=2016-01-27T18%3A55%3A47Z"), b"", NOW)
    assert iso.ts == datetime(2016, 1, 27, 18, 55, 47, tzinfo=timezone.utc)
    plain = osmand.decode(
        None, query_of("/?lat=50.9&lon=4.2&timestamp=2014-06-04+09%3A10%3A11&id=353861053849681"), b"", NOW
    )
    assert plain.ts == datetime(2014, 6, 4, 9, 10, 11, tzinfo=timezone.utc)


def test_location_pair_deviceid_heading_and_no_timestamp_means_now():
    p = osmand.decode(None, query_of("/?location=50.93,4.21&heading=12&deviceid=abc-1"), b"", NOW)
    assert (p.device_id, p.lat, p.lon, p.bearing, p.ts) == ("abc-1", 50.93, 4.21, 12.0, NOW)


def test_form_body_when_the_url_has_no_parameters():
    body = b"id=998877&lat=50.91&lon=4.2&timestamp=1764763200&valid=false"
    p = osmand.decode("application/x-www-form-urlencoded", {}, body, NOW)
    assert p.device_id == "998877" and p.ts == datetime(2025, 12, 3, 12, 0, tzinfo=timezone.utc)
    assert p.valid is False


def test_traccar_client_9_json_body():
    body = json.dumps(
        {
            "location": {
                "timestamp": "2026-12-03T11:58:12.862Z",
                "coords": {
                    "latitude": 50.9107,
                    "longitude": 4.1983,
                    "accuracy": 5,
                    "speed": 1.5,
                    "heading": -1,
                    "altitude": 5,
                },
                "is_moving": False,
                "odometer": 0,
                "event": "motionchange",
                "battery": {"level": 0.79, "is_charging": False},
                "activity": {"type": "still"},
                "extras": {},
            },
            "device_id": "48241179",
        }
    ).encode()
    p = osmand.decode("application/json; charset=utf-8", {}, body, NOW)
    assert p.device_id == "48241179"
    assert p.ts == datetime(2026, 12, 3, 11, 58, 12, 862000, tzinfo=timezone.utc)
    assert (p.lat, p.lon, p.accuracy_m, p.altitude_m) == (50.9107, 4.1983, 5.0, 5.0)
    assert p.speed_kmh == pytest.approx(5.4)  # 1,5 m/s
    assert p.bearing is None  # -1: unknown
    assert p.battery_pct == pytest.approx(79)


def test_json_unknown_speed_and_battery_are_left_empty():
    body = json.dumps(
        {
            "location": {
                "extras": {},
                "mock": True,
                "coords": {
                    "speed_accuracy": -1,
                    "speed": -1,
                    "longitude": 4.2,
                    "latitude": 50.9,
                    "accuracy": 5,
                    "altitude": 0,
                    "heading": -1,
                },
                "battery": {"level": -1, "is_charging": False},
                "timestamp": "2026-12-03T11:11:30.579Z",
            },
            "device_id": "658765",
        }
    ).encode()
    p = osmand.decode("application/json", {}, body, NOW)
    assert p.speed_kmh is None and p.battery_pct is None


@pytest.mark.parametrize(
    "content_type, url, body, reason",
    [
        (None, "/?timestamp=1377177267&lat=50.9&lon=4.2", b"", "toestel-id ontbreekt"),
        (None, "/?id=1&timestamp=1377177267", b"", "positie ontbreekt"),
        (None, "/?id=1&lat=50.9", b"", "horen samen"),
        (None, "/?id=1&lat=abc&lon=4.2", b"", "breedtegraad 'abc' is geen getal"),
        (None, "/?id=1&lat=NaN&lon=4.2", b"", "geen eindig getal"),
        (None, "/?id=1&location=50.9", b"", "location"),
        (None, "/?id=1&lat=50.9&lon=4.2&timestamp=gisteren", b"", "tijdstip 'gisteren' is onleesbaar"),
        ("application/json", "/", b"{not json", "geen geldige JSON"),
        ("application/json", "/", b"[1, 2]", "geen object"),
        (
            "application/json",
            "/",
            json.dumps({"device_id": "1", "location": {"timestamp": "2026-12-03T11:00:00Z"}}).encode(),
            "positie ontbreekt",
        ),
        (
            "application/json",
            "/",
            json.dumps(
                {
                    "device_id": "1",
                    "location": {"coords": {"latitude": "x", "longitude": 4.2}, "timestamp": "2026-12-03T11:00:00Z"},
                }
            ).encode(),
            "geen getal",
        ),
        (
            "application/json",
            "/",
            json.dumps(
                {"location": {"coords": {"latitude": 50.9, "longitude": 4.2}, "timestamp": "2026-12-03T11:00:00Z"}}
            ).encode(),
            "device_id",
        ),
    ],
)
def test_malformed_requests_say_why(content_type, url, body, reason):
    with pytest.raises(osmand.BadPosition, match=reason):
        osmand.decode(content_type, query_of(url), body, NOW)


def position(**changes) -> osmand.Position:
    base = dict(device_id="d", ts=NOW - timedelta(seconds=5), lat=50.91, lon=4.2)
    return osmand.Position(**{**base, **changes})


@pytest.mark.parametrize(
    "changes, reason",
    [
        ({"lat": 37.4219983, "lon": -122.084}, "buiten het grondgebied"),  # Traccar's own example: California
        ({"lat": 0.0, "lon": 0.0}, "null island"),
        ({"lat": 95.0}, "bestaat niet op aarde"),
        ({"ts": NOW + timedelta(hours=1)}, "in de toekomst"),
        ({"ts": NOW - timedelta(days=3 * 365)}, "ouder dan 7 dagen"),
    ],
)
def test_implausible_positions_are_refused(changes, reason):
    with pytest.raises(osmand.BadPosition, match=reason):
        osmand.check_plausible(position(**changes), NOW, ASSE, timedelta(minutes=10), timedelta(days=7))


def test_a_position_a_few_minutes_old_inside_the_territory_passes():
    osmand.check_plausible(position(ts=NOW - timedelta(hours=3)), NOW, ASSE, timedelta(minutes=10), timedelta(days=7))
