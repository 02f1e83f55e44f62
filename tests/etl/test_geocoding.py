"""Addresses to places: a small register in BOSA's real column layout, reports in the spellings clerks use.

The register is written by the test (Lambert 72 CSV and Lambert 2008 zip, as BOSA published before and
since October 2026); the expected point of every report is worked out here from the register rows,
not from the code's output.
"""

from __future__ import annotations

import io
import json
import math
import zipfile
from pathlib import Path

import pytest
import shapely.geometry
from conftest import ROOT
from pyproj import Transformer

from etl.cli import main
from etl.reports import load_reports_file

HEADER_72 = (
    "EPSG:31370_x,EPSG:31370_y,EPSG:4326_lat,EPSG:4326_lon,address_id,box_number,house_number,"
    "municipality_id,municipality_name_de,municipality_name_fr,municipality_name_nl,postcode,postname_fr,"
    "postname_nl,street_id,streetname_de,streetname_fr,streetname_nl,region_code,status"
)
HEADER_2008 = HEADER_72.replace("EPSG:31370_", "EPSG:3812_")


@pytest.fixture(autouse=True)
def asse_territory(db):
    """The register is loaded for the territory's municipalities: Asse, as a centre sets it first."""
    from civ.territory import set_territory

    set_territory(db, ["23002"])


def _area_point(name: str) -> tuple[float, float]:
    """A point well inside a sub-municipality of Asse (lat, lon), from the boundary file the store uses."""
    features = json.loads((ROOT / "assets/geo/asse-submunicipalities-wgs84.geojson").read_text())["features"]
    shape = next(shapely.geometry.shape(f["geometry"]) for f in features if f["properties"]["naam"].startswith(name))
    point = shape.representative_point()
    return point.y, point.x


ASSE = _area_point("Asse")
ZELLIK = _area_point("Zellik")


def _street(street_id, name, base, postcode, postname, numbers, status="current", step=0.0004):
    """Addresses along a street from `base`, one every `step` degrees east; numbers as (house, box, status)."""
    rows = []
    for i, entry in enumerate(numbers):
        house, box, state = entry if len(entry) == 3 else (*entry, status)
        number = int("".join(ch for ch in house if ch.isdigit()))
        rows.append(
            {
                "address_id": f"{street_id}-{house}-{box or '0'}",
                "street_id": street_id,
                "street": name,
                "house": house,
                "box": box or "",
                "postcode": postcode,
                "postname": postname,
                "status": state,
                "lat": round(base[0] + 0.0001 * (number % 2), 6),  # odd numbers on the other side
                "lon": round(base[1] + step * i, 6),
            }
        )
    return rows


REGISTER = (
    _street(
        "1001",
        "Kerkstraat",
        ASSE,
        "1730",
        "Asse",
        [
            ("10", ""),
            ("12", ""),
            ("12", "0001"),
            ("12", "0002"),
            ("12A", ""),
            ("14", ""),
            ("16", "", "retired"),
            ("18", ""),
            ("5", ""),
        ],
    )
    + _street("1002", "Kerkstraat", ZELLIK, "1731", "Zellik", [("3", ""), ("5", ""), ("7", "")])
    + _street(
        "1003",
        "Brusselsesteenweg",
        (ASSE[0] - 0.003, ASSE[1]),
        "1730",
        "Asse",
        [("1", ""), ("3", ""), ("5", ""), ("7", ""), ("9", ""), ("11", ""), ("13", "")],
    )
    + _street("1004", "Sint-Jansplein", (ASSE[0] + 0.003, ASSE[1]), "1730", "Asse", [("1", ""), ("3", ""), ("5", "")])
    + _street("1005", "Stationsstraat", (ASSE[0] - 0.006, ASSE[1]), "1730", "Asse", [("2", ""), ("4", "")])
    + _street("1006", "Nieuwstraat", (ASSE[0] + 0.006, ASSE[1]), "1730", "Asse", [("1", "")])
    + _street("1007", "Nieuwestraat", (ZELLIK[0] + 0.003, ZELLIK[1]), "1731", "Zellik", [("1", "")])
    + _street("1008", "Gemeenteplein", (ASSE[0] + 0.009, ASSE[1]), "1730", "Asse", [("1", "")], status="proposed")
)


