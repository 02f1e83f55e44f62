"""The command lines for a municipality's own exports (issue 16): `profile`, `categories`, `statuses`,
`batches`, `quarantine retry` and `quarantine --remarks`, and the dry run's printout. Kept apart from
etl/cli.py so the loaders' contract there stays short; `add_own_export_commands` is called by
`build_parser`."""

from __future__ import annotations

import argparse
import json

from civ import store
from civ.cli import add_db_arg, add_json_arg
from civ.errors import UnusableInput


def add_own_export_commands(commands) -> None:
    """profile, categories, statuses and batches (issue 16: a municipality's own exports)."""
    profile = commands.add_parser(
        "profile",
        help="koppelprofielen: bewaren, tonen of een begin voorstellen voor een bestand",
        description="koppelprofielen (TOML): 'suggest' schrijft een startprofiel voor een bestand naar de uitvoer, "
        "'save' bewaart een profiel onder een naam, 'list' toont de bewaarde\n\n"
        "voorbeeld: python -m etl profile suggest export.xlsx --kind reports > merchtem.toml\n"
        "voorbeeld: python -m etl profile save merchtem-meldingen merchtem.toml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    profile.add_argument("action", choices=["suggest", "save", "list"], help="suggest BESTAND, save NAAM BESTAND, list")
    profile.add_argument(
        "args", nargs="*", metavar="ARG", help="suggest: het gegevensbestand; save: naam en profielbestand"
    )
    profile.add_argument(
        "--kind",
        choices=["reports", "fixes", "devices", "hotspots", "projects"],
        default="reports",
        help="soort bestand voor suggest (standaard reports)",
    )
    add_db_arg(profile)
    add_json_arg(profile)
    profile.set_defaults(handler=_profile)

    categories = commands.add_parser(
        "categories",
        help="eigen categorieën toevoegen of tonen",
        description="eigen categorieën toevoegen (met hun Nederlandse en Engelse naam en groep) of tonen\n\n"
        "voorbeeld: python -m etl categories add wildplassen --label-nl Wildplassen "
        "--label-en 'Public urination' --group overlast",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    categories.add_argument("action", choices=["add", "list"], help="add CODE of list")
    categories.add_argument("code", nargs="?", metavar="CODE", help="de code (kleine letters, cijfers, _)")
    categories.add_argument("--label-nl", metavar="TEKST", help="Nederlandse naam")
    categories.add_argument("--label-en", metavar="TEXT", help="Engelse naam")
    categories.add_argument("--group", metavar="GROEP", help="groep (afval, overlast, verkeer, …)")
    categories.add_argument("--gas", action="store_true", help="kan tot een GAS-vaststelling leiden")
    categories.add_argument(
        "--alias",
        action="append",
        default=[],
        metavar="LABEL",
        help="een label in exports dat deze code betekent (mag meermaals)",
    )
    add_db_arg(categories)
    add_json_arg(categories)
    categories.set_defaults(handler=_categories)

    statuses = commands.add_parser(
        "statuses",
        help="eigen statussen toevoegen of tonen (klasse open, in behandeling, afgesloten)",
        description="eigen statussen toevoegen of tonen; elke status hoort bij een klasse: open, in_progress "
        "of closed\n\n"
        "voorbeeld: python -m etl statuses add doorgestuurd_politie --label-nl 'Doorgestuurd naar politie' "
        "--label-en 'Forwarded to police' --class in_progress",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    statuses.add_argument("action", choices=["add", "list"], help="add CODE of list")
    statuses.add_argument("code", nargs="?", metavar="CODE", help="de code")
    statuses.add_argument("--label-nl", metavar="TEKST", help="Nederlandse naam")
    statuses.add_argument("--label-en", metavar="TEXT", help="Engelse naam")
    statuses.add_argument(
        "--class", dest="status_class", choices=["open", "in_progress", "closed"], help="klasse die de analyses tellen"
    )
    statuses.add_argument(
        "--alias",
        action="append",
        default=[],
        metavar="LABEL",
        help="een label in exports dat deze status betekent (mag meermaals)",
    )
    add_db_arg(statuses)
    add_json_arg(statuses)
    statuses.set_defaults(handler=_statuses)

    batches = commands.add_parser(
        "batches",
        help="imports tonen of een import ongedaan maken",
        description="imports tonen (list) of een import ongedaan maken (undo N): de databank alsof die import "
        "nooit geladen was, met de vorige versie van elke melding die hij bijwerkte\n\n"
        "voorbeeld: python -m etl batches list\n"
        "voorbeeld: python -m etl batches undo 7",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    batches.add_argument("action", choices=["list", "undo"], help="list of undo N")
    batches.add_argument("batch", nargs="?", type=int, metavar="N", help="het importnummer (voor undo)")
    add_db_arg(batches)
    add_json_arg(batches)
    batches.set_defaults(handler=_batches)


def print_mapping(used: dict | None, ignored: list | None) -> None:
    if used is not None:
        print("\nkolommen gebruikt:")
        for field, columns in used.items():
            print(f"  {field:<14} ← {' + '.join(columns)}")
    if ignored:
        print(f"kolommen genegeerd: {', '.join(ignored)}")


def print_dry_run(outcome: dict, seconds: float) -> None:
    print("PROEF: er is niets opgeslagen")
    rows = [
        ("bestand", outcome["file"]),
        ("rijen gelezen", outcome["rows_in"]),
        ("zou laden", outcome["loaded"]),
        ("  waarvan bijgewerkt", outcome["updated"]),
        ("  waarvan met opmerking", outcome["remarks"]),
        ("zou weigeren", outcome["quarantined"]),
        ("dubbel", outcome["duplicates"]),
        ("duur", f"{seconds:.1f} s"),
    ]
    for label, value in rows:
        print(f"{label:<24} {value}")
    for warning in outcome.get("warnings", []):
        print(f"let op: {warning}")
    print_mapping(outcome.get("columns_used"), outcome.get("columns_ignored"))
    for title, key, label in (
        ("geweigerd, per reden", "quarantine_reasons", "reason"),
        ("geladen met opmerking, per soort", "remark_kinds", "remark"),
    ):
        if outcome.get(key):
            print(f"\n{title}:")
            for group in outcome[key]:
                print(f"  {group['rows']:>7} × {group[label]}")
                for example in group["examples"]:
                    print(f"            rij {example['row_number']}: {example[label]}")


def quarantine_retry(args) -> int:
    from etl.batches import retry_quarantine

    if args.batch is None:
        raise UnusableInput("geef de import op: python -m etl quarantine retry --batch N")
    result = retry_quarantine(args.db, args.batch, args.profile)
    if args.json:
        print(json.dumps({**result.as_json(), "retry_of": args.batch}, ensure_ascii=False))
    else:
        print(
            f"opnieuw geprobeerd: {result.rows_in} geweigerde rijen van import {args.batch}; nu geladen "
            f"{result.loaded} (import {result.batch_id}), nog geweigerd {result.quarantined}, dubbel {result.duplicates}"
        )
    return 0


def _profile(args) -> int:
    from etl import profiles

    if args.action == "suggest":
        if len(args.args) != 1:
            raise UnusableInput("geef één bestand: python -m etl profile suggest BESTAND --kind reports")
        from etl.profile_suggest import suggest

        print(suggest(args.args[0], args.kind, args.db), end="")
        return 0
    if args.action == "save":
        if len(args.args) != 2:
            raise UnusableInput("geef een naam en een profielbestand: python -m etl profile save NAAM BESTAND.toml")
        result = profiles.save_profile(args.db, args.args[0], args.args[1])
    else:
        result = profiles.list_profiles(args.db)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, default=str))
    elif args.action == "save":
        print(f"profiel {result['name']} bewaard; gebruik: --profile {result['name']}")
    else:
        for item in result:
            print(f"{item['name']:<32}{item['kind'] or '':<10}{item['saved_at']}")
        if not result:
            print("geen bewaarde profielen")
    return 0


def _categories(args) -> int:
    from etl.own_codes import add_category, list_categories

    if args.action == "add":
        result = add_category(
            store.db_path(args.db),
            args.code,
            args.label_nl,
            args.label_en,
            args.group,
            gas_relevant=args.gas,
            aliases=args.alias,
        )
    else:
        result = list_categories(store.db_path(args.db))
    return _print_codes(args, result)


def _statuses(args) -> int:
    from etl.own_codes import add_status, list_statuses

    if args.action == "add":
        result = add_status(
            store.db_path(args.db), args.code, args.label_nl, args.label_en, args.status_class, aliases=args.alias
        )
    else:
        result = list_statuses(store.db_path(args.db))
    return _print_codes(args, result)


def _print_codes(args, result) -> int:
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    elif isinstance(result, dict):
        print(f"{result['code']}: toegevoegd")
    else:
        for item in result:
            print("  ".join(str(v) for v in item.values()))
    return 0


def _batches(args) -> int:
    from etl.batches import list_batches, undo_batch

    if args.action == "undo":
        if args.batch is None:
            raise UnusableInput("geef het importnummer: python -m etl batches undo N")
        result = undo_batch(args.db, args.batch)
        if args.json:
            print(json.dumps(result, ensure_ascii=False))
        else:
            print(
                f"import {result['batch_id']} ({result['kind']}, {result['file']}) ongedaan gemaakt: "
                f"{result['removed']} rijen weg, {result['restored']} vorige versies terug"
            )
        return 0
    result = list_batches(args.db)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    for b in result:
        extra = f" (opnieuw van {b['retry_of']})" if b["retry_of"] else ""
        print(
            f"{b['batch_id']:>5} {b['kind']:<9} {b['status']:<15} geladen {b['loaded']:>8}  opmerking {b['remarks']:>6}  "
            f"quarantaine {b['quarantined']:>6}  dubbel {b['duplicates']:>6}  {b['file']}{extra}"
        )
    if not result:
        print("nog geen imports")
    return 0


def remarks(args) -> int:
    with store.reading(store.db_path(args.db)) as con:
        rows = con.execute(
            """SELECT r.batch_id, b.file_name, r.row_number, r.record_key, r.remark
                              FROM row_remarks r JOIN import_batches b USING (batch_id)
                              WHERE ? IS NULL OR r.batch_id = ?
                              ORDER BY r.batch_id, r.row_number LIMIT ?""",
            [args.batch, args.batch, args.limit],
        ).fetchall()
    keys = ["batch_id", "file", "row_number", "record_key", "remark"]
    if args.json:
        print(json.dumps([dict(zip(keys, row)) for row in rows], ensure_ascii=False))
        return 0
    for batch_id, file_name, row_number, record_key, remark in rows:
        print(f"import {batch_id} {file_name} rij {row_number} ({record_key}): {remark}")
    if not rows:
        print("geen rijen met een opmerking")
    return 0
