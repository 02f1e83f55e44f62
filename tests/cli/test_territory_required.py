"""A store without a territory refuses loads (never the demo's Asse in silence), and a project's area
outside the territory is quarantined with the territory's name, on the outline with its tolerance.

Points and the municipalities expected to hold them come from Statbel's ORIGINAL shapefiles
(tests/territory_scenes.py), never from the shipped simplified file the code reads.
"""

from __future__ import annotations

import json
import re

import duckdb
import numpy as np
import pytest
import shapely
from territory_scenes import AMOW, MERCHTEM, deelgemeenten_of, originals, reports_csv, sample_points, to_wgs84

from civ import accounts
from etl.cli import main as etl_main

ASSE = "23002"


@pytest.fixture(scope="module")
def rng():
    return np.random.default_rng(1515)


def _refused(capsys, argv: list[str]) -> str:
    assert etl_main(argv) == 2
    out, err = capsys.readouterr()
    assert err.startswith("fout: ") and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    return err.strip()


def _nothing_written(db) -> None:
    if not db.exists():
        return
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM import_batches").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM hotspots").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM areas").fetchone()[0] == 0
        assert con.execute("SELECT count(*) FROM settings WHERE key LIKE 'territory%'").fetchone()[0] == 0
    finally:
        con.close()


def _town(nis: str):
    towns = originals("gemeente")
    return towns[towns["geoitem"] == nis].geometry.iloc[0]


