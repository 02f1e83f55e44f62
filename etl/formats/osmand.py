"""The OsmAnd protocol as Traccar Client and OsmAnd speak it (traccar.org/osmand), decoded to one position.

Two forms, told apart as Traccar's own OsmAndProtocolDecoder does, by the Content-Type:
- `application/json…`: the body of Traccar Client 9 and later,
  {"device_id": "…", "location": {"timestamp": "2025-06-15T13:45:12.862Z",
   "coords": {"latitude", "longitude", "accuracy", "speed" (m/s), "heading", "altitude"},
   "battery": {"level": 0…1, "is_charging"}, "is_moving", "event", …}};
  a negative speed, heading or battery level means "unknown".
- anything else: query parameters of the URL, or, when the URL has none, the body as a form:
  `id` or `deviceid`, `lat` + `lon` or `location=lat,lon`, `timestamp` (Unix seconds, Unix
  milliseconds, ISO 8601 or `yyyy-MM-dd HH:mm:ss` in UTC), `speed` (knots), `bearing` or `heading`,
  `altitude`, `accuracy` (m), `batt` (%), `valid` (`false`/`0`: the phone had no fix).
Other parameters (hdop, charge, cell, wifi, …) are accepted and ignored. No timestamp: the moment
the request arrived (as Traccar does).

What can be checked from the request alone is checked here (a `BadPosition` with a Dutch reason,
answered 400); the rules that need the stored series (duplicates, out of order, impossible jumps)
are those of every fix import, applied when the position is written into the store.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qs

KNOT_KMH = 1.852
MPS_KMH = 3.6
INT_MAX = 2**31 - 1  # Traccar: a smaller number is seconds, a larger one milliseconds
MAX_BODY_BYTES = 16 * 1024  # a position is a few hundred bytes


class BadPosition(ValueError):
    """A request that is not a usable position; the message is the Dutch reason (counted, answered 400)."""


@dataclass
class Position:
    device_id: str
    ts: datetime  # UTC
    lat: float
    lon: float
    accuracy_m: float | None = None
    speed_kmh: float | None = None
    bearing: float | None = None
    altitude_m: float | None = None
    battery_pct: float | None = None
    valid: bool = True

    def journal_entry(self, received_at: datetime) -> dict:
        return {
            "device_id": self.device_id,
            "ts": iso(self.ts),
            "lat": self.lat,
            "lon": self.lon,
            "accuracy_m": self.accuracy_m,
            "speed_kmh": self.speed_kmh,
            "battery_pct": self.battery_pct,
            "received_at": iso(received_at),
        }


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _number(value, label: str) -> float:
    if isinstance(value, bool):
        raise BadPosition(f"{label} '{value}' is geen getal")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise BadPosition(f"{label} '{str(value)[:40]}' is geen getal") from None
    if not math.isfinite(number):
        raise BadPosition(f"{label} '{str(value)[:40]}' is geen eindig getal")
    return number


def _optional(value, label: str) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return _number(value, label)


def _known(value: float | None) -> float | None:
    """Traccar Client sends -1 for what it does not know (speed, heading, battery)."""
    return None if value is None or value < 0 else value


def parse_timestamp(value: str) -> datetime:
    """Unix seconds or milliseconds (as Traccar: below 2^31 seconds), ISO 8601, or 'yyyy-MM-dd HH:mm:ss' UTC."""
    text = str(value).strip()
    if text.lstrip("-").isdigit():
        number = int(text)
        seconds = number if number < INT_MAX else number / 1000
        try:
            return datetime.fromtimestamp(seconds, timezone.utc)
        except (OverflowError, OSError, ValueError):
            raise BadPosition(f"tijdstip '{text[:40]}' ligt buiten elk bereik") from None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        raise BadPosition(
            f"tijdstip '{text[:40]}' is onleesbaar (verwacht Unix-seconden, -milliseconden of jjjj-mm-ddTuu:mm:ssZ)"
        ) from None
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def _valid_flag(value: str) -> bool:
    return value.strip().lower() == "true" or value.strip() == "1"


def decode(content_type: str | None, query: dict[str, list[str]], body: bytes, received_at: datetime) -> Position:
    """One position from a request: its Content-Type, its URL's query parameters and its body."""
    if content_type and content_type.lower().startswith("application/json"):
        return decode_json(body, received_at)
    params = query
    if not params:
        try:
            params = parse_qs(body.decode("ascii"), keep_blank_values=True)
        except UnicodeDecodeError:
            raise BadPosition("de inhoud is geen formulier (niet-ASCII-tekens)") from None
    return decode_params(params, received_at)


