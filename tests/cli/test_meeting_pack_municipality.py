"""`python -m dashboards.report --municipality NIS`: the meeting pack of one municipality of a police zone.

The AMOW zone (Asse, Merchtem, Opwijk, Wemmel) with reports planted in every deelgemeente of Statbel's
ORIGINAL shapefiles (tests/territory_scenes.py) and one defined hot spot in Asse and one in Merchtem.
Merchtem's pack must count Merchtem's planted reports only (counted here from the originals), be framed
on Merchtem's outline, and its text must not name another municipality of the zone or one of their areas.
"""

from __future__ import annotations

import json
import re
import subprocess
import time

import numpy as np
import pytest
import shapely
from territory_scenes import AMOW, MERCHTEM, deelgemeenten_of, originals, reports_csv, sample_points, to_wgs84

from analytics.periods import Period
from civ.store import reading
from dashboards.i18n import t
from dashboards.report.__main__ import main as report_main
from dashboards.report.contents import gather
from etl.cli import main as etl_main

pytestmark = pytest.mark.slow

OTHERS = ("23002", "23060", "23102")  # Asse, Opwijk, Wemmel


def _defined_hotspot(nis: str, name: str) -> dict:
    """A point hot spot at a point well inside the original municipality."""
    towns = originals("gemeente")
    inner = towns[towns["geoitem"] == nis].geometry.iloc[0].buffer(-800).representative_point()
    lat, lon = to_wgs84(np.array([inner.x]), np.array([inner.y]))
    return {
        "type": "Feature",
        "properties": {"name": name, "kind": "plein", "radius_m": 150},
        "geometry": {"type": "Point", "coordinates": [float(lon[0]), float(lat[0])]},
    }


@pytest.fixture(scope="module")
def zone(tmp_path_factory):
    """(store, reports planted per original deelgemeente, the original deelgemeenten)."""
    tmp = tmp_path_factory.mktemp("amow")
    db = tmp / "civ.duckdb"
    assert (
        etl_main(["territory", "set", *sum([["--nis", c] for c in AMOW], []), "--name", "CIV AMOW", "--db", str(db)])
        == 0
    )
    rng = np.random.default_rng(1552)
    parts = deelgemeenten_of(AMOW)
    points = {row.geoitem: sample_points(row.geometry, int(rng.integers(2, 7)), rng) for row in parts.itertuples()}
    path = tmp / "meldingen.csv"
    planted = reports_csv(path, points)
    assert etl_main(["reports", str(path), "--db", str(db)]) == 0
    spots = tmp / "hotspots.geojson"
    spots.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    _defined_hotspot("23002", "Plein Asse-Oost"),
                    _defined_hotspot(MERCHTEM, "Plein Merchtem-Centrum"),
                ],
            }
        ),
        encoding="utf-8",
    )
    assert etl_main(["hotspots", str(spots), "--db", str(db)]) == 0
    return db, planted, parts


def _municipality_of(parts) -> dict[str, str]:
    """Original deelgemeente code -> original municipality holding it (independent of the shipped file)."""
    towns = originals("gemeente")
    return {
        row.geoitem: towns[towns.contains(row.geometry.representative_point())]["geoitem"].iloc[0]
        for row in parts.itertuples()
    }


def test_merchtems_pack_counts_merchtems_reports_only_and_is_framed_on_merchtem(zone):
    db, planted, parts = zone
    owner = _municipality_of(parts)
    in_merchtem = sum(n for code, n in planted.items() if owner[code] == MERCHTEM)
    assert 0 < in_merchtem < sum(planted.values())
    with reading(db) as con:
        pack = gather(con, Period.parse("2026-10"), municipality=MERCHTEM)
        place = t("pack.demo_note", "nl")  # the pack's texts name the municipality, not the zone
        zone_pack = gather(con, Period.parse("2026-10"))
    assert "voor Merchtem:" in place
    assert pack.figures.reports == in_merchtem
    assert sum(row.current for row in pack.compstat) == in_merchtem
    assert zone_pack.figures.reports == sum(planted.values())
    assert pack.cover.municipality == "CIV AMOW — Merchtem"
    assert list(pack.coverage.rows["name"]) == ["Plein Merchtem-Centrum"]
    assert sorted(zone_pack.coverage.rows["name"]) == ["Plein Asse-Oost", "Plein Merchtem-Centrum"]
    # the maps draw Merchtem's outline and areas only, so their frame is Merchtem's bounding box
    geography = pack.geography
    assert [f["properties"]["code"] for f in geography["municipality"]["features"]] == [MERCHTEM]
    drawn = shapely.union_all(
        [
            shapely.geometry.shape(f["geometry"])
            for layer in ("municipality", "areas")
            for f in geography[layer]["features"]
        ]
    )
    merchtem = originals("gemeente").to_crs("EPSG:4326")
    merchtem = merchtem[merchtem["geoitem"] == MERCHTEM].geometry.iloc[0]
    assert np.allclose(drawn.bounds, merchtem.bounds, atol=0.002)  # ~150 m: the shipped file is simplified


