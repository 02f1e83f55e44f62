"""The monthly meeting pack (dashboards/report): printed, mailed to the core group.

Every entry keyed by language (nl first); civ/i18n.py looks them up. Add keys at the end.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "pack.title": {"nl": "CompStat-vergaderpakket", "en": "CompStat meeting pack"},
    "pack.subtitle": {
        "nl": "Kerngroep integrale veiligheid · {municipality}",
        "en": "Core group integral safety · {municipality}",
    },
    "pack.made": {"nl": "Gemaakt op {date}", "en": "Made on {date}"},
    "pack.cutoff": {"nl": "Gegevens tot", "en": "Data up to"},
    "pack.cutoff.reports": {"nl": "laatste melding: {value}", "en": "latest report: {value}"},
    "pack.cutoff.fixes": {"nl": "laatste GPS-positie: {value}", "en": "latest GPS fix: {value}"},
    "pack.cutoff.import": {"nl": "laatste import: {value}", "en": "latest import: {value}"},
    "pack.cutoff.none": {"nl": "geen", "en": "none"},
    "pack.demo": {"nl": "DEMOGEGEVENS", "en": "DEMO DATA"},
    "pack.demo_note": {
        "nl": "Verzonnen demogegevens voor {place}: geen echte meldingen of GPS-sporen.",
        "en": "Made-up demo data for {place}: no real reports or GPS tracks.",
    },
    "pack.privacy": {
        "nl": "Dit pakket bevat alleen totalen: geen gegevens van melders, geen omschrijvingen van meldingen, "
        "geen sporen of gegevens van individuele gemeenschapswachten.",
        "en": "This pack holds totals only: no reporter data, no descriptions of reports, no tracks or "
        "details of individual community wardens.",
    },
    "pack.contents": {"nl": "Inhoud", "en": "Contents"},
    "pack.footer": {
        "nl": "CompStat-vergaderpakket {month} · {municipality}",
        "en": "CompStat meeting pack {month} · {municipality}",
    },
    "pack.page": {"nl": "pagina {page} van {pages}", "en": "page {page} of {pages}"},
    "pack.section.figures": {"nl": "1. Kerncijfers", "en": "1. Key figures"},
    "pack.section.compstat": {"nl": "2. CompStat-tabel", "en": "2. CompStat table"},
    "pack.section.hotspots": {"nl": "3. Opkomende hotspots", "en": "3. Emerging hot spots"},
    "pack.section.trends": {
        "nl": "4. Trends van de categorieën die veranderden",
        "en": "4. Trends of the categories that changed",
    },
    "pack.section.coverage": {
        "nl": "5. Dekking van de hotspots door de gemeenschapswachten",
        "en": "5. Warden coverage of the hot spots",
    },
    "pack.section.projects": {"nl": "6. Lopende projecten en hun effect", "en": "6. Running projects and their effect"},
    "pack.section.quality": {"nl": "Bijlage: gegevenskwaliteit", "en": "Annex: data quality"},
    "pack.figures.reports": {"nl": "Meldingen", "en": "Reports"},
    "pack.figures.reports_note": {
        "nl": "vorige maand {previous} · vorig jaar {last_year}",
        "en": "previous month {previous} · last year {last_year}",
    },
    "pack.figures.backlog": {"nl": "Nog open", "en": "Still open"},
    "pack.figures.backlog_note": {"nl": "op het einde van de maand", "en": "at the end of the month"},
    "pack.figures.median": {"nl": "Doorlooptijd", "en": "Time to close"},
    "pack.figures.median_note": {"nl": "mediaan in dagen", "en": "median in days"},
    "pack.figures.gas": {"nl": "GAS-vaststellingen", "en": "GAS findings"},
    "pack.figures.located": {"nl": "Met locatie", "en": "With location"},
    "pack.figures.located_note": {"nl": "van de meldingen", "en": "of the reports"},
    "pack.figures.up": {"nl": "Categorieën gestegen", "en": "Categories up"},
    "pack.figures.down": {"nl": "Categorieën gedaald", "en": "Categories down"},
    "pack.figures.flag_note": {
        "nl": "echte verandering tegenover het seizoensmodel",
        "en": "a real change against the seasonal model",
    },
    "pack.figures.emerging": {"nl": "Opkomende hotspots", "en": "Emerging hot spots"},
    "pack.figures.emerging_note": {"nl": "nieuw of toenemend", "en": "new or intensifying"},
    "pack.compstat.lead": {
        "nl": "{month} tegenover {previous} en {last_year}. ▲ en ▼: een echte verandering tegenover het "
        "seizoensmodel van de maanden ervoor (zonder model: tegenover vorig jaar); ‘verwacht’ is de verwachting van "
        "de vlag met haar band, wat we zonder echte verandering zouden zien (95 %).",
        "en": "{month} against {previous} and {last_year}. ▲ and ▼: a real change against the seasonal model of "
        "the months before (without a model: against last year); ‘expected’ is the flag's expectation with its "
        "range, what we would see without a real change (95 %).",
    },
    "pack.col.current": {"nl": "Deze maand", "en": "This month"},
    "pack.col.previous": {"nl": "Vorige maand", "en": "Previous month"},
    "pack.col.last_year": {"nl": "Vorig jaar", "en": "Last year"},
    "pack.col.expected": {"nl": "Verwacht", "en": "Expected"},
    "pack.col.change": {"nl": "Verandering", "en": "Change"},
    "pack.col.flag": {"nl": "Vlag", "en": "Flag"},
    "pack.col.p": {"nl": "p-waarde", "en": "p-value"},
    "pack.col.rank": {"nl": "#", "en": "#"},
    "pack.col.class": {"nl": "Klasse", "en": "Class"},
    "pack.col.place": {"nl": "Plaats", "en": "Place"},
    "pack.col.reports_expected": {"nl": "Meldingen (verwacht)", "en": "Reports (expected)"},
    "pack.col.reason": {"nl": "Waarom", "en": "Why"},
    "pack.col.hotspot": {"nl": "Hotspot", "en": "Hot spot"},
    "pack.col.days": {"nl": "Dagen sinds laatste bezoek", "en": "Days since last visit"},
    "pack.col.visits": {"nl": "Bezoeken", "en": "Visits"},
    "pack.col.visits_10": {"nl": "≥ 10 min", "en": "≥ 10 min"},
    "pack.col.minutes": {"nl": "Minuten", "en": "Minutes"},
    "pack.col.trackers": {"nl": "Trackers", "en": "Trackers"},
    "pack.col.reports": {"nl": "Meldingen", "en": "Reports"},
    "pack.col.demand": {"nl": "Vraag", "en": "Demand"},
    "pack.col.dosage": {"nl": "Dosis", "en": "Dosage"},
    "pack.chart.demand": {"nl": "Vraag: aandeel van de meldingen", "en": "Demand: share of the reports"},
    "pack.chart.dosage": {"nl": "Dosis: aandeel van de aanwezigheid", "en": "Dosage: share of the presence"},
    "pack.col.project": {"nl": "Project", "en": "Project"},
    "pack.col.period": {"nl": "Looptijd", "en": "Running"},
    "pack.col.target": {"nl": "Doelgebied", "en": "Target area"},
    "pack.col.verdict": {"nl": "Oordeel", "en": "Verdict"},
    "pack.col.effect": {"nl": "Effect (95 %-interval)", "en": "Effect (95 % interval)"},
    "pack.col.month_reports": {"nl": "Meldingen van de maand", "en": "Reports of the month"},
    "pack.col.rows": {"nl": "Rijen", "en": "Rows"},
    "pack.too_few": {"nl": "te weinig", "en": "too few"},
    "pack.hotspots.lead": {
        "nl": "{count} opkomende hotspots (nieuw of toenemend) in {month}. De kaart toont ook de andere "
        "concentraties van de maand, kleiner; de gestippelde lijnen zijn de gedefinieerde hotspots.",
        "en": "{count} emerging hot spots (new or intensifying) in {month}. The map also shows the month's "
        "other concentrations, smaller; the dashed lines are the defined hot spots.",
    },
    "pack.hotspots.lead_one": {
        "nl": "1 opkomende hotspot (nieuw of toenemend) in {month}. De kaart toont ook de andere "
        "concentraties van de maand, kleiner; de gestippelde lijnen zijn de gedefinieerde hotspots.",
        "en": "1 emerging hot spot (new or intensifying) in {month}. The map also shows the month's "
        "other concentrations, smaller; the dashed lines are the defined hot spots.",
    },
    "pack.hotspots.none": {
        "nl": "Geen opkomende hotspots in {month}. De kaart toont de andere concentraties van de maand.",
        "en": "No emerging hot spots in {month}. The map shows the month's other concentrations.",
    },
    "pack.hotspots.others": {
        "nl": "Andere concentraties deze maand: {classes}.",
        "en": "Other concentrations this month: {classes}.",
    },
    "pack.hotspots.run_stored": {
        "nl": "Uit de bewaarde hotspotrun {run} (meldingen tot {until}).",
        "en": "From the stored hot-spot run {run} (reports up to {until}).",
    },
    "pack.hotspots.run_fresh": {
        "nl": "Berekend bij het maken van dit pakket (meldingen tot {until}).",
        "en": "Computed when this pack was made (reports up to {until}).",
    },
    "pack.hotspots.not_defined": {"nl": "niet op een gedefinieerde hotspot", "en": "not on a defined hot spot"},
    "pack.hotspots.method": {
        "nl": "Toets: het aantal meldingen van deze maand op dezelfde plek tegenover de 12 maanden ervoor, "
        "met het seizoen van het hele grondgebied; Benjamini–Hochberg 5 %.",
        "en": "Test: this month's reports at the same place against the 12 months before, with the "
        "season of the whole territory; Benjamini–Hochberg 5 %.",
    },
    "pack.trends.lead": {
        "nl": "Per categorie met een ▲ of ▼ in de CompStat-tabel: de meldingen per maand met de verwachte "
        "band uit het seizoensmodel; rode punten zijn uitschieters, groene vlakken lopende projecten.",
        "en": "For each category with ▲ or ▼ in the CompStat table: reports per month with the expected "
        "band of the seasonal model; red points are anomalies, green areas running projects.",
    },
    "pack.trends.none": {
        "nl": "Geen enkele categorie veranderde in {month} echt tegenover vorig jaar: er zijn geen trendgrafieken.",
        "en": "No category changed for real in {month} against last year: there are no trend charts.",
    },
    "pack.trends.heading": {"nl": "{label} — {flag}", "en": "{label} — {flag}"},
    "pack.coverage.lead": {
        "nl": "Bezoeken van de trackers van de gemeenschapswachten aan de gedefinieerde hotspots in {month}: "
        "alleen totalen per hotspot. Een bezoek van 10 minuten of meer telt als dosis. Vraag: het "
        "aandeel van de hotspot in de meldingen in alle hotspots; dosis: zijn aandeel in de tijd "
        "dat er iemand aanwezig was.",
        "en": "Visits of the community wardens' trackers to the defined hot spots in {month}: totals per "
        "hot spot only. A visit of 10 minutes or more counts as a dose. Demand: the hot spot's share of the reports in all "
        "hot spots; dosage: its share of the time present in them.",
    },
    "pack.coverage.no_fixes": {
        "nl": "Er zijn geen GPS-gegevens geladen: de dekking is leeg.",
        "en": "No GPS data has been loaded: coverage is empty.",
    },
    "pack.coverage.pending": {
        "nl": "Let op: nieuwe GPS-imports zijn nog niet tot bezoeken verwerkt; de app of "
        "python -m analytics coverage werkt ze bij.",
        "en": "Note: new GPS imports have not been turned into visits yet; the app or "
        "python -m analytics coverage brings them up to date.",
    },
    "pack.coverage.chart": {
        "nl": "Vraag tegenover dosis: aandeel van de meldingen en van de aanwezigheid per hotspot",
        "en": "Demand against dosage: share of reports and of presence per hot spot",
    },
    "pack.coverage.never": {"nl": "nooit", "en": "never"},
    "pack.projects.lead": {
        "nl": "Projecten die in {month} liepen. Het effect vergelijkt het doelgebied voor en na de start met "
        "een vergelijkingsreeks (verschil-in-verschillen), op alle gegevens tot nu.",
        "en": "Projects running in {month}. The effect compares the target before and after the start "
        "with a comparison series (difference in differences), on all data so far.",
    },
    "pack.projects.none": {"nl": "Geen projecten liepen in {month}.", "en": "No projects were running in {month}."},
    "pack.projects.since": {"nl": "sinds {start}", "en": "since {start}"},
    "pack.quality.loads": {
        "nl": "Imports met meldingen van {month} of geladen in die maand",
        "en": "Imports with reports of {month} or loaded in that month",
    },
    "pack.quality.no_loads": {"nl": "Geen imports voor deze maand.", "en": "No imports for this month."},
    "pack.quality.reasons": {
        "nl": "Rijen in quarantaine van deze imports, per reden (waarden uit de rij weggelaten)",
        "en": "Quarantined rows of these imports, by reason (values of the row left out)",
    },
    "pack.quality.no_reasons": {"nl": "Geen rijen in quarantaine.", "en": "No quarantined rows."},
    "pack.quality.location": {
        "nl": "{without} van de {total} meldingen van {month} hebben geen locatie ({share}): ze tellen "
        "mee in de tabellen maar staan niet op de kaarten.",
        "en": "{without} of the {total} reports of {month} have no location ({share}): they count in "
        "the tables but are not on the maps.",
    },
    "pack.map.defined": {"nl": "gedefinieerde hotspot", "en": "defined hot spot"},
    "pack.map.source": {"nl": "Grenzen: {boundary_source}", "en": "Boundaries: {boundary_source}"},
    "pack.button": {"nl": "Vergaderpakket (PDF)", "en": "Meeting pack (PDF)"},
    "pack.button_title": {
        "nl": "Download het CompStat-vergaderpakket van de gekozen maand als PDF (alleen totalen). "
        "Is de gekozen periode geen maand, dan is het de maand waarin die periode eindigt.",
        "en": "Download the CompStat meeting pack of the chosen month as a PDF (totals only). When the "
        "chosen period is not a month, it is the month in which that period ends.",
    },
    "pack.making": {"nl": "Vergaderpakket wordt gemaakt … {seconds} s", "en": "Making the meeting pack … {seconds} s"},
    "pack.one_at_a_time": {
        "nl": "Er wordt al een vergaderpakket voor je gemaakt; wacht tot het klaar is.",
        "en": "A meeting pack is already being made for you; wait until it is ready.",
    },
    "pack.failed": {
        "nl": "Het vergaderpakket kon niet gemaakt worden. Probeer later opnieuw.",
        "en": "The meeting pack could not be made. Please try again later.",
    },
}
