"""The reports file as a CIV export writes it: Belgian CSV, statuses, texts, a few bad rows.

The bad rows are what real exports carry (an impossible date, a typo'd category, a location in
Brussels, swapped coordinates, a cut-off line); they are listed in the ground truth with the
reason the loader is expected to give, so the quarantine list of the demo is never empty.
"""

from __future__ import annotations

import csv
import datetime as dt

import numpy as np

from etl.demo import geography as geo
from etl.demo.reports import (
    CATEGORY_CODES,
    CATEGORY_LABELS,
    CHANNELS,
    COLUMNS,
    GAS_RELEVANT,
    POLITIE,
    PROBLEEMBOX,
    VASTSTELLING,
    ReportTable,
)
from etl.demo.scenario import Timeline

CLOSE_MEDIAN_HOURS = {
    "sluikstort": 72,
    "zwerfvuil": 48,
    "hondenpoep": 24,
    "glasbol": 48,
    "geluidshinder": 24,
    "hangjongeren": 48,
    "burenhinder": 240,
    "overlast": 72,
    "hinderlijke_begroeiing": 400,
    "wildplakken": 120,
    "graffiti": 300,
    "vandalisme": 200,
    "huisnummer": 500,
    "defect_openbaar_domein": 300,
    "ongedierte": 150,
    "foutparkeren": 6,
    "verkeersoverlast": 72,
    "diefstal": 600,
    "inbraak": 900,
    "geweld": 300,
    "drugs": 400,
    "overig": 150,
}

DESCRIPTIONS = {
    "sluikstort": [
        "Zakken huisvuil langs de weg",
        "Oude matras en kartonnen dozen gedumpt",
        "Bouwafval in de berm",
        "Vuilniszakken naast de glasbol",
        "Grofvuil achtergelaten op het voetpad",
    ],
    "zwerfvuil": [
        "Veel zwerfvuil rond de bushalte",
        "Blikjes en papiertjes in het gras",
        "Vuilbak overvol, afval waait weg",
        "Plastic langs de beek",
    ],
    "hondenpoep": [
        "Hondenpoep op het voetpad",
        "Hondenpoep op het speelpleintje",
        "Eigenaar ruimt hondenpoep niet op",
        "Veel hondenpoep in het park",
    ],
    "glasbol": [
        "Glasscherven rond de glasbol",
        "Glasbol vol, flessen ernaast gezet",
        "Lawaai glasbol na 22 uur",
        "Dozen en zakken bij de glasbolsite",
    ],
    "geluidshinder": [
        "Luide muziek tot laat in de nacht",
        "Lawaai van een feest",
        "Nachtlawaai na sluiting café",
        "Geluidsoverlast van een fuif",
    ],
    "hangjongeren": [
        "Groep jongeren maakt lawaai en laat afval achter",
        "Jongeren hangen rond op het plein",
        "Jongeren op brommers rond de bankjes",
        "Overlast door groep jongeren 's avonds",
    ],
    "burenhinder": ["Burenruzie over een haag", "Hond van de buren blaft de hele dag", "Rook van de buren"],
    "overlast": ["Dronken personen op het plein", "Wildplassen tegen de gevel", "Bedelarij aan de ingang"],
    "hinderlijke_begroeiing": [
        "Haag hangt over het voetpad",
        "Takken belemmeren het zicht op het kruispunt",
        "Onkruid op het fietspad",
        "Overhangende struiken aan de bushalte",
    ],
    "wildplakken": [
        "Affiches op het elektriciteitskastje",
        "Wildplakken aan de bushalte",
        "Stickers op verkeersborden",
    ],
    "graffiti": ["Graffiti op de muur van de tunnel", "Tags op de gevel", "Graffiti op het bushokje"],
    "vandalisme": ["Bankje vernield", "Ruit van het bushokje ingeslagen", "Verkeersbord omvergereden"],
    "huisnummer": ["Huisnummer niet zichtbaar vanaf de straat", "Geen huisnummer aan de woning"],
    "defect_openbaar_domein": [
        "Straatlamp defect",
        "Put in het wegdek",
        "Losliggende tegels op het voetpad",
        "Verzakt fietspad",
    ],
    "ongedierte": ["Ratten gezien aan de beek", "Wespennest in het openbaar domein", "Duiven onder de brug"],
    "foutparkeren": [
        "Auto geparkeerd op het fietspad",
        "Foutparkeren aan de schoolpoort",
        "Wagen blokkeert de oprit",
        "Parkeren op het voetpad",
    ],
    "verkeersoverlast": [
        "Te snel rijden in de schoolstraat",
        "Sluipverkeer door de woonwijk",
        "Vrachtwagens in de dorpskern",
    ],
    "diefstal": ["Fiets gestolen aan het station", "Diefstal uit een wagen", "Gsm gestolen"],
    "inbraak": ["Inbraak in woning", "Poging tot inbraak in garage", "Inbraak in tuinhuis"],
    "geweld": ["Vechtpartij na een feest", "Slagen en verwondingen op straat"],
    "drugs": ["Vermoeden van drugshandel", "Druggebruik in het park"],
    "overig": ["Vraag om meer controle", "Melding zonder verdere omschrijving", "Klacht over de buurt"],
}

