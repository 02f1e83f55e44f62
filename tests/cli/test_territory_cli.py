"""`etl territory set/show`, `etl areas load`, `etl demo remove` end to end on temporary stores.

Expected areas and counts come from Statbel's original shapefiles (tests/territory_scenes.py), never
from the shipped simplified file the code reads.
"""

from __future__ import annotations

import json
import re

import numpy as np
import pytest
import shapely
from territory_scenes import (
    AMOW,
    MERCHTEM,
    deelgemeenten_of,
    originals,
    reports_csv,
    sample_points,
    to_wgs84,
)

from analytics.cli import main as analytics_main
from civ import accounts
from etl.cli import main as etl_main


def run(capsys, *argv) -> tuple[int, dict | list | None, str]:
    code = etl_main(list(argv))
    out, err = capsys.readouterr()
    lines = out.strip().splitlines()
    return code, (json.loads(lines[-1]) if code == 0 and "--json" in argv and lines else None), err


def analytics(capsys, *argv):
    assert analytics_main(list(argv)) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def rng():
    return np.random.default_rng(15)


def _planted(tmp_path, municipalities, rng, per_area=7, outside=()):
    """A reports file: `per_area` points in each original deelgemeente, plus `outside` points."""
    parts = deelgemeenten_of(municipalities)
    points = {row.geoitem: sample_points(row.geometry, per_area, rng) for row in parts.itertuples()}
    for n, (x, y) in enumerate(outside):
        points[f"outside-{n}"] = np.array([[x, y]])
    path = tmp_path / "meldingen.csv"
    return path, reports_csv(path, points), parts


def test_merchtem_reports_get_merchtems_deelgemeenten_and_compstat_lists_them(db, tmp_path, capsys, query, rng):
    code, summary, err = run(capsys, "territory", "set", "--nis", MERCHTEM, "--db", str(db), "--json")
    assert code == 0, err
    assert summary["name"] == "CIV Merchtem"
    assert summary["municipalities"] == [{"nis": MERCHTEM, "name": "Merchtem"}]
    assert {a["name"] for a in summary["areas"]} == {"Merchtem", "Brussegem", "Hamme"}
    # a point in Asse 2 km from Merchtem's border, and one in Brussegem
    towns = originals("gemeente")
    merchtem = towns[towns["geoitem"] == MERCHTEM].geometry.iloc[0]
    asse = towns[towns["geoitem"] == "23002"].geometry.iloc[0]
    far = asse.buffer(-2000).representative_point()
    assert far.distance(merchtem) > 1500
    path, planted, parts = _planted(tmp_path, (MERCHTEM,), rng, outside=[(far.x, far.y)])
    assert etl_main(["reports", str(path), "--db", str(db), "--json"]) == 0
    capsys.readouterr()
    by_area = dict(query("SELECT area_code, count(*) FROM reports GROUP BY 1"))
    assert by_area == {code: n for code, n in planted.items() if not code.startswith("outside")}
    assert by_area["23052B"] == planted["23052B"]  # Brussegem
    reasons = [r for (r,) in query("SELECT reason FROM quarantine")]
    assert len(reasons) == 1 and "ligt buiten het grondgebied: Merchtem" in reasons[0]

    table = analytics(capsys, "compstat", "--month", "2026-10", "--by", "area", "--db", str(db), "--json")
    assert {row["area_name"] for row in table} == {"Merchtem", "Brussegem", "Hamme"}

    code, shown, _ = run(capsys, "territory", "show", "--db", str(db), "--json")
    assert code == 0 and shown == {k: summary[k] for k in ("name", "municipalities", "areas", "bbox")}
    west, south, east, north = shown["bbox"]
    lat, lon = to_wgs84(*np.array(merchtem.exterior.coords).T)
    assert (
        west <= lon.min() + 1e-4
        and east >= lon.max() - 1e-4
        and south <= lat.min() + 1e-4
        and north >= lat.max() - 1e-4
    )
    events = [e["event"] for e in accounts.audit_entries(db)]
    assert "territory_set" in events


