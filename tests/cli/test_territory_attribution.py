"""The maps' attribution names the source of the boundaries they draw: Statbel's, plus the file of a
centre's own areas once `etl areas load` replaced the deelgemeenten (the areas come from the ORIGINAL
shapefiles, tests/territory_scenes.py)."""

from __future__ import annotations

import json

import shapely
from territory_scenes import deelgemeenten_of

from civ import territory
from civ.store import reading
from dashboards import branding
from etl.cli import main as etl_main


def test_the_attribution_adds_the_own_areas_file_to_statbel(db, tmp_path, capsys):
    with reading(db) as con:
        before = branding.from_store(con)["boundary_source"]
    assert before == territory.STATBEL_SOURCE
    parts = deelgemeenten_of(("23002",))
    areas = tmp_path / "wijken-asse.geojson"
    areas.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": {"WIJK": f"Wijk {n}"}, "geometry": shapely.geometry.mapping(g)}
                    for n, g in enumerate(parts.geometry)
                ],
            }
        ),
        encoding="utf-8",
    )
    assert etl_main(["areas", "load", str(areas), "--name-field", "WIJK", "--crs", "EPSG:31370", "--db", str(db)]) == 0
    capsys.readouterr()
    with reading(db) as con:
        after = branding.from_store(con)["boundary_source"]
    assert after == f"{territory.STATBEL_SOURCE} + wijken-asse.geojson"
