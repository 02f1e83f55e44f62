"""Flags every command line shares, added by one helper each (the sqlite-utils way)."""

from __future__ import annotations

import argparse


def add_db_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH", help="DuckDB-bestand (anders $CIV_DB, anders data/civ.duckdb)")


def add_json_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="laatste regel van stdout: één JSON-object")
