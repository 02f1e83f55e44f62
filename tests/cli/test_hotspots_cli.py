"""`python -m analytics hotspots` as the meeting pack and scripts call it: contract keys, stored runs."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from analytics.cli import main

CONTRACT_KEYS = {
    "id",
    "lat",
    "lon",
    "radius_m",
    "geometry",
    "class",
    "emerging",
    "current",
    "expected",
    "p_value",
    "categories",
    "reason",
}
# Near Kobbegem church: a field road where dumping starts in October 2026.
SITE_LAT, SITE_LON = 50.9060, 4.2460


def _csv(rows: list[tuple[str, str, str, float, float]]) -> str:
    lines = ["id;datum;categorie;kanaal;lat;lon"]
    for ident, when, category, lat, lon in rows:
        lines.append(
            f"{ident};{when};{category};post;{str(round(lat, 6)).replace('.', ',')};"
            f"{str(round(lon, 6)).replace('.', ',')}"
        )
    return "\n".join(lines) + "\n"


def _store_rows() -> list:
    """Two years of litter spread over Asse, and 9 dumping reports within 60 m of the site in October 2026."""
    rng = np.random.default_rng(4)
    rows = []
    for index in range(24):
        year, month = divmod(2024 * 12 + 10 + index, 12)
        for k in range(30):
            lat = 50.88 + rng.uniform(0, 0.05)
            lon = 4.17 + rng.uniform(0, 0.11)
            rows.append((f"Z{index}-{k}", f"{1 + k % 27:02d}/{month + 1:02d}/{year} 10:00", "Zwerfvuil", lat, lon))
    for k in range(9):
        north, east = rng.normal(0, 25, 2)
        rows.append(
            (
                f"S{k}",
                f"{3 + 2 * k:02d}/10/2026 09:30",
                "Sluikstort",
                SITE_LAT + north / 111_320,
                SITE_LON + east / (111_320 * math.cos(math.radians(SITE_LAT))),
            )
        )
    return rows


def _load(db, write_file, name: str, rows) -> None:
    from etl.reports import load_reports_file

    load_reports_file(db, write_file(name, _csv(rows)))


def _runs(query) -> int:
    return query("SELECT count(*) FROM hotspot_runs")[0][0]


def test_json_last_line_has_the_contract_and_the_new_site(db, write_file, capsys, query):
    _load(db, write_file, "meldingen.csv", _store_rows())
    assert main(["hotspots", "--month", "2026-10", "--db", str(db), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert rows and all(CONTRACT_KEYS <= set(row) for row in rows)
    new = [row for row in rows if row["emerging"]]
    assert len(new) == 1
    site = new[0]
    assert site["class"] == "new" and site["current"] == 9
    assert math.hypot((site["lat"] - SITE_LAT) * 111_320, (site["lon"] - SITE_LON) * 70_000) < 60
    assert site["geometry"]["type"] == "Polygon"
    assert site["categories"][0]["category"] == "sluikstort"
    assert site["reason"].startswith("9 meldingen sluikstort in oktober 2026 binnen ")
    assert site["reason"].endswith(": nieuw")


def test_the_same_month_and_data_reuse_the_stored_run_and_new_data_make_a_new_one(db, write_file, capsys, query):
    _load(db, write_file, "meldingen.csv", _store_rows())
    assert main(["hotspots", "--month", "2026-10", "--db", str(db)]) == 0
    first = capsys.readouterr().out
    assert "run 1 (nieuw berekend, bewaard)" in first
    assert main(["hotspots", "--month", "2026-10", "--db", str(db)]) == 0
    assert "run 1 (hergebruikt)" in capsys.readouterr().out
    assert _runs(query) == 1
    stored = query("SELECT class, reason FROM hotspot_results WHERE run_id = 1 AND emerging")
    assert [c for c, _ in stored] == ["new"]
    # one more report arrives: the data cut-off moves, the old run stays to compare with
    _load(db, write_file, "extra.csv", [("X1", "20/10/2026 11:00", "Sluikstort", SITE_LAT, SITE_LON)])
    assert main(["hotspots", "--month", "2026-10", "--db", str(db), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert _runs(query) == 2
    assert [r["current"] for r in rows if r["emerging"]] == [10]
    cutoffs = query("SELECT last_batch_id FROM hotspot_runs ORDER BY run_id")
    assert cutoffs[0][0] < cutoffs[1][0]


def test_a_category_limits_the_run(db, write_file, capsys, query):
    _load(db, write_file, "meldingen.csv", _store_rows())
    assert main(["hotspots", "--month", "2026-10", "--category", "zwerfvuil", "--db", str(db), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert not any(row["emerging"] for row in rows)
    assert query("SELECT category FROM hotspot_runs")[0][0] == "zwerfvuil"


def test_unknown_category_and_week_exit_2_with_one_line(db, write_file, capsys):
    _load(db, write_file, "meldingen.csv", _store_rows())
    assert main(["hotspots", "--month", "2026-10", "--category", "kapotte-lamp", "--db", str(db)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("fout: categorie 'kapotte-lamp' onbekend")
    assert main(["hotspots", "--month", "2026-W43", "--db", str(db)]) == 2
    assert capsys.readouterr().err.startswith("fout: hotspots werken per kalendermaand")


def test_missing_store_exits_2(tmp_path, capsys):
    assert main(["hotspots", "--month", "2026-10", "--db", str(tmp_path / "geen.duckdb")]) == 2
    assert "bestaat niet" in capsys.readouterr().err


@pytest.mark.slow
def test_evaluate_json_last_line_has_the_figures(capsys):
    assert main(["evaluate", "--seed", "20111", "--months", "2", "--json"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["months"] == ["2026-09", "2026-10"]
    assert {"recall", "precision", "planted", "stable", "stable_ever_emerging", "null_false_flags", "meets_bar"} <= set(
        result
    )
    # the new dumping site emerges in September: inside these two months, and found
    new = next(spot for spot in result["planted"] if spot["expected_class"] == "new")
    assert new["found_in_emergence_month"] and new["classes"]["2026-10"] == "new"


def test_evaluate_refuses_more_months_than_the_demo_can_test(capsys):
    assert main(["evaluate", "--months", "13"]) == 2
    assert capsys.readouterr().err.startswith("fout: --months moet tussen 1 en 12 liggen")


def test_street_level_reports_count_only_when_asked_and_make_a_run_of_their_own(db, write_file, capsys, query):
    from civ.store import open_for_writing

    _load(db, write_file, "meldingen.csv", _store_rows())
    con = open_for_writing(db)  # the site's reports were placed at their street's middle by the register
    con.execute("UPDATE reports SET location_source = 'street' WHERE source_id LIKE 'S%'")
    con.close()
    assert main(["hotspots", "--month", "2026-10", "--db", str(db), "--json"]) == 0
    default = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert not any(row["emerging"] for row in default)  # a street's middle points at no place
    assert main(["hotspots", "--month", "2026-10", "--street-level", "--db", str(db), "--json"]) == 0
    asked = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert [(r["class"], r["current"]) for r in asked if r["emerging"]] == [("new", 9)]
    used = dict(query("SELECT run_id, reports_used FROM hotspot_runs"))
    street = query("SELECT count(*) FROM reports WHERE location_source = 'street'")[0][0]
    assert used[2] - used[1] == street == 9  # run 1 without them, run 2 with them
