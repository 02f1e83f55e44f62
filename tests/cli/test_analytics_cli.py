"""`python -m analytics compstat` as scripts call it."""

from __future__ import annotations

import json

from analytics.cli import main

CSV = (
    "id;datum;categorie;kanaal;lat;lon\n"
    + "".join(f"A{i};0{1 + i % 9}/10/2026 10:00;Sluikstort;post;50,9102;4,1985\n" for i in range(40))
    + "".join(f"B{i};0{1 + i % 9}/10/2025 10:00;Sluikstort;post;50,9102;4,1985\n" for i in range(10))
    + "C1;05/10/2026 10:00;Geluidshinder;post;50,8875;4,2550\n"
)


def test_compstat_json_rows_carry_the_contract_keys(db, write_file, capsys):
    from etl.reports import load_reports_file

    load_reports_file(db, write_file("m.csv", CSV))
    assert main(["compstat", "--month", "2026-10", "--db", str(db), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    by_category = {r["category"]: r for r in rows}
    assert {
        "category",
        "area",
        "current",
        "previous",
        "last_year",
        "ytd",
        "ytd_last_year",
        "pct_change",
        "p_value",
        "flag",
    } <= set(rows[0])
    dumping = by_category["sluikstort"]
    assert (dumping["current"], dumping["last_year"], dumping["flag"], dumping["area"]) == (40, 10, "up", None)
    assert dumping["pct_change"] == 300.0
    noise = by_category["geluidshinder"]
    assert (noise["current"], noise["flag"], noise["pct_change"]) == (1, "none", None)


def test_compstat_by_area(db, write_file, capsys):
    from etl.reports import load_reports_file

    load_reports_file(db, write_file("m.csv", CSV))
    assert main(["compstat", "--month", "2026-10", "--by", "category,area", "--db", str(db), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert {(r["category"], r["area"], r["current"]) for r in rows} == {
        ("sluikstort", "23002A", 40),
        ("geluidshinder", "23002E", 1),
    }


def test_bad_month_exits_2_with_one_line(db, write_file, capsys):
    from etl.reports import load_reports_file

    load_reports_file(db, write_file("m.csv", CSV))
    assert main(["compstat", "--month", "oktober", "--db", str(db)]) == 2
    assert capsys.readouterr().err.startswith("fout: periode 'oktober' onbekend")


def test_missing_store_exits_2(tmp_path, capsys):
    assert main(["compstat", "--month", "2026-10", "--db", str(tmp_path / "geen.duckdb")]) == 2
    assert "bestaat niet" in capsys.readouterr().err
