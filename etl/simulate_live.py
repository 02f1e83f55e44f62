"""`python -m etl simulate-live`: the demo's tracks replayed as phones would send them (OsmAnd protocol).

Each simulated device walks one stored (imported) track of the last day with GPS data, one point
per interval, stamped with the current time; even devices speak the query form of Traccar Client
before version 9 (a POST with the position in the URL), odd ones the JSON body of Traccar Client 9+.
The devices are `demo-live-001` … and are registered (each with warden LIVE-n) when they are not yet.
Also the load generator of the live benchmark (benchmarks/live.py).
"""

from __future__ import annotations

import http.client
import json
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from civ import store
from civ.errors import UnusableInput
from etl import live

KNOT_KMH = 1.852


def device_ids(count: int) -> list[str]:
    return [f"demo-live-{i:03d}" for i in range(1, count + 1)]


def ensure_registered(db: str | Path, devices: list[str]) -> list[str]:
    """Register the devices not yet registered (warden LIVE-n); returns those newly registered."""
    with store.reading(db) as con:
        known = {
            row[0] for row in con.execute("SELECT device_id FROM live_devices WHERE revoked_at IS NULL").fetchall()
        }
        lent = {row[0] for row in con.execute("SELECT DISTINCT device_id FROM devices").fetchall()}
    added = []
    for device in devices:
        if device not in known:
            number = int(device.rsplit("-", 1)[1])
            live.register_device(db, device, warden=None if device in lent else f"LIVE-{number}")
            added.append(device)
    return added


def demo_tracks(db: str | Path, count: int) -> list[list[tuple[float, float]]]:
    """`count` tracks (lists of lat, lon) from the imported fixes of the last day with data; when there
    are fewer trackers than devices, devices share a track, each starting at another point."""
    with store.reading(db) as con:
        rows = con.execute("""
            WITH imported AS (
                SELECT f.device_id, f.ts, f.lat, f.lon FROM fixes f
                JOIN import_batches b ON b.batch_id = f.batch_id AND b.format <> 'osmand'
                WHERE NOT f.is_outlier),
            last_day AS (SELECT max(ts) - INTERVAL 1 DAY AS since FROM imported)
            SELECT device_id, list(lat ORDER BY ts), list(lon ORDER BY ts)
            FROM imported, last_day WHERE ts >= since GROUP BY device_id HAVING count(*) >= 10
            ORDER BY device_id""").fetchall()
    if not rows:
        raise UnusableInput("geen demotracks in de databank: laad eerst de demo (python -m etl demo)")
    tracks = []
    for i in range(count):
        _, lats, lons = rows[i % len(rows)]
        start = (i // len(rows)) * 37 % len(lats)
        points = list(zip(lats, lons))
        tracks.append(points[start:] + points[:start])
    return tracks


def query_request(device: str, lat: float, lon: float, moment: datetime, battery: float) -> tuple[str, bytes, dict]:
    """Traccar Client before 9: POST to the server URL with the position as query parameters."""
    params = {
        "id": device,
        "timestamp": int(moment.timestamp()),
        "lat": f"{lat:.6f}",
        "lon": f"{lon:.6f}",
        "speed": f"{1.4 * 3.6 / KNOT_KMH:.2f}",
        "bearing": "0",
        "altitude": "20",
        "accuracy": "8",
        "batt": f"{battery:.0f}",
    }
    return "?" + urlencode(params), b"", {}


def json_request(device: str, lat: float, lon: float, moment: datetime, battery: float) -> tuple[str, bytes, dict]:
    """Traccar Client 9+: a JSON body with the location object of its background-geolocation library."""
    body = {
        "device_id": device,
        "location": {
            "timestamp": moment.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "coords": {"latitude": lat, "longitude": lon, "accuracy": 8, "speed": 1.4, "heading": -1, "altitude": 20},
            "is_moving": True,
            "odometer": 0,
            "event": "motionchange",
            "battery": {"level": battery / 100, "is_charging": False},
            "activity": {"type": "walking"},
            "extras": {},
        },
    }
    return "", json.dumps(body).encode(), {"Content-Type": "application/json"}


@dataclass
class Sent:
    device_id: str
    ts: str  # the position's time, ISO UTC, as in the journal
    status: int  # 0: no answer (connection refused or broken)
    sent_at: float  # time.time()
    answered_at: float
    lat: float
    lon: float


@dataclass
class Replay:
    sent: list[Sent] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def summary(self) -> dict:
        statuses: dict[str, int] = {}
        for s in self.sent:
            statuses[str(s.status)] = statuses.get(str(s.status), 0) + 1
        return {"requests": len(self.sent), "acknowledged": statuses.get("200", 0), "statuses": statuses}


def replay(
    url: str,
    devices: list[str],
    tracks: list[list[tuple[float, float]]],
    interval_s: float,
    duration_s: float | None = None,
    rounds: int | None = None,
    acked_log: Path | None = None,
    stop: threading.Event | None = None,
) -> Replay:
    """Send one position per device every `interval_s` (devices spread over the interval) until
    `duration_s` or `rounds` is reached or `stop` is set."""
    parts = urlsplit(url)
    path = parts.path or "/osmand"
    stop = stop or threading.Event()
    result = Replay()
    log_file = open(acked_log, "a", encoding="utf-8") if acked_log else None
    started = time.monotonic()

    def one_device(index: int) -> None:
        connection = None
        time.sleep(index * interval_s / max(len(devices), 1))
        round_number = 0
        while not stop.is_set():
            if rounds is not None and round_number >= rounds:
                return
            if duration_s is not None and time.monotonic() - started >= duration_s:
                return
            lat, lon = tracks[index][round_number % len(tracks[index])]
            # a receiver's own scatter (under a metre): no two rounds in a row send the very same place,
            # so a watcher of the Live page can tell each position from the one before
            lat, lon = round(lat + (round_number % 5 + 1) * 2e-6, 6), round(lon, 6)
            moment = datetime.now(timezone.utc)
            battery = max(5.0, 100 - round_number * 0.2 - index % 30)
            form = query_request if index % 2 == 0 else json_request
            query, body, headers = form(devices[index], lat, lon, moment, battery)
            sent_at = time.time()
            status = 0
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=30)
                connection.request("POST", path + query, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                if connection is not None:
                    connection.close()
                connection = None
            stamp = (
                moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
                if form is json_request
                else datetime.fromtimestamp(int(moment.timestamp()), timezone.utc)
                .isoformat(timespec="milliseconds")
                .replace("+00:00", "Z")
            )
            record = Sent(devices[index], stamp, status, sent_at, time.time(), lat, lon)
            with result.lock:
                result.sent.append(record)
                if log_file and status == 200:
                    log_file.write(
                        json.dumps(
                            {
                                "device_id": record.device_id,
                                "ts": record.ts,
                                "lat": lat,
                                "lon": lon,
                                "sent_at": record.sent_at,
                                "answered_at": record.answered_at,
                            }
                        )
                        + "\n"
                    )
                    log_file.flush()
            round_number += 1
            next_at = started + index * interval_s / max(len(devices), 1) + round_number * interval_s
            stop.wait(max(0.0, next_at - time.monotonic()))

    threads = [threading.Thread(target=one_device, args=(i,), daemon=True) for i in range(len(devices))]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            while thread.is_alive():
                thread.join(timeout=0.5)
    except KeyboardInterrupt:
        stop.set()
        for thread in threads:
            thread.join(timeout=35)
    finally:
        if log_file:
            log_file.close()
    return result
