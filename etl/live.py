"""Live positions pushed from phones (OsmAnd protocol): check, journal, answer, and every few seconds
one batch into the store.

A request becomes one of:
- 400: not a usable position (etl/formats/osmand.py says why: unreadable, no place, outside the
  territory, in the future, older than MAX_AGE, a body over MAX_BODY_BYTES);
- 403: a device id that is not registered (`python -m etl devices add ID --live`) or was revoked;
- 429: a registered device sending faster than RATE_PER_SECOND (beyond a burst of RATE_BURST, what a
  phone that was offline sends at once);
- 200 without a position: `valid=false` (the phone had no fix), answered so the app stops retrying;
- 200: the position is in the journal beside the store, fsync'd (civ/live_journal.py).
Every answer but a stored position is counted per minute, answer and reason in `live_refusals`,
and an unknown device gets one audit entry per minute (never one per request: a phone with a wrong
id retries all day).

Every FLUSH_SECONDS the journal's new positions go into `fixes` in one transaction with their
import batch (format 'osmand', file 'live'), through the rules of every fix import (duplicates,
same time elsewhere, impossible jumps flagged, accuracy kept); the last battery level goes to
`live_devices`. The store is opened only for that short write: while an import holds it, the
positions wait in the journal (and the Live page reads them there).
"""

from __future__ import annotations

import logging
import re
import secrets
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import duckdb

from civ import accounts, store
from civ.errors import UnusableInput
from civ.live_journal import JOURNAL_NAME, Journal, flushed_seq, journal_path
from etl import fixes
from etl.devices import WARDEN_CODE, display_name
from etl.formats import osmand

FLUSH_SECONDS = 3.0
FLUSH_WAIT_SECONDS = 2.0  # a longer wait means an import holds the store: try again next round
RATE_PER_SECOND = 1.0
RATE_BURST = 60
MAX_FUTURE = timedelta(minutes=10)  # a phone's clock may run a little ahead
MAX_AGE = timedelta(days=7)  # Traccar Client keeps positions it could not send; not for ever
TERRITORY_MARGIN_DEG = 0.05  # about 5 km around the territory's outline box
MAX_COUNTED_KEYS = 1000  # distinct (answer, reason, device) per minute; more are lumped together
GENERATED_ID_BYTES = 24  # 32 characters: the id is the device's secret
MIN_ID_LENGTH = 4
log = logging.getLogger(__name__)


@dataclass
class Answer:
    status: int
    text: str = ""


def _minute(moment: datetime) -> datetime:
    return moment.replace(second=0, microsecond=0)


def _reason_kind(reason: str) -> str:
    """'tijdstip 2031-01-01T00:00:00.000Z ligt in de toekomst' → 'tijdstip … ligt in de toekomst': one
    counter per kind of problem, not per value."""
    return re.sub(r"'[^']*'|-?\d[\d.,:TZ+\-]*", "…", reason)[:200]


