"""Which warden carried which tracker when: CSV `device_id,warden[,valid_from,valid_to]`.

A warden is stored under a pseudonymous code (GW-A), never a name: the code must look like one
(letters, a dash, one or two letters or up to four digits), and a new code gets the display name
"Gemeenschapswacht A". Periods run from `valid_from` (empty: since always) up to but not including
`valid_to` (empty: still in use), so a hand-over on 1 April reads `…,01/04/2026` on the old line
and `01/04/2026,` on the new one. Dates are Belgian day-first or ISO, in Brussels time.

Rows are applied in file order, because whether a period overlaps depends on what was accepted
before it:
- the same device, warden and period as a stored or earlier row → duplicate;
- the same device, warden and start as a stored mapping with another end → that mapping is
  replaced (counted loaded and updated): how a period that was left open gets closed;
- a period that overlaps another period of the same device → quarantine, because the fixes of
  that time would belong to two wardens at once.
Field checks (missing, unreadable, end before start) are SQL; the order-dependent overlap pass is
Python over the few rows such a file has.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from civ import store
from civ.errors import UnusableInput
from etl import retry
from etl.batches import remember_replaced
from etl.formats import delimited
from etl.profiles import profile_hash
from etl.tables import skip_problem_sql
from etl.timestamps import DEFAULT_TZ, timestamp_problem_sql, timestamp_sql

CSV_TEMPLATE = "device_id,warden[,valid_from,valid_to]"
CSV_ALIASES = {
    "device_id": ("device_id", "device", "deviceid", "tracker", "tracker_id", "toestel", "toestel_id", "imei"),
    "warden": ("warden", "warden_code", "gemeenschapswacht", "wacht", "code"),
    "valid_from": ("valid_from", "from", "start", "vanaf", "van", "geldig_vanaf"),
    "valid_to": ("valid_to", "to", "end", "tot", "einde", "geldig_tot"),
}
WARDEN_CODE = r"^[A-Z]{1,6}-([A-Z]{1,2}|[0-9]{1,4})$"
DATE_EXPECTED = "dd/mm/jjjj of jjjj-mm-dd"
_LOCAL = zoneinfo.ZoneInfo(DEFAULT_TZ)


def display_name(warden_code: str) -> str:
    """'GW-A' -> 'Gemeenschapswacht A'; other prefixes keep the code (never a real name)."""
    prefix, _, suffix = warden_code.partition("-")
    return f"Gemeenschapswacht {suffix}" if prefix == "GW" else warden_code


@dataclass
class Mapping:
    device_id: str
    warden_code: str
    valid_from: datetime | None
    valid_to: datetime | None
    row_number: int | None = None  # None: already stored

    def overlaps(self, other: Mapping) -> bool:
        return (self.valid_from is None or other.valid_to is None or self.valid_from < other.valid_to) and (
            other.valid_from is None or self.valid_to is None or other.valid_from < self.valid_to
        )

    def same_period(self, other: Mapping) -> bool:
        return (self.warden_code, self.valid_from, self.valid_to) == (
            other.warden_code,
            other.valid_from,
            other.valid_to,
        )

    def describe(self) -> str:
        def day(moment):
            local = moment.astimezone(_LOCAL)
            return local.strftime("%d/%m/%Y" if local.time() == datetime.min.time() else "%d/%m/%Y %H:%M")

        start = f"vanaf {day(self.valid_from)}" if self.valid_from else "sinds altijd"
        end = f"tot {day(self.valid_to)}" if self.valid_to else "zonder einde"
        where = f"rij {self.row_number}" if self.row_number else "al opgeslagen"
        return f"{self.warden_code} {start} {end}, {where}"


def load_devices_file(db: str | Path, path: str | Path, is_demo: bool = False, profile=None) -> store.LoadResult:
    """Load one device → warden mapping file as one batch; see the module docstring for the rules."""
    path = Path(path)
    if not path.is_file():
        raise UnusableInput(f"bestand {path} bestaat niet")
    source = delimited.inspect(path, CSV_ALIASES, ("device_id", "warden"), CSV_TEMPLATE, profile)

    def load(con: duckdb.DuckDBPyConnection, batch_id: int) -> store.BatchCounts:
        if source is None:
            return store.BatchCounts(0, 0, 0, 0)
        delimited.load_lines(con, source, "dv_lines")
        # the profile's skip_rows_matching (a totals row): quarantined with that reason, as for reports
        read_problem = skip_problem_sql(
            con, profile.skip_pattern if profile else None, delimited.field_count_problem_sql(source), "dv_skip"
        )
        con.execute(f"CREATE OR REPLACE TEMP TABLE dv_checked AS {_validation_sql(source, read_problem)}")
        retry.record_source(con, batch_id, source.spelled, source.separator, profile)
        return _apply_in_order(con, batch_id)

    options = {"profile": profile_hash(profile)}
    result = store.run_batch(db, kind="devices", file=path, fmt="csv", options=options, load=load, is_demo=is_demo)
    if source is not None:
        result.columns_used, result.columns_ignored = source.used(), source.ignored()
    return result


def _validation_sql(source: delimited.DelimitedFile, read_problem: str) -> str:
    field = lambda name: f"nullif(trim({delimited.field_sql(source, name)}), '')"
    problems = [
        "CASE WHEN device_id IS NULL THEN 'toestel-id ontbreekt' END",
        "CASE WHEN warden_code IS NULL THEN 'gemeenschapswacht ontbreekt' END",
        f"CASE WHEN NOT regexp_matches(warden_code, '{WARDEN_CODE}') THEN 'gemeenschapswacht ''' || warden_text "
        "|| ''' is geen pseudoniemcode (verwacht bv. GW-A); echte namen horen niet in de databank' END",
        timestamp_problem_sql("from_text", "valid_from", "geldig vanaf", DATE_EXPECTED),
        timestamp_problem_sql("to_text", "valid_to", "geldig tot", DATE_EXPECTED),
        "CASE WHEN valid_to <= valid_from THEN 'geldig tot ' || to_text || ' ligt niet na geldig vanaf ' "
        "|| from_text END",
    ]
    return f"""
        WITH s AS (
            SELECT row_number, {read_problem} AS read_problem,
                   {field("device_id")} AS device_id, {field("warden")} AS warden_text,
                   upper({field("warden")}) AS warden_code,
                   {field("valid_from")} AS from_text, {field("valid_to")} AS to_text
            FROM dv_lines),
        p AS (SELECT *, {timestamp_sql("from_text")} AS valid_from, {timestamp_sql("to_text")} AS valid_to FROM s)
        SELECT row_number, device_id, warden_code, valid_from, valid_to,
               coalesce(read_problem, nullif(concat_ws('; ', {", ".join(problems)}), '')) AS reason
        FROM p"""


def _apply_in_order(con: duckdb.DuckDBPyConnection, batch_id: int) -> store.BatchCounts:
    rows = con.execute("""SELECT row_number, device_id, warden_code, valid_from, valid_to FROM dv_checked
                          WHERE reason IS NULL ORDER BY row_number""").fetchall()
    known: dict[str, list[Mapping]] = {}
    for device_id, warden_code, valid_from, valid_to in con.execute(
        "SELECT device_id, warden_code, valid_from, valid_to FROM devices "
        "WHERE device_id IN (SELECT device_id FROM dv_checked)"
    ).fetchall():
        known.setdefault(device_id, []).append(Mapping(device_id, warden_code, valid_from, valid_to))
    accepted, replaced, conflicts, duplicates = [], [], [], 0
    for number, device_id, warden_code, valid_from, valid_to in rows:
        new = Mapping(device_id, warden_code, valid_from, valid_to, number)
        others = known.setdefault(device_id, [])
        if any(new.same_period(old) for old in others):
            duplicates += 1
            continue
        # a stored mapping with the same warden and start is this row's earlier version
        earlier = next(
            (
                old
                for old in others
                if old.row_number is None and old.warden_code == warden_code and old.valid_from == valid_from
            ),
            None,
        )
        clash = next((old for old in others if old is not earlier and new.overlaps(old)), None)
        if clash:
            conflicts.append(
                (number, f"periode overlapt met een andere koppeling van toestel {device_id} ({clash.describe()})")
            )
            continue
        if earlier:
            others.remove(earlier)
            replaced.append(earlier)
        others.append(new)
        accepted.append(new)
    _write(con, batch_id, accepted, replaced, conflicts)
    quarantined = store.quarantine_rows(
        con,
        batch_id,
        """
        SELECT q.row_number, l.raw_text, q.reason
        FROM (SELECT row_number, reason FROM dv_checked WHERE reason IS NOT NULL
              UNION ALL SELECT row_number, reason FROM dv_conflicts) q
        JOIN dv_lines l ON l.row_number = q.row_number ORDER BY q.row_number""",
    )
    rows_in = store.scalar(con, "SELECT count(*) FROM dv_checked")
    return store.BatchCounts(
        rows_in=rows_in, loaded=len(accepted), quarantined=quarantined, duplicates=duplicates, updated=len(replaced)
    )


def _write(
    con, batch_id: int, accepted: list[Mapping], replaced: list[Mapping], conflicts: list[tuple[int, str]]
) -> None:
    for old in replaced:
        where = (
            "device_id = ? AND warden_code = ? AND valid_from IS NOT DISTINCT FROM ? "
            "AND valid_to IS NOT DISTINCT FROM ?"
        )
        remember_replaced(
            con, batch_id, "devices", where, [old.device_id, old.warden_code, old.valid_from, old.valid_to]
        )  # for etl batches undo
        con.execute(
            """DELETE FROM devices WHERE device_id = ? AND warden_code = ?
                       AND valid_from IS NOT DISTINCT FROM ? AND valid_to IS NOT DISTINCT FROM ?""",
            [old.device_id, old.warden_code, old.valid_from, old.valid_to],
        )
    for m in accepted:
        con.execute(
            "INSERT INTO devices (device_id, warden_code, valid_from, valid_to, batch_id) VALUES (?, ?, ?, ?, ?)",
            [m.device_id, m.warden_code, m.valid_from, m.valid_to, batch_id],
        )
    for code in sorted({m.warden_code for m in accepted}):
        con.execute(
            "INSERT OR IGNORE INTO wardens (warden_code, display_name) VALUES (?, ?)", [code, display_name(code)]
        )
    frame = pd.DataFrame(conflicts, columns=["row_number", "reason"]).astype({"row_number": "int64"})
    con.register("dv_conflict_frame", frame)
    con.execute("""CREATE OR REPLACE TEMP TABLE dv_conflicts AS
                   SELECT CAST(row_number AS BIGINT) AS row_number, CAST(reason AS VARCHAR) AS reason
                   FROM dv_conflict_frame""")
    con.unregister("dv_conflict_frame")
