"""Build assets/geo/flanders-brussels-boundaries.geojson.gz from Statbel's shapefiles.

    .venv/bin/python tools/build_boundaries.py [--source DIR] [--tolerance-m 5]

Input: `gemeente.shp` (304 municipalities) and `deelgemeente.shp` (1,119 deelgemeenten) of Flanders and
Brussels in Belgian Lambert 72 (EPSG:31370), fields `geoitem` (NIS code) and `naam`. Output: one
gzip'd GeoJSON FeatureCollection in WGS84, coordinates rounded to 5 decimals (about 1 m), each outline
simplified by `--tolerance-m` metres in Lambert 72 before reprojection. Properties:
`nis`, `name` ('Ekeren (Antwerpen)' -> 'Ekeren', 'Asse (Dg.)' -> 'Asse'), `level`
('municipality' or 'submunicipality') and `parent` (the municipality of a deelgemeente).

A deelgemeente keeps the NIS code of the municipality it belonged to before the 2025 mergers, so its
parent is found by place (the municipality holding its representative point), not by its code prefix.

Needs geopandas + pyogrio (requirements-bench.txt); the app reads the result with json + shapely only.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
from pathlib import Path

import geopandas as gpd
import shapely

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE = ROOT.parent.parent / "shared" / "data" / "boundaries" / "original-shapefiles"
OUT = ROOT / "assets" / "geo" / "flanders-brussels-boundaries.geojson.gz"


def clean_name(raw: str) -> str:
    return re.sub(r"\s*\(.*\)\s*$", "", raw).strip()


def _rounded(geometry) -> dict:
    geometry = shapely.set_precision(geometry, 1e-5)
    return json.loads(shapely.to_geojson(geometry))


def build(source: Path, tolerance_m: float) -> dict:
    municipalities = gpd.read_file(source / "gemeente.shp", engine="pyogrio").to_crs("EPSG:31370")
    parts = gpd.read_file(source / "deelgemeente.shp", engine="pyogrio").to_crs("EPSG:31370")
    points = gpd.GeoDataFrame(parts[["geoitem"]], geometry=parts.geometry.representative_point(), crs=parts.crs)
    parent = gpd.sjoin(
        points,
        municipalities[["geoitem", "geometry"]].rename(columns={"geoitem": "parent"}),
        predicate="within",
        how="left",
    )
    missing = parent[parent["parent"].isna()]
    if len(missing):
        raise SystemExit(f"deelgemeenten zonder gemeente: {missing['geoitem'].tolist()}")
    parts["parent"] = parent.set_index("geoitem").loc[parts["geoitem"], "parent"].to_numpy()

    features = []
    for level, frame in (("municipality", municipalities), ("submunicipality", parts)):
        simplified = frame.geometry.simplify(tolerance_m, preserve_topology=True).make_valid()
        wgs84 = gpd.GeoSeries(simplified, crs=frame.crs).to_crs("EPSG:4326")
        for (_, row), geometry in zip(frame.iterrows(), wgs84):
            features.append(
                {
                    "type": "Feature",
                    "properties": {
                        "nis": row["geoitem"],
                        "name": clean_name(row["naam"]),
                        "level": level,
                        "parent": row.get("parent") if level == "submunicipality" else None,
                    },
                    "geometry": _rounded(geometry),
                }
            )
    return {
        "type": "FeatureCollection",
        "name": "statbel-gemeenten-deelgemeenten-vlaanderen-brussel",
        "source": "Statbel (Algemene Directie Statistiek), statistische sectoren 2025",
        "tolerance_m": tolerance_m,
        "features": features,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--tolerance-m", type=float, default=5.0)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    collection = build(args.source, args.tolerance_m)
    text = json.dumps(collection, ensure_ascii=False, separators=(",", ":"))
    # mtime=0: the same shapefiles give the same bytes (a rebuild shows no change in git)
    with gzip.GzipFile(args.out, "wb", compresslevel=9, mtime=0) as handle:
        handle.write(text.encode("utf-8"))
    print(f"{args.out}: {len(collection['features'])} features, {args.out.stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
