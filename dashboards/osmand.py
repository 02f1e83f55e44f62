"""The `/osmand` endpoint on the app's server: where Traccar Client (or OsmAnd) sends positions.

A coordinator types the app's address plus `/osmand` as the server URL in Traccar Client
(`https://civ.example.be/osmand`) and the device id `python -m etl devices add --live` printed.
No login: the device id is the credential (etl/live.py checks it); everything else is in etl/live.py.
"""

from __future__ import annotations

from pathlib import Path

import flask

from etl import live
from etl.formats.osmand import MAX_BODY_BYTES

PATH = "/osmand"


def _body() -> bytes | None:
    """The body, read no further than the limit (a declared or chunked huge body is refused unread)."""
    declared = flask.request.content_length
    if declared is not None and declared > MAX_BODY_BYTES:
        return None
    data = flask.request.stream.read(MAX_BODY_BYTES + 1)
    return None if len(data) > MAX_BODY_BYTES else data


def start(db: Path) -> live.LiveIngest:
    """The store's live ingest with its flushing round running (positions a crash left in the journal
    go into the store at once, not only after the next phone's request)."""
    ingest = live.ingest_for(db)
    ingest.start()
    return ingest


def stop(db: Path) -> None:
    """On a clean shutdown: the last positions into the store (after a crash the journal keeps them)."""
    live.close_ingest(db)


def install(app, db: Path) -> None:
    """Route /osmand on the app's Flask server to the store's live ingest (one per store and process).

    The ingest starts with the first position (or with start() when the app is served), so building
    the app does not touch the store."""

    @app.server.route(PATH, methods=["GET", "POST"])
    def osmand():
        ingest = start(db)
        body = _body()
        if body is None:
            body = b"x" * (MAX_BODY_BYTES + 1)  # counted and refused as too large, never stored
        query = flask.request.args.to_dict(flat=False)
        answer = ingest.receive(flask.request.content_type, query, body, flask.request.remote_addr)
        return flask.Response(answer.text, status=answer.status, mimetype="text/plain")