def register_csv(header: str = HEADER_72, rows=REGISTER, nis: str = "23002", lat_lon_swapped: bool = False) -> str:
    epsg = "EPSG:31370" if "31370" in header else "EPSG:3812"
    to_projected = Transformer.from_crs("EPSG:4326", epsg, always_xy=True)
    lines = [header]
    for r in rows:
        x, y = to_projected.transform(r["lon"], r["lat"])
        lat, lon = (r["lon"], r["lat"]) if lat_lon_swapped else (r["lat"], r["lon"])
        lines.append(
            f"{x:.3f},{y:.3f},{lat},{lon},{r['address_id']},{r['box']},{r['house']},{nis},,Asse,Asse,"
            f"{r['postcode']},,{r['postname']},{r['street_id']},,,{r['street']},BE-VLG,{r['status']}"
        )
    return "\n".join(lines) + "\n"


def register_zip(path: Path, text: str) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("openaddress-bevlg.csv", text)
    return path


def point(street_id: str, house: str, box: str = "") -> tuple[float, float]:
    row = next(r for r in REGISTER if (r["street_id"], r["house"], r["box"]) == (street_id, house, box))
    return row["lat"], row["lon"]


def street_middle(street_id: str) -> tuple[float, float]:
    """The street's address nearest (in metres) to the mean of its kept addresses (the lower number on a tie)."""
    rows = [r for r in REGISTER if r["street_id"] == street_id and r["status"] != "retired"]
    mean_lat = sum(r["lat"] for r in rows) / len(rows)
    mean_lon = sum(r["lon"] for r in rows) / len(rows)
    best = min(
        rows,
        key=lambda r: (
            round(math.hypot(r["lat"] - mean_lat, (r["lon"] - mean_lon) * math.cos(math.radians(mean_lat))), 9),
            int(r["house"]),
        ),
    )
    return best["lat"], best["lon"]


def nearest_same_side(street_id: str, number: int) -> tuple[float, float]:
    rows = [
        r
        for r in REGISTER
        if r["street_id"] == street_id
        and r["status"] != "retired"
        and not r["box"]
        and r["house"].isdigit()
        and int(r["house"]) % 2 == number % 2
    ]
    best = min(rows, key=lambda r: (abs(int(r["house"]) - number), int(r["house"])))
    return best["lat"], best["lon"]


def distance_m(a, b) -> float:
    return math.hypot((a[0] - b[0]) * 111_320, (a[1] - b[1]) * 111_320 * math.cos(math.radians(a[0])))