def test_reports_into_a_store_without_territory_are_refused_with_the_municipalities_their_points_propose(
    bare_db, tmp_path, capsys, rng
):
    # 100 points in Merchtem, 12 in Asse and one stray point in Wemmel (under 1 % of the points: not proposed)
    points = {
        "merchtem": sample_points(_town(MERCHTEM), 100, rng),
        "asse": sample_points(_town(ASSE), 12, rng),
        "wemmel": sample_points(_town("23102"), 1, rng),
    }
    path = tmp_path / "meldingen.csv"
    planted = reports_csv(path, points)
    err = _refused(capsys, ["reports", str(path), "--db", str(bare_db)])
    assert err.startswith(
        "fout: stel eerst het grondgebied in: python -m etl territory set --nis 23052 --nis 23002 ("
    ), err
    assert "Merchtem (23052, 100 punten) en Asse (23002, 12 punten)" in err and "Wemmel" not in err
    _nothing_written(bare_db)
    # the command it proposes, then the same file: every row loaded but the stray one, outside
    proposed = re.search(r"territory set ((?:--nis \d{5} ?)+)", err).group(1).split()
    assert etl_main(["territory", "set", *proposed, "--db", str(bare_db)]) == 0
    assert etl_main(["reports", str(path), "--db", str(bare_db), "--json"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["loaded"] == planted["merchtem"] + planted["asse"] and result["quarantined"] == 1


def test_a_file_without_located_rows_is_refused_with_the_plain_instruction(bare_db, write_file, capsys):
    path = write_file(
        "zonder-plaats.csv",
        "id;datum;categorie;kanaal;lat;lon;status;afgesloten_op;deelgemeente;omschrijving;gas;melder\n"
        "A1;01/10/2026 10:00;Sluikstort;e-mail;;;open;;;;;\n",
    )
    err = _refused(capsys, ["reports", str(path), "--db", str(bare_db)])
    assert err.startswith("fout: stel eerst het grondgebied in: python -m etl territory set --nis CODE")
    _nothing_written(bare_db)


def _point_feature(name: str, lat: float, lon: float) -> dict:
    return {
        "type": "Feature",
        "properties": {"name": name, "radius_m": 60},
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }


def _geojson(path, features: list[dict]) -> None:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")


def test_hot_spots_and_projects_into_a_store_without_territory_are_refused(bare_db, tmp_path, capsys, rng):
    xy = sample_points(_town(MERCHTEM), 2, rng, margin_m=300)
    lat, lon = to_wgs84(xy[:, 0], xy[:, 1])
    spots = tmp_path / "hotspots.geojson"
    _geojson(spots, [_point_feature(f"Plein {n}", la, lo) for n, (la, lo) in enumerate(zip(lat, lon))])
    err = _refused(capsys, ["hotspots", str(spots), "--db", str(bare_db)])
    assert "python -m etl territory set --nis 23052 (" in err and "Merchtem (23052, 2 punten)" in err
    projects = tmp_path / "projecten.csv"
    projects.write_text("name,type,start,end,categories,area\nProject,actie,01/10/2026,,,\n", encoding="utf-8")
    err = _refused(capsys, ["projects", str(projects), "--db", str(bare_db)])
    assert err.startswith("fout: stel eerst het grondgebied in: python -m etl territory set --nis CODE")
    _nothing_written(bare_db)


def test_the_demo_sets_its_territory_explicitly_and_keeps_a_centres_own(bare_db, tmp_path, capsys):
    from etl.demo import ensure_demo_territory

    assert ensure_demo_territory(bare_db) is True
    assert etl_main(["territory", "show", "--db", str(bare_db), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert shown["municipalities"] == [{"nis": ASSE, "name": "Asse"}]
    assert [e["event"] for e in accounts.audit_entries(bare_db)].count("territory_set") == 1
    own = tmp_path / "eigen" / "civ.duckdb"
    assert etl_main(["territory", "set", "--nis", MERCHTEM, "--db", str(own)]) == 0
    assert ensure_demo_territory(own) is False
    assert etl_main(["territory", "show", "--db", str(own), "--json"]) == 0
    assert json.loads(capsys.readouterr().out.strip().splitlines()[-1])["name"] == "CIV Merchtem"


def _just_outside(inner, outer, metres: float) -> tuple[float, float]:
    """(lat, lon) of a point `metres` outside `inner`'s border, inside the neighbour `outer`."""
    ring = inner.buffer(metres).exterior
    for fraction in np.linspace(0, 1, 400, endpoint=False):
        point = ring.interpolate(fraction, normalized=True)
        if outer.buffer(-5).contains(point):
            lat, lon = to_wgs84(np.array([point.x]), np.array([point.y]))
            return float(lat[0]), float(lon[0])
    raise AssertionError("no point found")


def test_a_projects_area_outside_the_territory_is_quarantined_with_the_territorys_name(db, tmp_path, capsys, query):
    merchtem, asse = _town(MERCHTEM), _town(ASSE)
    # hot spots loaded while the territory was the zone; then the territory becomes Merchtem alone
    assert etl_main(["territory", "set", *sum([["--nis", c] for c in AMOW], []), "--db", str(db)]) == 0
    near, far = _just_outside(merchtem, asse, 40), _just_outside(merchtem, asse, 600)
    inside = deelgemeenten_of((MERCHTEM,)).geometry.iloc[0].buffer(-300).representative_point()
    lat, lon = to_wgs84(np.array([inside.x]), np.array([inside.y]))
    spots = tmp_path / "hotspots.geojson"
    _geojson(
        spots,
        [
            _point_feature("Grens dichtbij", *near),
            _point_feature("Grens ver", *far),
            _point_feature("Dorpsplein", float(lat[0]), float(lon[0])),
        ],
    )
    assert etl_main(["hotspots", str(spots), "--db", str(db)]) == 0
    assert etl_main(["territory", "set", "--nis", MERCHTEM, "--db", str(db)]) == 0
    capsys.readouterr()
    rows = [
        ("In Brussegem", "Brussegem"),
        ("In Zellik", "Zellik"),
        ("Aan de grens", "Grens dichtbij"),
        ("Over de grens", "Grens ver"),
        ("Op het plein", "Dorpsplein"),
        ("Nergens", "Nergenshuizen"),
    ]
    projects = tmp_path / "projecten.csv"
    projects.write_text(
        "name,type,start,end,categories,area\n" + "".join(f"{n},actie,01/10/2026,,,{a}\n" for n, a in rows),
        encoding="utf-8",
    )
    assert etl_main(["projects", str(projects), "--db", str(db), "--json"]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["loaded"] == 3 and result["quarantined"] == 3
    loaded = {name for (name,) in query("SELECT name FROM projects")}
    assert loaded == {"In Brussegem", "Aan de grens", "Op het plein"}
    reasons = {row_number: reason for row_number, reason in query("SELECT row_number, reason FROM quarantine")}
    assert reasons[2] == "gebied 'Zellik' ligt buiten het grondgebied: Merchtem"
    assert reasons[4] == "hotspot 'Grens ver' ligt buiten het grondgebied: Merchtem"
    assert "Nergenshuizen" in reasons[6] and "buiten het grondgebied" not in reasons[6]
    # the tolerance: the two border points' distances to Merchtem, measured on the original outline
    assert shapely.Point(*_lambert(near)).distance(merchtem) < 100 < shapely.Point(*_lambert(far)).distance(merchtem)


def _lambert(lat_lon: tuple[float, float]) -> tuple[float, float]:
    from pyproj import Transformer

    lat, lon = lat_lon
    return Transformer.from_crs("EPSG:4326", "EPSG:31370", always_xy=True).transform(lon, lat)