class LiveIngest:
    """The live endpoint's state for one store: registered devices, rate buckets, counters, journal."""

    def __init__(self, db: str | Path):
        self.db = Path(db)
        self._lock = threading.Lock()
        self._flush_lock = threading.Lock()
        self._devices: set[str] = set()
        self._bounds: tuple[float, float, float, float] | None = None
        self._buckets: dict[str, tuple[float, float]] = {}
        self._counts: dict[tuple, list] = {}
        self._schema_ready = False
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.flushed = 0
        self.refresh_registry()
        self.journal = Journal(journal_path(self.db), start_after=self.flushed)

    # -- what the store says: devices, territory, how far the journal is stored ----------------------
    def refresh_registry(self) -> None:
        if not self.db.exists():
            return
        try:
            with store.reading(self.db) as con:
                self.flushed = max(self.flushed, flushed_seq(con))
                devices = {
                    row[0]
                    for row in con.execute("SELECT device_id FROM live_devices WHERE revoked_at IS NULL").fetchall()
                }
                box = store.first_row(con, "SELECT min(min_lat), min(min_lon), max(max_lat), max(max_lon) FROM areas")
        except (UnusableInput, duckdb.CatalogException) as error:
            log.info("live: register nog niet leesbaar: %s", error)
            return
        with self._lock:
            self._devices = devices
            if box and None not in box:
                m = TERRITORY_MARGIN_DEG
                self._bounds = (box[0] - m, box[1] - m, box[2] + m, box[3] + m)

    # -- one request ----------------------------------------------------------------------------------
    def receive(
        self,
        content_type: str | None,
        query: dict[str, list[str]],
        body: bytes,
        remote_addr: str | None = None,
        now: datetime | None = None,
    ) -> Answer:
        now = now or datetime.now(timezone.utc)
        if len(body) > osmand.MAX_BODY_BYTES:
            return self._refuse(now, 400, f"inhoud groter dan {osmand.MAX_BODY_BYTES} bytes", None, remote_addr)
        try:
            position = osmand.decode(content_type, query, body, now)
        except osmand.BadPosition as error:
            return self._refuse(now, 400, str(error), None, remote_addr)
        device = position.device_id
        with self._lock:
            known = device in self._devices
        if not known:
            return self._refuse(now, 403, "onbekend toestel", device[:128], remote_addr)
        if not self._take_token(device, time.monotonic()):
            return self._refuse(now, 429, "te veel posities per seconde", device, remote_addr)
        if not position.valid:
            self._count(now, 200, "geen GPS-positie (valid=false): niet opgeslagen", device, remote_addr)
            return Answer(200)
        try:
            osmand.check_plausible(position, now, self._bounds, MAX_FUTURE, MAX_AGE)
        except osmand.BadPosition as error:
            return self._refuse(now, 400, str(error), device, remote_addr)
        try:
            self.journal.append(position.journal_entry(now))
        except OSError as error:  # disk full or gone: the phone keeps it and sends it again
            log.error("live: journal niet beschreven: %s", error)
            return self._refuse(now, 503, "journaal niet beschrijfbaar", device, remote_addr)
        return Answer(200)

    def _take_token(self, device: str, clock: float) -> bool:
        with self._lock:
            tokens, last = self._buckets.get(device, (float(RATE_BURST), clock))
            tokens = min(float(RATE_BURST), tokens + (clock - last) * RATE_PER_SECOND)
            if tokens < 1:
                self._buckets[device] = (tokens, clock)
                return False
            self._buckets[device] = (tokens - 1, clock)
            return True

    def _count(self, now: datetime, status: int, reason: str, device: str | None, address: str | None) -> None:
        key = (_minute(now), status, _reason_kind(reason), device)
        with self._lock:
            if key not in self._counts and len(self._counts) >= MAX_COUNTED_KEYS:
                key = (key[0], status, "te veel verschillende weigeringen", None)
            entry = self._counts.setdefault(key, [0, address])
            entry[0] += 1

    def _refuse(self, now, status: int, reason: str, device, address) -> Answer:
        self._count(now, status, reason, device, address)
        return Answer(status, reason)

    def counts(self) -> dict[tuple, int]:
        """The refusals not yet written to the store: (minute, status, reason, device) → requests."""
        with self._lock:
            return {key: value[0] for key, value in self._counts.items()}

    def _take_finished_minutes(self, now: datetime, every: bool) -> dict[tuple, list]:
        with self._lock:
            taken = {k: v for k, v in self._counts.items() if every or k[0] < _minute(now)}
            for key in taken:
                del self._counts[key]
            return taken

    def _put_back(self, taken: dict[tuple, list]) -> None:
        with self._lock:
            for key, (requests, address) in taken.items():
                entry = self._counts.setdefault(key, [0, address])
                entry[0] += requests

    # -- into the store -------------------------------------------------------------------------------
    def flush(self, now: datetime | None = None, every_minute: bool = False) -> dict | None:
        """Write the journal's new positions and the finished minutes' refusals in one transaction.

        Returns what was written ({'batch_id', 'rows_in', 'loaded', …}) or None (nothing to write, or
        the store is busy: then everything waits for the next round)."""
        now = now or datetime.now(timezone.utc)
        with self._flush_lock:
            entries = [e for e in self.journal.entries() if e["seq"] > self.flushed]
            refusals = self._take_finished_minutes(now, every_minute)
            if not entries and not refusals:
                return None
            if store.import_running(self.db):  # the positions wait in the journal until it is done
                self._put_back(refusals)
                return None
            try:
                con = store.connect(self.db, wait_seconds=FLUSH_WAIT_SECONDS)
            except store.StoreBusy:
                self._put_back(refusals)
                return None
            except duckdb.IOException as error:
                # seen while another process checkpointed the store (its WAL "does not match"): the
                # positions wait in the journal, the next round tries again
                log.warning("live: databank niet te openen, volgende ronde opnieuw: %s", error)
                self._put_back(refusals)
                return None
            try:
                if not self._schema_ready:
                    store.migrate(con)
                    self._schema_ready = True
                result = self._write(con, entries, refusals, now)
            except BaseException:
                self._put_back(refusals)
                raise
            finally:
                con.close()
            if entries:
                self.flushed = max(self.flushed, result["last_seq"])
                self.journal.drop_through(self.flushed)
        self._audit_unknown_devices(refusals)
        return result

    def _write(self, con: duckdb.DuckDBPyConnection, entries: list[dict], refusals: dict, now: datetime) -> dict:
        con.execute("BEGIN TRANSACTION")
        try:
            result: dict = {"batch_id": None, "rows_in": 0, "last_seq": self.flushed}
            done = flushed_seq(con)
            entries = [e for e in entries if e["seq"] > done]  # stored already before a crash
            if entries:
                result = self._write_positions(con, entries, now)
            elif done > self.flushed:
                result["last_seq"] = done
            rows = [(key[0], key[1], key[2], key[3], value[0]) for key, value in refusals.items()]
            if rows:
                con.executemany(
                    "INSERT INTO live_refusals (minute, status, reason, device_id, requests) VALUES (?, ?, ?, ?, ?)",
                    rows,
                )
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
        return result

    def _write_positions(self, con, entries: list[dict], now: datetime) -> dict:
        first, last = entries[0]["seq"], entries[-1]["seq"]
        batch_id = store.scalar(
            con,
            """
            INSERT INTO import_batches (kind, file_name, file_sha256, format, load_key, started_at)
            VALUES ('fixes', 'live', '', 'osmand', ?, ?) RETURNING batch_id""",
            [f"live|{first}-{last}|{secrets.token_hex(8)}", now],
        )
        rows = [
            (
                e["seq"],
                _raw_text(e),
                None,
                e["device_id"],
                e["ts"],
                repr(float(e["lat"])),
                repr(float(e["lon"])),
                _text(e.get("accuracy_m")),
                _text(e.get("speed_kmh")),
            )
            for e in entries
        ]
        counts = fixes.load_rows(con, batch_id, rows)
        con.execute(
            """UPDATE import_batches SET finished_at = now(), rows_in = ?, loaded = ?, quarantined = ?,
                              duplicates = ? WHERE batch_id = ?""",
            [counts.rows_in, counts.loaded, counts.quarantined, counts.duplicates, batch_id],
        )
        latest: dict[str, dict] = {}
        for e in entries:
            if e.get("battery_pct") is not None and (
                e["device_id"] not in latest or e["ts"] >= latest[e["device_id"]]["ts"]
            ):
                latest[e["device_id"]] = e
        for device, e in latest.items():
            con.execute(
                """UPDATE live_devices SET battery_pct = ?, battery_at = ?::TIMESTAMPTZ
                           WHERE device_id = ? AND (battery_at IS NULL OR battery_at <= ?::TIMESTAMPTZ)""",
                [e["battery_pct"], e["ts"], device, e["ts"]],
            )
        con.execute(
            "INSERT OR REPLACE INTO live_journal_state (journal, flushed_seq) VALUES (?, ?)", [JOURNAL_NAME, last]
        )
        return {
            "batch_id": batch_id,
            "rows_in": counts.rows_in,
            "loaded": counts.loaded,
            "quarantined": counts.quarantined,
            "duplicates": counts.duplicates,
            "last_seq": last,
        }

    def _audit_unknown_devices(self, refusals: dict) -> None:
        for (minute, status, _reason, device), (requests, address) in refusals.items():
            if status != 403:
                continue
            try:
                accounts.audit(
                    self.db,
                    None,
                    "live_refused",
                    f"onbekend toestel '{(device or '')[:40]}': {requests} verzoek(en) in de minuut "
                    f"van {minute:%H:%M} UTC",
                    address,
                )
            except Exception as error:  # the audit store busy: the counts are in live_refusals
                log.warning("live: audit niet geschreven: %s", error)

    # -- the background round -------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="live-flush", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(FLUSH_SECONDS):
            try:
                self.refresh_registry()
                self.flush()
            except Exception as error:  # never let the round die: the journal keeps everything
                log.exception("live: wegschrijven mislukt: %s", error)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
        try:
            self.flush(every_minute=True)
        finally:
            self.journal.close()


