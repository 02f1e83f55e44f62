"""What the app calls its organisation and its place, from the store's territory (civ/territory.py).

i18n texts say `{territory}` ('CIV Merchtem'), `{place}` ('Merchtem', or a zone's
municipalities) and `{boundary_source}` (the map attribution); `dashboards.i18n.t` fills them from here,
so no page names a municipality. Read from the serving app's store at most once per few seconds.
"""

from __future__ import annotations

import threading
import time

from civ import territory

CACHE_SECONDS = 3.0
FALLBACK = {
    "nl": {"territory": "CIV", "place": "het grondgebied", "boundary_source": territory.STATBEL_SOURCE},
    "en": {"territory": "CIV", "place": "the territory", "boundary_source": territory.STATBEL_SOURCE},
}
_cache: dict[str, tuple[float, dict]] = {}
_lock = threading.Lock()


def from_store(con) -> dict:
    """{territory, place, boundary_source} of a store; {} before its territory is set."""
    if not territory.is_set(con):
        return {}
    return {
        "territory": territory.display_name(con),
        "place": territory.place_name(con),
        "boundary_source": territory.boundary_source(con),
    }


def _current_store() -> str | None:
    try:
        from dashboards.connection import db_path

        return str(db_path())
    except RuntimeError:  # outside a request of the app (the pack's child process, a CLI)
        return None


_pinned: dict = {}


def pin(con, place: str | None = None) -> None:
    """For work outside a request (the meeting pack): the names of the store `con` reads; `place` instead
    of the territory's (the pack of one municipality of a zone)."""
    _pinned.clear()
    _pinned.update(from_store(con))
    if place and _pinned:
        _pinned["place"] = place


def fields(lang: str) -> dict:
    base = dict(FALLBACK.get(lang, FALLBACK["nl"]))
    db = _current_store()
    if db is None:
        base.update({k: v for k, v in _pinned.items() if v})
        return base
    now = time.monotonic()
    with _lock:
        cached = _cache.get(db)
    if cached is None or now - cached[0] > CACHE_SECONDS:
        try:
            from civ.store import reading

            with reading(db) as con:
                found = from_store(con)
        except Exception:  # a store being replaced or busy: the names can wait, the page not
            found = cached[1] if cached else {}
        with _lock:
            _cache[db] = (now, found)
        cached = (now, found)
    base.update({k: v for k, v in cached[1].items() if v})
    return base


def forget() -> None:
    """After a change of territory in this process (the set-up page): read the names again."""
    with _lock:
        _cache.clear()


def page_title(label: str):
    """A page's browser-tab title ('CompStat · CIV Merchtem'), for dash.register_page(title=...)."""
    return lambda **_: f"{label} · {fields('nl')['territory']}"
