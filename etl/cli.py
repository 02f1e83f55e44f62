"""`python -m etl …`: load files into the store. A contract: flags and --json output are stable.

Exit 0 when the file was processed (quarantined rows included), 2 with one line on stderr for a
file or argument that cannot be used at all (nothing is written then).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable

from civ import store
from civ.cli import add_db_arg, add_json_arg
from civ.errors import UnusableInput
from etl.cli_own_exports import (
    add_own_export_commands,
    print_dry_run,
    print_mapping,
    quarantine_retry,
    remarks,
)

QUARANTINE_PREVIEW = 10


def _loader(parser, name: str, help_text: str, example: str, handler: Callable) -> argparse.ArgumentParser:
    command = parser.add_parser(
        name,
        help=help_text,
        description=f"{help_text}\n\nvoorbeeld: {example}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    command.add_argument("file", metavar="FILE")
    command.add_argument(
        "--profile",
        metavar="PROFIEL",
        help="koppelprofiel (TOML-bestand of een met 'profile save' bewaarde naam): welke kolom "
        "welk veld is, welke labels welke code",
    )
    command.add_argument(
        "--dry-run", action="store_true", help="proefladen: alles lezen en controleren zoals bij laden, niets opslaan"
    )
    add_db_arg(command)
    add_json_arg(command)
    command.set_defaults(handler=handler)
    return command


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m etl", description="Bestanden laden in de civ-compstat-databank.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    reports = _loader(
        commands,
        "reports",
        "meldingen laden (CSV of XLSX)",
        "python -m etl reports meldingen.csv --format canonical",
        _reports,
    )
    reports.add_argument("--format", default="auto", choices=["auto", "canonical", "police-uk", "open311"])
    reports.add_argument(
        "--bbox",
        metavar="W,S,E,N",
        help="kader in graden dat het grondgebied vervangt (voor testbestanden van elders; "
        "standaard: de omtrek van het grondgebied, python -m etl territory show)",
    )
    reports.add_argument(
        "--tz",
        metavar="ZONE",
        help="tijdzone van lokale tijden (standaard Europe/Brussels; "
        "open311: America/New_York; police-uk: Europe/London)",
    )
    reports.add_argument(
        "--id-column",
        metavar="KOLOM",
        help="de kolom met het meldingsnummer (zonder id telt een latere export gewijzigde meldingen dubbel)",
    )

    fixes = _loader(
        commands,
        "fixes",
        "GPS-posities van trackers laden (CSV, GPX of NMEA)",
        "python -m etl fixes ronde.gpx --device TRK-101",
        _fixes,
    )
    fixes.add_argument("--format", default="auto", choices=["auto", "csv", "gpx", "nmea"])
    fixes.add_argument("--device", metavar="ID", help="tracker-id (nodig voor GPX en NMEA)")
    fixes.add_argument(
        "--bbox",
        metavar="W,S,E,N",
        help="kader in graden dat het grondgebied vervangt (voor testbestanden van elders; "
        "standaard: de omtrek van het grondgebied)",
    )

    devices = _loader(
        commands,
        "devices",
        "trackers koppelen aan gemeenschapswachten (CSV: device_id,warden[,valid_from,"
        "valid_to]), of een toestel live laten posities sturen (add ID --live)",
        "python -m etl devices trackers.csv\nvoorbeeld: python -m etl devices add --live --warden GW-A",
        _devices,
    )
    devices.add_argument(
        "device_id",
        nargs="?",
        metavar="ID",
        help="na add: het toestel-id (zonder: een lang willekeurig id wordt aangemaakt en getoond)",
    )
    devices.add_argument(
        "--live",
        action="store_true",
        help="met add: het toestel mag live posities sturen naar /osmand (Traccar Client)",
    )
    devices.add_argument("--warden", metavar="CODE", help="met add: vanaf nu uitgeleend aan deze gemeenschapswacht")
    devices.add_argument("--revoke", action="store_true", help="met add ID: het toestel mag niet langer sturen")

    simulate = commands.add_parser(
        "simulate-live",
        help="de demotracks naspelen als telefoons met Traccar Client (OsmAnd-protocol)",
        description="de demotracks naspelen als telefoons met Traccar Client: elk toestel stuurt elke S seconden "
        "een positie naar /osmand (query-vorm en JSON om beurten); registreert de toestellen "
        "demo-live-001 … als dat nog niet gebeurd is\n\n"
        "voorbeeld: python -m etl simulate-live --devices 10 --interval 5 --url http://127.0.0.1:8050/osmand",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    simulate.add_argument("--devices", type=int, default=10, metavar="N", help="aantal toestellen (standaard 10)")
    simulate.add_argument(
        "--interval",
        type=float,
        default=10.0,
        metavar="S",
        help="seconden tussen twee posities van een toestel (standaard 10)",
    )
    simulate.add_argument(
        "--url",
        default="http://127.0.0.1:8050/osmand",
        help="adres van het eindpunt (standaard http://127.0.0.1:8050/osmand)",
    )
    simulate.add_argument("--duration", type=float, metavar="S", help="stoppen na zoveel seconden (anders Ctrl+C)")
    simulate.add_argument("--rounds", type=int, metavar="K", help="stoppen na K posities per toestel")
    simulate.add_argument("--acked", metavar="FILE", help="elke met 200 beantwoorde positie als JSON-regel hierin")
    add_db_arg(simulate)
    add_json_arg(simulate)
    simulate.set_defaults(handler=_simulate_live)
    _loader(
        commands,
        "hotspots",
        "gedefinieerde hotspots laden (GeoJSON FeatureCollection)",
        "python -m etl hotspots hotspots.geojson",
        _hotspots,
    )
    _loader(
        commands,
        "projects",
        "projecten laden (CSV of XLSX: name,type,start,end,categories,area)",
        "python -m etl projects projecten.csv",
        _projects,
    )

    demo = commands.add_parser(
        "demo",
        help="demogegevens aanmaken en laden, of weer verwijderen (demo remove)",
        description="demogegevens aanmaken en laden, of weer verwijderen (demo remove)\n\n"
        "voorbeeld: python -m etl demo --seed 7\n"
        "voorbeeld: python -m etl demo remove\n"
        "voorbeeld: python -m etl demo --scale 50 --write-only --out-dir /tmp/zone",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument(
        "action",
        nargs="?",
        choices=["remove"],
        help="remove: de demogegevens (meldingen, punten, hotspots, projecten van demo-imports) verwijderen",
    )
    demo.add_argument("--seed", type=int, default=20111, help="zelfde seed, zelfde gegevens (standaard 20111)")
    demo.add_argument("--end-month", metavar="JJJJ-MM", help="laatste maand (standaard: de laatste volledige)")
    demo.add_argument(
        "--scale",
        type=int,
        metavar="N",
        help="op de schaal van een politiezone: N × 2 trackers (één punt per 15 s) en "
        "N × 20.000 meldingen; 50 = 100 trackers, 50 miljoen punten, 1 miljoen meldingen",
    )
    demo.add_argument(
        "--days",
        type=int,
        default=250,
        metavar="D",
        help="met --scale: werkdagen met GPS-punten (standaard 250, een jaar)",
    )
    demo.add_argument(
        "--write-only", action="store_true", help="met --scale: alleen de bestanden schrijven, niet laden"
    )
    demo.add_argument(
        "--out-dir",
        metavar="MAP",
        help="waar de bestanden komen (standaard demo-files/ of demo-files-scaleN/ naast de database)",
    )
    add_db_arg(demo)
    add_json_arg(demo)
    demo.set_defaults(handler=_demo)

    users = commands.add_parser(
        "users",
        help="gebruikers beheren: add, list, disable, enable, role",
        description="gebruikers beheren (rollen: beheerder, coordinator, kerngroep, politie)\n\n"
        "voorbeeld: python -m etl users add an.peeters --role kerngroep",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    users.add_argument(
        "action",
        choices=["add", "list", "disable", "enable", "role"],
        help="add NAAM, list, disable NAAM, enable NAAM of role NAAM --role ROL",
    )
    users.add_argument("name", nargs="?", metavar="NAAM", help="gebruikersnaam (voor add, disable, enable, role)")
    users.add_argument(
        "--role",
        choices=["beheerder", "coordinator", "kerngroep", "politie"],
        help="rol van een nieuwe gebruiker (add) of de nieuwe rol (role)",
    )
    users.add_argument(
        "--password-stdin",
        action="store_true",
        help="wachtwoord van de standaardinvoer lezen (voor scripts); anders wordt het gevraagd",
    )
    add_db_arg(users)
    add_json_arg(users)
    users.set_defaults(handler=_users)

    retention = commands.add_parser(
        "retention",
        help="ruwe GPS-punten ouder dan de bewaartermijn tonen of verwijderen",
        description="ruwe GPS-punten ouder dan de bewaartermijn (standaard 90 dagen) tonen, "
        "en met --apply verwijderen; bezoeken en totalen blijven\n\n"
        "voorbeeld: python -m etl retention --apply",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    retention.add_argument("--days", type=int, metavar="N", help="bewaartermijn in dagen (standaard: instelling, 90)")
    retention.add_argument("--apply", action="store_true", help="echt verwijderen (zonder: alleen tonen)")
    add_db_arg(retention)
    add_json_arg(retention)
    retention.set_defaults(handler=_retention)
    _territory_commands(commands)

    quarantine = commands.add_parser(
        "quarantine",
        help="geweigerde rijen tonen met hun reden, of opnieuw proberen",
        description="geweigerde rijen tonen met hun reden; 'retry' haalt de geweigerde "
        "rijen van een import opnieuw door het (nieuwe) profiel, de aliassen en "
        "categorieën\n\n"
        "voorbeeld: python -m etl quarantine --batch 3\n"
        "voorbeeld: python -m etl quarantine retry --batch 3 --profile merchtem.toml",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    quarantine.add_argument("action", nargs="?", choices=["retry"], help="retry: opnieuw proberen (met --batch)")
    quarantine.add_argument(
        "--profile", metavar="PROFIEL", help="met retry: dit profiel in plaats van dat van de import"
    )
    quarantine.add_argument("--batch", type=int, metavar="N", help="alleen deze import")
    quarantine.add_argument(
        "--remarks", action="store_true", help="de geladen rijen met een opmerking tonen in plaats van de geweigerde"
    )
    quarantine.add_argument("--limit", type=int, default=200, help="hoogstens zoveel rijen (standaard 200)")
    add_db_arg(quarantine)
    add_json_arg(quarantine)
    quarantine.set_defaults(handler=_quarantine)

    export = commands.add_parser(
        "export",
        help="het aandeel van deze gemeente in het Parquet-meer van de regio schrijven",
        description="gepseudonimiseerde meldingen (zonder omschrijving of melder), referentietabellen, deelgemeenten, "
        "gedefinieerde hotspots en per hotspot en maand de bezoeken als Parquet, per NIS-code en maand; "
        "een maand opnieuw uitvoeren vervangt ze; geen GPS-punten\n\n"
        "voorbeeld: python -m etl export --lake /mnt/regio/meer --nis 23002",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    export.add_argument("--lake", required=True, metavar="MAP", help="map van het meer (gedeelde opslag)")
    export.add_argument(
        "--nis", metavar="CODE", help="NIS-code van de gemeente, als de databank er nog geen heeft (bv. 23002)"
    )
    add_db_arg(export)
    add_json_arg(export)
    export.set_defaults(handler=_export)
    _address_commands(commands)
    add_own_export_commands(commands)
    return parser


def _address_commands(commands) -> None:
    """`addresses load|alias` (the official address register) and `geocode` (place stored reports again)."""
    addresses = commands.add_parser(
        "addresses",
        help="adressenregister (BeSt-Address van BOSA) laden, straataliassen",
        description="adressenregister (BeSt-Address van BOSA) laden of een schrijfwijze van een straat koppelen\n\n"
        "voorbeeld: python -m etl addresses load openaddress-bevlg.zip\n"
        'voorbeeld: python -m etl addresses alias "Stwg op Brussel" "Brusselsesteenweg"',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = addresses.add_subparsers(dest="action", required=True, metavar="ACTION")
    load = actions.add_parser(
        "load",
        help="adressen van de gemeenten van het grondgebied laden (CSV of zip)",
        description="adressen van de gemeenten van het grondgebied laden uit het bestand van "
        "BOSA (openaddress-bevlg.zip, -bebru, -bewal; CSV of zip)\n\n"
        "voorbeeld: python -m etl addresses load openaddress-bevlg.zip --nis 23002",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    load.add_argument("file", metavar="FILE")
    load.add_argument(
        "--nis",
        nargs="+",
        metavar="CODE",
        help="NIS-codes van de gemeenten (standaard: de gemeenten van het grondgebied)",
    )
    add_db_arg(load)
    add_json_arg(load)
    load.set_defaults(handler=_addresses_load)
    alias = actions.add_parser(
        "alias",
        help="een schrijfwijze van een straat koppelen aan de naam in het register",
        description="een schrijfwijze van een straat koppelen aan de naam in het register\n\n"
        'voorbeeld: python -m etl addresses alias "Stwg op Brussel" "Brusselsesteenweg"',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    alias.add_argument("alias", metavar="SCHRIJFWIJZE")
    alias.add_argument("street", metavar="STRAAT")
    add_db_arg(alias)
    add_json_arg(alias)
    alias.set_defaults(handler=_addresses_alias)
    geocode = commands.add_parser(
        "geocode",
        help="opgeslagen meldingen zonder locatie opnieuw op het adres plaatsen",
        description="opgeslagen meldingen zonder locatie maar met een adres opnieuw "
        "plaatsen (na een nieuwer adressenregister of een alias)\n\n"
        "voorbeeld: python -m etl geocode --batch 3",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    geocode.add_argument("--batch", type=int, metavar="N", help="alleen de meldingen van deze import")
    add_db_arg(geocode)
    add_json_arg(geocode)
    geocode.set_defaults(handler=_geocode)


def _territory_commands(commands) -> None:
    territory = commands.add_parser(
        "territory",
        help="het grondgebied: gemeente(n) op NIS-code instellen, tonen of de lijst van gemeenten",
        description="het grondgebied instellen (set), tonen (show) of de gemeenten van Vlaanderen en Brussel "
        "oplijsten (list); een politiezone is meerdere gemeenten\n\n"
        "voorbeeld: python -m etl territory set --nis 23052\n"
        "voorbeeld: python -m etl territory set --nis 23002 --nis 23052 --nis 23060 --nis 23102 "
        "--name 'Politiezone AMOW'",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    territory.add_argument("action", choices=["set", "show", "list"])
    territory.add_argument(
        "--nis",
        action="append",
        metavar="CODE",
        default=[],
        help="NIS-code van een gemeente (herhaal voor een politiezone)",
    )
    territory.add_argument(
        "--name",
        metavar="NAAM",
        help="naam van de organisatie in de app en het vergaderpakket (standaard: CIV + gemeente(n))",
    )
    add_db_arg(territory)
    add_json_arg(territory)
    territory.set_defaults(handler=_territory)

    areas = commands.add_parser(
        "areas",
        help="eigen gebieden (wijken, politiedistricten) laden in plaats van de deelgemeenten",
        description="eigen gebieden laden uit GeoJSON of een shapefile, in elk coördinatenstelsel; elke melding "
        "krijgt opnieuw haar gebied\n\n"
        "voorbeeld: python -m etl areas load wijken.shp --name-field WIJKNAAM --crs EPSG:31370",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    areas.add_argument("action", choices=["load"])
    areas.add_argument("file", metavar="FILE")
    areas.add_argument("--name-field", metavar="F", help="veld met de naam (standaard: naam of name)")
    areas.add_argument("--code-field", metavar="F", help="veld met de code (standaard: code of id, anders uit de naam)")
    areas.add_argument(
        "--crs",
        metavar="EPSG:NNNN",
        help="coördinatenstelsel van het bestand (standaard: dat van het bestand, anders WGS84)",
    )
    add_db_arg(areas)
    add_json_arg(areas)
    areas.set_defaults(handler=_areas)


def _actor() -> str:
    import getpass

    return f"cli:{getpass.getuser()}"


def _print_territory(args, summary: dict, closing: str | None = None) -> int:
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
        return 0
    print(summary["name"])
    for municipality in summary["municipalities"]:
        areas = [a["name"] for a in summary["areas"] if a["municipality"] == municipality["nis"]]
        print(f"  {municipality['nis']} {municipality['name']}: {', '.join(areas)}")
    print("  kader (W,Z,O,N): " + ",".join(str(v) for v in summary["bbox"]))
    if closing:
        print(closing)
    return 0


def _territory(args) -> int:
    from civ import territory

    if args.action == "list":
        rows = territory.municipalities()
        if args.json:
            print(json.dumps(rows, ensure_ascii=False))
        else:
            for row in rows:
                print(f"{row['nis']}  {row['name']}")
        return 0
    if args.action == "set":
        if not args.nis:
            raise UnusableInput("geef minstens één gemeente: --nis CODE (de lijst: python -m etl territory list)")
        summary = territory.set_territory(store.db_path(args.db), args.nis, name=args.name, by=_actor())
        moved = sum(n for code, n in summary["reports_by_area"].items())
        return _print_territory(
            args, summary, f"{moved} meldingen opnieuw aan een gebied toegewezen in {summary['seconds']:.1f} s"
        )
    with store.reading(store.db_path(args.db)) as con:
        found = territory.current(con)
    if found is None:
        raise UnusableInput("nog geen grondgebied ingesteld: python -m etl territory set --nis CODE")
    return _print_territory(args, found.as_json())


def _areas(args) -> int:
    from etl.areas import load_areas_file

    summary = load_areas_file(
        store.db_path(args.db),
        args.file,
        name_field=args.name_field,
        code_field=args.code_field,
        crs=args.crs,
        by=_actor(),
    )
    return _print_territory(
        args,
        summary,
        f"{len(summary['areas'])} gebieden geladen; meldingen opnieuw toegewezen in {summary['seconds']:.1f} s",
    )


def _join_negative_values(argv: list[str]) -> list[str]:
    """`--bbox -0.6,51.2,0.4,51.8` would read as an unknown option to argparse: glue it on."""
    joined, pending = [], False
    for arg in argv:
        if pending and arg.startswith("-"):
            joined[-1] = f"{joined[-1]}={arg}"
        else:
            joined.append(arg)
        pending = arg == "--bbox"
    return joined


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(_join_negative_values(sys.argv[1:] if argv is None else argv))
    try:
        return args.handler(args)
    except UnusableInput as error:
        print(f"fout: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("onderbroken: er is niets opgeslagen van deze import", file=sys.stderr)
        return 130


def _run_load(args, load: Callable[..., store.LoadResult]) -> int:
    """`load(db, profile)` for the command's file; with --dry-run on a copy of the store."""
    started = time.perf_counter()
    if sys.stdout.isatty() and not args.json:
        print(f"{'proefladen' if args.dry_run else 'laden'} van {args.file} …", file=sys.stderr, flush=True)
        store.show_progress = True
    from etl.profiles import load_profile

    profile = load_profile(args.profile, args.command, args.db)
    if args.dry_run:
        from etl.batches import dry_run

        outcome = dry_run(store.db_path(args.db), lambda db: load(db, profile))
        if args.json:
            print(json.dumps(outcome, ensure_ascii=False, default=str))
        else:
            print_dry_run(outcome, time.perf_counter() - started)
        return 0
    result = load(store.db_path(args.db), profile)
    seconds = time.perf_counter() - started
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
    else:
        _print_summary(args, result, seconds)
    return 0


