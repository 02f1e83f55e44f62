"""The store's inventory against hand-counted rows in a small temporary store."""

from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd
import pytest

from analytics import inventory
from analytics.periods import month_bounds
from civ.store import open_for_writing


def _batch(
    con,
    batch_id,
    *,
    kind="reports",
    file_name="f.csv",
    rows_in=0,
    loaded=0,
    quarantined=0,
    duplicates=0,
    is_demo=False,
    finished="2026-11-02 08:00:00+00",
):
    con.execute(
        """INSERT INTO import_batches (batch_id, kind, file_name, file_sha256, format, load_key, started_at,
                                               finished_at, rows_in, loaded, quarantined, duplicates, is_demo)
                   VALUES (?, ?, ?, 'sha', 'canonical', ?, TIMESTAMPTZ '2026-11-02 07:59:00+00', ?, ?, ?, ?, ?, ?)""",
        [batch_id, kind, file_name, f"key{batch_id}", finished, rows_in, loaded, quarantined, duplicates, is_demo],
    )


def _report(con, source_id, reported_at, located=True, batch_id=1):
    con.execute(
        """INSERT INTO reports (source, source_id, batch_id, reported_at, reported_precision, category_code,
                                        channel_code, status, lat, lon, gas_finding, content_hash)
                   VALUES ('canonical', ?, ?, ?, 'minute', 'sluikstort', 'email', 'open', ?, ?, false, 'h')""",
        [source_id, batch_id, reported_at, 50.9 if located else None, 4.2 if located else None],
    )


@pytest.fixture
def con(tmp_path):
    con = open_for_writing(tmp_path / "civ.duckdb")
    yield con
    con.close()


def test_empty_store_has_zero_totals_and_is_empty(con):
    summary = inventory.store_summary(con)
    assert summary["reports"] == 0 and summary["fixes"] == 0 and summary["batches"] == 0
    assert summary["located_share"] is None and summary["data_until"] is None
    assert summary["is_demo"] is False
    assert inventory.is_empty(summary)
    assert inventory.reports_per_month(con).empty
    assert inventory.fixes_summary(con).empty
    assert inventory.quarantine_list(con).empty


def test_report_at_2330_utc_on_31_october_belongs_to_november(con):
    _batch(con, 1)
    _report(con, "a", "2026-10-31 23:30:00+00")  # 01/11 00:30 in Brussels (winter time, UTC+1)
    _report(con, "b", "2026-10-31 22:59:00+00")  # 31/10 23:59 in Brussels
    months = inventory.reports_per_month(con)
    assert [m.strftime("%Y-%m") for m in months["month"]] == ["2026-10", "2026-11"]
    assert months["reports"].tolist() == [1, 1]


def test_report_at_2230_utc_on_31_march_belongs_to_april_in_summer_time(con):
    _batch(con, 1)
    _report(con, "a", "2026-03-31 22:30:00+00")  # 01/04 00:30 in Brussels (summer time, UTC+2)
    _report(con, "b", "2026-03-31 21:30:00+00")  # 31/03 23:30
    months = inventory.reports_per_month(con)
    assert dict(zip(months["month"].dt.month, months["reports"])) == {3: 1, 4: 1}


def test_months_without_reports_are_zero_and_located_is_counted(con):
    _batch(con, 1)
    _report(con, "a", "2026-01-10 10:00:00+00", located=True)
    _report(con, "b", "2026-01-11 10:00:00+00", located=False)
    _report(con, "c", "2026-03-05 10:00:00+00", located=True)
    months = inventory.reports_per_month(con)
    assert months["month"].dt.month.tolist() == [1, 2, 3]
    assert months["reports"].tolist() == [2, 0, 1]
    assert months["located"].tolist() == [1, 0, 1]


def test_store_summary_counts_what_was_inserted(con):
    _batch(con, 1, rows_in=5, loaded=3, quarantined=2, finished="2026-11-02 08:00:00+00")
    _batch(con, 2, kind="fixes", is_demo=True, finished="2026-11-03 09:15:00+00")
    _report(con, "a", "2026-05-01 10:00:00+00", located=True)
    _report(con, "b", "2026-05-02 10:00:00+00", located=False)
    _report(con, "c", "2026-06-30 21:00:00+00", located=True)
    _report(con, "d", "2026-06-01 10:00:00+00", located=True)
    con.execute("INSERT INTO quarantine VALUES (1, 3, 'x', 'r1'), (1, 5, 'y', 'r2')")
    con.execute("INSERT INTO wardens VALUES ('GW-A', 'A'), ('GW-B', 'B'), ('GW-C', 'C')")
    con.execute("""INSERT INTO fixes (device_id, ts, lat, lon, batch_id)
                   SELECT 'T', TIMESTAMPTZ '2026-06-01 08:00:00+00' + i * INTERVAL 1 MINUTE, 50.9, 4.2, 2
                   FROM range(7) t(i)""")
    summary = inventory.store_summary(con)
    assert summary["reports"] == 4 and summary["located"] == 3
    assert summary["located_share"] == pytest.approx(0.75)
    assert summary["fixes"] == 7 and summary["wardens"] == 3 and summary["quarantined"] == 2
    assert summary["hotspots"] == 0 and summary["projects"] == 0 and summary["batches"] == 2
    assert summary["is_demo"] is True
    assert summary["data_until"] == pd.Timestamp("2026-06-30 21:00:00", tz="UTC")
    assert summary["last_import"] == pd.Timestamp("2026-11-03 09:15:00", tz="UTC")
    assert not inventory.is_empty(summary)


