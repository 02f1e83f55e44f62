"""`python -m analytics trends` and `python -m analytics effect` as scripts call them: the JSON
contracts of the README, exit 2 with one line for unusable input."""

from __future__ import annotations

import json

import pytest

from analytics.cli import main


def month_csv() -> str:
    """Zellik: month k of 2024–2025 (k = 1..24) holds k sluikstort reports, on the 10th at 10:00."""
    lines = ["id;datum;categorie;kanaal;lat;lon"]
    n = 0
    for k in range(1, 25):
        year, month = 2024 + (k - 1) // 12, (k - 1) % 12 + 1
        for _ in range(k):
            n += 1
            lines.append(f"S{n};10/{month:02d}/{year} 10:00;Sluikstort;e-mail;50,8876;4,2709")
    lines.append("X1;01/01/2024 09:00;Graffiti;post;50,9102;4,1985")  # the span: 1 Jan 2024 …
    lines.append("X2;31/12/2025 15:00;Graffiti;post;50,9102;4,1985")  # … to 31 Dec 2025
    return "\n".join(lines) + "\n"


@pytest.fixture
def store(db, write_file):
    from etl.reports import load_reports_file

    result = load_reports_file(db, write_file("m.csv", month_csv()))
    assert result.quarantined == 0
    return db


def test_trends_json_has_the_series_band_and_trend(store, capsys):
    assert main(["trends", "--category", "Sluikstort", "--area", "Zellik", "--db", str(store), "--json"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert {"label", "kind", "trend", "sentence", "harmonics", "dispersion", "notes", "series"} <= set(out)
    assert out["label"] == "Sluikstort in Zellik" and out["kind"] == "month"
    assert [row["count"] for row in out["series"]] == list(range(1, 25))
    first, last = out["series"][0], out["series"][-1]
    assert (first["code"], first["start"], first["end"]) == ("2024-01", "2024-01-01", "2024-01-31")
    assert last["code"] == "2025-12" and last["last_year"] == 12
    assert out["series"][11]["ma12"] == pytest.approx(6.5)
    assert set(first) == {
        "code",
        "start",
        "end",
        "count",
        "ma12",
        "last_year",
        "expected",
        "lower",
        "upper",
        "p_value",
        "anomaly",
    }
    assert {
        "direction",
        "pct_per_year",
        "pct_lower",
        "pct_upper",
        "reports_per_year",
        "p_value",
        "mk_tau",
        "mk_p_value",
        "sen_slope_per_year",
        "sen_lower",
        "sen_upper",
        "total",
    } == set(out["trend"])
    assert out["trend"]["direction"] == "stijgt" and out["trend"]["total"] == 300
    assert out["sentence"].startswith("Sluikstort in Zellik stijgt met ongeveer ")
    assert all(r["lower"] <= r["expected"] <= r["upper"] for r in out["series"])


def test_trends_text_starts_with_the_sentence(store, capsys):
    assert main(["trends", "--category", "sluikstort", "--kind", "week", "--db", str(store)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Sluikstort")
    assert any(line.startswith("2024-W01") for line in lines)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--category", "kapotte lantaarn"], "fout: categorie 'kapotte lantaarn' onbekend; gekend: "),
        (["--area", "Brussel"], "fout: deelgemeente 'Brussel' onbekend; gekend: "),
        (["--years", "9"], "fout: --years moet tussen 0 en 5 liggen"),
    ],
)
def test_trends_unusable_input_exits_2_with_one_line(store, capsys, args, message):
    assert main(["trends", *args, "--db", str(store)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(message) and err.count("\n") == 1


@pytest.mark.slow
def test_effect_json_gives_the_estimate_and_the_counts_it_rests_on(capsys, demo_data):
    db, truth = demo_data
    assert main(["effect", "--project", "Hondenpoepactie Zellik", "--db", str(db), "--json"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert {
        "project",
        "type",
        "start",
        "end",
        "categories",
        "area",
        "area_kind",
        "area_name",
        "design",
        "comparison",
        "kind",
        "level",
        "before_target",
        "phase",
        "effect_pct",
        "lower",
        "upper",
        "p_value",
        "verdict",
        "verdict_code",
        "sentence",
        "differ_p",
        "dispersion",
        "notes",
        "note_codes",
        "phases",
        "series",
    } == set(out)
    assert (out["project"], out["area"], out["area_kind"], out["categories"]) == (
        "Hondenpoepactie Zellik",
        "23002E",
        "area",
        ["hondenpoep"],
    )
    assert out["lower"] < out["effect_pct"] < out["upper"] < 0
    assert out["verdict"] == "minder meldingen"
    assert {p["phase"] for p in out["phases"]} == {"before", "since_start", "during", "after"}
    assert set(out["phases"][0]) == {
        "phase",
        "first",
        "last",
        "periods",
        "target",
        "comparison",
        "expected",
        "effect_pct",
        "lower",
        "upper",
        "p_value",
        "verdict_code",
    }
    monthly = next(p for p in truth["projects"] if p["name"] == "Hondenpoepactie Zellik")["target_monthly"]
    assert [row["target"] for row in out["series"]] == list(monthly.values())
    assert set(out["series"][0]) == {"code", "start", "phase", "target", "comparison", "expected"}


@pytest.mark.slow
def test_effect_without_a_measurable_effect_gives_no_number(capsys, demo_data):
    db, _ = demo_data
    assert main(["effect", "--project", "verkeersweek scholen", "--db", str(db), "--json"]) == 0
    out = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert out["project"] == "Verkeersweek scholen" and out["kind"] == "week"
    assert out["verdict"] == "geen meetbaar effect"
    assert out["effect_pct"] is None and out["lower"] is None and out["upper"] is None
    assert "te weinig meldingen" in out["sentence"]


@pytest.mark.slow
def test_effect_text_and_an_unknown_project(capsys, demo_data):
    db, _ = demo_data
    assert main(["effect", "--project", "Laat je huisnummer zien", "--db", str(db)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Laat je huisnummer zien: tijdens het project ongeveer ")
    assert any(line.startswith("tijdens") for line in out)
    assert main(["effect", "--project", "Kerstmarkt", "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("fout: project 'Kerstmarkt' onbekend; gekend: 'Veiligheidsconvenant De Lijn/NMBS'")


def test_effect_on_a_missing_store_exits_2(tmp_path, capsys):
    assert main(["effect", "--project", "x", "--db", str(tmp_path / "geen.duckdb")]) == 2
    assert "bestaat niet" in capsys.readouterr().err
