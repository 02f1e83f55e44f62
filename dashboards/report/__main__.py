"""`python -m dashboards.report --month JJJJ-MM`: the monthly meeting pack as PDF (and HTML).

A contract like the other command lines: the paths written on stdout, exit 0; unusable input (a bad
month, no store) exits 2 with one line `fout: …` on stderr.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from civ.cli import add_db_arg
from civ.errors import UnusableInput
from civ.store import StoreBusy, db_path


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m dashboards.report",
        description="het CompStat-vergaderpakket van een maand als PDF (A4, alleen totalen), met een HTML-versie "
        "om te mailen\n\nvoorbeeld: python -m dashboards.report --month 2026-10 --html pakket.html\n"
        "één gemeente van een zone: python -m dashboards.report --month 2026-10 --municipality 23052",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--month", required=True, metavar="JJJJ-MM", help="kalendermaand (JJJJ-MM)")
    add_db_arg(parser)
    parser.add_argument(
        "--out", metavar="FILE.pdf", help="PDF-bestand (standaard meeting-pack-JJJJ-MM.pdf in de huidige map)"
    )
    parser.add_argument("--html", metavar="FILE.html", help="ook een HTML-versie schrijven (afbeeldingen ingebed)")
    parser.add_argument("--lang", default="nl", choices=["nl", "en"], help="taal van het pakket (standaard nl)")
    parser.add_argument(
        "--municipality",
        metavar="NIS",
        help="alleen deze gemeente van een politiezone (NIS-code, bv. 23052): cijfers, kaarten en titel",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return _write(args)
    except UnusableInput as error:
        print(f"fout: {error}", file=sys.stderr)
        return 2


def _write(args) -> int:
    from analytics.coverage import refresh_visits
    from dashboards.report import meeting_pack
    from dashboards.report.contents import parse_month

    month = parse_month(args.month)
    db = db_path(args.db)
    if not db.exists():
        raise UnusableInput(f"database {db} bestaat niet; laad eerst gegevens (python -m etl demo)")
    if args.municipality:  # an unknown code is refused before the one write below
        from analytics.municipality_scope import scope_of
        from civ.store import reading

        with reading(db) as con:
            scope_of(con, args.municipality)
    try:
        refresh_visits(db)  # the only write: new GPS imports into visits, as `python -m analytics coverage`
    except StoreBusy as error:
        print(f"let op: {error}; de bezoeken zijn niet bijgewerkt met de nieuwste GPS-imports", file=sys.stderr)
    pack = meeting_pack(db, month, lang=args.lang, municipality=args.municipality)
    out = Path(args.out or pack.file_name)
    written = [(out, pack.pdf)] + ([(Path(args.html), pack.html.encode("utf-8"))] if args.html else [])
    for path, content in written:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        except OSError as error:
            raise UnusableInput(f"kan {path} niet schrijven: {error.strerror or error}") from None
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
