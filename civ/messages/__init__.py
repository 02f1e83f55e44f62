"""The app's texts, one catalogue per domain: general (frame, overview, quarantine, CompStat), trends and
projects, hot spots, warden coverage, administration, the meeting pack.

Each module holds `MESSAGES = {key: {"nl": …, "en": …}}`. A new language (French for a Brussels or
Walloon centre) is a new entry beside "nl" and "en" in every key, nothing else: civ/i18n.py takes its
languages from here, and tests/unit/test_i18n.py refuses a key that misses one.
"""

from __future__ import annotations

from civ.messages import admin, coverage, general, hotspots, imports, report, trends

DOMAINS = (general, trends, hotspots, coverage, admin, report, imports)


def _merged() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for module in DOMAINS:
        twice = merged.keys() & module.MESSAGES.keys()
        if twice:
            raise ValueError(f"{module.__name__} repeats keys of another catalogue: {sorted(twice)[:5]}")
        merged.update(module.MESSAGES)
    return merged


CATALOGUE = _merged()