def _print_summary(args, result: store.LoadResult, seconds: float) -> None:
    rows = [
        ("bestand", result.file),
        ("import", result.batch_id),
        ("status", result.status),
        ("rijen gelezen", result.rows_in),
        ("geladen", result.loaded),
        ("  waarvan bijgewerkt", result.updated),
        ("  met opmerking", result.remarks),
        ("in quarantaine", result.quarantined),
        ("dubbel", result.duplicates),
        ("duur", f"{seconds:.1f} s"),
    ]
    for label, value in rows:
        print(f"{label:<20} {value}")
    for warning in result.warnings:
        print(f"let op: {warning}")
    print_mapping(result.columns_used, result.columns_ignored)
    if result.geocoding:
        print_geocoding(result.geocoding)
    if result.remarks:
        print(f"opmerkingen per rij: python -m etl quarantine --remarks --batch {result.batch_id}")
    if result.status in ("loaded", "nothing-loaded") and result.quarantined:
        with store.reading(store.db_path(args.db)) as con:
            preview = con.execute(
                "SELECT row_number, reason FROM quarantine WHERE batch_id = ? ORDER BY row_number LIMIT ?",
                [result.batch_id, QUARANTINE_PREVIEW],
            ).fetchall()
        print("\ngeweigerde rijen:")
        for row_number, reason in preview:
            print(f"  rij {row_number}: {reason}")
        if result.quarantined > len(preview):
            print(f"  … alle {result.quarantined}: python -m etl quarantine --batch {result.batch_id}")


