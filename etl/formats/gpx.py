"""GPX tracks (GPX 1.0 and 1.1, any namespace) as rows for the fixes staging table.

Every track point (`trkpt`) is a row, timed or not: a point without `<time>` cannot be placed on
a warden's timeline, so it goes to the quarantine ("trackpunt zonder tijdstip") instead of
silently vanishing. Waypoints (`wpt`) and route points (`rtept`) are places, not measurements, so
they are not rows. The tracker is the track's `<name>` (trackers' portals put the IMEI there), or
the device id the caller passes (`--device`, which wins); a point without either is unusable input.
A track name counts as a device only when it looks like one (an IMEI or serial number of 8 to 17
digits, or a code like TRK-101): GPS units name their tracks "ACTIVE LOG" or after the day.

The file is streamed with `iterparse` and finished elements are dropped, so a long track does
not build a whole tree in memory.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from civ.errors import UnusableInput


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


_DEVICE_NAME = re.compile(r"^(\d{8,17}|[A-Za-z]{1,6}-?\d{1,6})$")


def require_device(device: str | None, kind: str) -> str:
    if device is None or not device.strip():
        raise UnusableInput(
            f"een {kind}-bestand noemt geen toestel: geef het toestel op met --device (bijvoorbeeld --device T1)"
        )
    return device.strip()


def _raw_text(point: ET.Element) -> str:
    # Namespace-free and on one line: what a coordinator recognises from the file.
    for element in point.iter():
        element.tag = _local(element.tag)
    point.tail = None
    return re.sub(r">\s+<", "><", ET.tostring(point, encoding="unicode")).strip()


def _child_text(point: ET.Element, name: str) -> str | None:
    for child in point:
        if _local(child.tag) == name:
            return (child.text or "").strip() or None
    return None


def _utc_time(text: str | None) -> str | None:
    # The GPX standard says <time> is UTC; a writer that left out the "Z" still meant UTC,
    # so it must not be read as Brussels time like a naive time in a CSV.
    if text and re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?", text):
        return text + "Z"
    return text


def _speed_kmh(text: str | None) -> str | None:
    # GPX 1.0 <speed> is in metres per second; GPX 1.1 has none (extensions are not read).
    try:
        return None if text is None else repr(float(text) * 3.6)
    except ValueError:
        return text


def read_gpx(path: str | Path, device: str | None) -> list[tuple]:
    """Rows (row_number, raw_text, read_problem, device_id, ts_text, lat_text, lon_text,
    accuracy_text, speed_text); row_number 1 is the first track point of the file."""
    given = device.strip() if device and device.strip() else None
    path = Path(path)
    rows: list[tuple] = []
    stack: list[ET.Element] = []
    track_name = None
    try:
        for event, element in ET.iterparse(path, events=("start", "end")):
            if event == "start":
                if not stack and _local(element.tag) != "gpx":
                    raise UnusableInput(
                        f"{path.name} is geen GPX-bestand (hoofdelement <{_local(element.tag)}>, verwacht <gpx>)"
                    )
                stack.append(element)
                continue
            stack.pop()
            name = _local(element.tag)
            if name == "name" and stack and _local(stack[-1].tag) == "trk":
                text = (element.text or "").strip()
                track_name = text if _DEVICE_NAME.match(text) else None
            if name == "trk":
                track_name = None
            if name == "trkpt":
                if not (given or track_name):
                    raise UnusableInput(
                        f"{path.name}: het spoor heeft geen naam (<trk><name>) die het toestel "
                        f"noemt: geef het toestel op met --device (bijvoorbeeld --device T1)"
                    )
                time_text = _utc_time(_child_text(element, "time"))
                speed = _speed_kmh(_child_text(element, "speed"))
                rows.append(
                    (
                        len(rows) + 1,
                        _raw_text(element),
                        None if time_text else "trackpunt zonder tijdstip",
                        given or track_name,
                        time_text,
                        element.get("lat"),
                        element.get("lon"),
                        None,
                        speed,
                    )
                )
            if name in ("trkpt", "wpt", "rtept") and stack:
                stack[-1].remove(element)
    except ET.ParseError as error:
        raise UnusableInput(f"{path.name} is geen leesbaar GPX-bestand (XML-fout: {error})") from None
    return rows