REPORT_HEADER = "id;datum;categorie;straat;huisnummer;postcode;deelgemeente;adres;lat;lon\n"
# id, street, number, postcode, place, address text, lat, lon -> the expected point and how it was placed
CASES = {
    "R01": (("Kerkstr.", "12 bus 2", "", "Asse", "", "", ""), point("1001", "12", "0002"), "address"),
    "R02": (("kerkstraat", "12/1", "1730", "", "", "", ""), point("1001", "12", "0001"), "address"),
    "R03": (("KERKSTRAAT", "12a", "", "Asse", "", "", ""), point("1001", "12A"), "address"),
    "R04": (("Kerkstraat", "5", "", "Zellik", "", "", ""), point("1002", "5"), "address"),
    "R05": (("Kerkstraat", "5", "", "", "", "", ""), None, None),  # two Kerkstraten
    "R06": (("Brusselse Stwg", "7", "", "", "", "", ""), point("1003", "7"), "address"),
    "R07": (("St.-Jansplein", "3", "", "", "", "", ""), point("1004", "3"), "address"),
    "R08": (("Stasionsstraat", "2", "", "", "", "", ""), point("1005", "2"), "address"),  # close spelling
    "R09": (("Kerkstraat", "16", "", "Asse", "", "", ""), nearest_same_side("1001", 16), "address_nearest_number"),
    "R10": (("Brusselsesteenweg", "", "", "", "", "", ""), street_middle("1003"), "street"),
    "R11": (("", "", "", "", "Sint-Jansplein 5, 1730 Asse", "", ""), point("1004", "5"), "address"),
    "R12": (("Nieuwsstraat", "1", "", "", "", "", ""), None, None),  # close to two streets
    "R13": (("Onbekendestraat", "1", "", "", "", "", ""), None, None),
    "R14": (("", "", "", "", "", "50,9102", "4,1985"), (50.9102, 4.1985), "given"),
    "R15": (("Stwg op Brussel", "9", "", "", "", "", ""), None, None),  # until the alias
    "R16": (("Sint Jansplein", "4", "", "", "", "", ""), street_middle("1004"), "street"),  # no even numbers
    "R17": (("Gemeente-plein", "1", "", "Peizegem", "", "", ""), point("1008", "1"), "address"),  # proposed
}


def reports_csv() -> str:
    rows = [f"{rid};01/10/2026 10:00;Sluikstort;" + ";".join(fields) for rid, (fields, _, _) in CASES.items()]
    return REPORT_HEADER + "\n".join(rows) + "\n"


def placed(query) -> dict:
    rows = query("SELECT source_id, lat, lon, location_source, address_id, location_remark FROM reports")
    return {r[0]: r[1:] for r in rows}