def _pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def test_the_pdf_names_merchtem_and_none_of_the_other_municipalities_or_their_areas(zone, tmp_path, capsys):
    db, planted, parts = zone
    out = tmp_path / "merchtem.pdf"
    code = report_main(["--month", "2026-10", "--municipality", MERCHTEM, "--db", str(db), "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    text = " ".join(_pdf_text(out).split())
    assert "CIV AMOW — Merchtem" in text and "Plein Merchtem-Centrum" in text
    owner = _municipality_of(parts)
    towns = originals("gemeente")
    other_names = set(towns[towns["geoitem"].isin(OTHERS)]["naam"])
    # Statbel's original names carry their municipality: 'Zellik (Asse)', 'Asse (Dg.)'
    other_names |= {re.sub(r"\s*\(.*\)$", "", row.naam) for row in parts.itertuples() if owner[row.geoitem] != MERCHTEM}
    assert {"Asse", "Zellik", "Opwijk", "Wemmel"} <= other_names
    for name in sorted(other_names):
        assert name not in text, name


def test_a_municipality_outside_the_territory_exits_2_with_one_line(zone, tmp_path, capsys):
    db, _, _ = zone
    out = tmp_path / "antwerpen.pdf"
    code = report_main(["--month", "2026-10", "--municipality", "11002", "--db", str(db), "--out", str(out)])
    _, err = capsys.readouterr()
    assert code == 2 and err.startswith("fout: ") and len(err.strip().splitlines()) == 1
    assert "11002" in err and "23052 (Merchtem)" in err
    assert not out.exists()


def test_the_compstat_pack_button_makes_the_pack_of_the_municipality_the_area_filter_holds(zone):
    """In the zone, the page's pack follows the area filter: Merchtem or one of its deelgemeenten gives
    Merchtem's pack, the whole zone the zone's (the file name carries the NIS code, as the command line's)."""
    from browser.served_app import callback_body, logged_in_client

    from app import create_app
    from dashboards.report.jobs import jobs as pack_jobs

    db, _, _ = zone
    app = create_app(db)
    with reading(db) as con:
        brussegem = con.execute(
            "SELECT code FROM areas WHERE parent_code = ? AND level = 'submunicipality' LIMIT 1", [MERCHTEM]
        ).fetchone()[0]
    client = logged_in_client(app, "kerngroep")
    names = {}
    for area in (MERCHTEM, brussegem, "all"):
        body = callback_body(
            app,
            "compstat-pack-job.data",
            {
                "compstat-pack.n_clicks": 1,
                "compstat-period.value": "2026-10",
                "compstat-lang.data": "nl",
                "compstat-area.value": area,
            },
        )
        answer = client.post("/_dash-update-component", json=body)
        assert answer.status_code == 200, answer.get_data(as_text=True)[:300]
        job = json.loads(answer.get_data(as_text=True))["response"]["compstat-pack-job"]["data"]["job"]
        deadline = time.monotonic() + 300
        while (state := pack_jobs.status(job))[0] == "running" and time.monotonic() < deadline:
            time.sleep(1)
        assert state[0] == "done"
        names[area] = state[2][1]
    assert names == {
        MERCHTEM: "meeting-pack-2026-10-23052.pdf",
        brussegem: "meeting-pack-2026-10-23052.pdf",
        "all": "meeting-pack-2026-10.pdf",
    }