def _reports(args) -> int:
    from etl.reports import load_reports_file

    return _run_load(
        args,
        lambda db, profile: load_reports_file(
            db, args.file, fmt=args.format, bbox=args.bbox, tz=args.tz, profile=profile, id_column=args.id_column
        ),
    )


def _fixes(args) -> int:
    from etl.fixes import load_fixes_file
    from etl.reports import parse_bbox

    box = parse_bbox(args.bbox)  # a wrong box is unusable input before anything is read
    return _run_load(
        args,
        lambda db, profile: load_fixes_file(
            db, args.file, fmt=args.format, device=args.device, profile=profile, box=box
        ),
    )


def _devices(args) -> int:
    from etl.devices import load_devices_file

    if args.file == "add":
        return _add_device(args)
    if args.device_id or args.live or args.warden or args.revoke:
        raise UnusableInput("ID, --live, --warden en --revoke horen bij: python -m etl devices add [ID] --live")
    return _run_load(args, lambda db, profile: load_devices_file(db, args.file, profile=profile))


def _add_device(args) -> int:
    from etl import live

    db = store.db_path(args.db)
    if args.revoke:
        if not args.device_id:
            raise UnusableInput("--revoke heeft het toestel-id nodig: python -m etl devices add ID --revoke")
        live.revoke_device(db, args.device_id)
        result = {"device_id": args.device_id, "live": False, "warden": None}
    else:
        if not args.live:
            raise UnusableInput(
                "devices add registreert een toestel voor live posities: voeg --live toe "
                "(koppelingen met een periode: python -m etl devices BESTAND.csv)"
            )
        if not db.exists():
            raise UnusableInput(f"database {db} bestaat niet; laad eerst gegevens (python -m etl demo)")
        device = live.register_device(db, args.device_id, warden=args.warden)
        result = {"device_id": device, "live": True, "warden": args.warden.strip().upper() if args.warden else None}
        if args.device_id and len(args.device_id) < 16:
            print(
                "let op: een kort toestel-id is te raden; wie het kent, kan posities plaatsen. Laat ID weg voor "
                "een lang willekeurig id.",
                file=sys.stderr,
            )
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    elif result["live"]:
        print(f"toestel geregistreerd; tik dit id in Traccar Client bij 'Device identifier':\n{result['device_id']}")
    else:
        print(f"toestel {result['device_id']} mag geen live posities meer sturen")
    return 0


