"""Geocoding at the size of a region: a register of BOSA's layout (3.500.000 addresses, Flanders' size)
and 1.000.000 reports with street, number and place, beside pandas `merge` on the same keys.

Synthetic, written here: street names from a vocabulary (so equal names in one municipality occur, told
apart by the postname), numbers with letters and boxes, and reports spelled as clerks do (abbreviations,
case, a typo, a number that does not exist, no number, an unknown street).

    python -m benchmarks.geocoding --addresses 350000 --reports 100000     # one run, figures on stdout
The suite (benchmarks/suite.py) runs the same tasks in child processes for their peak memory.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

SIZES = {"full": (3_500_000, 1_000_000), "quick": (60_000, 20_000)}
TARGET_GEOCODE_S = 30
TARGET_REGISTER_S = 60
TARGET_REGISTER_GB = 2.0

_WORDS = [
    "Kerk",
    "Molen",
    "Stations",
    "School",
    "Dorp",
    "Linde",
    "Eiken",
    "Beuken",
    "Berken",
    "Veld",
    "Akker",
    "Beek",
    "Bos",
    "Hof",
    "Kapel",
    "Kasteel",
    "Markt",
    "Meersen",
    "Nieuw",
    "Oud",
    "Pastorij",
    "Poel",
    "Ridder",
    "Rozen",
    "Smis",
    "Spoor",
    "Steen",
    "Water",
    "Weide",
    "Wind",
    "Zand",
    "Zonne",
    "Hoog",
    "Laag",
    "Lange",
    "Korte",
    "Brouwerij",
    "Fabriek",
    "Heide",
    "Hulst",
    "Klooster",
    "Koning",
    "Leeuw",
    "Meulen",
    "Nachtegaal",
    "Pauw",
    "Reiger",
    "Schapen",
    "Tuin",
    "Vijver",
    "Vos",
    "Wolf",
    "Zwaluw",
    "Brussel",
    "Gent",
    "Mechelen",
    "Aalst",
    "Leuven",
    "Dender",
    "Schelde",
]
_SUFFIXES = ["straat", "laan", "steenweg", "plein", "weg", "dreef", "baan", "veld"]
_PREFIXES = ["", "", "Sint-", "Oude "]
HEADER = (
    "EPSG:3812_x,EPSG:3812_y,EPSG:4326_lat,EPSG:4326_lon,address_id,box_number,house_number,municipality_id,"
    "municipality_name_de,municipality_name_fr,municipality_name_nl,postcode,postname_fr,postname_nl,street_id,"
    "streetname_de,streetname_fr,streetname_nl,region_code,status"
).split(",")


def write_data(folder: Path, addresses: int, reports: int, seed: int = 17) -> dict:
    """The register CSV and the reports CSV; returns their paths and the NIS codes of the register."""
    folder.mkdir(parents=True, exist_ok=True)
    register_path, reports_path = folder / f"register-{addresses}.csv", folder / f"reports-{reports}.csv"
    record = folder / f"data-{addresses}-{reports}.json"
    if record.exists():
        return json.loads(record.read_text())
    rng = np.random.default_rng(seed)
    names = np.array([p + w + s for p in _PREFIXES for w in _WORDS for s in _SUFFIXES])
    per_street = 40
    streets = max(1, addresses // per_street)
    municipalities = max(1, addresses // 12_000)
    street_municipality = rng.integers(0, municipalities, streets)
    # names unique within a municipality but for 2 %, which repeat a name of another sub-municipality
    # (the Kerkstraat of Asse and that of Zellik); equal names across municipalities are common
    order = np.argsort(street_municipality, kind="stable")
    within = np.empty(streets, dtype=int)
    within[order] = np.arange(streets) - np.searchsorted(street_municipality[order], street_municipality[order])
    offset = rng.integers(0, len(names), municipalities)
    street_name = names[(offset[street_municipality] + within * 7) % len(names)]
    repeated = rng.random(streets) < 0.02
    street_name[repeated] = names[(offset[street_municipality[repeated]] + (within[repeated] // 2) * 7) % len(names)]
    street_part = rng.integers(0, 3, streets)  # three postnames per municipality
    street_lat = 50.7 + rng.random(streets) * 0.6
    street_lon = 3.0 + rng.random(streets) * 2.5
    street_of = np.repeat(np.arange(streets), per_street)[:addresses]
    street_of = np.concatenate([street_of, rng.integers(0, streets, addresses - len(street_of))])
    street_of.sort()
    rank = np.arange(addresses) - np.searchsorted(street_of, street_of)  # position along the street
    number = rank // 2 * 2 + 1 + (rank % 2)  # 1, 2, 3, 4 … both sides
    letter = np.where(rng.random(addresses) < 0.03, "A", "")
    box = np.where(rng.random(addresses) < 0.10, np.char.zfill((rng.integers(1, 6, addresses)).astype(str), 4), "")
    nis = np.char.add("2", np.char.zfill((3000 + street_municipality[street_of]).astype(str), 4))
    part = street_part[street_of]
    postcode = (1000 + street_municipality[street_of] * 3 + part).astype(str)
    postname = np.char.add(
        np.char.add("Deel", street_municipality[street_of].astype(str)), np.char.add("-", part.astype(str))
    )
    lat = street_lat[street_of] + (rank % 2) * 0.0001
    lon = street_lon[street_of] + rank * 0.00015
    register = pd.DataFrame(
        {
            "EPSG:3812_x": 650000.0,
            "EPSG:3812_y": 670000.0,
            "EPSG:4326_lat": lat.round(6),
            "EPSG:4326_lon": lon.round(6),
            "address_id": np.arange(1, addresses + 1),
            "box_number": box,
            "house_number": np.char.add(number.astype(str), letter),
            "municipality_id": nis,
            "municipality_name_de": "",
            "municipality_name_fr": "",
            "municipality_name_nl": np.char.add("Gemeente", street_municipality[street_of].astype(str)),
            "postcode": postcode,
            "postname_fr": "",
            "postname_nl": postname,
            "street_id": street_of + 1,
            "streetname_de": "",
            "streetname_fr": "",
            "streetname_nl": street_name[street_of],
            "region_code": "BE-VLG",
            "status": np.where(
                rng.random(addresses) < 0.02, "retired", np.where(rng.random(addresses) < 0.03, "proposed", "current")
            ),
        },
        columns=HEADER,
    )
    register.to_csv(register_path, index=False)

    picked = rng.integers(0, addresses, reports)
    kind = rng.random(reports)
    street = register["streetname_nl"].to_numpy()[picked].astype(object)
    house = register["house_number"].to_numpy()[picked].astype(object)
    boxes = register["box_number"].to_numpy()[picked]
    with_box = boxes != ""
    house[with_box] = house[with_box] + " bus " + pd.Series(boxes[with_box]).str.lstrip("0").to_numpy()
    lower = (kind >= 0.75) & (kind < 0.80)
    street[lower] = pd.Series(street[lower]).str.lower().to_numpy()
    abbreviated = (kind >= 0.80) & (kind < 0.85)
    street[abbreviated] = (
        pd.Series(street[abbreviated])
        .str.replace("straat", "str.")
        .str.replace("steenweg", " Stwg")
        .str.replace("Sint-", "St.-")
        .to_numpy()
    )
    typo = (kind >= 0.85) & (kind < 0.90)
    street[typo] = [s[:3] + s[4:] if len(s) > 6 else s for s in street[typo]]  # one letter dropped
    missing_number = (kind >= 0.90) & (kind < 0.94)
    house[missing_number] = (number[picked[missing_number]] + 400).astype(str)
    no_number = (kind >= 0.94) & (kind < 0.97)
    house[no_number] = ""
    unknown = kind >= 0.97
    street[unknown] = [f"Onbekende{i % 500}straat" for i in range(int(unknown.sum()))]
    place = np.where(rng.random(reports) < 0.8, register["postname_nl"].to_numpy()[picked], "")
    frame = pd.DataFrame(
        {
            "id": np.char.add("G", np.arange(reports).astype(str)),
            "datum": "15/10/2026 10:00",
            "categorie": "Sluikstort",
            "straat": street,
            "huisnummer": house,
            "postcode": register["postcode"].to_numpy()[picked],
            "deelgemeente": place,
        }
    )
    frame.to_csv(reports_path, sep=";", index=False)
    written = {
        "register": str(register_path),
        "reports": str(reports_path),
        "addresses": addresses,
        "reports_rows": reports,
        "nis": sorted(set(nis.tolist())),
    }
    record.write_text(json.dumps(written))
    return written


def write_data_in_child(folder: Path, addresses: int, reports: int) -> dict:
    """write_data in a process of its own: the frames it builds (3 GB for a region) would otherwise stay in
    this process, and every task child forked from it would report them as its own peak memory."""
    record = folder / f"data-{addresses}-{reports}.json"
    if not record.exists():
        subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from pathlib import Path; from benchmarks.geocoding import write_data; "
                "write_data(Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]))",
                str(folder),
                str(addresses),
                str(reports),
            ],
            cwd=Path(__file__).resolve().parents[1],
            check=True,
        )
    return json.loads(record.read_text())


# --- the tasks (each in its own process in the suite) ---------------------------------------------
def register_ours(db: str, register: str, nis: list[str]) -> dict:
    """`python -m etl addresses load FILE --nis …` on the whole region."""
    from etl.addresses import load_register

    began, cpu = time.perf_counter(), time.process_time()
    result = load_register(db, register, nis=nis)
    return {
        "seconds": time.perf_counter() - began,
        "cpu_seconds": time.process_time() - cpu,
        "rows": result["rows_in"],
        "kept": result["kept"],
    }


def geocode_ours(db: str, reports: str) -> dict:
    """`python -m etl reports FILE`: the load, with the geocoding inside its transaction."""
    from etl import geocoding as module
    from etl.demo import ensure_demo_territory
    from etl.reports import load_reports_file

    ensure_demo_territory(db)  # the synthetic reports lie in the demo's territory (not timed)

    cpu_inside = []
    locate = module.locate

    def timed_locate(*args, **kwargs):  # CPU time of the geocoding step alone (all of DuckDB's threads)
        cpu = time.process_time()
        try:
            return locate(*args, **kwargs)
        finally:
            cpu_inside.append(time.process_time() - cpu)

    module.locate = timed_locate
    began, cpu = time.perf_counter(), time.process_time()
    result = load_reports_file(db, reports, fmt="canonical")
    geocoding = result.geocoding
    return {
        "seconds": time.perf_counter() - began,
        "cpu_seconds": time.process_time() - cpu,
        "geocode_seconds": geocoding["seconds"],
        "geocode_cpu_seconds": sum(cpu_inside),
        "rows": result.rows_in,
        "geocoded": geocoding["geocoded"],
        "street_level": geocoding["geocoded_street_level"],
        "not_geocoded": geocoding["not_geocoded"],
    }


def _street_key(names: pd.Series) -> pd.Series:
    distinct = pd.Series(names.dropna().unique(), dtype="string")
    keys = (
        distinct.str.normalize("NFKD")
        .str.encode("ascii", "ignore")
        .str.decode("ascii")
        .str.lower()
        .str.replace(r"stwg\b\.?", "steenweg", regex=True)
        .str.replace(r"str\b\.?", "straat", regex=True)
        .str.replace(r"\bst\b\.?", "sint", regex=True)
        .str.replace(r"[^a-z0-9]+", "", regex=True)
    )
    return names.map(dict(zip(distinct, keys)))


def geocode_pandas(register: str, reports: str) -> dict:
    """The peer: pandas read_csv of both files, the same keys (street, place, number, letter, box) and one
    `merge` — exact matches only (no close spelling, no nearest number, no street middle)."""
    began, cpu = time.perf_counter(), time.process_time()
    addresses = pd.read_csv(
        register,
        dtype="string",
        usecols=[
            "EPSG:4326_lat",
            "EPSG:4326_lon",
            "address_id",
            "box_number",
            "house_number",
            "postname_nl",
            "streetname_nl",
            "status",
        ],
    )
    addresses = addresses[addresses["status"].isin(["current", "proposed"])]
    parts = addresses["house_number"].str.extract(r"^(\d+)\s*([A-Za-z]?)")
    addresses = addresses.assign(
        street_key=_street_key(addresses["streetname_nl"]),
        place_key=_street_key(addresses["postname_nl"]),
        number=parts[0],
        letter=parts[1].str.lower(),
        box=addresses["box_number"].fillna("").str.lstrip("0"),
    )
    frame = pd.read_csv(reports, sep=";", dtype="string")
    parts = frame["huisnummer"].str.lower().str.extract(r"^(\d+)\s*([a-z]?)\s*(?:(?:/|bus|bte)\s*([0-9a-z]+))?")
    frame = frame.assign(
        street_key=_street_key(frame["straat"]),
        place_key=_street_key(frame["deelgemeente"]),
        number=parts[0],
        letter=parts[1].fillna(""),
        box=parts[2].fillna("").str.lstrip("0"),
    )
    keys = ["street_key", "place_key", "number", "letter", "box"]
    merged = frame.merge(
        addresses.drop_duplicates(keys)[keys + ["address_id", "EPSG:4326_lat", "EPSG:4326_lon"]], on=keys, how="left"
    )
    seconds = time.perf_counter() - began
    return {
        "seconds": seconds,
        "cpu_seconds": time.process_time() - cpu,
        "rows": len(frame),
        "geocoded": int(merged["address_id"].notna().sum()),
    }


TASKS = {f.__name__: f for f in (register_ours, geocode_ours, geocode_pandas)}


# --- the suite's rows ----------------------------------------------------------------------------
def measure(run, workdir: Path) -> None:
    """Called by benchmarks.suite.measure: the register load, ours and the pandas peer, each in a child."""
    addresses, reports = SIZES.get(run.sizes.name, SIZES["quick"])
    data = write_data_in_child(workdir / "geocoding", addresses, reports)
    db = workdir / "geocoding" / "store.duckdb"
    for stale in (db, db.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    run.child("geocoding register", "register_ours", db=str(db), register=data["register"], nis=data["nis"])
    run.child("geocoding ours", "geocode_ours", db=str(db), reports=data["reports"])
    run.child("geocoding pandas", "geocode_pandas", register=data["register"], reports=data["reports"])


def rows(run) -> list[dict]:
    m = run.measured
    if "geocoding ours" not in m:
        return []
    register, ours, pandas_ = m["geocoding register"], m["geocoding ours"], m["geocoding pandas"]
    f = ours.figures
    n = f"{f['rows']:,}".replace(",", ".")
    placed = (
        f"{f['geocoded'] / f['rows']:.1%} address, {f['street_level'] / f['rows']:.1%} street, "
        f"{f['not_geocoded'] / f['rows']:.1%} not placed; pandas merge places {pandas_.figures['geocoded'] / f['rows']:.1%}"
    )
    return [
        {
            "measurement": "address register load (whole region)",
            "size": f"{register.figures['rows']:,} rows".replace(",", "."),
            "ours": f"{register.figures['seconds']:.1f} s (CPU {register.figures['cpu_seconds']:.1f} s)",
            "peer": "–",
            "ratio": "–",
            "target": f"< {TARGET_REGISTER_S} s, < {TARGET_REGISTER_GB:.0f} GB",
            "ok": register.figures["seconds"] < TARGET_REGISTER_S and register.peak_gb < TARGET_REGISTER_GB,
            "spread": "1 run",
            "throughput": f"{register.figures['kept']:,} kept".replace(",", "."),
            "memory": f"{register.peak_gb:.2f} GB",
        },
        {
            "measurement": "geocoding reports at load vs pandas merge",
            "size": f"{n} reports",
            "ours": f"{f['geocode_seconds']:.1f} s, CPU {f['geocode_cpu_seconds']:.1f} s (whole load {f['seconds']:.1f} s)",
            "peer": f"pandas {pandas_.figures['seconds']:.1f} s, CPU {pandas_.figures['cpu_seconds']:.1f} s",
            "ratio": f"{pandas_.figures['seconds'] / f['geocode_seconds']:.1f}× faster",
            "target": f"< {TARGET_GEOCODE_S} s",
            "ok": f["geocode_seconds"] < TARGET_GEOCODE_S,
            "spread": "1 run",
            "throughput": placed,
            "memory": f"ours {ours.peak_gb:.2f} GB, pandas {pandas_.peak_gb:.2f} GB",
        },
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description="geocoding benchmark, one run in this process")
    parser.add_argument("--addresses", type=int, default=350_000)
    parser.add_argument("--reports", type=int, default=100_000)
    parser.add_argument("--workdir", default="/tmp/civ-bench/geocoding")
    args = parser.parse_args()
    folder = Path(args.workdir)
    began = time.perf_counter()
    data = write_data_in_child(folder, args.addresses, args.reports)
    print(f"data written in {time.perf_counter() - began:.1f} s", flush=True)
    db = folder / f"store-{args.addresses}.duckdb"
    for stale in (db, db.with_suffix(".duckdb.wal")):
        stale.unlink(missing_ok=True)
    for name, arguments in (
        ("register_ours", {"db": str(db), "register": data["register"], "nis": data["nis"]}),
        ("geocode_ours", {"db": str(db), "reports": data["reports"]}),
        ("geocode_pandas", {"register": data["register"], "reports": data["reports"]}),
    ):
        # each in its own process, as in the suite: its own peak memory (maximum resident set)
        process = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.tasks", name, json.dumps(arguments)],
            cwd=Path(__file__).resolve().parents[1],
            stdout=subprocess.PIPE,
            text=True,
        )
        output = process.stdout.read()
        _, status, usage = os.wait4(process.pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"{name} failed")
        figures = json.loads(output.strip().splitlines()[-1])
        print(name, json.dumps({**figures, "peak_gb": round(usage.ru_maxrss / 1024 / 1024, 2)}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