STATUS_TEXT = {"closed": "afgesloten", "in_progress": "in behandeling", "open": "open"}

# Fake, clearly invented reporter tokens: never a real name (the loader hashes them anyway).
REPORTER_POOL = 2500


GAS_SHARE_POLICE = 0.15  # police also record GAS offences, less often than the wardens
NEVER_CLOSED_SHARE = 0.03
UNLOCATED_AREA_SHARE = 0.70  # an unlocated report often still names its sub-municipality

# The deliberately bad rows: (kind, position as a share of the file, the reason the loader should give).
BAD_ROWS = (
    ("ongeldige_datum", 0.07, "datum bestaat niet (31/02)"),
    ("onbekende_categorie", 0.19, "onbekende categorie 'Kapotte schommel'"),
    ("buiten_grondgebied", 0.33, "locatie buiten het grondgebied (Brussel)"),
    ("lat_lon_verwisseld", 0.46, "lat en lon verwisseld"),
    ("te_weinig_velden", 0.61, "te weinig velden (3 in plaats van 12)"),
    ("nul_eiland", 0.74, "locatie 0,0 (nul-eiland)"),
    ("geen_datum", 0.88, "geen datum (reported_at leeg)"),
)
# Rows whose report is real and whose secondary field is wrong: loaded with a remark, not refused
# (issue 16, "keep the report, flag the field"): null island loads as an unlocated report.
REMARK_KINDS = {"nul_eiland"}
DUPLICATE_AT = 0.55  # one line repeated verbatim, as exports of a paged query do


def _last_sunday_of_march(year: int) -> dt.date:
    day = dt.date(year, 3, 31)
    return day - dt.timedelta(days=(day.weekday() + 1) % 7)


def _skip_spring_gap(local: np.ndarray) -> np.ndarray:
    """A real system never records 02:xx on the night clocks go forward: move those an hour on."""
    local = local.copy()
    years = local.astype("datetime64[Y]").astype(int) + 1970
    for year in np.unique(years):
        gap_start = np.datetime64(_last_sunday_of_march(int(year))) + np.timedelta64(120, "m")
        in_gap = (local >= gap_start) & (local < gap_start + np.timedelta64(60, "m"))
        local[in_gap] += np.timedelta64(60, "m")
    return local


def _belgian_datetime(local: np.ndarray) -> list[str]:
    text = np.datetime_as_string(local, unit="m")  # 'YYYY-MM-DDTHH:MM'
    return [f"{t[8:10]}/{t[5:7]}/{t[0:4]} {t[11:16]}" for t in text]


def _decimal_comma(values: np.ndarray) -> list[str]:
    return ["" if np.isnan(v) else f"{v:.6f}".replace(".", ",") for v in values]