def decode_params(params: dict[str, list[str]], received_at: datetime) -> Position:
    """The query/form form: parameter → list of values (the last one counts, as in Traccar)."""
    value = {key: values[-1] for key, values in params.items() if values}
    device = (value.get("id") or value.get("deviceid") or "").strip()
    if not device:
        raise BadPosition("toestel-id ontbreekt (parameter id of deviceid)")
    if "lat" in value or "lon" in value:
        if "lat" not in value or "lon" not in value:
            raise BadPosition("breedtegraad of lengtegraad ontbreekt (lat en lon horen samen)")
        lat, lon = _number(value["lat"], "breedtegraad"), _number(value["lon"], "lengtegraad")
    elif "location" in value:
        parts = value["location"].split(",")
        if len(parts) != 2:
            raise BadPosition(f"location '{value['location'][:40]}' is geen breedtegraad,lengtegraad")
        lat, lon = _number(parts[0], "breedtegraad"), _number(parts[1], "lengtegraad")
    else:
        raise BadPosition("positie ontbreekt (lat en lon, of location)")
    ts = parse_timestamp(value["timestamp"]) if value.get("timestamp", "").strip() else received_at
    speed_knots = _optional(value.get("speed"), "snelheid")
    return Position(
        device_id=device,
        ts=ts,
        lat=lat,
        lon=lon,
        accuracy_m=_known(_optional(value.get("accuracy"), "nauwkeurigheid")),
        speed_kmh=None if _known(speed_knots) is None else speed_knots * KNOT_KMH,
        bearing=_optional(value.get("bearing", value.get("heading")), "richting"),
        altitude_m=_optional(value.get("altitude"), "hoogte"),
        battery_pct=_known(_optional(value.get("batt"), "batterij")),
        valid=_valid_flag(value["valid"]) if "valid" in value else True,
    )


def decode_json(body: bytes, received_at: datetime) -> Position:
    """The JSON form of Traccar Client 9+ (see the module docstring)."""
    try:
        root = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadPosition("de inhoud is geen geldige JSON") from None
    if not isinstance(root, dict):
        raise BadPosition("de JSON is geen object met device_id en location")
    device = root.get("device_id")
    if not isinstance(device, (str, int)) or isinstance(device, bool) or not str(device).strip():
        raise BadPosition("toestel-id ontbreekt (device_id)")
    location = root.get("location")
    if isinstance(location, list) and len(location) == 1:
        location = location[0]  # the background-geolocation library can batch; one at a time here
    if not isinstance(location, dict):
        raise BadPosition("location ontbreekt of is geen object")
    coords = location.get("coords")
    if not isinstance(coords, dict) or "latitude" not in coords or "longitude" not in coords:
        raise BadPosition("positie ontbreekt (location.coords.latitude en longitude)")
    stamp = location.get("timestamp")
    if isinstance(stamp, (int, float)) and not isinstance(stamp, bool):
        stamp = str(int(stamp))
    if not isinstance(stamp, str) or not stamp.strip():
        raise BadPosition("tijdstip ontbreekt (location.timestamp)")
    battery = location.get("battery") if isinstance(location.get("battery"), dict) else {}
    level = _known(_optional(battery.get("level"), "batterij"))
    speed_mps = _known(_optional(coords.get("speed"), "snelheid"))
    return Position(
        device_id=str(device).strip(),
        ts=parse_timestamp(stamp),
        lat=_number(coords["latitude"], "breedtegraad"),
        lon=_number(coords["longitude"], "lengtegraad"),
        accuracy_m=_known(_optional(coords.get("accuracy"), "nauwkeurigheid")),
        speed_kmh=None if speed_mps is None else speed_mps * MPS_KMH,
        bearing=_known(_optional(coords.get("heading"), "richting")),
        altitude_m=_optional(coords.get("altitude"), "hoogte"),
        battery_pct=None if level is None else min(level, 1.0) * 100,
    )


def check_plausible(
    position: Position,
    received_at: datetime,
    bounds: tuple[float, float, float, float] | None,
    max_future: timedelta,
    max_age: timedelta,
) -> None:
    """The checks that need no stored series: a real place on Earth inside the territory (bounds:
    min_lat, min_lon, max_lat, max_lon, with their margin), a time that is not in the future nor
    older than `max_age` (a phone keeps positions it could not send, but not for ever)."""
    if not (-90 <= position.lat <= 90 and -180 <= position.lon <= 180):
        raise BadPosition(f"positie {position.lat:g}, {position.lon:g} bestaat niet op aarde")
    if position.lat == 0 and position.lon == 0:
        raise BadPosition('positie 0,0 ("null island"): het toestel had geen echte positie')
    if bounds is not None:
        min_lat, min_lon, max_lat, max_lon = bounds
        if not (min_lat <= position.lat <= max_lat and min_lon <= position.lon <= max_lon):
            raise BadPosition(f"positie {position.lat:.5f}, {position.lon:.5f} ligt buiten het grondgebied")
    if position.ts > received_at + max_future:
        raise BadPosition(f"tijdstip {iso(position.ts)} ligt in de toekomst")
    if position.ts < received_at - max_age:
        raise BadPosition(f"tijdstip {iso(position.ts)} is ouder dan {max_age.days} dagen")
    if position.accuracy_m is not None and position.accuracy_m > 100_000:
        raise BadPosition(f"nauwkeurigheid {position.accuracy_m:g} m is geen plaatsbepaling")
