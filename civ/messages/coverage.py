"""Warden coverage (dashboards/pages/coverage.py, coverage_day.py, live.py, overview.py)

Every entry keyed by language (nl first); civ/i18n.py looks them up. Add keys at the end.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "nav.coverage": {"nl": "Dekking", "en": "Coverage"},
    "nav.coverage_day": {"nl": "Dagoverzicht", "en": "Daily overview"},
    "nav.live": {"nl": "Live", "en": "Live"},
    "nav.overview": {"nl": "Overzichtslijst", "en": "Overview list"},
    "access.tracks": {
        "nl": "Deze pagina toont waar individuele gemeenschapswachten waren; alleen de coördinator mag ze zien.",
        "en": "This page shows where individual wardens were; only the coordinator may see it.",
    },
    "weekday.0": {"nl": "maandag", "en": "Monday"},
    "weekday.1": {"nl": "dinsdag", "en": "Tuesday"},
    "weekday.2": {"nl": "woensdag", "en": "Wednesday"},
    "weekday.3": {"nl": "donderdag", "en": "Thursday"},
    "weekday.4": {"nl": "vrijdag", "en": "Friday"},
    "weekday.5": {"nl": "zaterdag", "en": "Saturday"},
    "weekday.6": {"nl": "zondag", "en": "Sunday"},
    "cov.map.attribution": {"nl": "Grenzen: {boundary_source}", "en": "Boundaries: {boundary_source}"},
    "cov.map.aria": {
        "nl": "Kaart van {place} met de gedefinieerde hotspots en de aanwezigheid van de gemeenschapswachten",
        "en": "Map of {place} with the defined hot spots and the wardens' presence",
    },
    "cov.updating": {
        "nl": "Bezig met bijwerken: de bezoeken van de nieuwste GPS-gegevens worden berekend. De cijfers "
        "hieronder zijn nog zonder die gegevens en vernieuwen vanzelf.",
        "en": "Updating: the visits of the newest GPS data are being computed. The figures below do not "
        "include them yet and refresh by themselves.",
    },
    "cov.updating_batches": {"nl": "({count} nieuwe import(s))", "en": "({count} new import(s))"},
    "cov.no_fixes": {
        "nl": "Nog geen GPS-punten van trackers geladen. Laad ze met: python -m etl fixes BESTAND",
        "en": "No tracker fixes loaded yet. Load them with: python -m etl fixes FILE",
    },
    "cov.title": {"nl": "Dekking", "en": "Coverage"},
    "cov.lead": {
        "nl": "Welke hotspots bezochten de gemeenschapswachten, hoe lang, en tegenover hoeveel meldingen?",
        "en": "Which hot spots did the wardens visit, for how long, and against how many reports?",
    },
    "cov.bad_period": {
        "nl": "Periode '{value}' is onbekend; {period} wordt getoond.",
        "en": "Period '{value}' is unknown; showing {period}.",
    },
    "cov.filters": {"nl": "Filters", "en": "Filters"},
    "cov.filter.period": {"nl": "Periode", "en": "Period"},
    "cov.filter.warden": {"nl": "Gemeenschapswacht", "en": "Warden"},
    "cov.filter.colour": {"nl": "Kleur van de hotspots", "en": "Colour of the hot spots"},
    "cov.filter.layer": {"nl": "Raster", "en": "Grid"},
    "cov.all_wardens": {"nl": "Alle gemeenschapswachten", "en": "All wardens"},
    "cov.device": {"nl": "toestel {device} (geen wacht)", "en": "device {device} (no warden)"},
    "cov.colour.days": {"nl": "Dagen sinds laatste bezoek", "en": "Days since last visit"},
    "cov.colour.minutes": {"nl": "Minuten aanwezig", "en": "Minutes present"},
    "cov.layer.none": {"nl": "Geen", "en": "None"},
    "cov.layer.presence": {"nl": "Aanwezigheid", "en": "Presence"},
    "cov.layer.demand": {"nl": "Meldingen per uur aanwezigheid", "en": "Reports per hour present"},
    "cov.kpi.unvisited": {"nl": "Hotspots zonder bezoek", "en": "Hot spots not visited"},
    "cov.kpi.unvisited_note": {"nl": "van {count} gedefinieerde hotspots", "en": "of {count} defined hot spots"},
    "cov.kpi.visits": {"nl": "Bezoeken", "en": "Visits"},
    "cov.kpi.visits_note": {
        "nl": "waarvan {count} van 10 minuten of meer",
        "en": "{count} of them 10 minutes or longer",
    },
    "cov.kpi.hours": {"nl": "Uren in hotspots", "en": "Hours in hot spots"},
    "cov.kpi.hours_note": {"nl": "aanwezigheid in de hotspots", "en": "presence in the hot spots"},
    "cov.kpi.duty": {"nl": "Uren in dienst", "en": "Hours on duty"},
    "cov.kpi.duty_note": {
        "nl": "eerste tot laatste GPS-punt, {count} wacht(en)",
        "en": "first to last fix, {count} warden(s)",
    },
    "cov.kpi.reports": {"nl": "Meldingen in hotspots", "en": "Reports in hot spots"},
    "cov.kpi.reports_note": {"nl": "binnen de omtrek van een hotspot", "en": "inside a hot spot's footprint"},
    "cov.map.title": {"nl": "Hotspots op de kaart", "en": "Hot spots on the map"},
    "cov.map.caption": {
        "nl": "{period}: {count} gedefinieerde hotspots. Beweeg over een hotspot of een cel voor de cijfers.",
        "en": "{period}: {count} defined hot spots. Hover over a hot spot or a cell for its figures.",
    },
    "cov.retained": {
        "nl": "Let op: de GPS-punten tot {day} zijn verwijderd (bewaartermijn); de bezoeken tot dan blijven "
        "zoals ze berekend zijn, met de hotspotgrenzen van toen.",
        "en": "Note: the GPS fixes up to {day} have been deleted (retention period); visits up to then stay as "
        "they were computed, with the hot-spot outlines of that time.",
    },
    "cov.legend.days": {"nl": "Dagen sinds laatste bezoek", "en": "Days since the last visit"},
    "cov.legend.never": {"nl": "nooit bezocht", "en": "never visited"},
    "cov.legend.minutes": {"nl": "Minuten aanwezig in de periode", "en": "Minutes present in the period"},
    "cov.legend.presence": {
        "nl": "Raster: minuten aanwezig per cel van 250 m",
        "en": "Grid: minutes present per 250 m cell",
    },
    "cov.legend.demand": {"nl": "Raster: meldingen per uur aanwezigheid", "en": "Grid: reports per hour present"},
    "cov.legend.or_none": {"nl": "of geen aanwezigheid", "en": "or no presence"},
    "cov.unit.days": {"nl": "dagen", "en": "days"},
    "cov.unit.minutes": {"nl": "min", "en": "min"},
    "cov.unit.per_hour": {"nl": "per uur", "en": "per hour"},
    "cov.tip.hotspot": {
        "nl": "{name}: {visits} bezoeken ({visits_10min} van ≥ 10 min), {minutes} min, {reports} meldingen; {last}",
        "en": "{name}: {visits} visits ({visits_10min} of ≥ 10 min), {minutes} min, {reports} reports; {last}",
    },
    "cov.tip.days": {"nl": "laatste bezoek {days} dagen geleden", "en": "last visit {days} days ago"},
    "cov.tip.never": {"nl": "nooit bezocht", "en": "never visited"},
    "cov.tip.cell": {
        "nl": "{minutes} min aanwezig · {reports} meldingen",
        "en": "{minutes} min present · {reports} reports",
    },
    "cov.tip.cell_demand": {
        "nl": "{reports} meldingen · {minutes} min aanwezig · {per_hour} per uur",
        "en": "{reports} reports · {minutes} min present · {per_hour} per hour",
    },
    "cov.no_presence": {"nl": "geen aanwezigheid", "en": "no presence"},
    "cov.table.title": {"nl": "Dosis per hotspot", "en": "Dosage per hot spot"},
    "cov.table.caption": {
        "nl": "Bovenaan: waar de aanwezigheid het verst achterblijft bij de meldingen.",
        "en": "At the top: where presence lags demand the most.",
    },
    "cov.export": {"nl": "Exporteer CSV", "en": "Export CSV"},
    "cov.col.hotspot": {"nl": "Hotspot", "en": "Hot spot"},
    "cov.col.visits": {"nl": "Bezoeken", "en": "Visits"},
    "cov.col.visits_10min": {"nl": "≥ 10 min", "en": "≥ 10 min"},
    "cov.col.minutes": {"nl": "Minuten aanwezig", "en": "Minutes present"},
    "cov.col.last_visit": {"nl": "Laatste bezoek", "en": "Last visit"},
    "cov.col.days": {"nl": "Dagen geleden", "en": "Days ago"},
    "cov.col.reports": {"nl": "Meldingen", "en": "Reports"},
    "cov.col.per_hour": {"nl": "Meldingen per uur aanwezig", "en": "Reports per hour present"},
    "cov.col.per_hour_tip": {
        "nl": "Meldingen in de hotspot gedeeld door de uren dat er een gemeenschapswacht was",
        "en": "Reports in the hot spot divided by the hours a warden was there",
    },
    "cov.col.balance": {"nl": "Meldingen / aanwezigheid (aandeel)", "en": "Reports / presence (share)"},
    "cov.col.balance_tip": {
        "nl": "Aandeel van alle meldingen in hotspots tegenover aandeel van alle aanwezigheid in hotspots",
        "en": "Share of all hot-spot reports against share of all hot-spot presence",
    },
    "cov.balance": {"nl": "{demand} / {dosage}", "en": "{demand} / {dosage}"},
    "cov.no_visit": {"nl": "geen bezoek", "en": "no visit"},
    "cov.legend.none_present": {"nl": "niemand aanwezig", "en": "nobody present"},
    "cov.method": {
        "nl": "Een bezoek is een aaneengesloten aanwezigheid van één tracker in de hotspot (de cirkel of de "
        "omtrek); onderbrekingen korter dan 5 minuten tellen mee, doortochten korter dan 1 minuut niet. "
        "Uitschieters en punten met een nauwkeurigheid slechter dan 30 m tellen niet. Bezoeken van 10 "
        "minuten of meer schrikken volgens onderzoek naar hotspot-patrouilles het langst af.",
        "en": "A visit is one tracker's continuous presence in the hot spot (the circle or the outline); "
        "breaks shorter than 5 minutes count, pass-throughs under 1 minute do not. Outliers and fixes "
        "with an accuracy worse than 30 m are left out. Research on hot-spot patrol finds that visits "
        "of 10 minutes or more deter longest.",
    },
    "cov.staffing.title": {
        "nl": "Hoeveel wachturen vraagt een vaste dosis?",
        "en": "How many warden-hours does a fixed dosage take?",
    },
    "cov.staffing.visits": {"nl": "Bezoeken per week per hotspot", "en": "Visits per week per hot spot"},
    "cov.staffing.minutes": {"nl": "Minuten per bezoek", "en": "Minutes per visit"},
    "cov.staffing.overhead": {"nl": "Verplaatsing (% erbovenop)", "en": "Travel (% on top)"},
    "cov.staffing.need": {
        "nl": "Elke hotspot {visits} keer per week {minutes} minuten bezoeken, met {overhead} % "
        "verplaatsingstijd erbij: voor {count} hotspots is dat ongeveer {hours} wachturen per maand.",
        "en": "Visiting every hot spot {visits} times a week for {minutes} minutes, with {overhead} % "
        "travel time on top: for {count} hot spots that is about {hours} warden-hours a month.",
    },
    "cov.staffing.spent": {
        "nl": "In {period} waren {wardens} gemeenschapswachten samen {duty} uur per maand in dienst, "
        "waarvan {spent} uur in de hotspots ({share} van hun diensttijd).",
        "en": "In {period}, {wardens} wardens were on duty {duty} hours a month together, "
        "{spent} hours of it in the hot spots ({share} of their time on duty).",
    },
    "cov.staffing.more": {
        "nl": "Met al hun ander werk erbij vraagt die dosis {needed} gemeenschapswachten van {per_warden} "
        "uur per maand: {extra} meer dan de {now} van nu.",
        "en": "With all their other work, that dosage takes {needed} wardens of {per_warden} hours a "
        "month: {extra} more than the {now} of today.",
    },
    "cov.staffing.enough": {
        "nl": "Met al hun ander werk erbij vraagt die dosis {needed} gemeenschapswachten van {per_warden} "
        "uur per maand: dat past binnen de {now} van nu.",
        "en": "With all their other work, that dosage takes {needed} wardens of {per_warden} hours a "
        "month: that fits within the {now} of today.",
    },
    "cov.staffing.no_duty": {
        "nl": "In {period} was geen gemeenschapswacht in dienst volgens de GPS-gegevens.",
        "en": "In {period} no warden was on duty according to the GPS data.",
    },
    "cov.staffing.below": {
        "nl": "{below} van de {count} hotspots kregen in deze periode minder dan de streefdosis van "
        "{target} bezoeken van minstens {dose} minuten.",
        "en": "{below} of the {count} hot spots got less than the target of {target} visits of at "
        "least {dose} minutes in this period.",
    },
    "cov.staffing.method": {
        "nl": "Rekenwerk met de gekozen aannames, geen statistische toets: de diensttijd per wacht is "
        "wat de wachten in deze periode werkelijk in dienst waren (verlof en deeltijd zitten erin); "
        "hun ander werk blijft zoals het was.",
        "en": "Arithmetic with the chosen assumptions, not a statistical test: the hours per warden are "
        "what the wardens were actually on duty in this period (leave and part-time included); "
        "their other work stays as it was.",
    },
    "day.title": {"nl": "Dagoverzicht", "en": "Daily overview"},
    "day.lead": {
        "nl": "Waar waren de gemeenschapswachten op een dag: in dienst, afstand, hotspots en hun spoor.",
        "en": "Where the wardens were on a day: on duty, distance, hot spots and their track.",
    },
    "day.pick": {"nl": "Dag", "en": "Day"},
    "day.previous": {"nl": "vorige dag", "en": "previous day"},
    "day.next": {"nl": "volgende dag", "en": "next day"},
    "day.caption": {"nl": "{weekday} {day} · met GPS-punten: {count}", "en": "{weekday} {day} · with fixes: {count}"},
    "day.duty.title": {"nl": "In dienst", "en": "On duty"},
    "day.col.warden": {"nl": "Wacht", "en": "Warden"},
    "day.col.from": {"nl": "Van", "en": "From"},
    "day.col.to": {"nl": "Tot", "en": "To"},
    "day.col.hours": {"nl": "In dienst", "en": "On duty"},
    "day.col.km": {"nl": "Afstand (km)", "en": "Distance (km)"},
    "day.col.hotspots": {"nl": "Hotspots bezocht", "en": "Hot spots visited"},
    "day.col.minutes": {"nl": "Minuten in hotspots", "en": "Minutes in hot spots"},
    "day.col.where": {"nl": "Bezoeken", "en": "Visits"},
    "day.hours": {"nl": "{hours} u {minutes}", "en": "{hours} h {minutes}"},
    "day.timeline.title": {"nl": "Tijdlijn van de dag", "en": "Timeline of the day"},
    "day.kind.duty": {"nl": "in dienst", "en": "on duty"},
    "day.kind.visits": {
        "nl": "bezoek aan een hotspot (kleur van de wacht)",
        "en": "hot-spot visit (the warden's colour)",
    },
    "day.kind.still": {
        "nl": "stilstand (≥ 10 min, buiten hotspots)",
        "en": "standing still (≥ 10 min, outside hot spots)",
    },
    "day.kind.gap": {"nl": "geen signaal (≥ 5 min)", "en": "no signal (≥ 5 min)"},
    "day.tip.duty": {"nl": "{holder}: in dienst {start}–{end}", "en": "{holder}: on duty {start}–{end}"},
    "day.tip.bar": {"nl": "{what}: {start}–{end} ({minutes} min)", "en": "{what}: {start}–{end} ({minutes} min)"},
    "day.none": {"nl": "Geen GPS-punten op deze dag.", "en": "No fixes on this day."},
    "day.map.title": {"nl": "Sporen van de dag", "en": "Tracks of the day"},
    "day.legend": {"nl": "Spoor per drager", "en": "Track per holder"},
    "live.title": {"nl": "Live", "en": "Live"},
    "live.lead": {
        "nl": "De laatst bekende positie van elke tracker. Klik op een melding of een punt op de kaart: wie is "
        "het dichtst bij?",
        "en": "The last known position of each tracker. Click a report or a point on the map: who is nearest?",
    },
    "live.map.title": {"nl": "Posities", "en": "Positions"},
    "live.clock": {
        "nl": "toestand op {when}, elke 5 seconden vernieuwd",
        "en": "as of {when}, refreshed every 5 seconds",
    },
    "live.replay_offer": {
        "nl": "De laatste GPS-gegevens zijn van {when}.",
        "en": "The latest GPS data are from {when}.",
    },
    "live.replay_link": {"nl": "Toon de toestand op dat moment.", "en": "Show the situation at that moment."},
    "live.replaying": {
        "nl": "Herhaling: zo was de toestand op {when}.",
        "en": "Replay: the situation as it was at {when}.",
    },
    "live.now_link": {"nl": "Terug naar nu.", "en": "Back to now."},
    "live.near.title": {"nl": "Wie is het dichtst bij?", "en": "Who is nearest?"},
    "live.near.hint": {
        "nl": "Klik op een melding of een punt op de kaart om de trackers op afstand te zetten.",
        "en": "Click a report or a point on the map to sort the trackers by distance.",
    },
    "live.near.caption": {
        "nl": "Actuele posities eerst, op afstand; {count} binnen {radius} m.",
        "en": "Current positions first, by distance; {count} within {radius} m.",
    },
    "live.near.all_stale": {
        "nl": "Geen enkele positie is actueel: de lijst toont waar de trackers het laatst waren.",
        "en": "No position is current: the list shows where the trackers were last.",
    },
    "live.col.warden": {"nl": "Wacht", "en": "Warden"},
    "live.col.distance": {"nl": "Afstand", "en": "Distance"},
    "live.col.age": {"nl": "Laatst gezien", "en": "Last seen"},
    "live.col.age_value": {"nl": "{age}", "en": "{age}"},
    "live.col.age_stale": {"nl": "verouderd · {age}", "en": "stale · {age}"},
    "live.label.group": {"nl": "{holders}", "en": "{holders}"},
    "live.label.more_stale": {"nl": "(+ {count} verouderd)", "en": "(+ {count} stale)"},
    "live.label.several": {"nl": "{count} trackers · verouderd", "en": "{count} trackers · stale"},
    "live.age.now": {"nl": "zonet", "en": "just now"},
    "live.age.minutes": {"nl": "{n} min geleden", "en": "{n} min ago"},
    "live.age.hours": {"nl": "{h} u {m} geleden", "en": "{h} h {m} ago"},
    "live.age.days": {"nl": "{n} dagen geleden", "en": "{n} days ago"},
    "live.label": {"nl": "{holder} · {age}", "en": "{holder} · {age}"},
    "live.label.stale": {"nl": "{holder} · verouderd, {age}", "en": "{holder} · stale, {age}"},
    "live.place": {"nl": "Gekozen plaats", "en": "Chosen place"},
    "live.report_tip": {"nl": "{category}, {when}", "en": "{category}, {when}"},
    "live.legend": {"nl": "Tracker", "en": "Tracker"},
    "live.stale_legend": {"nl": "verouderd (ouder dan {minutes} min)", "en": "stale (older than {minutes} min)"},
    "live.report_legend": {"nl": "melding van de laatste {days} dagen", "en": "report of the last {days} days"},
    "ov.title": {"nl": "Overzichtslijst", "en": "Overview list"},
    "ov.lead": {
        "nl": "Na een klacht: wie van de gemeenschapswachten was in de buurt, wanneer en hoe lang, en welke meldingen "
        "werden er gedaan?",
        "en": "After a complaint: which wardens were nearby, when and for how long, and which reports were made?",
    },
    "ov.hotspot": {"nl": "Hotspot", "en": "Hot spot"},
    "ov.hotspot_pick": {"nl": "Kies een hotspot…", "en": "Pick a hot spot…"},
    "ov.lat": {"nl": "Breedtegraad", "en": "Latitude"},
    "ov.lon": {"nl": "Lengtegraad", "en": "Longitude"},
    "ov.radius": {"nl": "Straal (m)", "en": "Radius (m)"},
    "ov.period": {"nl": "Periode", "en": "Period"},
    "ov.from": {"nl": "van", "en": "from"},
    "ov.to": {"nl": "tot", "en": "to"},
    "ov.export": {"nl": "Exporteer CSV", "en": "Export CSV"},
    "ov.print": {"nl": "Afdrukbare versie", "en": "Printable version"},
    "ov.print_now": {"nl": "Afdrukken", "en": "Print"},
    "ov.back": {"nl": "Terug", "en": "Back"},
    "ov.map_hint": {"nl": "Klik op de kaart om de plaats te kiezen.", "en": "Click the map to choose the place."},
    "ov.pick_place": {
        "nl": "Kies een plaats: klik op de kaart, kies een hotspot of geef de coördinaten.",
        "en": "Choose a place: click the map, pick a hot spot or type its coordinates.",
    },
    "ov.pick_period": {"nl": "Kies een periode.", "en": "Choose a period."},
    "ov.summary": {
        "nl": "{period}, binnen {radius} m van {lat}, {lon}: {count} passages van {wardens} gemeenschapswacht(en), "
        "samen {minutes} minuten; {reports} meldingen.",
        "en": "{period}, within {radius} m of {lat}, {lon}: {count} passages by {wardens} warden(s), "
        "{minutes} minutes together; {reports} reports.",
    },
    "ov.circle_tip": {"nl": "straal {radius} m", "en": "radius {radius} m"},
    "ov.passages.title": {"nl": "Passages van gemeenschapswachten", "en": "Passages of wardens"},
    "ov.reports.title": {"nl": "Meldingen in de buurt", "en": "Reports nearby"},
    "ov.passages.none": {
        "nl": "Geen enkele tracker kwam binnen de straal in deze periode.",
        "en": "No tracker came within the radius in this period.",
    },
    "ov.reports.none": {
        "nl": "Geen meldingen binnen de straal in deze periode.",
        "en": "No reports within the radius in this period.",
    },
    "ov.col.warden": {"nl": "Wacht", "en": "Warden"},
    "ov.col.day": {"nl": "Dag", "en": "Day"},
    "ov.col.start": {"nl": "Van", "en": "From"},
    "ov.col.end": {"nl": "Tot", "en": "To"},
    "ov.col.minutes": {"nl": "Minuten", "en": "Minutes"},
    "ov.col.when": {"nl": "Datum", "en": "Date"},
    "ov.col.category": {"nl": "Categorie", "en": "Category"},
    "ov.col.channel": {"nl": "Kanaal", "en": "Channel"},
    "ov.col.status": {"nl": "Status", "en": "Status"},
    "ov.col.distance": {"nl": "Afstand (m)", "en": "Distance (m)"},
    "ov.status.open": {"nl": "open", "en": "open"},
    "ov.status.in_behandeling": {"nl": "in behandeling", "en": "in progress"},
    "ov.status.afgesloten": {"nl": "afgesloten", "en": "closed"},
    "ov.method": {
        "nl": "Een passage is elke aanwezigheid van een tracker binnen de straal, ook een korte doortocht; "
        "uitschieters en onnauwkeurige punten (> 30 m) tellen niet. Meldingen zonder melder; de omschrijving "
        "alleen voor de coördinator.",
        "en": "A passage is every presence of a tracker within the radius, a short pass included; outliers and "
        "inaccurate fixes (> 30 m) are left out. Reports without reporter; the description only for the coordinator.",
    },
    "live.col.battery": {"nl": "Batterij", "en": "Battery"},
    "cov.presence_hidden": {
        "nl": "aanwezigheid van minder dan twee gemeenschapswachten niet getoond",
        "en": "presence of fewer than two wardens not shown",
    },
}
