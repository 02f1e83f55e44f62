"""Assemble and serve the dashboard: python app.py [--host H] [--port N] [--db PATH] [--demo].

Only assembly lives here: the store is prepared (schema migrated, demo data on a first start), the
Dash app is built from dashboards/, and it is served. The app never keeps the store open: each
page view opens a short read-only connection, so `python -m etl …` can import while it runs.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import dash
import flask

from civ import accounts as users
from civ import store
from dashboards import auth, connection, osmand, upkeep
from dashboards.components import frame

ROOT = Path(__file__).resolve().parent
TITLE = "CIV · CompStat"  # each page sets its own title with the territory's name (dashboards/branding.py)
CONNECTION_LIMIT = 1000
# Most requests wait (on DuckDB, on a hot-spot detection another user started): with 8 threads, 20
# users' requests queued behind a few slow ones (benchmarks/results-load.md).
THREADS = 24

# Dash's own page, with the document language set: the interface speaks Dutch first.
INDEX = """<!DOCTYPE html>
<html lang="nl">
    <head>
        {%metas%}
        <title>{%title%}</title>
        {%favicon%}
        {%css%}
    </head>
    <body>
        {%app_entry%}
        <footer>
            {%config%}
            {%scripts%}
            {%renderer%}
        </footer>
    </body>
</html>"""


def _callback_failed(error: Exception) -> None:
    """A callback that fails on hostile or unexpected input answers "no update", never a 500 with a
    traceback; the error goes to the server log for the administrator."""
    flask.current_app.logger.warning("callback mislukt: %r", error, exc_info=error)
    return None


def create_app(db_path: str | Path | None = None) -> dash.Dash:
    """The Dash app on the store at `db_path` (default: civ.store.db_path()). Does not touch the store."""
    app = dash.Dash(
        __name__,
        use_pages=True,
        pages_folder=str(ROOT / "dashboards" / "pages"),
        assets_folder=str(ROOT / "assets"),
        serve_locally=True,  # no CDN: the app must work without internet
        external_stylesheets=[],  # our own stylesheet in assets/, no CDN Bootstrap
        title=TITLE,
        update_title=None,
        index_string=INDEX,
        meta_tags=[{"name": "viewport", "content": "width=device-width, initial-scale=1"}],
        on_error=_callback_failed,
        # Pages show different components by role and state (no access, empty store): a callback's
        # ids are not in every layout, which is expected in a multi-page app, not an error.
        suppress_callback_exceptions=True,
    )
    db = store.db_path(db_path)
    app.server.config[connection.CONFIG_KEY] = str(db)
    auth.install(app, db)
    osmand.install(app, db)  # /osmand: live positions from phones (Traccar Client)
    _serve_logo(app, db)
    app.layout = frame.layout()
    frame.register(app)
    # Dash hands the module-level @callback's of the pages to the first app that serves a request.
    # Serve one now, so that a second app built in the same process (tests) cannot take them.
    app.server.test_client().get("/")
    return app


def _serve_logo(app: dash.Dash, db: Path) -> None:
    """/logo: the logo the beheerder uploaded on the set-up page, else the product's own."""
    from dashboards.pages.setup import current_logo

    @app.server.route("/logo")
    def _logo():
        uploaded = current_logo(db)
        if uploaded is None:
            return flask.send_from_directory(ROOT / "assets", "logo.svg", max_age=60)
        return flask.send_file(uploaded, max_age=60)


def prepare_store(db: Path, demo: bool = False) -> None:
    """Before serving: demo data on a first start when asked (`--demo`, `make run`), the schema brought up to
    date, the coverage visits refreshed. A new store without `--demo` starts empty, on the set-up page.

    All use a read-write connection that is closed again before the app serves.
    """
    if demo and not db.exists():
        try:
            from etl.demo import load_demo
        except ImportError as error:
            print(
                f"let op: de demogegevens zijn nog niet beschikbaar ({error}); de app start met een "
                f"lege databank. Laad gegevens met: python -m etl reports BESTAND --db {db}",
                file=sys.stderr,
            )
        else:
            print(f"eerste start: demogegevens laden in {db} …", file=sys.stderr)
            load_demo(db)
    con = store.open_for_writing(db)  # runs civ.store.migrate
    con.close()
    password = users.ensure_admin(db)
    if password:
        print(
            "\n" + "=" * 64 + f"\n  eerste start: account 'beheerder' aangemaakt, wachtwoord: {password}\n"
            "  (wordt maar één keer getoond; maak daarna eigen accounts: python -m etl users add …)\n"
            + "=" * 64
            + "\n",
            file=sys.stderr,
            flush=True,
        )
    # Warden coverage: visits of the fixes loaded since the last start, before the first page view.
    from analytics.coverage import refresh_visits

    refresh_visits(db)


def serve(app: dash.Dash, host: str, port: int, threads: int = THREADS) -> None:
    """waitress when it is installed (a production server), else Werkzeug's threaded server."""
    print(f"CIV-dashboard op http://{host}:{port}/ (Ctrl+C om te stoppen)", file=sys.stderr)
    try:
        from waitress import serve as waitress_serve
    except ImportError:
        from werkzeug.serving import run_simple

        run_simple(host, port, app.server, threaded=True, use_reloader=False, use_debugger=False)
    else:
        # A browser keeps up to 6 connections per site open; with waitress's default limit of 100
        # the 17th busy user's new connections would wait unanswered until others time out.
        # ident="": no `Server: waitress` header; the body limit is checked before waitress buffers a body.
        # The import upload's limit is the largest; auth.require_login keeps every other path to 8 MiB.
        waitress_serve(
            app.server,
            host=host,
            port=port,
            threads=threads,
            connection_limit=CONNECTION_LIMIT,
            ident="",
            max_request_body_size=auth.UPLOAD_REQUEST_BYTES,
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python app.py",
        description="Het CIV-dashboard serveren.",
        epilog="voorbeeld: python app.py --port 8050 --db data/civ.duckdb",
    )
    parser.add_argument("--host", default="127.0.0.1", help="adres om op te luisteren (standaard 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8050, help="poort (standaard 8050)")
    parser.add_argument("--db", help="DuckDB-bestand (standaard $CIV_DB, anders data/civ.duckdb)")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="een nieuwe databank vullen met de demogegevens (zonder: leeg, met de instelpagina)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=THREADS,
        help=f"gelijktijdige verzoeken (standaard {THREADS}; de meeste wachten op DuckDB)",
    )
    args = parser.parse_args(argv)
    db = store.db_path(args.db)
    try:
        prepare_store(db, demo=args.demo)
    except store.StoreBusy as error:
        print(f"fout: {error}", file=sys.stderr)
        return 2
    app = create_app(db)
    upkeep.start(db)
    osmand.start(db)  # writes live positions into the store every few seconds
    try:
        serve(app, args.host, args.port, args.threads)
    finally:
        osmand.stop(db)
    return 0


if __name__ == "__main__":
    sys.exit(main())
