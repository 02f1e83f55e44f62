"""Every visible word of the app: Dutch (nl-BE) first, English second; numbers and dates as in Belgium.

`t("home.title", lang)` looks a text up; `{name}` fields are filled from keyword arguments. A key
missing in English falls back to Dutch, so a page never shows a raw key to a Dutch user.
Numbers and dates are always formatted the Belgian way (1.234,5 and 31/10/2026, Brussels time),
whatever the language: the figures must read the same in the meeting and in the minutes.
"""
from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd

LANGS = ("nl", "en")
DEFAULT_LANG = "nl"
DISPLAY_TZ = "Europe/Brussels"
EMPTY = "–"

TEXTS: dict[str, tuple[str, str]] = {
    # the frame around every page
    "app.title": ("CIV Asse · CompStat", "CIV Asse · CompStat"),
    "app.subtitle": ("Centrum voor integrale veiligheid", "Centre for integral safety"),
    "nav.home": ("Overzicht", "Overview"),
    "nav.quarantine": ("Quarantaine", "Quarantine"),
    "nav.language": ("Taal", "Language"),
    "demo.badge": ("DEMOGEGEVENS", "DEMO DATA"),
    "demo.banner": ("Dit zijn verzonnen demogegevens voor Asse, geen echte meldingen of GPS-sporen.",
                    "This is invented demo data for Asse, not real reports or GPS tracks."),
    "store.busy": ("De databank is even bezet door een import. Vernieuw de pagina over enkele seconden.",
                   "The database is busy with an import. Reload the page in a few seconds."),
    "store.missing": ("Er is nog geen databank: {path}", "There is no database yet: {path}"),
    "empty.title": ("Nog geen gegevens geladen", "No data loaded yet"),
    "empty.text": ("Laad meldingen en GPS-sporen met de opdrachtregel en vernieuw daarna deze pagina:",
                   "Load reports and GPS tracks with the command line, then reload this page:"),
    "empty.demo": ("Of laad de demogegevens van Asse:", "Or load the Asse demo data:"),
    # home
    "home.title": ("Overzicht", "Overview"),
    "home.lead": ("Wat zit er in de databank: meldingen, GPS-punten en de laatste imports.",
                  "What the database holds: reports, GPS fixes and the latest imports."),
    "kpi.reports": ("Meldingen", "Reports"),
    "kpi.located": ("Met locatie", "With location"),
    "kpi.located_note": ("{count} van de meldingen", "{count} of the reports"),
    "kpi.fixes": ("GPS-punten", "GPS fixes"),
    "kpi.wardens": ("Gemeenschapswachten", "Community wardens"),
    "kpi.hotspots": ("Hotspots", "Hot spots"),
    "kpi.quarantined": ("In quarantaine", "Quarantined"),
    "kpi.last_import": ("Laatste import", "Last import"),
    "kpi.data_until": ("Gegevens tot", "Data up to"),
    "chart.title": ("Meldingen per maand", "Reports per month"),
    "chart.located": ("met locatie", "with location"),
    "chart.unlocated": ("zonder locatie", "without location"),
    "chart.axis": ("meldingen", "reports"),
    "chart.empty": ("Nog geen meldingen geladen.", "No reports loaded yet."),
    "batches.title": ("Laatste imports", "Latest imports"),
    "batches.empty": ("Nog geen imports.", "No imports yet."),
    "fixes.title": ("GPS-punten per drager", "GPS fixes per holder"),
    "fixes.empty": ("Nog geen GPS-punten geladen.", "No GPS fixes loaded yet."),
    "fixes.no_warden": ("(toestel zonder gemeenschapswacht)", "(device without a warden)"),
    # columns
    "col.batch": ("Import", "Import"),
    "col.kind": ("Soort", "Kind"),
    "col.file": ("Bestand", "File"),
    "col.format": ("Formaat", "Format"),
    "col.finished": ("Geladen op", "Loaded at"),
    "col.rows_in": ("Rijen in", "Rows in"),
    "col.loaded": ("Geladen", "Loaded"),
    "col.quarantined": ("Quarantaine", "Quarantined"),
    "col.duplicates": ("Dubbel", "Duplicates"),
    "col.demo": ("Demo", "Demo"),
    "col.holder": ("Drager", "Holder"),
    "col.name": ("Naam", "Name"),
    "col.fixes": ("GPS-punten", "Fixes"),
    "col.outliers": ("Uitschieters", "Outliers"),
    "col.first": ("Eerste", "First"),
    "col.last": ("Laatste", "Last"),
    "col.row": ("Rij", "Row"),
    "col.reason": ("Reden", "Reason"),
    "col.raw": ("Ruwe tekst", "Raw text"),
    "yes": ("ja", "yes"),
    "no": ("nee", "no"),
    # import kinds as stored in import_batches.kind
    "kind.reports": ("meldingen", "reports"),
    "kind.fixes": ("GPS-punten", "GPS fixes"),
    "kind.devices": ("toestellen", "devices"),
    "kind.hotspots": ("hotspots", "hot spots"),
    "kind.projects": ("projecten", "projects"),
    # quarantine
    "quarantine.title": ("Quarantaine", "Quarantine"),
    "quarantine.lead": ("Rijen die niet geladen werden, met de reden. Verbeter het bestand en laad het "
                        "opnieuw: wat al geladen is, wordt niet dubbel geteld.",
                        "Rows that were not loaded, with the reason. Correct the file and load it "
                        "again: what is already loaded is not counted twice."),
    "quarantine.filter": ("Import", "Import"),
    "quarantine.all": ("Alle imports", "All imports"),
    "quarantine.count": ("{count} rijen in quarantaine", "{count} rows in quarantine"),
    "quarantine.count_one": ("1 rij in quarantaine", "1 row in quarantine"),
    "quarantine.count_limited": ("{count} rijen in quarantaine, de eerste {shown} worden getoond",
                                 "{count} rows in quarantine, the first {shown} are shown"),
    "quarantine.none": ("Geen rijen in quarantaine: alles werd geladen.",
                        "No rows in quarantine: everything was loaded."),
    "quarantine.bad_batch": ("Import {batch} bestaat niet of heeft geen rijen in quarantaine.",
                             "Import {batch} does not exist or has no quarantined rows."),
    # AG Grid's own words (filter menus, paging)
    "grid.noRowsToShow": ("Geen rijen", "No rows"),
    "grid.contains": ("Bevat", "Contains"),
    "grid.equals": ("Is gelijk aan", "Equals"),
    "grid.filterOoo": ("Filter…", "Filter…"),
    "grid.page": ("Pagina", "Page"),
    "grid.of": ("van", "of"),
    "grid.to": ("tot", "to"),
    "grid.pageSizeSelectorLabel": ("Rijen per pagina:", "Rows per page:"),
    "grid.notContains": ("Bevat niet", "Does not contain"),
    "grid.startsWith": ("Begint met", "Starts with"),
    "grid.endsWith": ("Eindigt op", "Ends with"),
    "grid.notEqual": ("Is niet gelijk aan", "Does not equal"),
    "grid.lessThan": ("Kleiner dan", "Less than"),
    "grid.greaterThan": ("Groter dan", "Greater than"),
    "grid.inRange": ("Tussen", "Between"),
    "grid.blank": ("Leeg", "Blank"),
    "grid.notBlank": ("Niet leeg", "Not blank"),
    "grid.andCondition": ("EN", "AND"),
    "grid.orCondition": ("OF", "OR"),
}