def _text(value) -> str | None:
    return None if value is None else repr(float(value))


def _raw_text(entry: dict) -> str:
    return (
        f"live {entry['ts']} {entry['lat']},{entry['lon']} nauwkeurigheid={entry.get('accuracy_m')} "
        f"snelheid={entry.get('speed_kmh')}"
    )


_ingests: dict[Path, LiveIngest] = {}
_ingests_lock = threading.Lock()


def ingest_for(db: str | Path) -> LiveIngest:
    """The one live ingest of this process for the store `db` (two would write one journal twice)."""
    key = Path(db).resolve()
    with _ingests_lock:
        if key not in _ingests:
            _ingests[key] = LiveIngest(db)
        return _ingests[key]


def close_ingest(db: str | Path) -> None:
    with _ingests_lock:
        ingest = _ingests.pop(Path(db).resolve(), None)
    if ingest is not None:
        ingest.stop()


# -- registration ---------------------------------------------------------------------------------------
def register_device(
    db: str | Path,
    device_id: str | None = None,
    warden: str | None = None,
    by: str | None = None,
    now: datetime | None = None,
) -> str:
    """Let a device push live positions; returns its id (a long random one when none is given).

    With `warden`, the device is lent to that warden from now on (a `devices` mapping without end),
    unless it already has a mapping that is still open then."""
    now = now or datetime.now(timezone.utc)
    device_id = (device_id or "").strip() or secrets.token_urlsafe(GENERATED_ID_BYTES)
    if len(device_id) < MIN_ID_LENGTH or len(device_id) > 128 or not re.fullmatch(r"[A-Za-z0-9._:~-]+", device_id):
        raise UnusableInput(
            f"toestel-id '{device_id[:40]}' moet {MIN_ID_LENGTH} tot 128 letters, cijfers of . _ : ~ - zijn"
        )
    code = (warden or "").strip().upper() or None
    if code is not None and not re.fullmatch(WARDEN_CODE, code):
        raise UnusableInput(f"gemeenschapswacht '{warden}' is geen pseudoniemcode (verwacht bv. GW-A)")
    con = store.open_for_writing(db)
    try:
        con.execute("BEGIN TRANSACTION")
        try:
            active = store.scalar(
                con, "SELECT count(*) FROM live_devices WHERE device_id = ? AND revoked_at IS NULL", [device_id]
            )
            if active:
                raise UnusableInput(f"toestel '{device_id}' is al geregistreerd")
            con.execute("DELETE FROM live_devices WHERE device_id = ?", [device_id])
            con.execute(
                "INSERT INTO live_devices (device_id, registered_at, registered_by) VALUES (?, ?, ?)",
                [device_id, now, by],
            )
            if code is not None:
                _lend(con, device_id, code, now)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.close()
    accounts.audit(db, by, "live_device_added", f"toestel …{device_id[-4:]}" + (f" → {code}" if code else ""))
    return device_id


