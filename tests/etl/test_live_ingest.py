"""Live positions: registered devices only, refusals counted per minute, the journal loses nothing
acknowledged, and the positions reach `fixes` through the rules of every fix import.

The store is the browser tests' small store (tests/browser/served_app.fill_store: Asse's areas,
wardens GW-A and GW-B); every expected count is worked out in the test from what it sent."""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone

import duckdb
import pytest

from civ import accounts
from civ.live_journal import journal_path, read_entries
from etl import live
from tests.browser.served_app import fill_store


@pytest.fixture
def store_db(db):
    fill_store(db)
    con = duckdb.connect(str(db))
    con.execute("SELECT nextval('import_batch_ids') FROM range(3)").fetchall()  # fill_store set ids 1-3 itself
    con.close()
    yield db
    live.close_ingest(db)


def ask(ingest, now, **params):
    return ingest.receive(None, {k: [str(v)] for k, v in params.items()}, b"", "192.0.2.7", now=now)


def stored_live_fixes(query, device):
    return query(
        """SELECT f.ts, f.lat, f.lon, f.accuracy_m, f.speed_kmh FROM fixes f
                    JOIN import_batches b USING (batch_id) WHERE b.format = 'osmand' AND f.device_id = ?
                    ORDER BY f.ts""",
        [device],
    )


def test_the_endpoint_answers_both_forms_200_refuses_strangers_403_and_needs_no_login(store_db, query):
    from app import create_app

    device = live.register_device(store_db, warden="GW-C")
    assert len(device) >= 30  # generated: long and random
    client = create_app(store_db).server.test_client()  # not logged in
    now = datetime.now(timezone.utc).replace(microsecond=0)
    seconds = int(now.timestamp()) - 20
    first = client.post(f"/osmand?id={device}&timestamp={seconds}&lat=50.91&lon=4.2&speed=2&accuracy=6&batt=81")
    body = {
        "device_id": device,
        "location": {
            "timestamp": (now - timedelta(seconds=5)).isoformat().replace("+00:00", "Z"),
            "coords": {
                "latitude": 50.9102,
                "longitude": 4.2,
                "accuracy": 5,
                "speed": 1.0,
                "heading": -1,
                "altitude": 3,
            },
            "battery": {"level": 0.8, "is_charging": False},
        },
    }
    second = client.post("/osmand", data=json.dumps(body), content_type="application/json")
    stranger = client.get("/osmand?id=123456&lat=50.91&lon=4.2")
    assert (first.status_code, second.status_code, stranger.status_code) == (200, 200, 403)
    assert first.get_data() == b""  # Traccar Client reads an empty 200 as done
    assert client.get("/compstat").status_code == 302  # the exemption is /osmand only
    live.ingest_for(store_db).flush()
    rows = stored_live_fixes(query, device)
    assert [(r[1], r[2], r[3]) for r in rows] == [(50.91, 4.2, 6.0), (50.9102, 4.2, 5.0)]
    assert rows[0][4] == pytest.approx(2 * 1.852) and rows[1][4] == pytest.approx(3.6)  # knots, m/s → km/h
    assert query("SELECT battery_pct FROM live_devices WHERE device_id = ?", [device]) == [(80.0,)]


def test_unknown_devices_are_refused_and_audited_once_per_minute(store_db, query):
    ingest = live.LiveIngest(store_db)
    minute = datetime.now(timezone.utc).replace(second=0, microsecond=0) - timedelta(minutes=5)
    answers = [
        ask(ingest, minute + timedelta(seconds=s), id="raad-mij", lat=50.91, lon=4.2).status for s in range(0, 60, 5)
    ]  # 12 requests in one minute
    answers += [ask(ingest, minute + timedelta(seconds=65), id="raad-mij", lat=50.91, lon=4.2).status]
    assert answers == [403] * 13
    ingest.flush(now=minute + timedelta(minutes=3))
    assert query("SELECT minute, status, device_id, requests FROM live_refusals ORDER BY minute") == [
        (minute, 403, "raad-mij", 12),
        (minute + timedelta(minutes=1), 403, "raad-mij", 1),
    ]
    audit = [e for e in accounts.audit_entries(store_db) if e["event"] == "live_refused"]
    assert len(audit) == 2 and {"12 verzoek(en)" in e["detail"] for e in audit} == {True, False}
    assert query("SELECT count(*) FROM fixes WHERE device_id = 'raad-mij'") == [(0,)]