def test_fixes_summary_per_holder_with_device_mapping_and_outliers(con):
    _batch(con, 1, kind="fixes")
    con.execute("INSERT INTO wardens VALUES ('GW-A', 'Wacht A')")
    # T1 belongs to GW-A from 1 June; before that its fixes stay with the device itself.
    con.execute("INSERT INTO devices VALUES ('T1', 'GW-A', TIMESTAMPTZ '2026-06-01 00:00:00+00', NULL, 1)")
    con.execute("""INSERT INTO fixes (device_id, ts, lat, lon, batch_id, is_outlier) VALUES
                   ('T1', TIMESTAMPTZ '2026-05-31 23:00:00+00', 50.9, 4.2, 1, false),
                   ('T1', TIMESTAMPTZ '2026-06-01 08:00:00+00', 50.9, 4.2, 1, false),
                   ('T1', TIMESTAMPTZ '2026-06-01 08:01:00+00', 51.9, 4.2, 1, true),
                   ('T1', TIMESTAMPTZ '2026-06-02 17:00:00+00', 50.9, 4.2, 1, false),
                   ('T2', TIMESTAMPTZ '2026-06-03 09:00:00+00', 50.9, 4.2, 1, false)""")
    frame = inventory.fixes_summary(con).set_index("holder")
    assert frame.index.tolist() == ["GW-A", "T1", "T2"]
    assert frame.loc["GW-A", "fixes"] == 3 and frame.loc["GW-A", "outliers"] == 1
    assert frame.loc["GW-A", "display_name"] == "Wacht A" and bool(frame.loc["GW-A", "has_warden"])
    assert frame.loc["GW-A", "first_ts"] == pd.Timestamp("2026-06-01 08:00:00", tz="UTC")
    assert frame.loc["GW-A", "last_ts"] == pd.Timestamp("2026-06-02 17:00:00", tz="UTC")
    assert frame.loc["T1", "fixes"] == 1 and not bool(frame.loc["T1", "has_warden"])
    assert pd.isna(frame.loc["T2", "display_name"])


def test_recent_batches_newest_first_with_limit_and_counts(con):
    for n in range(1, 6):
        _batch(con, n, file_name=f"f{n}.csv", rows_in=10 * n, loaded=9 * n, quarantined=n)
    _batch(con, 6, file_name="bezig.csv", finished=None)  # an unfinished batch is not an import yet
    frame = inventory.recent_batches(con, limit=3)
    assert frame["batch_id"].tolist() == [5, 4, 3]
    assert frame.iloc[0][["rows_in", "loaded", "quarantined"]].tolist() == [50, 45, 5]
    assert "bezig.csv" not in inventory.recent_batches(con)["file_name"].tolist()


def test_quarantine_list_by_batch_in_file_order_with_file_name(con):
    _batch(con, 1, file_name="oud.csv")
    _batch(con, 2, file_name="nieuw.csv")
    con.execute("""INSERT INTO quarantine VALUES
                   (1, 9, 'r9', 'datum 31/02/2026 bestaat niet'),
                   (1, 2, 'r2', 'categorie ontbreekt'),
                   (2, 4, 'r4', 'coördinaten buiten het grondgebied')""")
    everything = inventory.quarantine_list(con)
    assert list(zip(everything["batch_id"], everything["row_number"])) == [(2, 4), (1, 2), (1, 9)]
    one = inventory.quarantine_list(con, batch_id=1)
    assert one["file_name"].tolist() == ["oud.csv", "oud.csv"]
    assert one["reason"].tolist() == ["categorie ontbreekt", "datum 31/02/2026 bestaat niet"]
    assert one["raw_text"].isna().all()  # raw rows may hold a citizen's text: only on request
    assert inventory.quarantine_list(con, batch_id=1, include_raw_text=True)["raw_text"].tolist() == ["r2", "r9"]
    assert len(inventory.quarantine_list(con, limit=2)) == 2
    assert inventory.quarantine_count(con) == 3 and inventory.quarantine_count(con, 1) == 2
    assert inventory.quarantine_list(con, batch_id=99).empty
    batches = inventory.quarantine_batches(con)
    assert batches[["batch_id", "quarantined"]].values.tolist() == [[2, 1], [1, 2]]


def test_quarantine_batch_id_is_a_parameter_not_sql(con):
    _batch(con, 1)
    with pytest.raises(ValueError):
        inventory.quarantine_list(con, batch_id="1 OR 1=1")
    assert len(inventory.quarantine_list(con, batch_id="1")) == 0


def test_month_bounds_are_local_midnights_in_utc():
    assert month_bounds(2026, 11) == (
        datetime(2026, 10, 31, 23, 0, tzinfo=timezone.utc),
        datetime(2026, 11, 30, 23, 0, tzinfo=timezone.utc),
    )
    # March: starts in winter time (UTC+1), ends in summer time (UTC+2).
    assert month_bounds(2026, 3) == (
        datetime(2026, 2, 28, 23, 0, tzinfo=timezone.utc),
        datetime(2026, 3, 31, 22, 0, tzinfo=timezone.utc),
    )
    assert month_bounds(2026, 12)[1] == datetime(2026, 12, 31, 23, 0, tzinfo=timezone.utc)