@pytest.mark.parametrize("variant", ["lambert72-csv", "lambert2008-zip"])
def test_each_report_lands_on_the_register_point_the_clerk_meant(variant, db, tmp_path, write_file, query, capsys):
    if variant == "lambert72-csv":
        register = write_file("openaddress-bevlg.csv", register_csv(HEADER_72))
    else:
        register = register_zip(tmp_path / "openaddress-bevlg.zip", register_csv(HEADER_2008))
    assert main(["addresses", "load", str(register), "--db", str(db), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert summary["kept"] == len([r for r in REGISTER if r["status"] != "retired"])
    assert summary["status"] == {"current": 25, "proposed": 1, "retired": 1}
    assert summary["municipalities"][0]["nis"] == "23002"

    result = load_reports_file(db, write_file("meldingen.csv", reports_csv()))
    assert (result.rows_in, result.loaded, result.quarantined) == (len(CASES), len(CASES), 0)
    stored = placed(query)
    for rid, (_fields, expected, source) in CASES.items():
        lat, lon, location_source, address_id, remark = stored[rid]
        assert location_source == source, (rid, location_source, remark)
        if expected is None:
            assert lat is None and remark, rid
        else:
            assert distance_m((lat, lon), expected) == 0, (rid, (lat, lon), expected)
    assert stored["R01"][3] == "1001-12-0002" and stored["R14"][3] is None
    assert "komt meermaals voor" in stored["R05"][4] and "1731 Zellik" in stored["R05"][4]
    assert "lijkt op meerdere straten" in stored["R12"][4]
    assert "niet gevonden in het adressenregister" in stored["R13"][4]
    assert "nummer 14" in stored["R09"][4]  # 16 is retired: 14 and 18 are as near, the lower wins
    geocoding = result.geocoding
    address_level = sum(1 for _, _, s in CASES.values() if s in ("address", "address_nearest_number"))
    street_level = sum(1 for _, _, s in CASES.values() if s == "street")
    unplaced = sum(1 for _, _, s in CASES.values() if s is None)
    assert (geocoding["geocoded"], geocoding["geocoded_street_level"], geocoding["not_geocoded"]) == (
        address_level,
        street_level,
        unplaced,
    )
    assert {"street": "Onbekendestraat", "reports": 1} in geocoding["unmatched_streets"]
    # placed reports get their sub-municipality like located ones
    assert query("SELECT area_code FROM reports WHERE source_id = 'R04'")[0][0] == "23002E"

    # a clerk's abbreviation the rules cannot know: an alias, then the stored reports are placed again
    assert main(["addresses", "alias", "Stwg op Brussel", "Brusselsesteenweg", "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["geocode", "--db", str(db), "--json"]) == 0
    again = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (again["considered"], again["geocoded"], again["not_geocoded"]) == (unplaced, 1, unplaced - 1)
    lat, lon, source, _, _ = placed(query)["R15"]
    assert source == "address" and distance_m((lat, lon), point("1003", "9")) == 0


def test_a_newer_register_replaces_the_older_and_keeps_current_before_proposed(db, write_file, query, capsys):
    assert main(["addresses", "load", str(write_file("old.csv", register_csv())), "--db", str(db)]) == 0
    newer = [dict(r) for r in REGISTER if r["street_id"] != "1006"]
    newer.append({**newer[0], "status": "proposed", "lat": newer[0]["lat"] + 0.01})  # the same id, proposed
    assert main(["addresses", "load", str(write_file("new.csv", register_csv(rows=newer))), "--db", str(db)]) == 0
    assert query("SELECT count(*) FROM addresses WHERE street_id = '1006'")[0][0] == 0
    assert query("SELECT lat, status FROM addresses WHERE address_id = ?", [newer[0]["address_id"]]) == [
        (newer[0]["lat"], "current")
    ]
    assert query("SELECT count(*) FROM address_register_loads")[0][0] == 2


def _store_fingerprint(query) -> tuple:
    return (
        query("SELECT count(*), coalesce(sum(hash(address_id, lat, lon)), 0) FROM addresses")[0],
        query("SELECT count(*) FROM address_register_loads")[0][0],
    )


@pytest.mark.parametrize(
    "bad, message",
    [
        ("reports", "geen CSV van het adressenregister"),
        ("swapped", "buiten België"),
        ("brussels", "geen enkel adres van de gemeenten 23002"),
        ("not-a-zip-csv", "verwacht één CSV-bestand"),
    ],
)
def test_unusable_register_exits_2_with_one_line_and_changes_nothing(
    bad, message, db, tmp_path, write_file, query, capsys
):
    assert main(["addresses", "load", str(write_file("good.csv", register_csv())), "--db", str(db)]) == 0
    before = _store_fingerprint(query)
    capsys.readouterr()
    if bad == "reports":
        path = write_file("meldingen.csv", reports_csv())
    elif bad == "swapped":
        path = write_file("swapped.csv", register_csv(lat_lon_swapped=True))
    elif bad == "brussels":
        path = write_file("openaddress-bebru.csv", register_csv(nis="21004").replace("BE-VLG", "BE-BRU"))
    else:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr("readme.txt", "geen adressen")
        path = tmp_path / "leeg.zip"
        path.write_bytes(buffer.getvalue())
    assert main(["addresses", "load", str(path), "--db", str(db)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("fout: ") and message in err[0], err
    assert _store_fingerprint(query) == before


def test_reports_without_a_register_load_unlocated_with_a_remark(db, write_file, query):
    result = load_reports_file(db, write_file("meldingen.csv", reports_csv()))
    assert result.loaded == len(CASES) and result.geocoding["not_geocoded"] == len(CASES) - 1
    remarks = {r[0] for r in query("SELECT location_remark FROM reports WHERE location_source IS NULL")}
    assert remarks == {"geen adressenregister geladen (python -m etl addresses load openaddress-bevlg.zip)"}


def test_hot_spots_and_the_map_can_leave_street_level_points_out(db, write_file, query):
    from analytics.compstat import Filters
    from analytics.grid import report_points
    from analytics.hotspots.runs import report_frame
    from analytics.periods import Period
    from civ import store

    main(["addresses", "load", str(write_file("register.csv", register_csv())), "--db", str(db)])
    load_reports_file(db, write_file("meldingen.csv", reports_csv()))
    located = dict(
        query(
            "SELECT source, count(*) FROM (SELECT coalesce(location_source, 'none') AS source "
            "FROM reports WHERE lat IS NOT NULL) GROUP BY ALL"
        )
    )
    street_level = located.pop("street")
    assert street_level == 2
    october = Period.month(2026, 10)
    with store.reading(db) as con:
        for_hot_spots = report_frame(con, october, 1)
        with_streets = report_frame(con, october, 1, street_level=True)
        on_the_map = report_points(con, october)
        address_level_map = report_points(con, october, Filters(address_level_only=True))
    assert len(for_hot_spots) == sum(located.values()) and len(with_streets) == len(for_hot_spots) + street_level
    assert len(on_the_map) == len(with_streets) and len(address_level_map) == len(for_hot_spots)


def test_a_hot_spot_kept_as_an_address_is_placed_on_the_register_point(db, write_file, query):
    from etl.hotspots import load_hotspots_file

    main(["addresses", "load", str(write_file("register.csv", register_csv())), "--db", str(db)])
    features = [
        {
            "type": "Feature",
            "geometry": None,
            "properties": {"name": "Kerk Zellik", "address": "Kerkstraat 5, 1731 Zellik", "radius_m": 100},
        },
        {
            "type": "Feature",
            "geometry": None,
            "properties": {"name": "Plein", "address": "Onbekendestraat 1, 1730 Asse", "radius_m": 100},
        },
        {
            "type": "Feature",
            "geometry": None,  # only the street's middle: too vague for a watched circle
            "properties": {"name": "Steenweg", "address": "Brusselsesteenweg, 1730 Asse", "radius_m": 100},
        },
    ]
    path = write_file("hotspots.geojson", json.dumps({"type": "FeatureCollection", "features": features}))
    result = load_hotspots_file(db, path)
    assert (result.loaded, result.quarantined) == (1, 2)
    lat, lon, source, address_id = query("SELECT center_lat, center_lon, location_source, address_id FROM hotspots")[0]
    assert distance_m((lat, lon), point("1002", "5")) == 0 and source == "address" and address_id == "1002-5-0"
    reasons = [r[0] for r in query("SELECT reason FROM quarantine ORDER BY row_number")]
    assert "niet gevonden in het adressenregister" in reasons[0] and "midden van de straat" in reasons[1]


def test_the_load_summary_names_the_placed_the_street_level_and_the_unknown_streets(db, write_file, capsys):
    main(["addresses", "load", str(write_file("register.csv", register_csv())), "--db", str(db)])
    capsys.readouterr()
    assert main(["reports", str(write_file("meldingen.csv", reports_csv())), "--db", str(db)]) == 0
    out = capsys.readouterr().out
    address_level = sum(1 for _, _, s in CASES.values() if s in ("address", "address_nearest_number"))
    assert f"op adres geplaatst   {address_level}" in out and "op straatniveau      2" in out
    assert "niet geplaatst       4" in out and "  Onbekendestraat: 1" in out


PROJECT_HEADER = "naam;soort;start;einde;categorieen;gebied;adres;straat;huisnummer;straal\n"
PROJECT_ROWS = {
    # name: (area, address, street, number, radius) -> the register point, or the reason it is refused
    "Kerk Asse": ("", "Kerkstraat 12, 1730 Asse", "", "", "150 m", point("1001", "12")),
    "Kerk Zellik": ("Zellik", "", "Kerkstraat", "5", "", point("1002", "5")),  # the area tells the two apart
    "Nummer 16": ("Asse", "", "Kerkstraat", "16", "80", nearest_same_side("1001", 16)),  # 16 is retired
    "Steenweg": ("", "Brusselsesteenweg, 1730 Asse", "", "", "100", "midden van de straat"),
    "Onbekend": ("", "Onbekendestraat 1, 1730 Asse", "", "", "100", "niet gevonden in het adressenregister"),
    "Dubbel": ("", "", "Kerkstraat", "5", "", "komt meermaals voor"),
    "Te ver": ("", "Sint-Jansplein 5, 1730 Asse", "", "", "5000", "ligt niet tussen 5 en 2000 m"),
    "Zellik": ("Zellik", "", "", "", "", None),  # a sub-municipality, as before
}


def _projects_csv() -> str:
    rows = [
        f"{name};preventie;01/09/2026;;Sluikstort;{area};{address};{street};{number};{radius}"
        for name, (area, address, street, number, radius, _) in PROJECT_ROWS.items()
    ]
    return PROJECT_HEADER + "\n".join(rows) + "\n"


def test_a_project_at_an_address_is_placed_on_the_register_point_and_counts_reports_in_its_circle(
    db, write_file, query
):
    from analytics import projects as project_register
    from analytics.periods import Period
    from civ import store
    from etl.projects import PROJECT_RADIUS_M, load_projects_file

    main(["addresses", "load", str(write_file("register.csv", register_csv())), "--db", str(db)])
    load_reports_file(db, write_file("meldingen.csv", reports_csv()))
    result = load_projects_file(db, write_file("projecten.csv", _projects_csv()))
    refused = {name: row[-1] for name, row in PROJECT_ROWS.items() if isinstance(row[-1], str)}
    assert (result.rows_in, result.loaded, result.quarantined) == (len(PROJECT_ROWS), 4, len(refused))
    assert result.remarks == 1  # number 16 placed on 14

    stored = {
        r[0]: r[1:]
        for r in query("SELECT name, area_kind, lat, lon, radius_m, location_source, location_remark FROM projects")
    }
    for name, (*_, radius, expected) in PROJECT_ROWS.items():
        if isinstance(expected, tuple):
            area_kind, lat, lon, stored_radius, source, remark = stored[name]
            assert area_kind == "address" and distance_m((lat, lon), expected) == 0, name
            assert stored_radius == (float(radius.removesuffix(" m")) if radius else PROJECT_RADIUS_M), name
            assert (source == "address_nearest_number") == (name == "Nummer 16") and (remark is None) == (
                source == "address"
            )
    assert query("SELECT area, area_kind FROM projects WHERE name = 'Zellik'") == [("23002E", "area")]
    reasons = {raw.split(";")[0]: reason for raw, reason in query("SELECT raw_text, reason FROM quarantine")}
    for name, expected_reason in refused.items():
        assert expected_reason in reasons[name], (name, reasons[name])
    assert query("SELECT record_key, remark FROM row_remarks WHERE record_key = 'Nummer 16'")[0][1].startswith(
        "huisnummer 16 niet in het adressenregister"
    )

    # the effect estimate counts the October reports inside the circle, against the rest of the territory
    centre, radius = point("1001", "12"), 150.0
    located = query("SELECT lat, lon FROM reports WHERE lat IS NOT NULL AND category_code = 'sluikstort'")
    distances = [distance_m(centre, p) for p in located]
    assert all(abs(d - radius) > 2 for d in distances)  # no point on the edge, where the two projections differ
    inside = sum(d < radius for d in distances)
    assert 0 < inside < len(distances)
    with store.reading(db) as con:
        project = project_register.find(con, "Kerk Asse")
        assert project.design == "hotspot" and project.area_name == "Kerkstraat 12, 1730 Asse (150 m)"
        counted = project_register.counts(con, project, [Period.month(2026, 10)], "month")
    assert (counted["target"].iloc[0], counted["comparison"].iloc[0]) == (inside, len(distances) - inside)


def test_a_hot_spot_list_kept_as_lines_of_address_and_radius_loads_every_line(db, write_file, query):
    from etl.hotspots import load_hotspots_file

    main(["addresses", "load", str(write_file("register.csv", register_csv())), "--db", str(db)])
    lines = {  # as a coordinator keeps them: no header, the radius with its unit
        "Kerkstraat 5, 1731 Zellik; 100 m": (point("1002", "5"), 100.0),
        "Sint-Jansplein 3, 1730 Asse;50m": (point("1004", "3"), 50.0),
        "Brusselsesteenweg 7, 1730 Asse; 12,5 meter": (point("1003", "7"), 12.5),
        "Onbekendestraat 1, 1730 Asse; 100 m": (None, None),
    }
    result = load_hotspots_file(db, write_file("hotspots.csv", "\n".join(lines) + "\n"))
    assert (result.rows_in, result.loaded, result.quarantined) == (4, 3, 1)
    stored = {
        r[0]: r[1:] for r in query("SELECT name, center_lat, center_lon, radius_m, location_source FROM hotspots")
    }
    for line, (expected, radius) in lines.items():
        address = line.split(";")[0]
        if expected is None:
            assert address not in stored
            continue
        lat, lon, stored_radius, source = stored[address]
        assert distance_m((lat, lon), expected) == 0 and stored_radius == radius and source == "address", line
    assert query("SELECT row_number, reason FROM quarantine") == [
        (
            4,
            "adres 'Onbekendestraat 1, 1730 Asse' niet geplaatst: straat 'Onbekendestraat' niet gevonden in het "
            "adressenregister (spelling nakijken of een alias maken: python -m etl addresses alias)",
        )
    ]


def test_an_id_the_file_gives_twice_is_kept_once_whatever_its_statuses(db, write_file, query):
    first, second = dict(REGISTER[0]), dict(REGISTER[1])
    rows = [r for r in REGISTER] + [
        {**first, "status": "proposed", "lat": first["lat"] + 0.01},  # current and proposed: current wins
        {**second, "status": "current", "lat": second["lat"] + 0.02},  # current twice: one of them
    ]
    assert main(["addresses", "load", str(write_file("twice.csv", register_csv(rows=rows))), "--db", str(db)]) == 0
    kept = [r for r in REGISTER if r["status"] != "retired"]
    assert query("SELECT count(*), count(DISTINCT address_id) FROM addresses")[0] == (len(kept), len(kept))
    assert query("SELECT lat, status FROM addresses WHERE address_id = ?", [first["address_id"]]) == [
        (first["lat"], "current")
    ]
    assert query("SELECT count(*) FROM addresses WHERE address_id = ?", [second["address_id"]])[0][0] == 1


def test_a_projects_profile_names_the_address_columns(db, tmp_path, write_file, query):
    from etl.profiles import load_profile
    from etl.projects import load_projects_file

    main(["addresses", "load", str(write_file("register.csv", register_csv())), "--db", str(db)])
    (tmp_path / "p.toml").write_text(
        '[columns]\nname = "Actie"\nstart = "Vanaf"\naddress = "Waar"\nradius_m = "Meters rond"\n', encoding="utf-8"
    )
    path = write_file(
        "acties.csv", "Actie;Vanaf;Waar;Meters rond\nCamera kerk;01/09/2026;Kerkstraat 12 bus 1, 1730 Asse;60\n"
    )
    result = load_projects_file(db, path, profile=load_profile(str(tmp_path / "p.toml"), "projects"))
    assert (result.loaded, result.quarantined) == (1, 0)
    lat, lon, radius, address_id = query("SELECT lat, lon, radius_m, address_id FROM projects")[0]
    assert distance_m((lat, lon), point("1001", "12", "0001")) == 0 and radius == 60 and address_id == "1001-12-0001"