def test_malformed_and_implausible_positions_get_400_are_counted_and_not_stored(store_db, query):
    device = live.register_device(store_db, "toestel-met-een-lang-geheim-1")
    ingest = live.LiveIngest(store_db)
    now = datetime.now(timezone.utc)
    bad = [
        dict(id=device, lat="vijftig", lon=4.2),
        dict(id=device, lon=4.2),
        dict(id=device, lat=37.42, lon=-122.08),
        dict(id=device, lat=50.91, lon=4.2, timestamp=int((now + timedelta(days=1)).timestamp())),
        dict(id=device, lat=50.91, lon=4.2, timestamp=int((now - timedelta(days=900)).timestamp())),
    ]
    assert [ask(ingest, now, **p).status for p in bad] == [400] * 5
    huge = ingest.receive("application/json", {}, b"{" + b" " * 20_000 + b"}", "192.0.2.7", now=now)
    assert huge.status == 400
    assert sum(ingest.counts().values()) == 6
    ingest.flush(now=now, every_minute=True)
    assert query("SELECT sum(requests) FROM live_refusals WHERE status = 400") == [(6,)]
    assert query("SELECT count(*) FROM fixes WHERE device_id = ?", [device]) == [(0,)]
    assert read_entries(journal_path(store_db)) == []


def test_a_flood_from_one_device_gets_429_beyond_its_burst(store_db):
    device = live.register_device(store_db, "toestel-met-een-lang-geheim-2")
    ingest = live.LiveIngest(store_db)
    now = datetime.now(timezone.utc)
    answers = [
        ask(ingest, now, id=device, lat=50.91, lon=4.2, timestamp=int(now.timestamp()) - 500 + i).status
        for i in range(live.RATE_BURST + 20)
    ]
    assert answers.count(200) >= live.RATE_BURST and answers.count(429) >= 15
    assert answers[: live.RATE_BURST] == [200] * live.RATE_BURST


def test_a_crash_before_the_flush_loses_nothing_acknowledged_and_a_crash_after_it_stores_nothing_twice(store_db, query):
    device = live.register_device(store_db, "toestel-met-een-lang-geheim-3")
    now = datetime.now(timezone.utc).replace(microsecond=0)
    crashed = live.LiveIngest(store_db)
    acknowledged = [
        now - timedelta(seconds=300 - 10 * i)
        for i in range(20)
        if ask(
            crashed,
            now,
            id=device,
            lat=50.91 + i * 1e-4,
            lon=4.2,
            timestamp=int((now - timedelta(seconds=300 - 10 * i)).timestamp()),
        ).status
        == 200
    ]
    assert len(acknowledged) == 20
    journal_before = journal_path(store_db).read_bytes()
    # the process dies: no flush, no stop. A new one starts on the same store and journal.
    restarted = live.LiveIngest(store_db)
    result = restarted.flush()
    assert result["loaded"] == 20
    assert [r[0] for r in stored_live_fixes(query, device)] == acknowledged
    # a crash between the commit and the journal's trimming leaves the old lines: they are not stored again
    journal_path(store_db).write_bytes(journal_before)
    again = live.LiveIngest(store_db)
    assert again.flush() is None or again.flush()["rows_in"] == 0
    assert len(stored_live_fixes(query, device)) == 20