def _simulate_live(args) -> int:
    from pathlib import Path

    from etl import live, simulate_live

    if args.devices < 1 or args.interval <= 0:
        raise UnusableInput("--devices moet minstens 1 zijn en --interval groter dan 0")
    db = store.db_path(args.db)
    devices = simulate_live.device_ids(args.devices)
    tracks = simulate_live.demo_tracks(db, args.devices)
    added = simulate_live.ensure_registered(db, devices)
    if added:
        print(
            f"{len(added)} toestellen geregistreerd ({added[0]} …); de server kent ze binnen enkele seconden",
            file=sys.stderr,
        )
        time.sleep(live.FLUSH_SECONDS + 1)  # the server reads the register once per round
    print(
        f"{args.devices} toestellen sturen elke {args.interval:g} s een positie naar {args.url} (Ctrl+C om te stoppen)",
        file=sys.stderr,
    )
    replay = simulate_live.replay(
        args.url,
        devices,
        tracks,
        args.interval,
        duration_s=args.duration,
        rounds=args.rounds,
        acked_log=Path(args.acked) if args.acked else None,
    )
    summary = replay.summary()
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(
            f"verzoeken {summary['requests']}, met 200 beantwoord {summary['acknowledged']}, "
            f"antwoorden {summary['statuses']}"
        )
    return 0