def _lend(con, device_id: str, code: str, now: datetime) -> None:
    open_mapping = store.first_row(
        con,
        """SELECT warden_code FROM devices WHERE device_id = ?
                                           AND (valid_to IS NULL OR valid_to > ?)""",
        [device_id, now],
    )
    if open_mapping:
        raise UnusableInput(
            f"toestel '{device_id}' is al gekoppeld aan {open_mapping[0]}; sluit die koppeling "
            "eerst af met python -m etl devices BESTAND"
        )
    batch_id = store.scalar(
        con,
        """INSERT INTO import_batches (kind, file_name, file_sha256, format, load_key,
                                        started_at, finished_at, rows_in, loaded)
                                    VALUES ('devices', 'registratie', '', 'live', ?, ?, ?, 1, 1) RETURNING batch_id""",
        [f"devices|live|{device_id}|{now.isoformat()}", now, now],
    )
    con.execute(
        "INSERT INTO devices (device_id, warden_code, valid_from, valid_to, batch_id) VALUES (?, ?, ?, NULL, ?)",
        [device_id, code, now, batch_id],
    )
    con.execute("INSERT OR IGNORE INTO wardens (warden_code, display_name) VALUES (?, ?)", [code, display_name(code)])


def revoke_device(db: str | Path, device_id: str, by: str | None = None) -> None:
    con = store.open_for_writing(db)
    try:
        changed = store.scalar(
            con,
            """UPDATE live_devices SET revoked_at = now() WHERE device_id = ?
                                       AND revoked_at IS NULL RETURNING 1""",
            [device_id],
        )
    finally:
        con.close()
    if not changed:
        raise UnusableInput(f"toestel '{device_id}' is niet geregistreerd")
    accounts.audit(db, by, "live_device_revoked", f"toestel …{device_id[-4:]}")


def registered_devices(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """The registered devices with their warden now and last battery (ids shown in full: beheer only)."""
    rows = con.execute("""
        SELECT l.device_id, l.registered_at, l.revoked_at, l.battery_pct, l.battery_at,
               (SELECT any_value(d.warden_code) FROM devices d WHERE d.device_id = l.device_id
                  AND (d.valid_from IS NULL OR d.valid_from <= now()) AND (d.valid_to IS NULL OR d.valid_to > now()))
        FROM live_devices l ORDER BY l.registered_at""").fetchall()
    return [
        {
            "device_id": r[0],
            "registered_at": r[1],
            "revoked_at": r[2],
            "battery_pct": r[3],
            "battery_at": r[4],
            "warden": r[5],
        }
        for r in rows
    ]
