"""`python -m analytics …`: the figures behind the pages, for scripts and the meeting pack.

A contract: flags and --json output are stable. Exit 2 with one line on stderr for unusable input.
"""
from __future__ import annotations

import argparse
import json
import math
import sys

from etl import UnusableInput
from etl.cli import add_db_arg, add_json_arg
from etl.store import db_path, reading

from analytics.compstat import GROUPINGS, Filters, compstat_table
from analytics.periods import Period

COMPSTAT_KEYS = ["category", "area", "current", "previous", "last_year", "ytd", "ytd_last_year", "pct_change",
                 "p_value", "q_value", "flag", "expected_low", "expected_high", "too_few"]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m analytics", description="Cijfers uit de civ-compstat-databank.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    compstat = commands.add_parser(
        "compstat", help="de CompStat-tabel van een periode",
        description="de CompStat-tabel van een periode: deze periode, vorige, zelfde periode vorig jaar, "
                    "jaar tot nu, met exacte toets en vlag\n\nvoorbeeld: python -m analytics compstat --month 2026-10",
        formatter_class=argparse.RawDescriptionHelpFormatter)
    compstat.add_argument("--month", required=True, metavar="JJJJ-MM",
                          help="maand (JJJJ-MM); ook een ISO-week JJJJ-Wnn of ytd:JJJJ-MM")
    compstat.add_argument("--by", default="category", choices=list(GROUPINGS), help="rijen per categorie en/of deelgemeente")
    compstat.add_argument("--area", metavar="CODE", help="alleen deze deelgemeente (NIS-code, bv. 23002E)")
    compstat.add_argument("--group", metavar="GROEP", help="alleen deze categoriegroep (bv. afval)")
    compstat.add_argument("--channel", metavar="KANAAL", help="alleen dit kanaal (bv. probleembox)")
    add_db_arg(compstat)
    add_json_arg(compstat)
    compstat.set_defaults(handler=_compstat)
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
    print(f"CompStat {period.label()} — vlag: exacte binomiale toets tegenover dezelfde periode vorig jaar, "
          f"Benjamini–Hochberg 5 %")
    print(f"{'categorie':<26}{'gebied':<12}{'nu':>6}{'vorige':>8}{'vorig jaar':>11}{'verwacht':>11}{'%':>11}  vlag")
    for row in table.to_dict("records"):
        pct = "te weinig" if row["too_few"] else f"{row['pct_change']:+.0f}"
        label = row.get("category_label") or ""
        area = row.get("area_name") or ""
        previous = "" if _clean(row["previous"]) is None else int(row["previous"])
        print(f"{label[:25]:<26}{str(area)[:11]:<12}{int(row['current']):>6}{previous:>8}{int(row['last_year']):>11}"
              f"{str(row['expected_low']) + '–' + str(row['expected_high']):>11}{pct:>11}  {row['flag']}")
    return 0