def _status(rng, table: ReportTable, reported: np.ndarray, exported: np.datetime64):
    median = np.array([CLOSE_MEDIAN_HOURS[CATEGORY_CODES[c]] for c in table.cat], dtype=float)
    hours = median * np.exp(rng.normal(0.0, 0.9, len(table)))
    closed = reported + (hours * 60).astype("int64").astype("timedelta64[m]")
    # closing is office work: a case closed a day or more later is closed during office hours
    late = hours >= 24
    day_start = closed.astype("datetime64[D]").astype("datetime64[m]")
    office_minute = rng.integers(8 * 60, 17 * 60, len(table)).astype("timedelta64[m]")
    closed = np.where(late, day_start + office_minute, closed)
    closed = np.maximum(closed, reported + np.timedelta64(5, "m"))
    never = rng.random(len(table)) < NEVER_CLOSED_SHARE
    is_closed = (closed <= exported) & ~never
    age = exported - reported
    status = np.where(is_closed, "afgesloten", np.where(age > np.timedelta64(2, "D"), "in behandeling", "open"))
    closed_text = _belgian_datetime(_skip_spring_gap(closed))
    return status, [c if ok else "" for c, ok in zip(closed_text, is_closed)]


def _gas(rng, table: ReportTable) -> np.ndarray:
    gas_relevant = np.isin(table.cat, [CATEGORY_CODES.index(c) for c in GAS_RELEVANT])
    by_warden = (table.channel == VASTSTELLING) & (rng.random(len(table)) < 0.97)
    by_police = (table.channel == POLITIE) & gas_relevant & (rng.random(len(table)) < GAS_SHARE_POLICE)
    return np.where(by_warden | by_police, "ja", "nee")


def _reporters(rng, table: ReportTable) -> list[str]:
    """Invented tokens only: a pool of citizens where a few report often, services by role."""
    rank = np.arange(1, REPORTER_POOL + 1)
    weights = 1.0 / rank**0.6
    citizen = rng.choice(REPORTER_POOL, size=len(table), p=weights / weights.sum())
    # shuffle the numbers so the frequent reporters do not carry the lowest numbers
    number = rng.permutation(np.arange(1, REPORTER_POOL + 1))[citizen]
    warden = rng.choice(["GW-A", "GW-B"], size=len(table))
    anonymous = rng.random(len(table)) < 0.4
    result = []
    for i, (c, ch, a) in enumerate(zip(table.cat, table.channel, table.area)):
        code = CATEGORY_CODES[c]
        name = CHANNELS[ch]
        if name == "vaststelling":
            result.append(str(warden[i]))
        elif name == "politie":
            result.append(
                "wijkteam-zellik@voorbeeld.be"
                if geo.areas()[a].name in ("Zellik", "Relegem", "Bekkerzeel")
                else "wijkteam-asse@voorbeeld.be"
            )
        elif name == "gemeentedienst":
            service = {
                "hinderlijke_begroeiing": "groen",
                "defect_openbaar_domein": "wegen",
                "ongedierte": "milieu",
            }.get(code, "milieu" if code in ("sluikstort", "zwerfvuil", "glasbol") else "burgerzaken")
            result.append(f"dienst-{service}@voorbeeld.be")
        elif name == "externe dienst":
            result.append("extern-delijn@voorbeeld.be" if i % 2 else "extern-nmbs@voorbeeld.be")
        elif ch == PROBLEEMBOX and anonymous[i]:
            result.append("")  # an unsigned note in the mailbox
        else:
            result.append(f"melder{number[i]:04d}@voorbeeld.be")
    return result


