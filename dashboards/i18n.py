"""The pages' way into the language layer: `t("home.title", lang)` and the Belgian formatters.

The texts are in civ/messages/ (one catalogue per domain, entries keyed by language) and looked up by
civ/i18n.py; numbers and dates are formatted by civ/formatting.py. This module keeps the names the
pages have always used. New texts go into a catalogue of civ/messages/, at the end of its dict.
"""

from __future__ import annotations

import pandas as pd

from civ import formatting
from civ.formatting import DISPLAY_TZ, EMPTY
from civ.i18n import CATALOGUE as TEXTS
from civ.i18n import DEFAULT_LANG, LANGS, lang_of, month_name, translate

__all__ = [
    "DEFAULT_LANG",
    "DISPLAY_TZ",
    "EMPTY",
    "LANGS",
    "TEXTS",
    "audit_kind",
    "fmt_date",
    "fmt_datetime",
    "fmt_float",
    "fmt_int",
    "fmt_month",
    "fmt_p",
    "fmt_pct",
    "grid_locale",
    "kind_label",
    "lang_of",
    "t",
]


# Fields every page may use without passing them: the territory's names, read from the store (never a
# fixed place), so one text serves Asse, Merchtem or a police zone.
TERRITORY_FIELDS = ("{territory}", "{place}", "{boundary_source}")


def t(key: str, lang: str = DEFAULT_LANG, **fields) -> str:
    """The text for `key` in `lang` (civ/i18n.py), with the territory's names filled in where it uses them."""
    entry = TEXTS[key]
    template = entry.get(lang_of(lang)) or entry[DEFAULT_LANG]
    if any(field in template for field in TERRITORY_FIELDS):
        from dashboards import branding

        fields = {**branding.fields(lang_of(lang)), **fields}
    return translate(key, lang, **fields)


def audit_kind(event: str, lang: str = DEFAULT_LANG) -> str:
    """An audit event kind in words; a kind without a translation shows as stored."""
    key = f"audit.kind.{event}"
    return t(key, lang) if key in TEXTS else event


def grid_locale(lang: str) -> dict:
    """AG Grid's `localeText` for the language (only the words our grids show)."""
    return {key.split(".", 1)[1]: t(key, lang) for key in TEXTS if key.startswith("grid.")}


def kind_label(kind: str, lang: str = DEFAULT_LANG) -> str:
    """The Dutch/English word for an import kind; an unknown kind shows as stored."""
    key = f"kind.{kind}"
    return t(key, lang) if key in TEXTS else str(kind)


def fmt_int(value) -> str:
    """1234 -> '1.234' (Belgian thousands separator)."""
    return formatting.integer(value)


def fmt_float(value, digits: int = 1) -> str:
    """1234.56 -> '1.234,6' (point for thousands, comma for decimals)."""
    return formatting.number(value, digits)


def fmt_pct(share, digits: int = 1) -> str:
    """0.873 -> '87,3 %' (a share between 0 and 1)."""
    return formatting.share_pct(share, digits)


def fmt_date(value) -> str:
    """An instant as its date in Brussels: 2026-10-31 23:30 UTC -> '01/11/2026'."""
    return formatting.day(value)


def fmt_datetime(value, seconds: bool = False) -> str:
    """An instant in Brussels time, to the minute: '31/10/2026 14:05'."""
    return formatting.moment(value, seconds)


def fmt_month(value, lang: str = DEFAULT_LANG) -> str:
    """A (local) month's first day as 'okt 2026' / 'Oct 2026' — already local, no conversion."""
    if formatting.missing(value):
        return EMPTY
    stamp = pd.Timestamp(value)
    return f"{month_name(stamp.month, lang, short=True)} {stamp.year}"


def fmt_p(value) -> str:
    """A p-value the way a reader can take it in: '0,024', '0,0031', '< 0,0001'."""
    return formatting.p_value(value)