def test_the_same_position_twice_is_a_duplicate_and_a_jump_is_flagged_as_in_an_import(store_db, query):
    device = live.register_device(store_db, "toestel-met-een-lang-geheim-4")
    ingest = live.LiveIngest(store_db)
    now = datetime.now(timezone.utc)
    t0 = int(now.timestamp()) - 100
    sent = [
        dict(timestamp=t0, lat=50.9100, lon=4.2000),
        dict(timestamp=t0, lat=50.9100, lon=4.2000),  # repeat
        dict(timestamp=t0 + 10, lat=50.9101, lon=4.2001),
        dict(timestamp=t0 + 20, lat=50.8900, lon=4.2600),  # 4,7 km in 10 s (still in Asse), then back
        dict(timestamp=t0 + 30, lat=50.9102, lon=4.2002),
        dict(timestamp=t0 + 40, lat=50.9103, lon=4.2003),
    ]
    assert [ask(ingest, now, id=device, **p).status for p in sent] == [200] * 6
    result = ingest.flush()
    assert (result["rows_in"], result["loaded"], result["duplicates"]) == (6, 5, 1)
    assert query("SELECT lat FROM fixes WHERE device_id = ? AND is_outlier", [device]) == [(50.89,)]


def test_an_import_while_positions_stream_in_counts_every_row_and_every_position(store_db, query, tmp_path):
    """The import runs as an administrator runs it: `python -m etl fixes` in a process of its own."""
    import subprocess
    import sys

    from conftest import ROOT

    device = live.register_device(store_db, "toestel-met-een-lang-geheim-5")
    ingest = live.LiveIngest(store_db)
    start = datetime(2026, 11, 20, 8, 0, tzinfo=timezone.utc)
    rows = 300_000
    csv = tmp_path / "ronde.csv"
    csv.write_text(
        "device_id,timestamp,lat,lon\n"
        + "".join(
            f"TRK-9,{(start + timedelta(seconds=2 * i)).strftime('%Y-%m-%dT%H:%M:%SZ')},{50.9 + (i % 500) * 1e-5:.5f},4.2\n"
            for i in range(rows)
        )
    )
    importer = subprocess.Popen(
        [sys.executable, "-m", "etl", "fixes", str(csv), "--db", str(store_db), "--json"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    now = datetime.now(timezone.utc).replace(microsecond=0)
    acknowledged, rounds = 0, 0
    while importer.poll() is None or rounds < 8:
        moment = now - timedelta(seconds=400 - 10 * rounds)
        if (
            ask(ingest, now, id=device, lat=50.91, lon=4.2 + rounds * 1e-4, timestamp=int(moment.timestamp())).status
            == 200
        ):
            acknowledged += 1
        ingest.flush()  # some rounds find the store taken: they wait
        rounds += 1
        threading.Event().wait(0.2)
    out, err = importer.communicate(timeout=300)
    assert importer.returncode == 0, err
    ingest.flush()
    assert acknowledged == rounds
    assert json.loads(out.splitlines()[-1])["loaded"] == rows
    assert query("SELECT count(*) FROM fixes WHERE device_id = 'TRK-9'") == [(rows,)]
    assert query("SELECT count(*) FROM fixes WHERE device_id = ?", [device]) == [(acknowledged,)]
    assert query("SELECT sum(rows_in), sum(loaded) FROM import_batches WHERE format = 'osmand'") == [
        (acknowledged, acknowledged)
    ]


def test_live_batches_neither_renew_the_kept_answers_nor_crowd_the_import_list(store_db):
    from analytics.inventory import recent_batches
    from analytics.memo import data_version
    from civ.store import reading

    device = live.register_device(store_db, "toestel-met-een-lang-geheim-6")
    with reading(store_db) as con:
        before, listed_before = data_version(con), recent_batches(con)["batch_id"].tolist()
    ingest = live.LiveIngest(store_db)
    now = datetime.now(timezone.utc)
    for round_number in range(3):  # three flush rounds: three live batches
        assert (
            ask(ingest, now, id=device, lat=50.91, lon=4.2, timestamp=int(now.timestamp()) - 60 + round_number).status
            == 200
        )
        assert ingest.flush()["loaded"] == 1
    with reading(store_db) as con:
        assert data_version(con) == before  # CompStat's kept answers stay valid
        assert recent_batches(con)["batch_id"].tolist() == listed_before
        assert con.execute("SELECT count(*) FROM import_batches WHERE format = 'osmand'").fetchall() == [(3,)]