def build_rows(rng, table: ReportTable, timeline: Timeline) -> tuple[list[list[str]], list[int]]:
    """The valid rows as text (without id yet), and the year each row's id is numbered in."""
    reported = _skip_spring_gap(
        np.datetime64(timeline.start, "m") + (table.day * 1440 + table.minute).astype("timedelta64[m]")
    )
    exported = np.datetime64(timeline.end, "m") + np.timedelta64(6 * 60, "m")
    status, closed = _status(rng, table, reported, exported)
    gas = _gas(rng, table)
    reporters = _reporters(rng, table)
    located = ~np.isnan(table.lat)
    keep_area = located | (rng.random(len(table)) < UNLOCATED_AREA_SHARE)
    lat, lon = _decimal_comma(table.lat), _decimal_comma(table.lon)
    description_draw = rng.random(len(table))
    rows = []
    for i, when in enumerate(_belgian_datetime(reported)):
        code = CATEGORY_CODES[table.cat[i]]
        channel = (
            f"Pro?bleembox {geo.PROBLEEMBOXES[table.box[i]].name}"
            if table.channel[i] == PROBLEEMBOX
            else CHANNELS[table.channel[i]]
        )
        texts = DESCRIPTIONS[code]
        rows.append(
            [
                "",
                when,
                CATEGORY_LABELS[code],
                channel,
                lat[i],
                lon[i],
                str(status[i]),
                closed[i],
                geo.areas()[table.area[i]].name if keep_area[i] else "",
                texts[int(description_draw[i] * len(texts))],
                str(gas[i]),
                reporters[i],
            ]
        )
    years = list(reported.astype("datetime64[Y]").astype(int) + 1970)
    return rows, years


def _bad_row(kind: str, model: list[str], rng) -> list[str]:
    row = list(model)
    if kind == "ongeldige_datum":
        row[1] = "31/02/" + model[1][6:10] + " 10:15"
    elif kind == "geen_datum":
        row[1] = ""
    elif kind == "onbekende_categorie":
        row[2] = "Kapotte schommel"
    elif kind == "buiten_grondgebied":  # Grote Markt, Brussel
        row[4], row[5], row[8] = "50,846700", "4,352500", ""
    elif kind == "lat_lon_verwisseld":
        lat, lon = geo.offset(
            geo.hotspot("Gemeenteplein Asse").lat,
            geo.hotspot("Gemeenteplein Asse").lon,
            rng.normal(0, 150),
            rng.normal(0, 150),
        )
        row[4], row[5] = f"{lon:.6f}".replace(".", ","), f"{lat:.6f}".replace(".", ",")
    elif kind == "nul_eiland":
        row[4], row[5] = "0", "0"
    elif kind == "te_weinig_velden":
        row = row[:3]
    return row


def write_reports(path, rng, table: ReportTable, timeline: Timeline) -> dict:
    """Write reports.csv; return its ground truth (bad rows, duplicate, expected load counts)."""
    rows, years = build_rows(rng, table, timeline)
    valid = len(rows)
    is_bad = [None] * valid
    for kind, share, reason in sorted(BAD_ROWS, key=lambda b: -b[1]):
        at = int(valid * share)
        rows.insert(at, _bad_row(kind, rows[at], rng))
        years.insert(at, years[at])
        is_bad.insert(at, (kind, reason))
    sequence: dict[int, int] = {}
    for row, year in zip(rows, years):
        sequence[year] = sequence.get(year, 0) + 1
        row[0] = f"AS-{year}-{sequence[year]:05d}"
    flagged = [
        {"row_number": i + 1, "id": row[0], "kind": bad[0], "expected_reason": bad[1], "raw": ";".join(row)}
        for i, (row, bad) in enumerate(zip(rows, is_bad))
        if bad
    ]
    at = int(len(rows) * DUPLICATE_AT)
    while is_bad[at]:
        at += 1
    rows.insert(at + 1, list(rows[at]))
    duplicate = {"row_number": at + 2, "id": rows[at][0], "duplicate_of_row": at + 1}
    for bad in flagged:
        if bad["row_number"] > at + 1:
            bad["row_number"] += 1
    bad_rows = [b for b in flagged if b["kind"] not in REMARK_KINDS]
    remark_rows = [b for b in flagged if b["kind"] in REMARK_KINDS]
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return {
        "file": "reports.csv",
        "rows": len(rows),
        "valid_rows": valid,
        "bad_rows": bad_rows,
        "remark_rows": remark_rows,
        "duplicate_rows": [duplicate],
        "expected_load": {
            "rows_in": len(rows),
            "loaded": valid + len(remark_rows),
            "quarantined": len(bad_rows),
            "duplicates": 1,
            "remarks": len(remark_rows),
        },
    }