def _hotspots(args) -> int:
    from etl.hotspots import load_hotspots_file

    return _run_load(args, lambda db, profile: load_hotspots_file(db, args.file, profile=profile))


def _projects(args) -> int:
    from etl.projects import load_projects_file

    return _run_load(args, lambda db, profile: load_projects_file(db, args.file, profile=profile))


def _demo(args) -> int:
    from etl.demo import load_demo

    if args.action == "remove":
        return _remove_demo(args)
    if args.scale is not None:
        return _scaled_demo(args)
    if args.write_only:
        raise UnusableInput("--write-only hoort bij --scale")
    summary = load_demo(store.db_path(args.db), seed=args.seed, end_month=args.end_month, out_dir=args.out_dir)
    return _print_demo_loads(
        args, summary, f"demogegevens geladen in {summary['seconds']:.1f} s (seed {summary['seed']})"
    )


def _remove_demo(args) -> int:
    from etl.demo.removal import remove_demo

    removed = remove_demo(store.db_path(args.db), by=_actor())
    if args.json:
        print(json.dumps(removed, ensure_ascii=False))
    elif not removed["batches"]:
        print("geen demogegevens in deze databank")
    else:
        counts = ", ".join(f"{n} {label}" for label, n in removed["rows"].items())
        print(f"demogegevens verwijderd: {removed['batches']} demo-imports ({counts})")
    return 0


