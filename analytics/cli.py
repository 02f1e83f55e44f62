"""`python -m analytics …`: the figures behind the pages, for scripts and the meeting pack.

A contract: flags and --json output are stable. Exit 2 with one line on stderr for unusable input.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from datetime import date

from analytics.compstat import GROUPINGS, Filters, compstat_table
from analytics.evaluation.demo import DEFAULT_END_MONTH, DEFAULT_MONTHS
from analytics.hotspots.classes import CLASS_NL
from analytics.periods import Period
from civ.cli import add_db_arg, add_json_arg
from civ.errors import UnusableInput
from civ.store import db_path, reading

COMPSTAT_KEYS = [
    "category",
    "area",
    "current",
    "previous",
    "last_year",
    "ytd",
    "ytd_last_year",
    "pct_change",
    "p_value",
    "q_value",
    "flag",
    "expected_low",
    "expected_high",
    "too_few",
    "area_name",
    "model_expected",
    "model_low",
    "model_high",
    "model_p",
    "model_q",
    "flag_test",
    "flag_last_year",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analytics", description="Cijfers uit de civ-compstat-databank.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    compstat = commands.add_parser(
        "compstat",
        help="de CompStat-tabel van een periode",
        description="de CompStat-tabel van een periode: deze periode, vorige, zelfde periode vorig jaar, "
        "jaar tot nu, met exacte toets en vlag\n\nvoorbeeld: python -m analytics compstat --month 2026-10",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    compstat.add_argument(
        "--month", required=True, metavar="JJJJ-MM", help="maand (JJJJ-MM); ook een ISO-week JJJJ-Wnn of ytd:JJJJ-MM"
    )
    compstat.add_argument(
        "--by",
        default="category",
        choices=list(GROUPINGS),
        help="rijen per categorie en/of gebied (deelgemeente), of per gemeente van een politiezone",
    )
    compstat.add_argument(
        "--area", metavar="CODE", help="alleen dit gebied of deze gemeente van de zone (NIS-code, bv. 23052B of 23052)"
    )
    compstat.add_argument("--group", metavar="GROEP", help="alleen deze categoriegroep (bv. afval)")
    compstat.add_argument("--channel", metavar="KANAAL", help="alleen dit kanaal (bv. probleembox)")
    add_db_arg(compstat)
    add_json_arg(compstat)
    compstat.set_defaults(handler=_compstat)

    hotspots = commands.add_parser(
        "hotspots",
        help="opkomende hotspots van een maand: nieuw, toenemend, blijvend, afnemend, …",
        description="opkomende hotspots van een maand: concentraties van meldingen (DBSCAN in meters), getoetst "
        "tegen de 12 maanden ervoor van dezelfde plek (seizoen van het hele grondgebied, "
        "Benjamini–Hochberg), met klasse en reden; de run wordt bewaard en hergebruikt zolang de "
        "gegevens niet veranderen\n\nvoorbeeld: python -m analytics hotspots --month 2026-10",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    hotspots.add_argument("--month", required=True, metavar="JJJJ-MM", help="kalendermaand (JJJJ-MM)")
    hotspots.add_argument(
        "--category", metavar="C", help="alleen deze categorie (code, bv. sluikstort) of groep (bv. afval)"
    )
    hotspots.add_argument(
        "--street-level",
        action="store_true",
        help="ook meldingen die alleen op het midden van hun straat geplaatst zijn (adres zonder bestaand "
        "huisnummer); standaard niet: een lange straat zou ze tot een hotspot bundelen die nergens ligt",
    )
    add_db_arg(hotspots)
    add_json_arg(hotspots)
    hotspots.set_defaults(handler=_hotspots)

    evaluate = commands.add_parser(
        "evaluate",
        help="de hotspotdetector toetsen op demogegevens met en zonder geplante hotspots",
        description="de hotspotdetector toetsen: demogegevens met geplante hotspots en een nulversie zonder, "
        "maand per maand; recall en precisie van de opkomende hotspots, klassen per geplant patroon, "
        "stabiele concentraties, valse alarmen op de nulgegevens\n\n"
        "voorbeeld: python -m analytics evaluate --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    evaluate.add_argument("--seed", type=int, help="één seed van de demogegevens, met alle details per maand")
    evaluate.add_argument(
        "--seeds",
        type=int,
        default=20,
        metavar="N",
        help="zoveel onafhankelijke realisaties van de demo en van een tweede patroongenerator "
        "(standaard 20), met betrouwbaarheidsintervallen",
    )
    evaluate.add_argument(
        "--first-seed",
        type=int,
        default=1,
        metavar="S",
        help="eerste seed van --seeds (standaard 1; 1001 = de achtergehouden seeds)",
    )
    evaluate.add_argument(
        "--end-month",
        default=DEFAULT_END_MONTH,
        metavar="JJJJ-MM",
        help=f"laatste maand van de demogegevens (standaard {DEFAULT_END_MONTH})",
    )
    evaluate.add_argument(
        "--months",
        type=int,
        default=DEFAULT_MONTHS,
        metavar="N",
        help=f"zoveel laatste maanden doorrekenen (standaard {DEFAULT_MONTHS})",
    )
    add_json_arg(evaluate)
    evaluate.set_defaults(handler=_evaluate)
    _add_trend_commands(commands)

    coverage = commands.add_parser(
        "coverage",
        help="bezoeken en aanwezigheid van de gemeenschapswachten per hotspot",
        description="bezoeken en aanwezigheid van de gemeenschapswachten per gedefinieerde hotspot en tracker, "
        "met een rij 0 voor elke hotspot die niemand bezocht; werkt eerst de bezoeken bij met de "
        "nieuwe GPS-imports\n\nvoorbeeld: python -m analytics coverage --start 2026-10-01 "
        "--end 2026-10-31 --warden GW-A",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    coverage.add_argument("--start", required=True, metavar="JJJJ-MM-DD", help="eerste dag (lokale tijd, Brussel)")
    coverage.add_argument("--end", required=True, metavar="JJJJ-MM-DD", help="laatste dag, zelf inbegrepen")
    coverage.add_argument("--warden", metavar="W", help="alleen deze gemeenschapswacht (bv. GW-A) of dit toestel")
    add_db_arg(coverage)
    add_json_arg(coverage)
    coverage.set_defaults(handler=_coverage)
    _add_region_command(commands)

    live = commands.add_parser(
        "live",
        help="de laatst bekende positie van elk toestel, met leeftijd, wacht, batterij en bron",
        description="de laatst bekende positie van elk toestel: opgeslagen GPS-punten plus de live posities die "
        "nog in het journaal naast de databank wachten; bron 'live' of het geïmporteerde bestand\n\n"
        "voorbeeld: python -m analytics live --json",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_db_arg(live)
    add_json_arg(live)
    live.set_defaults(handler=_live)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except (UnusableInput, ValueError) as error:
        print(f"fout: {error}", file=sys.stderr)
        return 2


def _clean(value):
    """JSON has no NaN: missing numbers become null; numpy scalars become Python numbers."""
    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def _compstat(args) -> int:
    period = Period.parse(args.month)
    filters = Filters(area=args.area, category_group=args.group, channel=args.channel)
    with reading(db_path(args.db)) as con:
        table = compstat_table(con, period, by=args.by, filters=filters)
    rows = [{key: _clean(row.get(key)) for key in COMPSTAT_KEYS} for row in table.to_dict("records")]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    print(
        f"CompStat {period.label()} — vlag: exacte binomiale toets tegenover dezelfde periode vorig jaar, "
        f"Benjamini–Hochberg 5 %"
    )
    print(f"{'categorie':<26}{'gebied':<12}{'nu':>6}{'vorige':>8}{'vorig jaar':>11}{'verwacht':>11}{'%':>11}  vlag")
    for row in table.to_dict("records"):
        pct = "te weinig" if row["too_few"] else f"{row['pct_change']:+.0f}"
        label = row.get("category_label") or ""
        area = row.get("area_name") or ""
        previous = "" if _clean(row["previous"]) is None else int(row["previous"])
        print(
            f"{label[:25]:<26}{str(area)[:11]:<12}{int(row['current']):>6}{previous:>8}{int(row['last_year']):>11}"
            f"{str(row['expected_low']) + '–' + str(row['expected_high']):>11}{pct:>11}  {row['flag']}"
        )
    return 0


HOTSPOT_KEYS = [
    "id",
    "lat",
    "lon",
    "radius_m",
    "geometry",
    "class",
    "emerging",
    "current",
    "expected",
    "p_value",
    "q_value",
    "categories",
    "reason",
    "reason_en",
    "category_group",
    "on_defined_hotspot",
    "trend_z",
    "hot_months",
    "history",
    "source",
]


def _hotspots(args) -> int:
    from analytics.hotspots.runs import hotspots_for_month
    from civ.store import StoreBusy

    db = db_path(args.db)
    try:
        run, results = hotspots_for_month(db, args.month, args.category, street_level=args.street_level)
    except StoreBusy as error:
        # computed, but another process held the store: show the figures, say they were not kept
        print(f"let op: {error}; de run is niet bewaard", file=sys.stderr)
        run, results = hotspots_for_month(db, args.month, args.category, save=False, street_level=args.street_level)
    rows = [
        {
            key: _clean(row.get(key)) if key not in ("geometry", "categories", "history") else row.get(key)
            for key in HOTSPOT_KEYS
        }
        for row in results.to_dict("records")
    ]
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    emerging = sum(r["emerging"] for r in rows)
    where = f"run {run['run_id']}" + (
        " (hergebruikt)" if run["reused"] else " (nieuw berekend, bewaard)" if run["stored"] else " (niet bewaard)"
    )
    print(
        f"Hotspots {Period.parse(args.month).label()}"
        + (f" · {run['category']}" if run.get("category") else "")
        + f" — {len(rows)} plekken, {emerging} opkomend · {where}"
    )
    print(
        "toets: aantal deze maand tegenover de 12 maanden ervoor van dezelfde plek, seizoen van het "
        "grondgebied; Benjamini–Hochberg 5 %"
    )
    for row in rows:
        marker = "▲" if row["emerging"] else " "
        defined = f" · hotspot {row['on_defined_hotspot']}" if row["on_defined_hotspot"] else ""
        print(
            f"{marker} {CLASS_NL[row['class']]:<11} p={row['p_value']:.2g} q={row['q_value']:.2g}  "
            f"({row['lat']:.5f}, {row['lon']:.5f}){defined}"
        )
        print(f"    {row['reason']}")
    return 0


def _evaluate_many(args) -> int:
    from analytics.evaluation.quality import evaluate_many, format_report

    if args.seeds < 1:
        raise UnusableInput("--seeds moet minstens 1 zijn")
    if args.end_month != DEFAULT_END_MONTH:
        raise UnusableInput("--end-month geldt alleen met --seed (de reeks seeds gebruikt de standaardmaand)")
    result = evaluate_many(list(range(args.first_seed, args.first_seed + args.seeds)), months=args.months)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, default=str))
        return 0
    print("Hotspotdetector over onafhankelijke realisaties (demo en tweede patroongenerator)")
    for line in format_report(result):
        print(line)
    return 0


def _evaluate(args) -> int:
    from analytics.evaluation.demo import evaluate

    try:
        Period.parse(args.end_month)
    except ValueError as error:
        raise UnusableInput(str(error)) from None
    if args.months < 1 or args.months > 12:
        raise UnusableInput("--months moet tussen 1 en 12 liggen (de demo heeft 24 maanden, 12 ervan zijn de basis)")
    if args.seed is None:
        return _evaluate_many(args)
    result = evaluate(seed=args.seed, end_month=args.end_month, months=args.months)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, default=str))
        return 0
    pct = lambda v: "–" if v is None else f"{v * 100:.0f} %"
    print(
        f"Hotspotdetector op de demogegevens (seed {result['seed']}, {result['months'][0]} tot {result['months'][-1]})"
    )
    print(
        f"recall opkomend (in de maand van opkomst, binnen 250 m): {pct(result['recall'])} "
        f"({result['recall_found']} van {result['recall_planted']})"
    )
    print(
        f"precisie opkomende vlaggen: {pct(result['precision'])} "
        f"({result['true_flags']} juist, {len(result['false_flags'])} vals)"
    )
    for spot in result["planted"]:
        classes = " ".join(f"{m[2:]}:{CLASS_NL[c] if c else '–'}" for m, c in spot["classes"].items())
        print(
            f"  {spot['name']} (verwacht {CLASS_NL[spot['expected_class']]}"
            + (f", opkomend vanaf {spot['emerges_month']}" if spot["emerges_month"] else "")
            + f"): {classes}"
        )
    for place in result["stable"]:
        status = (
            "nooit nieuw of toenemend"
            if not place["emerging_flags"]
            else f"{len(place['emerging_flags'])} keer nieuw of toenemend"
        )
        print(f"  stabiel {place['name']}: {status}")
    print(f"valse opkomende vlaggen op de nulgegevens ({len(result['months'])} maanden): {result['null_false_flags']}")
    for flag in result["null_flags"]:
        print(f"    {flag['month']}: {flag['reason']}")
    print(
        f"voldoet aan de lat (recall ≥ 90 %, stabiel nooit opkomend, ≤ 1 vals alarm): "
        f"{'ja' if result['meets_bar'] else 'nee'}"
    )
    return 0


# --- trends and project effects ---------------------------------------------------------------------
def _add_trend_commands(commands) -> None:
    trends = commands.add_parser(
        "trends",
        help="reeks per maand of week met verwachte band, uitschieters en trendtoets",
        description="reeks per maand of ISO-week (tot 5 jaar) met 12-maandsgemiddelde, zelfde periode vorig jaar, "
        "verwachte band uit een seizoensmodel (quasi-Poisson, zonder het punt zelf), uitschieters "
        "(Benjamini–Hochberg) en een trendtoets in woorden\n\n"
        "voorbeeld: python -m analytics trends --category sluikstort --area Zellik",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    trends.add_argument("--category", metavar="C", help="categorie (code of naam, bv. sluikstort); zonder: alle")
    trends.add_argument("--group", metavar="GROEP", help="categoriegroep (bv. afval) in plaats van één categorie")
    trends.add_argument("--area", metavar="A", help="deelgemeente (naam of NIS-code, bv. Zellik of 23002E)")
    trends.add_argument("--channel", metavar="KANAAL", help="alleen dit kanaal (bv. probleembox)")
    trends.add_argument(
        "--kind", default="month", choices=["month", "week"], help="per maand (standaard) of per ISO-week"
    )
    trends.add_argument("--years", type=float, default=5, metavar="N", help="zoveel jaar terug (standaard 5)")
    add_db_arg(trends)
    add_json_arg(trends)
    trends.set_defaults(handler=_trends)

    effect = commands.add_parser(
        "effect",
        help="werkte een project? effect met betrouwbaarheidsinterval",
        description="effect van een project: het doelgebied voor tegenover tijdens/na, vergeleken met een "
        "vergelijkingsreeks over dezelfde periodes (verschil-in-verschillen op aantallen, "
        "quasi-binomiaal, seizoen inbegrepen); zegt 'geen meetbaar effect' als de gegevens het "
        'niet kunnen tonen\n\nvoorbeeld: python -m analytics effect --project "Hondenpoepactie Zellik"',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    effect.add_argument("--project", required=True, metavar="NAAM", help="naam van het project (zoals geladen)")
    effect.add_argument(
        "--kind",
        default="auto",
        choices=["auto", "month", "week"],
        help="per maand, per week, of auto: weken voor projecten korter dan twee maanden",
    )
    add_db_arg(effect)
    add_json_arg(effect)
    effect.set_defaults(handler=_effect)


def _trends(args) -> int:
    from analytics.trends import resolve_selection, series_records, trend_series

    if not 0 < args.years <= 5:
        raise UnusableInput("--years moet tussen 0 en 5 liggen")
    with reading(db_path(args.db)) as con:
        selection = resolve_selection(
            con, category=args.category, group=args.group, area=args.area, channel=args.channel
        )
        series = trend_series(con, selection, kind=args.kind, years=args.years)
    record = series_records(series)
    if args.json:
        print(json.dumps(record, ensure_ascii=False))
        return 0
    print(series.sentence)
    for note in record["notes"]:
        print(f"let op: {note}")
    print(
        "band: 95 %-voorspelinterval van een quasi-Poissonmodel (seizoen + trend) zonder het punt zelf; "
        "! = uitschieter na Benjamini–Hochberg 5 %"
    )
    print(f"{'periode':<10}{'aantal':>7}{'gem. 12m':>10}{'vorig jaar':>11}{'verwacht':>10}{'band':>11}")
    for row in record["series"]:
        band = "" if row["lower"] is None else f"{row['lower']}–{row['upper']}"
        ma = "" if row["ma12"] is None else f"{row['ma12']:.1f}".replace(".", ",")
        expected = "" if row["expected"] is None else f"{row['expected']:.1f}".replace(".", ",")
        last = "" if row["last_year"] is None else row["last_year"]
        print(
            f"{row['code']:<10}{row['count']:>7}{ma:>10}{last:>11}{expected:>10}{band:>11}"
            f"{'  !' if row['anomaly'] else ''}"
        )
    return 0


def _effect(args) -> int:
    from analytics.effects import project_effect

    with reading(db_path(args.db)) as con:
        result = project_effect(con, args.project, kind=args.kind)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(result["sentence"])
    print(f"vergelijking: {result['comparison']}; per {'maand' if result['kind'] == 'month' else 'ISO-week'}")
    for note in result["notes"]:
        print(f"let op: {note}")
    names = {"before": "voor", "during": "tijdens", "after": "na", "since_start": "sinds start"}
    print(f"{'fase':<12}{'periodes':>9}{'doel':>7}{'vergelijking':>14}{'verwacht':>10}{'effect':>9}{'interval':>18}")
    for row in result["phases"]:
        expected = "" if row["expected"] is None else f"{row['expected']:.1f}".replace(".", ",")
        effect = "" if row["effect_pct"] is None else f"{row['effect_pct']:+.0f} %"
        interval = "" if row["lower"] is None else f"{row['lower']:+.0f} % … {row['upper']:+.0f} %"
        print(
            f"{names[row['phase']]:<12}{row['periods']:>9}{row['target']:>7}{row['comparison']:>14}{expected:>10}"
            f"{effect:>9}{interval:>18}"
        )
    return 0


def _day(text: str, label: str) -> date:
    try:
        return date.fromisoformat(text.strip()) if len(text.strip()) == 10 else date.fromisoformat("x")
    except ValueError:
        raise UnusableInput(f"{label} '{text}' onbekend: gebruik JJJJ-MM-DD") from None


def _coverage(args) -> int:
    from pathlib import Path

    from analytics.coverage import refresh_visits
    from analytics.coverage.dosage import tracker_dosage
    from analytics.coverage.visits import retained_from
    from civ.store import StoreBusy

    period = Period.between(_day(args.start, "begindatum"), _day(args.end, "einddatum"))
    db = db_path(args.db)
    if not Path(db).exists():
        raise UnusableInput(f"database {db} bestaat niet; laad eerst gegevens (python -m etl demo)")
    try:
        refresh_visits(db)
    except StoreBusy as error:
        # another process holds the store: show what is stored, and say it may miss the newest imports
        print(f"let op: {error}; de bezoeken zijn niet bijgewerkt met de nieuwste GPS-imports", file=sys.stderr)
    with reading(db) as con:
        table = tracker_dosage(con, period, warden=args.warden)
        kept_from = retained_from(con)
    rows = []
    for row in table.to_dict("records"):
        last = row["last_visit"]
        rows.append(
            {
                "hotspot": row["hotspot"],
                "hotspot_id": row["hotspot_id"],
                "warden": _clean(row["warden"]),
                "device_id": _clean(row["device_id"]),
                "visits": int(row["visits"]),
                "minutes": round(float(row["minutes"]), 1),
                "visits_10min": int(row["visits_10min"]),
                "last_visit": None
                if last is None or last != last
                else last.tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%SZ"),
            }
        )
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    print(
        f"Dekking {period.label()}"
        + (f" — {args.warden}" if args.warden else "")
        + " — bezoek: aaneengesloten aanwezigheid in de hotspot; ≥ 10 min telt als dosis"
    )
    if kept_from and period.start <= kept_from:
        print(
            f"let op: de GPS-punten tot {kept_from:%d/%m/%Y} zijn verwijderd (bewaartermijn); bezoeken tot dan "
            "blijven zoals ze berekend zijn, met de hotspotgrenzen en koppelingen van toen"
        )
    print(f"{'hotspot':<30}{'wacht':<10}{'toestel':<10}{'bezoeken':>9}{'minuten':>9}{'≥10 min':>9}  laatste bezoek")
    for row in rows:
        last = "" if row["last_visit"] is None else row["last_visit"][:16].replace("T", " ") + " UTC"
        print(
            f"{row['hotspot'][:29]:<30}{row['warden'] or '–':<10}{row['device_id'] or '–':<10}{row['visits']:>9}"
            f"{str(row['minutes']).replace('.', ','):>9}{row['visits_10min']:>9}  {last}"
        )
    return 0


# --- the region (a Parquet lake of several centres' exports; Spark or one process) -----------------------
def _add_region_command(commands) -> None:
    region = commands.add_parser(
        "region",
        help="CompStat-vlaggen en opkomende hotspots van elke gemeente in het meer van de regio",
        description="CompStat per gemeente × categorie × maand (exacte toets, Benjamini–Hochberg over de rijen van "
        "de regio én per gemeente) en opkomende hotspots per gemeente × maand (dezelfde detector, "
        "dezelfde parameters), op Apache Spark (applyInPandas) of in één proces; resultaten als "
        "Parquet in --out: compstat/, hotspots/, runs/\n\n"
        "voorbeeld: python -m analytics region --lake /mnt/regio/meer --months 2025-11..2026-10 "
        "--engine spark --master spark://spark-master:7077",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    region.add_argument("--lake", required=True, metavar="MAP", help="map van het meer (python -m etl export)")
    region.add_argument("--months", required=True, metavar="JJJJ-MM..JJJJ-MM", help="eerste en laatste maand")
    region.add_argument(
        "--engine",
        default="local",
        choices=["spark", "local"],
        help="spark (elke Spark-master) of local (één proces, de referentie; standaard)",
    )
    region.add_argument(
        "--master",
        default="local[*]",
        metavar="URL",
        help="Spark-master: local[N] (standaard local[*]), spark://host:7077, k8s://…",
    )
    region.add_argument("--out", metavar="MAP", help="map voor de resultaten (standaard MEER/results)")
    add_json_arg(region)
    region.set_defaults(handler=_region)


def _region(args) -> int:
    from analytics.region import run_region

    summary = run_region(args.lake, args.months, engine=args.engine, master=args.master, out=args.out)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
        return 0
    months = summary["months"]
    print(
        f"Regio {months[0]} tot {months[-1]} — {summary['municipalities']} gemeenten, motor {summary['engine']}"
        + (f" ({summary['master']})" if summary["master"] else "")
        + f", {summary['seconds']:.1f} s"
    )
    print(
        f"CompStat: {summary['compstat_rows']} rijen; vlaggen over de regio ▲ {summary['flags']['up']} "
        f"▼ {summary['flags']['down']}, per gemeente ▲ {summary['flags_municipality']['up']} "
        f"▼ {summary['flags_municipality']['down']}"
    )
    print(
        f"Hotspots: {summary['hotspot_tasks']} runs (gemeente × maand), {summary['hotspots']} plekken, "
        f"{summary['emerging']} opkomend; resultaten in {summary['out']}"
    )
    return 0


def _live(args) -> int:
    from datetime import datetime, timezone

    from analytics.coverage.live import last_positions
    from civ.live_journal import pending_entries

    db = db_path(args.db)
    now = datetime.now(timezone.utc)
    with reading(db) as con:
        pending = pending_entries(db, con)  # the journal before the store: see civ/live_journal.py
        frame = last_positions(con, at=now, pending=pending)
    rows = []
    for row in frame.to_dict("records"):
        rows.append(
            {
                "device_id": row["device_id"],
                "warden": None if row["holder"] == row["device_id"] else row["holder"],
                "lat": float(row["lat"]),
                "lon": float(row["lon"]),
                "at": row["ts"].tz_convert("UTC").strftime("%Y-%m-%dT%H:%M:%S.%fZ")[:-4] + "Z",
                "age_s": round(float(row["age_minutes"]) * 60, 1),
                "battery": _clean(row["battery_pct"]),
                "source": row["source"],
            }
        )
    if args.json:
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    print(
        f"{'toestel':<34}{'wacht':<8}{'breedte':>10}{'lengte':>10}  {'tijdstip (UTC)':<20}{'leeftijd':>10}"
        f"{'batterij':>9}  bron"
    )
    for row in rows:
        battery = "–" if row["battery"] is None else f"{row['battery']:.0f} %"
        age = f"{row['age_s']:.0f} s" if row["age_s"] < 600 else f"{row['age_s'] / 60:.0f} min (verouderd)"
        print(
            f"{row['device_id'][:33]:<34}{row['warden'] or '–':<8}{row['lat']:>10.5f}{row['lon']:>10.5f}  "
            f"{row['at'][:19].replace('T', ' '):<20}{age:>10}{battery:>9}  {row['source']}"
        )
    return 0