MONTHS_SHORT = {
    "nl": ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"),
    "en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
}


def lang_of(value: str | None) -> str:
    """The language asked for in a URL (`?lang=en`); anything unknown means Dutch."""
    value = (value or "").strip().lower()[:2]
    return value if value in LANGS else DEFAULT_LANG


def t(key: str, lang: str = DEFAULT_LANG, **fields) -> str:
    """The text for `key` in `lang`, with `{field}`s filled in."""
    texts = TEXTS[key]
    text = texts[LANGS.index(lang_of(lang))] or texts[0]
    return text.format(**fields) if fields else text


def grid_locale(lang: str) -> dict:
    """AG Grid's `localeText` for the language (only the words our grids show)."""
    return {key.split(".", 1)[1]: t(key, lang) for key in TEXTS if key.startswith("grid.")}


def _missing(value) -> bool:
    if value is None or value is pd.NaT:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def fmt_int(value) -> str:
    """1234 -> '1.234' (Belgian thousands separator)."""
    if _missing(value):
        return EMPTY
    return f"{int(round(value)):,}".replace(",", ".")


def fmt_float(value, digits: int = 1) -> str:
    """1234.56 -> '1.234,6' (point for thousands, comma for decimals)."""
    if _missing(value) or (isinstance(value, float) and math.isinf(value)):
        return EMPTY
    text = f"{float(value):,.{digits}f}"
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def fmt_pct(share, digits: int = 1) -> str:
    """0.873 -> '87,3 %' (a share between 0 and 1)."""
    if _missing(share):
        return EMPTY
    return f"{fmt_float(share * 100, digits)} %"


def _local(value) -> pd.Timestamp | None:
    """A timestamp in Brussels time; naive values are taken as UTC, as the store keeps them."""
    if _missing(value):
        return None
    if isinstance(value, date) and not isinstance(value, datetime):
        return pd.Timestamp(value)  # a calendar date has no time zone to convert
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is None:
        stamp = stamp.tz_localize("UTC")
    return stamp.tz_convert(DISPLAY_TZ)


def fmt_date(value) -> str:
    """An instant as its date in Brussels: 2026-10-31 23:30 UTC -> '01/11/2026'."""
    stamp = _local(value)
    return EMPTY if stamp is None else stamp.strftime("%d/%m/%Y")


def fmt_datetime(value) -> str:
    """An instant in Brussels time, to the minute: '31/10/2026 14:05'."""
    stamp = _local(value)
    return EMPTY if stamp is None else stamp.strftime("%d/%m/%Y %H:%M")


def fmt_month(value, lang: str = DEFAULT_LANG) -> str:
    """A (local) month's first day as 'okt 2026' / 'Oct 2026' — already local, no conversion."""
    if _missing(value):
        return EMPTY
    stamp = pd.Timestamp(value)
    return f"{MONTHS_SHORT[lang_of(lang)][stamp.month - 1]} {stamp.year}"


def kind_label(kind: str, lang: str = DEFAULT_LANG) -> str:
    """The Dutch/English word for an import kind; an unknown kind shows as stored."""
    key = f"kind.{kind}"
    return t(key, lang) if key in TEXTS else str(kind)