def test_zone_compstat_per_municipality_adds_up_to_the_zone(db, tmp_path, capsys, query, rng):
    assert etl_main(["territory", "set", *sum([["--nis", c] for c in AMOW], []), "--db", str(db)]) == 0
    path, planted, parts = _planted(tmp_path, AMOW, rng, per_area=3)
    assert etl_main(["reports", str(path), "--db", str(db)]) == 0
    capsys.readouterr()
    # independent: which original municipality holds each deelgemeente
    towns = originals("gemeente")
    expected = {}
    for row in parts.itertuples():
        town = towns[towns.contains(row.geometry.representative_point())]["geoitem"].iloc[0]
        expected[town] = expected.get(town, 0) + planted[row.geoitem]
    table = analytics(capsys, "compstat", "--month", "2026-10", "--by", "municipality", "--db", str(db), "--json")
    per_town = {row["area"]: row["current"] for row in table}
    assert per_town == expected
    total = analytics(capsys, "compstat", "--month", "2026-10", "--db", str(db), "--json")
    assert sum(per_town.values()) == sum(row["current"] for row in total) == sum(planted.values())
    # the filter on one municipality of the zone counts that municipality only
    merchtem = analytics(capsys, "compstat", "--month", "2026-10", "--area", MERCHTEM, "--db", str(db), "--json")
    assert sum(row["current"] for row in merchtem) == expected[MERCHTEM]


def _areas_file(path, crs_lambert: bool, polygons: dict[str, shapely.Polygon]) -> None:
    """A GeoJSON of the test's own areas, in Lambert 72 metres (with --crs) or WGS84."""
    features = []
    for name, polygon in polygons.items():
        if not crs_lambert:
            lat, lon = to_wgs84(*np.array(polygon.exterior.coords).T)
            polygon = shapely.Polygon(np.column_stack([lon, lat]))
        features.append(
            {"type": "Feature", "properties": {"WIJK": name}, "geometry": shapely.geometry.mapping(polygon)}
        )
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")


def test_own_areas_reassign_every_stored_report_as_an_independent_count_does(db, tmp_path, capsys, query, rng):
    assert etl_main(["territory", "set", "--nis", MERCHTEM, "--db", str(db)]) == 0
    path, planted, parts = _planted(tmp_path, (MERCHTEM,), rng, per_area=40)
    assert etl_main(["reports", str(path), "--db", str(db)]) == 0
    towns = originals("gemeente")
    merchtem = towns[towns["geoitem"] == MERCHTEM].geometry.iloc[0]
    west, south, east, north = merchtem.bounds
    middle = (west + east) / 2
    halves = {
        "West": shapely.box(west - 50, south - 50, middle, north + 50).intersection(merchtem.buffer(50)),
        "Oost": shapely.box(middle, south - 50, east + 50, north + 50).intersection(merchtem.buffer(50)),
    }
    halves = {k: (v if v.geom_type == "Polygon" else max(v.geoms, key=lambda g: g.area)) for k, v in halves.items()}
    areas = tmp_path / "wijken.geojson"
    _areas_file(areas, True, halves)
    code, summary, err = run(
        capsys, "areas", "load", str(areas), "--name-field", "WIJK", "--crs", "EPSG:31370", "--db", str(db), "--json"
    )
    assert code == 0, err
    assert sorted(a["name"] for a in summary["areas"]) == ["Oost", "West"]
    # independent count: the stored points, in Lambert 72, against the test's own halves
    from pyproj import Transformer

    rows = query("SELECT lat, lon, area_code FROM reports")
    x, y = Transformer.from_crs("EPSG:4326", "EPSG:31370", always_xy=True).transform(
        [r[1] for r in rows], [r[0] for r in rows]
    )
    expected = {
        name: int(shapely.contains_xy(polygon, np.array(x), np.array(y)).sum()) for name, polygon in halves.items()
    }
    got = dict(query("SELECT a.name, count(*) FROM reports r JOIN areas a ON a.code = r.area_code GROUP BY 1"))
    assert got == expected and sum(got.values()) == len(rows)
    assert "areas_loaded" in [e["event"] for e in accounts.audit_entries(db)]


def _state(query):
    return (
        query("SELECT code, name, level FROM areas ORDER BY code"),
        query("SELECT key, value FROM settings WHERE key LIKE 'territory%' ORDER BY key"),
        query("SELECT source_id, area_code FROM reports ORDER BY source_id"),
    )