def _scaled_demo(args) -> int:
    from etl.demo import scaled

    if args.scale < 1 or args.days < 1:
        raise UnusableInput("--scale en --days moeten minstens 1 zijn")
    if args.write_only:
        out = args.out_dir or store.db_path(args.db).resolve().parent / f"demo-files-scale{args.scale}"
        summary = scaled.write_scaled_files(out, args.scale, days=args.days, seed=args.seed, end_month=args.end_month)
        if args.json:
            print(json.dumps(summary, ensure_ascii=False, default=str))
        else:
            print(
                f"{summary['trackers']} trackers, {summary['fix_rows']} GPS-punten in {len(summary['fixes'])} "
                f"bestanden, {summary['reports']['rows']} meldingen in {summary['out_dir']} "
                f"({summary['seconds']:.1f} s)"
            )
        return 0
    summary = scaled.load_scaled(
        store.db_path(args.db),
        args.scale,
        days=args.days,
        seed=args.seed,
        end_month=args.end_month,
        out_dir=args.out_dir,
    )
    return _print_demo_loads(
        args, summary, f"demogegevens op schaal {args.scale} geladen in {summary['seconds']:.1f} s"
    )


def _print_demo_loads(args, summary: dict, closing: str) -> int:
    if args.json:
        print(json.dumps(summary, ensure_ascii=False, default=str))
        return 0
    for load in summary["loads"]:
        print(
            f"{load['file']:<40} geladen {load['loaded']:>9}  quarantaine {load['quarantined']:>5}  "
            f"dubbel {load['duplicates']:>5}"
        )
    print(closing)
    return 0


