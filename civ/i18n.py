"""One language layer for pages, command lines and the meeting pack: `translate(key, lang, **fields)`.

Texts live in civ/messages/ (one catalogue per domain, each entry keyed by language); Dutch (nl-BE)
first, English second, and room for a third language without code changes: the languages are those
the catalogues hold. A text missing in a language falls back to Dutch, so nobody sees a raw key.
Numbers and dates are formatted by civ/formatting.py, the Belgian way in every language.
"""

from __future__ import annotations

from civ.messages import CATALOGUE

DEFAULT_LANG = "nl"
# every language the catalogues speak, Dutch first (a catalogue entry may add "fr")
LANGS: tuple[str, ...] = (DEFAULT_LANG,) + tuple(
    sorted({lang for entry in CATALOGUE.values() for lang in entry} - {DEFAULT_LANG})
)


def lang_of(value: str | None) -> str:
    """The language asked for (a URL's `?lang=en`, 'en-GB'); anything unknown means Dutch."""
    value = (value or "").strip().lower()[:2]
    return value if value in LANGS else DEFAULT_LANG


def has(key: str) -> bool:
    return key in CATALOGUE


def translate(key: str, lang: str = DEFAULT_LANG, **fields) -> str:
    """The text for `key` in `lang`, with its `{field}`s filled in from the keyword arguments."""
    entry = CATALOGUE[key]
    text = entry.get(lang_of(lang)) or entry[DEFAULT_LANG]
    return text.format(**fields) if fields else text


def translate_or(key: str, fallback: str, lang: str = DEFAULT_LANG, **fields) -> str:
    """`translate`, or `fallback` for a key the catalogues do not know (a code stored by an older version)."""
    return translate(key, lang, **fields) if key in CATALOGUE else fallback


def month_name(month: int, lang: str = DEFAULT_LANG, short: bool = False) -> str:
    """10 -> 'oktober' ('okt' when short); 'October' in English."""
    return translate(f"month{'_short' if short else ''}.{int(month)}", lang)


def texts_of(prefix: str, lang: str = DEFAULT_LANG) -> dict[str, str]:
    """Every text whose key starts with `prefix`, keyed by the rest: texts_of("trend.")["up"] is
    translate("trend.up"). For sentence builders that take their words as a dict."""
    return {key[len(prefix) :]: translate(key, lang) for key in CATALOGUE if key.startswith(prefix)}