@pytest.mark.parametrize("problem", ["unknown_nis", "missing_field", "unknown_crs", "not_overlapping"])
def test_unusable_input_exits_2_with_one_line_and_changes_nothing(db, tmp_path, capsys, query, rng, problem):
    assert etl_main(["territory", "set", "--nis", MERCHTEM, "--db", str(db)]) == 0
    path, _, parts = _planted(tmp_path, (MERCHTEM,), rng, per_area=2)
    assert etl_main(["reports", str(path), "--db", str(db)]) == 0
    capsys.readouterr()
    before = _state(query)
    own = {"Centrum": parts.geometry.iloc[0]}
    areas = tmp_path / "wijken.geojson"
    if problem == "unknown_nis":
        argv = ["territory", "set", "--nis", "99999", "--db", str(db)]
    elif problem == "missing_field":
        _areas_file(areas, True, own)
        argv = ["areas", "load", str(areas), "--name-field", "NAAM_WIJK", "--crs", "EPSG:31370", "--db", str(db)]
    elif problem == "unknown_crs":
        _areas_file(areas, True, own)
        argv = ["areas", "load", str(areas), "--name-field", "WIJK", "--crs", "EPSG:999999", "--db", str(db)]
    else:  # Lambert metres read as degrees: nowhere near Merchtem
        _areas_file(areas, True, {"Ver weg": shapely.affinity.translate(own["Centrum"], 80_000, 0)})
        argv = ["areas", "load", str(areas), "--name-field", "WIJK", "--crs", "EPSG:31370", "--db", str(db)]
    assert etl_main(argv) == 2
    out, err = capsys.readouterr()
    assert err.startswith("fout: ") and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert _state(query) == before


def test_demo_remove_takes_out_the_demo_imports_and_keeps_the_centres_own(db, tmp_path, capsys, query, rng):
    from etl.reports import load_reports_file

    assert etl_main(["territory", "set", "--nis", MERCHTEM, "--db", str(db)]) == 0
    own, planted, parts = _planted(tmp_path, (MERCHTEM,), rng, per_area=2)
    demo = tmp_path / "demo.csv"
    reports_csv(demo, {"d": np.array([[p.x, p.y] for p in parts.representative_point()])}, start_day=2)
    demo.write_text(re.sub(r"(?m)^T", "D", demo.read_text(encoding="utf-8")), encoding="utf-8")
    load_reports_file(db, demo, is_demo=True)
    load_reports_file(db, own)
    assert query("SELECT count(*) FROM reports")[0][0] == sum(planted.values()) + len(parts)
    code, removed, err = run(capsys, "demo", "remove", "--db", str(db), "--json")
    assert code == 0, err
    assert removed["batches"] == 1 and removed["rows"]["meldingen"] == len(parts)
    assert query("SELECT count(*) FROM reports")[0][0] == sum(planted.values())
    assert query("SELECT count(*) FROM import_batches WHERE is_demo")[0][0] == 0
    assert "demo_removed" in [e["event"] for e in accounts.audit_entries(db)]


@pytest.mark.slow
def test_a_hot_spot_straddling_the_asse_merchtem_border_is_found_once(db, tmp_path, capsys, rng):
    assert etl_main(["territory", "set", *sum([["--nis", c] for c in AMOW], []), "--db", str(db)]) == 0
    towns = originals("gemeente")
    asse = towns[towns["geoitem"] == "23002"].geometry.iloc[0]
    merchtem = towns[towns["geoitem"] == MERCHTEM].geometry.iloc[0]
    border = asse.boundary.intersection(merchtem.boundary)
    centre = shapely.line_merge(border).interpolate(0.5, normalized=True) if border.geom_type != "Point" else border
    # background: two reports per deelgemeente per month for 13 months, then 30 in 40 m around the border point
    parts = deelgemeenten_of(AMOW)
    points, months = {}, {}
    for month in range(13):
        label = f"{(9 + month) % 12 + 1:02d}/{2025 + (9 + month) // 12}"
        for row in parts.itertuples():
            points[f"{row.geoitem}-{month}"] = sample_points(row.geometry, 2, rng)
            months[f"{row.geoitem}-{month}"] = label
    angle, distance = rng.uniform(0, 2 * np.pi, 30), 40 * np.sqrt(rng.uniform(0, 1, 30))
    cluster = np.column_stack([centre.x + distance * np.cos(angle), centre.y + distance * np.sin(angle)])
    sides = shapely.contains_xy(asse, cluster[:, 0], cluster[:, 1])
    assert 5 < sides.sum() < 25, "the planted cluster lies on both sides of the border"
    points["cluster"] = cluster
    path = tmp_path / "meldingen.csv"
    reports_csv(path, points, months=months)
    assert etl_main(["reports", str(path), "--db", str(db)]) == 0
    capsys.readouterr()
    found = analytics(capsys, "hotspots", "--month", "2026-10", "--category", "sluikstort", "--db", str(db), "--json")
    lat, lon = to_wgs84(np.array([centre.x]), np.array([centre.y]))
    near = [
        h for h in found if shapely.geometry.shape(h["geometry"]).buffer(0.0005).contains(shapely.Point(lon[0], lat[0]))
    ]
    assert len(near) == 1, found