def _addresses_load(args) -> int:
    from etl.addresses import load_register

    result = load_register(store.db_path(args.db), args.file, nis=args.nis)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
        return 0
    print(
        f"{result['file']}: {result['kept']} adressen (huidig en voorgesteld) in {result['streets']} straten "
        f"geladen uit {result['rows_in']} rijen ({result['projection']}) in {result['seconds']:.1f} s"
    )
    for municipality in result["municipalities"]:
        statuses = ", ".join(f"{status} {n}" for status, n in sorted(municipality["status"].items()))
        print(f"  {municipality['nis']} {municipality['name']}: {statuses}")
    if result["missing_municipalities"]:
        print(f"  niet in dit bestand: {', '.join(result['missing_municipalities'])}")
    return 0


def _addresses_alias(args) -> int:
    from etl.addresses import add_alias

    result = add_alias(store.db_path(args.db), args.alias, args.street)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(
            f"'{result['alias']}' wordt voortaan gelezen als '{result['street']}'; "
            "plaats opgeslagen meldingen opnieuw: python -m etl geocode"
        )
    return 0


def _geocode(args) -> int:
    from etl.geocoding import geocode_stored

    summary = geocode_stored(store.db_path(args.db), batch_id=args.batch)
    if args.json:
        print(json.dumps(summary.as_json(), ensure_ascii=False))
    else:
        print_geocoding(summary.as_json())
    return 0


def print_geocoding(geocoding: dict) -> None:
    print(
        f"op adres geplaatst   {geocoding['geocoded']}  (waarvan dichtstbijzijnde nummer "
        f"{geocoding['by_source'].get('address_nearest_number', 0)})"
    )
    print(f"op straatniveau      {geocoding['geocoded_street_level']}")
    print(f"niet geplaatst       {geocoding['not_geocoded']}")
    if geocoding["unmatched_streets"]:
        print("meest voorkomende onbekende straten:")
        for entry in geocoding["unmatched_streets"]:
            print(f"  {entry['street']}: {entry['reports']}")


