"""The hot-spot page (dashboards/pages/hotspots.py) and the classes of analytics/hotspots.

Every entry keyed by language (nl first); civ/i18n.py looks them up. Add keys at the end.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "nav.hotspots": {"nl": "Hotspots", "en": "Hot spots"},
    "hotspots.title": {"nl": "Hotspots", "en": "Hot spots"},
    "hotspots.lead": {
        "nl": "Waar concentreren de meldingen zich deze maand, en is dat nieuw of groeiend? Elke plek "
        "is getoetst tegen haar eigen voorbije 12 maanden, met het seizoen van het hele grondgebied.",
        "en": "Where do reports concentrate this month, and is that new or growing? Each place is tested "
        "against its own previous 12 months, with the season of the whole territory.",
    },
    "hotspots.filters": {"nl": "Filters van de hotspots", "en": "Hot-spot filters"},
    "hotspots.filter.month": {"nl": "Maand", "en": "Month"},
    "hotspots.filter.group": {"nl": "Categoriegroep", "en": "Category group"},
    "hotspots.filter.class": {"nl": "Klasse", "en": "Class"},
    "hotspots.all_groups": {"nl": "Alle groepen", "en": "All groups"},
    "hotspots.group.alle": {"nl": "Alle categorieën samen", "en": "All categories together"},
    "hotspots.all_classes": {"nl": "Alle klassen", "en": "All classes"},
    "hotspots.show_defined": {
        "nl": "Toon de gedefinieerde hotspots ernaast",
        "en": "Show the defined hot spots beside them",
    },
    "hotspots.bad_month": {
        "nl": "Maand '{value}' niet begrepen; {month} wordt getoond.",
        "en": "Month '{value}' not understood; showing {month}.",
    },
    "hotspots.bad_filter": {
        "nl": "Filter '{value}' bestaat niet en wordt genegeerd.",
        "en": "Filter '{value}' does not exist and is ignored.",
    },
    "class.new": {"nl": "Nieuw", "en": "New"},
    "class.intensifying": {"nl": "Toenemend", "en": "Intensifying"},
    "class.persistent": {"nl": "Blijvend", "en": "Persistent"},
    "class.diminishing": {"nl": "Afnemend", "en": "Diminishing"},
    "class.sporadic": {"nl": "Sporadisch", "en": "Sporadic"},
    "class.historical": {"nl": "Historisch", "en": "Historical"},
    "class.new.help": {
        "nl": "een concentratie die er voorheen niet was",
        "en": "a concentration that was not there before",
    },
    "class.intensifying.help": {
        "nl": "was al een concentratie en groeit duidelijk",
        "en": "was a concentration and clearly grows",
    },
    "class.persistent.help": {
        "nl": "bijna elke maand een concentratie, zonder verandering",
        "en": "a concentration almost every month, without change",
    },
    "class.diminishing.help": {
        "nl": "was vaak een concentratie, neemt duidelijk af",
        "en": "was often a concentration, clearly fading",
    },
    "class.sporadic.help": {"nl": "af en toe een concentratie", "en": "now and then a concentration"},
    "class.historical.help": {
        "nl": "was vaak een concentratie, nu niet meer",
        "en": "was often a concentration, not now",
    },
    "hotspots.kpi.emerging": {"nl": "Opkomend", "en": "Emerging"},
    "hotspots.kpi.emerging_note": {"nl": "nieuw of toenemend", "en": "new or intensifying"},
    "hotspots.kpi.persistent": {"nl": "Blijvend", "en": "Persistent"},
    "hotspots.kpi.fading": {"nl": "Afnemend of historisch", "en": "Diminishing or historical"},
    "hotspots.kpi.candidates": {"nl": "Niet op de hotspotlijst", "en": "Not on the hot-spot list"},
    "hotspots.kpi.candidates_note": {
        "nl": "kandidaten voor de gemeenschapswachten",
        "en": "candidates for the wardens",
    },
    "hotspots.map.title": {"nl": "Kaart", "en": "Map"},
    "hotspots.map.caption": {
        "nl": "{count} plekken, omlijnd en gekleurd volgens hun klasse. Beweeg over een plek voor de reden.",
        "en": "{count} places, outlined and coloured by class. Hover over a place for the reason.",
    },
    "hotspots.map.caption_one": {
        "nl": "1 plek, omlijnd en gekleurd volgens haar klasse. Beweeg erover voor de reden.",
        "en": "1 place, outlined and coloured by its class. Hover over it for the reason.",
    },
    "hotspots.list.title": {"nl": "Hotspots, de meest significante eerst", "en": "Hot spots, most significant first"},
    "hotspots.list.empty": {"nl": "Geen hotspots voor deze keuze.", "en": "No hot spots for this choice."},
    "hotspots.on_defined": {"nl": "op hotspot {name}", "en": "on hot spot {name}"},
    "hotspots.not_defined": {"nl": "niet op de hotspotlijst", "en": "not on the hot-spot list"},
    "hotspots.candidate": {"nl": "kandidaat voor de hotspotlijst", "en": "candidate for the hot-spot list"},
    "hotspots.facts": {
        "nl": "deze maand {current} · verwacht {expected} · p {p} · na correctie {q}",
        "en": "this month {current} · expected {expected} · p {p} · corrected {q}",
    },
    "hotspots.history": {"nl": "Meldingen per maand op deze plek", "en": "Reports per month at this place"},
    "hotspots.history_bar": {"nl": "{month}: {count}", "en": "{month}: {count}"},
    "hotspots.search": {"nl": "gevonden in: {group}", "en": "found in: {group}"},
    "hotspots.callout": {
        "nl": "{count} plekken met blijvende of opkomende concentraties liggen op geen gedefinieerde "
        "hotspot: kandidaten voor de hotspotlijst van de gemeenschapswachten.",
        "en": "{count} places with persistent or emerging concentrations lie on no defined hot spot: "
        "candidates for the wardens' hot-spot list.",
    },
    "hotspots.callout_one": {
        "nl": "1 plek met een blijvende of opkomende concentratie ligt op geen gedefinieerde hotspot: "
        "een kandidaat voor de hotspotlijst van de gemeenschapswachten.",
        "en": "1 place with a persistent or emerging concentration lies on no defined hot spot: "
        "a candidate for the wardens' hot-spot list.",
    },
    "hotspots.callout_none": {
        "nl": "Elke blijvende of opkomende concentratie ligt op een gedefinieerde hotspot.",
        "en": "Every persistent or emerging concentration lies on a defined hot spot.",
    },
    "hotspots.defined.title": {"nl": "Gedefinieerde hotspots deze maand", "en": "Defined hot spots this month"},
    "hotspots.defined.none": {"nl": "niets gedetecteerd", "en": "nothing detected"},
    "hotspots.run.earlier": {
        "nl": "Berekend op de gegevens tot {until}: een nieuwe import wordt nu doorgerekend; "
        "herlaad de pagina over enkele seconden voor de nieuwste hotspots.",
        "en": "Computed on the data up to {until}: a new import is being analysed now; reload the "
        "page in a few seconds for the latest hot spots.",
    },
    "hotspots.run.stored": {
        "nl": "Run {run} van {created}, gegevens tot {until}.",
        "en": "Run {run} of {created}, data up to {until}.",
    },
    "hotspots.run.fresh": {
        "nl": "Nu berekend op de gegevens tot {until} (nog niet bewaard: python -m analytics hotspots "
        "--month {month} bewaart de run).",
        "en": "Computed now on the data up to {until} (not stored yet: python -m analytics hotspots "
        "--month {month} stores the run).",
    },
    "hotspots.method": {
        "nl": "Hoe: DBSCAN (100 m, minstens 4 meldingen) per categoriegroep en over alle categorieën; per "
        "plek een exacte toets van deze maand tegen de 12 maanden ervoor (seizoen van dezelfde "
        "categorieën in de rest van de gemeente) en een Mann–Kendall-trend, Benjamini–Hochberg 5 %. "
        "Een concentratie: minstens 4 meldingen op de plek in een maand.",
        "en": "How: DBSCAN (100 m, at least 4 reports) per category group and over all categories; per "
        "place an exact test of this month against the 12 months before (season of the same "
        "categories in the rest of the municipality) and a Mann–Kendall trend, Benjamini–Hochberg "
        "5 %. A concentration: at least 4 reports at the place in a month.",
    },
    "hotspots.legend.title": {"nl": "Klasse", "en": "Class"},
    # the reason the detector writes beside each result (analytics/hotspots/classes.py `reason`)
    "hotspots.reason.sentence": {"nl": "{head}; {tail}: {klass}", "en": "{head}; {tail}: {klass}"},
    "hotspots.reason.head": {
        "nl": "{current} {noun} {what} in {month} binnen {radius} m, verwacht {expected}",
        "en": "{current} {noun} {what} in {month} within {radius} m, expected {expected}",
    },
    "hotspots.reason.one": {"nl": "melding", "en": "report"},
    "hotspots.reason.many": {"nl": "meldingen", "en": "reports"},
    "hotspots.reason.before": {
        "nl": "{hot} van de {months} vorige maanden een concentratie",
        "en": "a concentration in {hot} of the previous {months} months",
    },
    "hotspots.reason.rising": {"nl": ", aandeel stijgt", "en": ", share rising"},
    "hotspots.reason.new": {"nl": "voorheen geen concentratie", "en": "no concentration before"},
    "hotspots.reason.new_run": {
        "nl": "pas sinds {run} maanden een concentratie, voordien niet",
        "en": "a concentration only for the last {run} months, not before",
    },
    "hotspots.reason.intensifying": {
        "nl": "{before}{rising}, nu duidelijk meer",
        "en": "{before}{rising}, clearly more now",
    },
    "hotspots.reason.persistent": {"nl": "{before}, geen duidelijke verandering", "en": "{before}, no clear change"},
    "hotspots.reason.diminishing": {"nl": "{before}, aandeel daalt", "en": "{before}, share falling"},
    "hotspots.reason.historical": {"nl": "{before}, nu niet meer", "en": "{before}, none now"},
    "hotspots.reason.sporadic": {"nl": "{before}, nu geen concentratie", "en": "{before}, no concentration now"},
    "hotspots.reason.sporadic_fresh": {
        "nl": "voor een plek die pas deze maand opvalt niet uitzonderlijk",
        "en": "not exceptional for a place that only stands out this month",
    },
    "hotspots.reason.sporadic_hot": {
        "nl": "{before}, nu niet duidelijk meer dan verwacht",
        "en": "{before}, now not clearly more than expected",
    },
    "hotspots.reason.class.new": {"nl": "nieuw", "en": "new"},
    "hotspots.reason.class.intensifying": {"nl": "toenemend", "en": "intensifying"},
    "hotspots.reason.class.persistent": {"nl": "blijvend", "en": "persistent"},
    "hotspots.reason.class.diminishing": {"nl": "afnemend", "en": "diminishing"},
    "hotspots.reason.class.sporadic": {"nl": "sporadisch", "en": "sporadic"},
    "hotspots.reason.class.historical": {"nl": "historisch", "en": "historical"},
    # a category group inside a reason ('afval (sluikstort, zwerfvuil)')
    "hotspots.reason.group.afval": {"nl": "afval", "en": "waste"},
    "hotspots.reason.group.overlast": {"nl": "overlast", "en": "nuisance"},
    "hotspots.reason.group.openbare ruimte": {"nl": "openbare ruimte", "en": "public space"},
    "hotspots.reason.group.verkeer": {"nl": "verkeer", "en": "traffic"},
    "hotspots.reason.group.criminaliteit": {"nl": "criminaliteit", "en": "crime"},
    "hotspots.reason.group.overig": {"nl": "overig", "en": "other"},
}