def _quarantine(args) -> int:
    if args.action == "retry":
        return quarantine_retry(args)
    if args.remarks:
        return remarks(args)
    with store.reading(store.db_path(args.db)) as con:
        rows = con.execute(
            """SELECT q.batch_id, b.file_name, q.row_number, q.reason, q.raw_text
                              FROM quarantine q JOIN import_batches b USING (batch_id)
                              WHERE ? IS NULL OR q.batch_id = ?
                              ORDER BY q.batch_id, q.row_number LIMIT ?""",
            [args.batch, args.batch, args.limit],
        ).fetchall()
    keys = ["batch_id", "file", "row_number", "reason", "raw_text"]
    if args.json:
        print(json.dumps([dict(zip(keys, row)) for row in rows], ensure_ascii=False))
        return 0
    for batch_id, file_name, row_number, reason, _raw in rows:
        print(f"import {batch_id} {file_name} rij {row_number}: {reason}")
    if not rows:
        print("geen geweigerde rijen")
    return 0


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    import getpass

    first = getpass.getpass("wachtwoord: ")
    if getpass.getpass("nog eens: ") != first:
        raise UnusableInput("de twee wachtwoorden verschillen")
    return first


def _users(args) -> int:
    import getpass

    from civ import accounts as users

    db = store.db_path(args.db)
    actor = f"cli:{getpass.getuser()}"  # the audit log says who changed an account
    if args.action != "list" and not args.name:
        raise UnusableInput(f"geef een gebruikersnaam: python -m etl users {args.action} NAAM")
    if args.action in ("add", "role") and not args.role:
        raise UnusableInput("geef een rol met --role (beheerder, coordinator, kerngroep, politie)")
    if args.action == "add":
        user = users.add_user(db, args.name, args.role, _read_password(args.password_stdin), by=actor)
        result = {"name": user.name, "role": user.role, "status": "added"}
    elif args.action == "disable":
        users.disable_user(db, args.name, by=actor)
        result = {"name": args.name, "status": "disabled"}
    elif args.action == "enable":
        users.enable_user(db, args.name, by=actor)
        result = {"name": args.name, "status": "enabled"}
    elif args.action == "role":
        users.set_role(db, args.name, args.role, by=actor)
        result = {"name": args.name, "role": args.role, "status": "role_changed"}
    else:
        result = users.list_users(db)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, default=str))
    elif args.action == "list":
        for user in result:
            state = "uitgeschakeld" if user["disabled_at"] else "actief"
            print(f"{user['name']:<24}{user['role']:<14}{state}")
    else:
        done = {
            "added": "toegevoegd",
            "disabled": "uitgeschakeld",
            "enabled": "weer ingeschakeld",
            "role_changed": f"rol {args.role}",
        }
        print(f"{result['name']}: {done[result['status']]}")
    return 0


def _retention(args) -> int:
    import getpass

    from etl.retention import plan_or_apply

    plan = plan_or_apply(store.db_path(args.db), days=args.days, apply=args.apply, actor=f"cli:{getpass.getuser()}")
    if args.json:
        print(json.dumps(plan.as_json(), ensure_ascii=False))
        return 0
    verb = "verwijderd" if plan.applied else "te verwijderen"
    print(
        f"bewaartermijn {plan.days} dagen: {plan.fixes_to_delete} GPS-punten van {plan.devices} toestellen "
        f"van vóór {plan.cutoff[:10]} {verb}"
    )
    if not plan.applied and plan.fixes_to_delete:
        print("verwijderen: python -m etl retention --apply")
    return 0


def _export(args) -> int:
    from etl.lake import export_lake

    summary = export_lake(store.db_path(args.db), args.lake, nis=args.nis)
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
        return 0
    months = summary["months"]
    span = f"{months[0]} tot {months[-1]}" if months else "geen maanden"
    print(
        f"NIS {summary['nis']}: {summary['reports']} meldingen ({span}), {summary['hotspots']} hotspots, "
        f"{summary['coverage_rows']} rijen bezoeken naar {summary['lake']} ({summary['seconds']:.1f} s)"
    )
    return 0
