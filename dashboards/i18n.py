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
    "nav.compstat": ("CompStat", "CompStat"),
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
    # CompStat page
    "compstat.title": ("CompStat", "CompStat"),
    "compstat.lead": ("Wat ging er echt omhoog of omlaag, en waar? Deze periode tegenover de vorige en "
                      "tegenover dezelfde periode vorig jaar.",
                      "What really went up or down, and where? This period against the previous one and "
                      "against the same period last year."),
    "compstat.bad_period": ("Periode '{value}' is onbekend; {period} wordt getoond.",
                            "Period '{value}' is unknown; showing {period}."),
    "compstat.bad_filter": ("Filter '{value}' is onbekend en werd genegeerd.",
                            "Filter '{value}' is unknown and was ignored."),
    "compstat.filters": ("Filters", "Filters"),
    "filter.kind": ("Soort periode", "Kind of period"),
    "filter.period": ("Periode", "Period"),
    "filter.area": ("Deelgemeente", "Sub-municipality"),
    "filter.group": ("Categoriegroep", "Category group"),
    "filter.channel": ("Kanaal", "Channel"),
    "period.month": ("Maand", "Month"),
    "period.week": ("Week", "Week"),
    "period.ytd": ("Jaar tot nu", "Year to date"),
    "filter.all_areas": ("Heel Asse", "All of Asse"),
    "filter.all_groups": ("Alle groepen", "All groups"),
    "filter.all_channels": ("Alle kanalen", "All channels"),
    "group.afval": ("Afval", "Waste"),
    "group.overlast": ("Overlast", "Nuisance"),
    "group.openbare ruimte": ("Openbare ruimte", "Public space"),
    "group.verkeer": ("Verkeer", "Traffic"),
    "group.criminaliteit": ("Criminaliteit", "Crime"),
    "group.overig": ("Overige", "Other"),
    "compstat.kpi.reports": ("Meldingen", "Reports"),
    "compstat.kpi.backlog": ("Nog open", "Still open"),
    "compstat.kpi.backlog_note": ("op het einde van de periode", "at the end of the period"),
    "compstat.kpi.median_close": ("Doorlooptijd", "Time to close"),
    "compstat.kpi.median_note": ("mediaan in dagen, afgesloten meldingen", "median in days, closed reports"),
    "compstat.kpi.gas": ("GAS-vaststellingen", "GAS findings"),
    "compstat.kpi.located": ("Met locatie", "With location"),
    "compstat.kpi.located_note": ("op de kaart", "on the map"),
    "compstat.table.title": ("Wat veranderde er?", "What changed?"),
    "compstat.by.category": ("Per categorie", "By category"),
    "compstat.by.area": ("Per deelgemeente", "By sub-municipality"),
    "compstat.by.category,area": ("Categorie × deelgemeente", "Category × sub-municipality"),
    "compstat.export": ("Exporteer CSV", "Export CSV"),
    "compstat.export_title": ("Download de tabel als CSV (puntkomma, UTF-8) voor Excel",
                              "Download the table as CSV (semicolon, UTF-8) for Excel"),
    "compstat.caption": ("{period} tegenover {previous} en {last_year}.",
                         "{period} against {previous} and {last_year}."),
    "compstat.caption_ytd": ("{period} tegenover {last_year}.", "{period} against {last_year}."),
    "compstat.method": ("Hoe de vlag beslist wordt: per rij (maanden en weken) deze periode tegenover een "
                        "seizoensmodel van tot 36 maanden ervoor (quasi-Poisson met trend en jaarseizoen, zonder deze "
                        "periode geschat; exacte toets op de voorspelde verdeling); met minder dan 12 maanden "
                        "geschiedenis en voor jaar tot nu een exacte binomiale toets tegenover dezelfde periode vorig "
                        "jaar (per dag gerekend). Daarna gecorrigeerd voor het aantal rijen met Benjamini–Hochberg "
                        "(5 % valse ontdekkingen). ▲ of ▼ staat er alleen als de verandering geen toeval lijkt. "
                        "‘Verwacht’ is wat de vlag zonder echte verandering verwacht (95 %); de kolom vorig jaar "
                        "blijft ter vergelijking; met minder dan 5 meldingen vorig jaar geven we geen percentage.",
                        "How the flag is decided: per row (months and weeks) this period against a seasonal model of "
                        "up to 36 months before it (quasi-Poisson with trend and yearly season, fitted without this "
                        "period; exact test on the predicted distribution); with under 12 months of history and for "
                        "year to date an exact binomial test against the same period last year (per day). Then "
                        "corrected for the number of rows with Benjamini–Hochberg (5 % false discoveries). ▲ or ▼ "
                        "only appears when the change does not look like chance. ‘Expected’ is what the flag expects "
                        "without a real change (95 %); the last-year column stays for comparison; with fewer than 5 "
                        "reports last year we give no percentage."),
    "col.category": ("Categorie", "Category"),
    "col.area": ("Deelgemeente", "Sub-municipality"),
    "col.current": ("Deze periode", "This period"),
    "col.previous": ("Vorige periode", "Previous period"),
    "col.last_year": ("Zelfde periode vorig jaar", "Same period last year"),
    "col.expected": ("Verwacht", "Expected"),
    "col.expected_tip": ("Wat we zonder echte verandering verwachten (95 %), uit het seizoensmodel (of vorig jaar)",
                         "What we expect without a real change (95 %), from the seasonal model (or last year)"),
    "col.ytd": ("Jaar tot nu", "Year to date"),
    "col.ytd_last_year": ("Jaar tot nu vorig jaar", "Year to date last year"),
    "col.pct_change": ("Verandering", "Change"),
    "col.flag": ("Vlag", "Flag"),
    "compstat.too_few": ("te weinig meldingen", "too few reports"),
    "flag.up": ("▲ gestegen", "▲ up"),
    "flag.down": ("▼ gedaald", "▼ down"),
    "flag.none": ("— geen echte verandering", "— no real change"),
    "flag.tip": ("p-waarde {p}; na correctie voor het aantal rijen {q}",
                 "p-value {p}; after correction for the number of rows {q}"),
    "area.none": ("zonder locatie", "no location"),
    "compstat.map.title": ("Waar?", "Where?"),
    "map.mode.markers": ("Meldingen", "Reports"),
    "map.mode.count": ("Raster: aantal", "Grid: count"),
    "map.mode.change": ("Raster: verschil met vorig jaar", "Grid: change from last year"),
    "map.caption_points": ("{count} meldingen met locatie in deze periode.",
                           "{count} reports with a location in this period."),
    "map.caption_points_one": ("1 melding met locatie in deze periode.", "1 report with a location in this period."),
    "map.caption_grid": ("{count} meldingen met locatie in cellen van {cell} m; vorig jaar {last_year}.",
                         "{count} reports with a location in cells of {cell} m; last year {last_year}."),
    "map.legend.count": ("Meldingen per cel", "Reports per cell"),
    "map.legend.change": ("Verschil met vorig jaar per cel", "Change from last year per cell"),
    "map.legend.areas": ("Deelgemeente", "Sub-municipality"),
    "map.legend.hotspots": ("Gedefinieerde hotspot", "Defined hot spot"),
    "map.legend.report": ("Melding (cijfer: groep meldingen)", "Report (number: group of reports)"),
    "map.cell_tip": ("{current} meldingen · vorig jaar {last_year}", "{current} reports · last year {last_year}"),
    "map.attribution": ("Grenzen: Statbel, statistische sectoren 2025", "Boundaries: Statbel, statistical sectors 2025"),
    "map.aria": ("Kaart van Asse met de meldingen van de periode", "Map of Asse with the reports of the period"),
    "reports.title": ("Meldingen op de kaart", "Reports on the map"),
    "reports.hint": ("Klik op een cel of een melding op de kaart: de meldingen verschijnen hier.",
                     "Click a cell or a report on the map: its reports appear here."),
    "reports.cell": ("{count} meldingen in de aangeklikte cel", "{count} reports in the clicked cell"),
    "reports.cell_one": ("1 melding in de aangeklikte cel", "1 report in the clicked cell"),
    "reports.marker": ("De aangeklikte melding", "The clicked report"),
    "col.channel": ("Kanaal", "Channel"),
    "col.status": ("Status", "Status"),
    "col.reports": ("Meldingen", "Reports"),
    "col.share": ("Aandeel", "Share"),
    "col.closed": ("Afgesloten", "Closed"),
    "col.median_days": ("Mediaan (dagen)", "Median (days)"),
    "col.p90_days": ("90 % binnen (dagen)", "90 % within (days)"),
    "status.open": ("open", "open"),
    "status.in_behandeling": ("in behandeling", "in progress"),
    "status.afgesloten": ("afgesloten", "closed"),
    "status.onbekend": ("onbekend", "unknown"),
    "followup.title": ("Opvolging", "Follow-up"),
    "followup.channels": ("Per kanaal", "By channel"),
    "followup.statuses": ("Per status", "By status"),
    "followup.close": ("Tijd tot afsluiting per categorie", "Time to close per category"),
    "followup.mailbox": ("{channel} {mailbox}", "{channel} {mailbox}"),
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

# Trends and projects (dashboards/pages/trends.py, projects.py). The Dutch sentence pieces
# ('trend.', 'trendlabel.', 'effect.') are those of analytics/seasonal.py, trends.py and verdicts.py,
# word for word (tests/unit/test_trends.py, test_effects.py), so the page and the command line say the same.
TEXTS.update({
    "nav.trends": ("Trends", "Trends"),
    "nav.projects": ("Projecten", "Projects"),
    "trends.title": ("Trends", "Trends"),
    "trends.lead": ("Stijgt het echt? Meldingen per maand of week tot vijf jaar terug, met de band die het "
                    "seizoen verwacht, uitschieters en een trendtoets.",
                    "Is it really rising? Reports per month or week up to five years back, with the band the "
                    "season leads us to expect, anomalies and a trend test."),
    "trends.what": ("Wat", "What"),
    "trends.all": ("Alle meldingen", "All reports"),
    "trends.group_option": ("Groep: {group}", "Group: {group}"),
    "trends.area": ("Deelgemeente", "Sub-municipality"),
    "trends.all_areas": ("Heel Asse", "All of Asse"),
    "trends.channel": ("Kanaal", "Channel"),
    "trends.all_channels": ("Alle kanalen", "All channels"),
    "trends.kind": ("Per", "Per"),
    "trends.kind.month": ("maand", "month"),
    "trends.kind.week": ("week", "week"),
    "trends.compare": ("Vergelijk per", "Compare by"),
    "trends.compare.category": ("categorie", "category"),
    "trends.compare.category_group": ("categoriegroep", "category group"),
    "trends.compare.area": ("deelgemeente", "sub-municipality"),
    "trends.compare.channel": ("kanaal", "channel"),
    "trends.bad_value": ("'{value}' is onbekend en wordt genegeerd.", "'{value}' is unknown and is ignored."),
    "trends.empty_series": ("Geen volledige periodes met meldingen voor deze keuze.",
                            "No complete periods with reports for this choice."),
    "trends.chart.count": ("meldingen", "reports"),
    "trends.chart.expected": ("verwacht", "expected"),
    "trends.chart.band": ("verwachte band (95 %)", "expected band (95 %)"),
    "trends.chart.ma.month": ("gemiddelde over 12 maanden", "12-month average"),
    "trends.chart.ma.week": ("gemiddelde over 52 weken", "52-week average"),
    "trends.chart.last_year": ("zelfde periode vorig jaar", "same period last year"),
    "trends.chart.anomaly": ("uitschieter", "anomaly"),
    "trends.chart.axis.month": ("meldingen per maand", "reports per month"),
    "trends.chart.axis.week": ("meldingen per week", "reports per week"),
    "trends.chart.hover": ("{period}: {count} meldingen (verwacht {low}–{high})",
                           "{period}: {count} reports (expected {low}–{high})"),
    "trends.anomalies": ("Uitschieters: {periods}.", "Anomalies: {periods}."),
    "trends.no_anomalies": ("Geen uitschieters buiten de verwachte band.", "No anomalies outside the expected band."),
    "trends.projects": ("Gearceerd: {names}.", "Shaded: {names}."),
    "trends.method": ("Band: 95 %-voorspelinterval van een seizoensmodel (quasi-Poisson met seizoen en trend), "
                      "telkens berekend zonder het punt zelf. Uitschieter: buiten de band en ook na correctie "
                      "voor het aantal punten (Benjamini–Hochberg 5 %). Trend: de trendterm van hetzelfde model, "
                      "zonder de uitschieters, met een foutmarge die ook naburige maanden meeweegt.",
                      "Band: 95 % prediction interval of a seasonal model (quasi-Poisson with season and trend), "
                      "each time computed without the point itself. Anomaly: outside the band and still so after "
                      "correcting for the number of points (Benjamini–Hochberg 5 %). Trend: the model's trend "
                      "term, without the anomalies, with a margin that also weighs neighbouring months."),
    "trends.small.title": ("Vergelijken", "Compare"),
    "trends.mix.title": ("Kanalen door de tijd", "Channels over time"),
    "trends.mix.axis": ("aandeel van de meldingen (%)", "share of reports (%)"),
    "trends.box.title": ("Pro?bleembox: gebruik per bus", "Pro?bleembox: use per mailbox"),
    "trends.box.axis": ("bus", "mailbox"),
    "trends.box.label": ("bus {mailbox}", "mailbox {mailbox}"),
    "trends.box.empty": ("Geen meldingen via de Pro?bleembox in deze periode.",
                         "No reports through the Pro?bleembox in this span."),
    "trends.box.hover": ("{box}, {period}: {count} meldingen", "{box}, {period}: {count} reports"),
    "trend.up": ("{label} stijgt met ongeveer {amount} meldingen per jaar ({pct} per jaar, {p}).",
                 "{label} is rising by about {amount} reports a year ({pct} a year, {p})."),
    "trend.up_plural": ("{label} stijgen met ongeveer {amount} meldingen per jaar ({pct} per jaar, {p}).",
                        "{label} are rising by about {amount} reports a year ({pct} a year, {p})."),
    "trend.down": ("{label} daalt met ongeveer {amount} meldingen per jaar ({pct} per jaar, {p}).",
                   "{label} is falling by about {amount} reports a year ({pct} a year, {p})."),
    "trend.down_plural": ("{label} dalen met ongeveer {amount} meldingen per jaar ({pct} per jaar, {p}).",
                          "{label} are falling by about {amount} reports a year ({pct} a year, {p})."),
    "trend.none": ("{label}: geen duidelijke trend ({p}).", "{label}: no clear trend ({p})."),
    "trend.too_short": ("{label}: te korte reeks voor een trendtoets.", "{label}: too short a series for a trend test."),
    "trend.too_few": ("{label}: te weinig meldingen voor een trendtoets.", "{label}: too few reports for a trend test."),
    "trendlabel.all": ("Alle meldingen", "All reports"),
    "trendlabel.group": ("Meldingen {group}", "Reports {group}"),
    "trendlabel.in": ("{what} in {area}", "{what} in {area}"),
    "trendlabel.via": ("{what} via {channel}", "{what} via {channel}"),
    "trendlabel.mailbox": ("{what} (bus {mailbox})", "{what} (mailbox {mailbox})"),
    "trendlabel.short": ("minder dan twee jaar gegevens: seizoen en trend zijn niet te scheiden",
                         "less than two years of data: season and trend cannot be told apart"),
    # projects
    "projects.title": ("Projecten", "Projects"),
    "projects.lead": ("Werkte het? Per project het doel voor en tijdens/na de start, vergeleken met een "
                      "vergelijkingsreeks over dezelfde periodes, met een betrouwbaarheidsinterval.",
                      "Did it work? Per project the target before and during/after the start, against a "
                      "comparison over the same periods, with a confidence interval."),
    "projects.choose": ("Project", "Project"),
    "projects.all": ("Alle projecten", "All projects"),
    "projects.none": ("Nog geen projecten geladen. Laad ze met: python -m etl projects PROJECTEN.csv",
                      "No projects loaded yet. Load them with: python -m etl projects PROJECTS.csv"),
    "projects.period": ("{start} – {end}", "{start} – {end}"),
    "projects.ongoing": ("sinds {start} (lopend)", "since {start} (ongoing)"),
    "projects.target": ("Doel: {what}", "Target: {what}"),
    "projects.comparison": ("Vergelijking: {comparison}; per {kind}.", "Comparison: {comparison}; per {kind}."),
    "projects.effect": ("{effect} ({level} %-interval {low} tot {high})", "{effect} ({level} % interval {low} to {high})"),
    "projects.col.phase": ("Fase", "Phase"),
    "projects.col.periods": ("Periodes", "Periods"),
    "projects.col.target": ("Doel", "Target"),
    "projects.col.comparison": ("Vergelijking", "Comparison"),
    "projects.col.expected": ("Verwacht zonder project", "Expected without project"),
    "projects.col.effect": ("Effect", "Effect"),
    "projects.col.interval": ("Interval", "Interval"),
    "projects.chart.target": ("geteld in het doel", "counted in the target"),
    "projects.chart.expected": ("verwacht zonder project", "expected without the project"),
    "projects.chart.axis.month": ("meldingen per maand", "reports per month"),
    "projects.chart.axis.week": ("meldingen per week", "reports per week"),
    "projects.chart.project": ("project", "project"),
    "projects.to_trends": ("Bekijk de reeks op Trends", "See the series on Trends"),
    "projects.method": ("Verschil-in-verschillen: het aandeel van het doel in doel + vergelijking, voor tegenover "
                        "tijdens/na, met seizoen; quasi-binomiaal model. Geen getal als het interval 0 omvat of er te "
                        "weinig meldingen zijn. Aanname: zonder project was het doel meegegaan met de vergelijking.",
                        "Difference-in-differences: the target's share of target + comparison, before against "
                        "during/after, with season; quasi-binomial model. No number when the interval includes 0 "
                        "or there are too few reports. Assumption: without the project the target would have "
                        "moved with the comparison."),
    "effect.phase.before": ("voor de start", "before the start"),
    "effect.phase.during": ("tijdens het project", "during the project"),
    "effect.phase.after": ("na het project", "after the project"),
    "effect.phase.since_start": ("sinds de start", "since the start"),
    "effect.where.area": ("in {area}", "in {area}"),
    "effect.where.hotspot": ("rond {area}", "around {area}"),
    "effect.where.territory": ("op het hele grondgebied", "in the whole territory"),
    "effect.where.none": ("op het hele grondgebied", "in the whole territory"),
    "effect.what": ("meldingen {categories} {where}", "{categories} reports {where}"),
    "effect.all_categories": ("(alle categorieën)", "(all categories)"),
    "effect.comparison.area": ("dezelfde categorieën in de andere deelgemeenten",
                               "the same categories in the other sub-municipalities"),
    "effect.comparison.hotspot": ("dezelfde categorieën op de rest van het grondgebied",
                                  "the same categories in the rest of the territory"),
    "effect.comparison.territory": ("de andere categorieën op het hele grondgebied",
                                    "the other categories in the whole territory"),
    "effect.comparison.none": ("geen: het project geldt voor alle meldingen van het hele grondgebied",
                               "none: the project covers every report of the whole territory"),
    "effect.amount.less": ("{pct} % minder", "{pct} % fewer"),
    "effect.amount.more": ("{pct} % meer", "{pct} % more"),
    "effect.amount.times": ("{times} keer zoveel", "{times} times as many"),
    "effect.between.pct": ("{low} tot {high}", "{low} to {high}"),
    "effect.between.times": ("{low} tot {high} keer zoveel", "{low} to {high} times as many"),
    "effect.detail.before": ("{count} voor de start", "{count} before the start"),
    "effect.detail.expected": ("{expected} verwacht {phase}", "{expected} expected {phase}"),
    "effect.sentence.nothing_to_compare": ("{name}: geen meetbaar effect — er is niets om mee te vergelijken "
                                           "({comparison}).",
                                           "{name}: no measurable effect — there is nothing to compare with "
                                           "({comparison})."),
    "effect.sentence.too_few": ("{name}: geen meetbaar effect — te weinig {what} om een effect van toeval te "
                                "onderscheiden{detail}.",
                                "{name}: no measurable effect — too few {what} to tell an effect from chance{detail}."),
    "effect.sentence.none": ("{name}: geen meetbaar effect op de {what} {phase} (het {level} %-interval van {low} tot "
                             "{high} omvat 0; {p}).",
                             "{name}: no measurable effect on the {what} {phase} (the {level} % interval from {low} "
                             "to {high} includes 0; {p})."),
    "effect.sentence.decrease": ("{name} lijkt te werken: {phase} ongeveer {amount} {what} dan verwacht ({level} "
                                 "%-interval: {from_pct} % tot {to_pct} % minder; {p}).",
                                 "{name} seems to work: {phase} about {amount} {what} than expected ({level} % "
                                 "interval: {from_pct} % to {to_pct} % fewer; {p})."),
    "effect.sentence.increase": ("{name}: {phase} ongeveer {amount} {what} dan verwacht ({level} %-interval: "
                                 "{between}; {p}).",
                                 "{name}: {phase} about {amount} {what} than expected ({level} % interval: "
                                 "{between}; {p})."),
    "effect.sentence.increase_times": ("{name}: {phase} ongeveer {amount} {what} als verwacht ({level} %-interval: "
                                       "{between}; {p}).",
                                       "{name}: {phase} about {amount} {what} as expected ({level} % interval: "
                                       "{between}; {p})."),
    "effect.after.effect": (" Na het project: ongeveer {amount} (interval {low} tot {high}).",
                            " After the project: about {amount} (interval {low} to {high})."),
    "effect.after.none": (" Na het project: geen meetbaar effect meer (interval {low} tot {high}).",
                          " After the project: no measurable effect any more (interval {low} to {high})."),
    "effect.after.too_few": (" Na het project: te weinig meldingen om te oordelen.",
                             " After the project: too few reports to judge."),
    "effect.verdict.decrease": ("minder meldingen", "fewer reports"),
    "effect.verdict.increase": ("meer meldingen", "more reports"),
    "effect.verdict.none": ("geen meetbaar effect", "no measurable effect"),
    "effect.verdict.too_few": ("geen meetbaar effect", "no measurable effect"),
    "effect.note.weekly_month_precision": ("meldingen met alleen een maand (police-uk) tellen niet mee in een "
                                           "reeks per week",
                                           "reports known only by month (police-uk) do not count in a weekly series"),
    "effect.note.nothing_to_compare": ("geen vergelijkingsreeks: het project geldt voor alle meldingen van het hele "
                                       "grondgebied",
                                       "no comparison series: the project covers every report of the whole territory"),
    "effect.note.not_started": ("het project begint na de laatste volledige periode met gegevens",
                                "the project starts after the last complete period with data"),
    "effect.note.seasonal": ("het seizoen van doel en vergelijking mag verschillen (jaarlijkse harmonische)",
                             "target and comparison may differ in season (a yearly harmonic)"),
})

# The hot-spot page (dashboards/pages/hotspots.py) and the classes of analytics/hotspots.
TEXTS.update({
    "nav.hotspots": ("Hotspots", "Hot spots"),
    "hotspots.title": ("Hotspots", "Hot spots"),
    "hotspots.lead": ("Waar concentreren de meldingen zich deze maand, en is dat nieuw of groeiend? Elke plek "
                      "is getoetst tegen haar eigen voorbije 12 maanden, met het seizoen van het hele grondgebied.",
                      "Where do reports concentrate this month, and is that new or growing? Each place is tested "
                      "against its own previous 12 months, with the season of the whole territory."),
    "hotspots.filters": ("Filters van de hotspots", "Hot-spot filters"),
    "hotspots.filter.month": ("Maand", "Month"),
    "hotspots.filter.group": ("Categoriegroep", "Category group"),
    "hotspots.filter.class": ("Klasse", "Class"),
    "hotspots.all_groups": ("Alle groepen", "All groups"),
    "hotspots.group.alle": ("Alle categorieën samen", "All categories together"),
    "hotspots.all_classes": ("Alle klassen", "All classes"),
    "hotspots.show_defined": ("Toon de gedefinieerde hotspots ernaast", "Show the defined hot spots beside them"),
    "hotspots.bad_month": ("Maand '{value}' niet begrepen; {month} wordt getoond.",
                           "Month '{value}' not understood; showing {month}."),
    "hotspots.bad_filter": ("Filter '{value}' bestaat niet en wordt genegeerd.",
                            "Filter '{value}' does not exist and is ignored."),
    "class.new": ("Nieuw", "New"),
    "class.intensifying": ("Toenemend", "Intensifying"),
    "class.persistent": ("Blijvend", "Persistent"),
    "class.diminishing": ("Afnemend", "Diminishing"),
    "class.sporadic": ("Sporadisch", "Sporadic"),
    "class.historical": ("Historisch", "Historical"),
    "class.new.help": ("een concentratie die er voorheen niet was", "a concentration that was not there before"),
    "class.intensifying.help": ("was al een concentratie en groeit duidelijk", "was a concentration and clearly grows"),
    "class.persistent.help": ("bijna elke maand een concentratie, zonder verandering",
                              "a concentration almost every month, without change"),
    "class.diminishing.help": ("was vaak een concentratie, neemt duidelijk af", "was often a concentration, clearly fading"),
    "class.sporadic.help": ("af en toe een concentratie", "now and then a concentration"),
    "class.historical.help": ("was vaak een concentratie, nu niet meer", "was often a concentration, not now"),
    "hotspots.kpi.emerging": ("Opkomend", "Emerging"),
    "hotspots.kpi.emerging_note": ("nieuw of toenemend", "new or intensifying"),
    "hotspots.kpi.persistent": ("Blijvend", "Persistent"),
    "hotspots.kpi.fading": ("Afnemend of historisch", "Diminishing or historical"),
    "hotspots.kpi.candidates": ("Niet op de hotspotlijst", "Not on the hot-spot list"),
    "hotspots.kpi.candidates_note": ("kandidaten voor de gemeenschapswachten", "candidates for the wardens"),
    "hotspots.map.title": ("Kaart", "Map"),
    "hotspots.map.caption": ("{count} plekken, omlijnd en gekleurd volgens hun klasse. Beweeg over een plek voor "
                             "de reden.", "{count} places, outlined and coloured by class. Hover over a place for "
                             "the reason."),
    "hotspots.map.caption_one": ("1 plek, omlijnd en gekleurd volgens haar klasse. Beweeg erover voor de reden.",
                                 "1 place, outlined and coloured by its class. Hover over it for the reason."),
    "hotspots.map.aria": ("Kaart van Asse met de gedetecteerde hotspots", "Map of Asse with the detected hot spots"),
    "hotspots.list.title": ("Hotspots, de meest significante eerst", "Hot spots, most significant first"),
    "hotspots.list.empty": ("Geen hotspots voor deze keuze.", "No hot spots for this choice."),
    "hotspots.on_defined": ("op hotspot {name}", "on hot spot {name}"),
    "hotspots.not_defined": ("niet op de hotspotlijst", "not on the hot-spot list"),
    "hotspots.candidate": ("kandidaat voor de hotspotlijst", "candidate for the hot-spot list"),
    "hotspots.facts": ("deze maand {current} · verwacht {expected} · p {p} · na correctie {q}",
                       "this month {current} · expected {expected} · p {p} · corrected {q}"),
    "hotspots.history": ("Meldingen per maand op deze plek", "Reports per month at this place"),
    "hotspots.history_bar": ("{month}: {count}", "{month}: {count}"),
    "hotspots.search": ("gevonden in: {group}", "found in: {group}"),
    "hotspots.callout": ("{count} plekken met blijvende of opkomende concentraties liggen op geen gedefinieerde "
                         "hotspot: kandidaten voor de hotspotlijst van de gemeenschapswachten.",
                         "{count} places with persistent or emerging concentrations lie on no defined hot spot: "
                         "candidates for the wardens' hot-spot list."),
    "hotspots.callout_one": ("1 plek met een blijvende of opkomende concentratie ligt op geen gedefinieerde hotspot: "
                             "een kandidaat voor de hotspotlijst van de gemeenschapswachten.",
                             "1 place with a persistent or emerging concentration lies on no defined hot spot: "
                             "a candidate for the wardens' hot-spot list."),
    "hotspots.callout_none": ("Elke blijvende of opkomende concentratie ligt op een gedefinieerde hotspot.",
                              "Every persistent or emerging concentration lies on a defined hot spot."),
    "hotspots.defined.title": ("Gedefinieerde hotspots deze maand", "Defined hot spots this month"),
    "hotspots.defined.none": ("niets gedetecteerd", "nothing detected"),
    "hotspots.run.earlier": ("Berekend op de gegevens tot {until}: een nieuwe import wordt nu doorgerekend; "
                             "herlaad de pagina over enkele seconden voor de nieuwste hotspots.",
                             "Computed on the data up to {until}: a new import is being analysed now; reload the "
                             "page in a few seconds for the latest hot spots."),
    "hotspots.run.stored": ("Run {run} van {created}, gegevens tot {until}.", "Run {run} of {created}, data up to {until}."),
    "hotspots.run.fresh": ("Nu berekend op de gegevens tot {until} (nog niet bewaard: python -m analytics hotspots "
                           "--month {month} bewaart de run).",
                           "Computed now on the data up to {until} (not stored yet: python -m analytics hotspots "
                           "--month {month} stores the run)."),
    "hotspots.method": ("Hoe: DBSCAN (100 m, minstens 4 meldingen) per categoriegroep en over alle categorieën; per "
                        "plek een exacte toets van deze maand tegen de 12 maanden ervoor (seizoen van dezelfde "
                        "categorieën in de rest van de gemeente) en een Mann–Kendall-trend, Benjamini–Hochberg 5 %. "
                        "Een concentratie: minstens 4 meldingen op de plek in een maand.",
                        "How: DBSCAN (100 m, at least 4 reports) per category group and over all categories; per "
                        "place an exact test of this month against the 12 months before (season of the same "
                        "categories in the rest of the municipality) and a Mann–Kendall trend, Benjamini–Hochberg "
                        "5 %. A concentration: at least 4 reports at the place in a month."),
    "hotspots.legend.title": ("Klasse", "Class"),
})

# Warden coverage (dashboards/pages/coverage.py, coverage_day.py, live.py, overview.py)
TEXTS.update({
    "nav.coverage": ("Dekking", "Coverage"),
    "nav.coverage_day": ("Dagoverzicht", "Daily overview"),
    "nav.live": ("Live", "Live"),
    "nav.overview": ("Overzichtslijst", "Overview list"),
    "access.tracks": ("Deze pagina toont waar individuele gemeenschapswachten waren; alleen de coördinator mag ze zien.",
                      "This page shows where individual wardens were; only the coordinator may see it."),
    "weekday.0": ("maandag", "Monday"), "weekday.1": ("dinsdag", "Tuesday"), "weekday.2": ("woensdag", "Wednesday"),
    "weekday.3": ("donderdag", "Thursday"), "weekday.4": ("vrijdag", "Friday"), "weekday.5": ("zaterdag", "Saturday"),
    "weekday.6": ("zondag", "Sunday"),
    "cov.map.attribution": ("Grenzen: Statbel, statistische sectoren 2025", "Boundaries: Statbel, statistical sectors 2025"),
    "cov.map.aria": ("Kaart van Asse met de gedefinieerde hotspots en de aanwezigheid van de gemeenschapswachten",
                     "Map of Asse with the defined hot spots and the wardens' presence"),
    "cov.updating": ("Bezig met bijwerken: de bezoeken van de nieuwste GPS-gegevens worden berekend. De cijfers "
                     "hieronder zijn nog zonder die gegevens en vernieuwen vanzelf.",
                     "Updating: the visits of the newest GPS data are being computed. The figures below do not "
                     "include them yet and refresh by themselves."),
    "cov.updating_batches": ("({count} nieuwe import(s))", "({count} new import(s))"),
    "cov.no_fixes": ("Nog geen GPS-punten van trackers geladen. Laad ze met: python -m etl fixes BESTAND",
                     "No tracker fixes loaded yet. Load them with: python -m etl fixes FILE"),
    "cov.title": ("Dekking", "Coverage"),
    "cov.lead": ("Welke hotspots bezochten de gemeenschapswachten, hoe lang, en tegenover hoeveel meldingen?",
                 "Which hot spots did the wardens visit, for how long, and against how many reports?"),
    "cov.bad_period": ("Periode '{value}' is onbekend; {period} wordt getoond.", "Period '{value}' is unknown; showing {period}."),
    "cov.filters": ("Filters", "Filters"),
    "cov.filter.period": ("Periode", "Period"),
    "cov.filter.warden": ("Gemeenschapswacht", "Warden"),
    "cov.filter.colour": ("Kleur van de hotspots", "Colour of the hot spots"),
    "cov.filter.layer": ("Raster", "Grid"),
    "cov.all_wardens": ("Alle gemeenschapswachten", "All wardens"),
    "cov.device": ("toestel {device} (geen wacht)", "device {device} (no warden)"),
    "cov.colour.days": ("Dagen sinds laatste bezoek", "Days since last visit"),
    "cov.colour.minutes": ("Minuten aanwezig", "Minutes present"),
    "cov.layer.none": ("Geen", "None"),
    "cov.layer.presence": ("Aanwezigheid", "Presence"),
    "cov.layer.demand": ("Meldingen per uur aanwezigheid", "Reports per hour present"),
    "cov.kpi.unvisited": ("Hotspots zonder bezoek", "Hot spots not visited"),
    "cov.kpi.unvisited_note": ("van {count} gedefinieerde hotspots", "of {count} defined hot spots"),
    "cov.kpi.visits": ("Bezoeken", "Visits"),
    "cov.kpi.visits_note": ("waarvan {count} van 10 minuten of meer", "{count} of them 10 minutes or longer"),
    "cov.kpi.hours": ("Uren in hotspots", "Hours in hot spots"),
    "cov.kpi.hours_note": ("aanwezigheid in de hotspots", "presence in the hot spots"),
    "cov.kpi.duty": ("Uren in dienst", "Hours on duty"),
    "cov.kpi.duty_note": ("eerste tot laatste GPS-punt, {count} wacht(en)", "first to last fix, {count} warden(s)"),
    "cov.kpi.reports": ("Meldingen in hotspots", "Reports in hot spots"),
    "cov.kpi.reports_note": ("binnen de omtrek van een hotspot", "inside a hot spot's footprint"),
    "cov.map.title": ("Hotspots op de kaart", "Hot spots on the map"),
    "cov.map.caption": ("{period}: {count} gedefinieerde hotspots. Beweeg over een hotspot of een cel voor de cijfers.",
                        "{period}: {count} defined hot spots. Hover over a hot spot or a cell for its figures."),
    "cov.retained": ("Let op: de GPS-punten tot {day} zijn verwijderd (bewaartermijn); de bezoeken tot dan blijven "
                     "zoals ze berekend zijn, met de hotspotgrenzen van toen.",
                     "Note: the GPS fixes up to {day} have been deleted (retention period); visits up to then stay as "
                     "they were computed, with the hot-spot outlines of that time."),
    "cov.legend.days": ("Dagen sinds laatste bezoek", "Days since the last visit"),
    "cov.legend.never": ("nooit bezocht", "never visited"),
    "cov.legend.minutes": ("Minuten aanwezig in de periode", "Minutes present in the period"),
    "cov.legend.presence": ("Raster: minuten aanwezig per cel van 250 m", "Grid: minutes present per 250 m cell"),
    "cov.legend.demand": ("Raster: meldingen per uur aanwezigheid", "Grid: reports per hour present"),
    "cov.legend.or_none": ("of geen aanwezigheid", "or no presence"),
    "cov.unit.days": ("dagen", "days"),
    "cov.unit.minutes": ("min", "min"),
    "cov.unit.per_hour": ("per uur", "per hour"),
    "cov.tip.hotspot": ("{name}: {visits} bezoeken ({visits_10min} van ≥ 10 min), {minutes} min, {reports} meldingen; {last}",
                        "{name}: {visits} visits ({visits_10min} of ≥ 10 min), {minutes} min, {reports} reports; {last}"),
    "cov.tip.days": ("laatste bezoek {days} dagen geleden", "last visit {days} days ago"),
    "cov.tip.never": ("nooit bezocht", "never visited"),
    "cov.tip.cell": ("{minutes} min aanwezig · {reports} meldingen", "{minutes} min present · {reports} reports"),
    "cov.tip.cell_demand": ("{reports} meldingen · {minutes} min aanwezig · {per_hour} per uur",
                            "{reports} reports · {minutes} min present · {per_hour} per hour"),
    "cov.no_presence": ("geen aanwezigheid", "no presence"),
    "cov.table.title": ("Dosis per hotspot", "Dosage per hot spot"),
    "cov.table.caption": ("Bovenaan: waar de aanwezigheid het verst achterblijft bij de meldingen.",
                          "At the top: where presence lags demand the most."),
    "cov.export": ("Exporteer CSV", "Export CSV"),
    "cov.col.hotspot": ("Hotspot", "Hot spot"),
    "cov.col.kind": ("Soort", "Kind"),
    "cov.col.visits": ("Bezoeken", "Visits"),
    "cov.col.visits_10min": ("≥ 10 min", "≥ 10 min"),
    "cov.col.minutes": ("Minuten aanwezig", "Minutes present"),
    "cov.col.last_visit": ("Laatste bezoek", "Last visit"),
    "cov.col.days": ("Dagen geleden", "Days ago"),
    "cov.col.reports": ("Meldingen", "Reports"),
    "cov.col.per_hour": ("Meldingen per uur aanwezig", "Reports per hour present"),
    "cov.col.per_hour_tip": ("Meldingen in de hotspot gedeeld door de uren dat er een gemeenschapswacht was",
                             "Reports in the hot spot divided by the hours a warden was there"),
    "cov.col.balance": ("Meldingen / aanwezigheid (aandeel)", "Reports / presence (share)"),
    "cov.col.balance_tip": ("Aandeel van alle meldingen in hotspots tegenover aandeel van alle aanwezigheid in hotspots",
                            "Share of all hot-spot reports against share of all hot-spot presence"),
    "cov.balance": ("{demand} / {dosage}", "{demand} / {dosage}"),
    "cov.no_visit": ("geen bezoek", "no visit"),
    "cov.legend.none_present": ("niemand aanwezig", "nobody present"),
    "cov.method": ("Een bezoek is een aaneengesloten aanwezigheid van één tracker in de hotspot (de cirkel of de "
                   "omtrek); onderbrekingen korter dan 5 minuten tellen mee, doortochten korter dan 1 minuut niet. "
                   "Uitschieters en punten met een nauwkeurigheid slechter dan 30 m tellen niet. Bezoeken van 10 "
                   "minuten of meer schrikken volgens onderzoek naar hotspot-patrouilles het langst af.",
                   "A visit is one tracker's continuous presence in the hot spot (the circle or the outline); "
                   "breaks shorter than 5 minutes count, pass-throughs under 1 minute do not. Outliers and fixes "
                   "with an accuracy worse than 30 m are left out. Research on hot-spot patrol finds that visits "
                   "of 10 minutes or more deter longest."),
    "cov.staffing.title": ("Hoeveel wachturen vraagt een vaste dosis?", "How many warden-hours does a fixed dosage take?"),
    "cov.staffing.visits": ("Bezoeken per week per hotspot", "Visits per week per hot spot"),
    "cov.staffing.minutes": ("Minuten per bezoek", "Minutes per visit"),
    "cov.staffing.overhead": ("Verplaatsing (% erbovenop)", "Travel (% on top)"),
    "cov.staffing.need": ("Elke hotspot {visits} keer per week {minutes} minuten bezoeken, met {overhead} % "
                          "verplaatsingstijd erbij: voor {count} hotspots is dat ongeveer {hours} wachturen per maand.",
                          "Visiting every hot spot {visits} times a week for {minutes} minutes, with {overhead} % "
                          "travel time on top: for {count} hot spots that is about {hours} warden-hours a month."),
    "cov.staffing.spent": ("In {period} waren {wardens} gemeenschapswachten samen {duty} uur per maand in dienst, "
                           "waarvan {spent} uur in de hotspots ({share} van hun diensttijd).",
                           "In {period}, {wardens} wardens were on duty {duty} hours a month together, "
                           "{spent} hours of it in the hot spots ({share} of their time on duty)."),
    "cov.staffing.more": ("Met al hun ander werk erbij vraagt die dosis {needed} gemeenschapswachten van {per_warden} "
                          "uur per maand: {extra} meer dan de {now} van nu.",
                          "With all their other work, that dosage takes {needed} wardens of {per_warden} hours a "
                          "month: {extra} more than the {now} of today."),
    "cov.staffing.enough": ("Met al hun ander werk erbij vraagt die dosis {needed} gemeenschapswachten van {per_warden} "
                            "uur per maand: dat past binnen de {now} van nu.",
                            "With all their other work, that dosage takes {needed} wardens of {per_warden} hours a "
                            "month: that fits within the {now} of today."),
    "cov.staffing.no_duty": ("In {period} was geen gemeenschapswacht in dienst volgens de GPS-gegevens.",
                             "In {period} no warden was on duty according to the GPS data."),
    "cov.staffing.below": ("{below} van de {count} hotspots kregen in deze periode minder dan de streefdosis van "
                           "{target} bezoeken van minstens {dose} minuten.",
                           "{below} of the {count} hot spots got less than the target of {target} visits of at "
                           "least {dose} minutes in this period."),
    "cov.staffing.method": ("Rekenwerk met de gekozen aannames, geen statistische toets: de diensttijd per wacht is "
                            "wat de wachten in deze periode werkelijk in dienst waren (verlof en deeltijd zitten erin); "
                            "hun ander werk blijft zoals het was.",
                            "Arithmetic with the chosen assumptions, not a statistical test: the hours per warden are "
                            "what the wardens were actually on duty in this period (leave and part-time included); "
                            "their other work stays as it was."),
    "day.title": ("Dagoverzicht", "Daily overview"),
    "day.lead": ("Waar waren de gemeenschapswachten op een dag: in dienst, afstand, hotspots en hun spoor.",
                 "Where the wardens were on a day: on duty, distance, hot spots and their track."),
    "day.pick": ("Dag", "Day"),
    "day.previous": ("vorige dag", "previous day"),
    "day.next": ("volgende dag", "next day"),
    "day.caption": ("{weekday} {day} · met GPS-punten: {count}", "{weekday} {day} · with fixes: {count}"),
    "day.duty.title": ("In dienst", "On duty"),
    "day.col.warden": ("Wacht", "Warden"),
    "day.col.from": ("Van", "From"),
    "day.col.to": ("Tot", "To"),
    "day.col.hours": ("In dienst", "On duty"),
    "day.col.km": ("Afstand (km)", "Distance (km)"),
    "day.col.hotspots": ("Hotspots bezocht", "Hot spots visited"),
    "day.col.minutes": ("Minuten in hotspots", "Minutes in hot spots"),
    "day.col.where": ("Bezoeken", "Visits"),
    "day.hours": ("{hours} u {minutes}", "{hours} h {minutes}"),
    "day.timeline.title": ("Tijdlijn van de dag", "Timeline of the day"),
    "day.kind.duty": ("in dienst", "on duty"),
    "day.kind.visits": ("bezoek aan een hotspot (kleur van de wacht)", "hot-spot visit (the warden's colour)"),
    "day.kind.still": ("stilstand (≥ 10 min, buiten hotspots)", "standing still (≥ 10 min, outside hot spots)"),
    "day.kind.gap": ("geen signaal (≥ 5 min)", "no signal (≥ 5 min)"),
    "day.tip.duty": ("{holder}: in dienst {start}–{end}", "{holder}: on duty {start}–{end}"),
    "day.tip.bar": ("{what}: {start}–{end} ({minutes} min)", "{what}: {start}–{end} ({minutes} min)"),
    "day.none": ("Geen GPS-punten op deze dag.", "No fixes on this day."),
    "day.map.title": ("Sporen van de dag", "Tracks of the day"),
    "day.legend": ("Spoor per drager", "Track per holder"),
    "live.title": ("Live", "Live"),
    "live.lead": ("De laatst bekende positie van elke tracker. Klik op een melding of een punt op de kaart: wie is "
                  "het dichtst bij?",
                  "The last known position of each tracker. Click a report or a point on the map: who is nearest?"),
    "live.map.title": ("Posities", "Positions"),
    "live.clock": ("toestand op {when}, elke 30 seconden vernieuwd", "as of {when}, refreshed every 30 seconds"),
    "live.replay_offer": ("De laatste GPS-gegevens zijn van {when}.", "The latest GPS data are from {when}."),
    "live.replay_link": ("Toon de toestand op dat moment.", "Show the situation at that moment."),
    "live.replaying": ("Herhaling: zo was de toestand op {when}.", "Replay: the situation as it was at {when}."),
    "live.now_link": ("Terug naar nu.", "Back to now."),
    "live.near.title": ("Wie is het dichtst bij?", "Who is nearest?"),
    "live.near.hint": ("Klik op een melding of een punt op de kaart om de trackers op afstand te zetten.",
                       "Click a report or a point on the map to sort the trackers by distance."),
    "live.near.caption": ("Actuele posities eerst, op afstand; {count} binnen {radius} m.",
                          "Current positions first, by distance; {count} within {radius} m."),
    "live.near.all_stale": ("Geen enkele positie is actueel: de lijst toont waar de trackers het laatst waren.",
                            "No position is current: the list shows where the trackers were last."),
    "live.col.warden": ("Wacht", "Warden"),
    "live.col.distance": ("Afstand", "Distance"),
    "live.col.age": ("Laatst gezien", "Last seen"),
    "live.col.age_value": ("{age}", "{age}"),
    "live.col.age_stale": ("verouderd · {age}", "stale · {age}"),
    "live.label.group": ("{holders}", "{holders}"),
    "live.label.more_stale": ("(+ {count} verouderd)", "(+ {count} stale)"),
    "live.label.several": ("{count} trackers · verouderd", "{count} trackers · stale"),
    "live.col.status": ("Status", "Status"),
    "live.current": ("actueel", "current"),
    "live.stale": ("verouderd", "stale"),
    "live.age.now": ("zonet", "just now"),
    "live.age.minutes": ("{n} min geleden", "{n} min ago"),
    "live.age.hours": ("{h} u {m} geleden", "{h} h {m} ago"),
    "live.age.days": ("{n} dagen geleden", "{n} days ago"),
    "live.label": ("{holder} · {age}", "{holder} · {age}"),
    "live.label.stale": ("{holder} · verouderd, {age}", "{holder} · stale, {age}"),
    "live.place": ("Gekozen plaats", "Chosen place"),
    "live.report_tip": ("{category}, {when}", "{category}, {when}"),
    "live.legend": ("Tracker", "Tracker"),
    "live.stale_legend": ("verouderd (ouder dan {minutes} min)", "stale (older than {minutes} min)"),
    "live.report_legend": ("melding van de laatste {days} dagen", "report of the last {days} days"),
    "ov.title": ("Overzichtslijst", "Overview list"),
    "ov.lead": ("Na een klacht: wie van de gemeenschapswachten was in de buurt, wanneer en hoe lang, en welke meldingen "
                "werden er gedaan?",
                "After a complaint: which wardens were nearby, when and for how long, and which reports were made?"),
    "ov.hotspot": ("Hotspot", "Hot spot"),
    "ov.hotspot_pick": ("Kies een hotspot…", "Pick a hot spot…"),
    "ov.lat": ("Breedtegraad", "Latitude"),
    "ov.lon": ("Lengtegraad", "Longitude"),
    "ov.radius": ("Straal (m)", "Radius (m)"),
    "ov.period": ("Periode", "Period"),
    "ov.from": ("van", "from"),
    "ov.to": ("tot", "to"),
    "ov.export": ("Exporteer CSV", "Export CSV"),
    "ov.print": ("Afdrukbare versie", "Printable version"),
    "ov.print_now": ("Afdrukken", "Print"),
    "ov.back": ("Terug", "Back"),
    "ov.map_hint": ("Klik op de kaart om de plaats te kiezen.", "Click the map to choose the place."),
    "ov.pick_place": ("Kies een plaats: klik op de kaart, kies een hotspot of geef de coördinaten.",
                      "Choose a place: click the map, pick a hot spot or type its coordinates."),
    "ov.pick_period": ("Kies een periode.", "Choose a period."),
    "ov.summary": ("{period}, binnen {radius} m van {lat}, {lon}: {count} passages van {wardens} gemeenschapswacht(en), "
                   "samen {minutes} minuten; {reports} meldingen.",
                   "{period}, within {radius} m of {lat}, {lon}: {count} passages by {wardens} warden(s), "
                   "{minutes} minutes together; {reports} reports."),
    "ov.circle_tip": ("straal {radius} m", "radius {radius} m"),
    "ov.passages.title": ("Passages van gemeenschapswachten", "Passages of wardens"),
    "ov.reports.title": ("Meldingen in de buurt", "Reports nearby"),
    "ov.passages.none": ("Geen enkele tracker kwam binnen de straal in deze periode.",
                         "No tracker came within the radius in this period."),
    "ov.reports.none": ("Geen meldingen binnen de straal in deze periode.", "No reports within the radius in this period."),
    "ov.col.warden": ("Wacht", "Warden"),
    "ov.col.day": ("Dag", "Day"),
    "ov.col.start": ("Van", "From"),
    "ov.col.end": ("Tot", "To"),
    "ov.col.minutes": ("Minuten", "Minutes"),
    "ov.col.when": ("Datum", "Date"),
    "ov.col.category": ("Categorie", "Category"),
    "ov.col.channel": ("Kanaal", "Channel"),
    "ov.col.status": ("Status", "Status"),
    "ov.col.distance": ("Afstand (m)", "Distance (m)"),
    "ov.status.open": ("open", "open"),
    "ov.status.in_behandeling": ("in behandeling", "in progress"),
    "ov.status.afgesloten": ("afgesloten", "closed"),
    "ov.method": ("Een passage is elke aanwezigheid van een tracker binnen de straal, ook een korte doortocht; "
                  "uitschieters en onnauwkeurige punten (> 30 m) tellen niet. Meldingen zonder melder; de omschrijving "
                  "alleen voor de coördinator.",
                  "A passage is every presence of a tracker within the radius, a short pass included; outliers and "
                  "inaccurate fixes (> 30 m) are left out. Reports without reporter; the description only for the coordinator."),
})

# Administration, exports and who sees free text (dashboards/pages/beheer.py, components/export.py)
TEXTS.update({
    "nav.admin": ("Beheer", "Administration"),
    "export.xlsx": ("Excel", "Excel"),
    "export.xlsx_title": ("Download de tabel als Excel-bestand (.xlsx)", "Download the table as an Excel file (.xlsx)"),
    "access.description": ("Omschrijving alleen zichtbaar voor de coördinator.",
                           "Description visible to the coordinator only."),
    "access.admin": ("Deze pagina beheert gebruikers en toont het auditlogboek; alleen de beheerder mag ze openen.",
                     "This page manages users and shows the audit log; only the administrator may open it."),
    "ov.col.description": ("Omschrijving", "Description"),
    "quarantine.raw_hidden": ("Ruwe rijen kunnen een omschrijving van de melder bevatten: alleen zichtbaar voor "
                              "de coördinator.",
                              "Raw rows may hold the reporter's description: visible to the coordinator only."),
    "admin.title": ("Beheer", "Administration"),
    "admin.lead": ("Gebruikers en hun rol, en het auditlogboek: wie meldde zich aan, wie exporteerde, wie bekeek "
                   "individuele sporen.",
                   "Users and their role, and the audit log: who logged in, who exported, who viewed individual tracks."),
    "admin.users.title": ("Gebruikers", "Users"),
    "admin.col.name": ("Naam", "Name"),
    "admin.col.role": ("Rol", "Role"),
    "admin.col.active": ("Actief", "Active"),
    "admin.col.created": ("Aangemaakt", "Created"),
    "admin.col.last_login": ("Laatst aangemeld", "Last login"),
    "admin.yes": ("ja", "yes"),
    "admin.no": ("nee", "no"),
    "admin.user": ("Gebruiker", "User"),
    "admin.pick_user": ("Kies een gebruiker", "Choose a user"),
    "admin.new_role": ("Nieuwe rol", "New role"),
    "admin.disable": ("Uitschakelen", "Disable"),
    "admin.enable": ("Inschakelen", "Enable"),
    "admin.change_role": ("Rol wijzigen", "Change role"),
    "admin.confirm": ("Bevestigen", "Confirm"),
    "admin.cancel": ("Annuleren", "Cancel"),
    "admin.ask.disable": ("Gebruiker {name} uitschakelen? Die kan zich dan niet meer aanmelden.",
                          "Disable user {name}? They can no longer log in."),
    "admin.ask.enable": ("Gebruiker {name} weer inschakelen?", "Enable user {name} again?"),
    "admin.ask.role": ("De rol van {name} wijzigen in {role}?", "Change the role of {name} to {role}?"),
    "admin.done.disable": ("{name} is uitgeschakeld.", "{name} is disabled."),
    "admin.done.enable": ("{name} is weer ingeschakeld.", "{name} is enabled again."),
    "admin.done.role": ("{name} heeft nu de rol {role}.", "{name} now has the role {role}."),
    "admin.add.title": ("Gebruiker toevoegen", "Add a user"),
    "admin.add.name": ("Gebruikersnaam", "User name"),
    "admin.add.role": ("Rol", "Role"),
    "admin.add.submit": ("Toevoegen", "Add"),
    "admin.add.done": ("{name} is toegevoegd met de rol {role}. Eenmalig wachtwoord:",
                       "{name} was added with the role {role}. One-time password:"),
    "admin.add.once": ("Geef het veilig door en noteer het nu: het wordt nergens bewaard en niet meer getoond.",
                       "Pass it on safely and note it now: it is stored nowhere and not shown again."),
    "admin.refused": ("Niet gelukt: {reason}", "Not done: {reason}"),
    "admin.role.beheerder": ("beheerder", "administrator"),
    "admin.role.coordinator": ("coördinator", "coordinator"),
    "admin.role.kerngroep": ("kerngroep", "core group"),
    "admin.role.politie": ("politie", "police"),
    "audit.title": ("Auditlogboek", "Audit log"),
    "audit.period": ("Periode", "Period"),
    "audit.from": ("van", "from"),
    "audit.to": ("tot", "to"),
    "audit.user": ("Gebruiker", "User"),
    "audit.event": ("Soort", "Kind"),
    "audit.all_users": ("Alle gebruikers", "All users"),
    "audit.all_events": ("Alle soorten", "All kinds"),
    "audit.export": ("Exporteer CSV", "Export CSV"),
    "audit.count": ("{count} gebeurtenissen, nieuwste eerst (tijden in Brussel)",
                    "{count} events, newest first (Brussels time)"),
    "audit.count_one": ("1 gebeurtenis (tijden in Brussel)", "1 event (Brussels time)"),
    "audit.count_limited": ("eerste {shown} van {count} gebeurtenissen, nieuwste eerst (tijden in Brussel); "
                            "verfijn de filters of exporteer voor de rest",
                            "first {shown} of {count} events, newest first (Brussels time); narrow the filters "
                            "or export for the rest"),
    # the kinds of audit events, as civ.accounts and dashboards.access write them
    "audit.kind.login": ("aanmelding", "login"),
    "audit.kind.login_failed": ("mislukte aanmelding", "failed login"),
    "audit.kind.login_blocked": ("aanmelding geblokkeerd (te veel pogingen)", "login blocked (too many attempts)"),
    "audit.kind.logout": ("afmelding", "logout"),
    "audit.kind.refused": ("toegang geweigerd", "access refused"),
    "audit.kind.export": ("export", "export"),
    "audit.kind.track_view": ("individueel spoor bekeken", "individual track viewed"),
    "audit.kind.overview_list": ("overzichtslijst bekeken", "overview list viewed"),
    "audit.kind.retention": ("GPS-punten verwijderd (bewaartermijn)", "GPS fixes deleted (retention)"),
    "audit.kind.user_added": ("gebruiker toegevoegd", "user added"),
    "audit.kind.user_disabled": ("gebruiker uitgeschakeld", "user disabled"),
    "audit.kind.user_enabled": ("gebruiker ingeschakeld", "user enabled"),
    "audit.kind.role_changed": ("rol gewijzigd", "role changed"),
    "audit.col.at": ("Tijdstip", "Time"),
    "audit.col.user": ("Gebruiker", "User"),
    "audit.col.event": ("Soort", "Kind"),
    "audit.col.detail": ("Wat", "What"),
    "audit.col.address": ("Adres", "Address"),
})

# The monthly meeting pack (dashboards/report): printed, mailed to the core group.
TEXTS.update({
    "pack.title": ("CompStat-vergaderpakket", "CompStat meeting pack"),
    "pack.subtitle": ("Kerngroep integrale veiligheid · gemeente {municipality}",
                      "Core group integral safety · municipality of {municipality}"),
    "pack.made": ("Gemaakt op {date}", "Made on {date}"),
    "pack.cutoff": ("Gegevens tot", "Data up to"),
    "pack.cutoff.reports": ("laatste melding: {value}", "latest report: {value}"),
    "pack.cutoff.fixes": ("laatste GPS-positie: {value}", "latest GPS fix: {value}"),
    "pack.cutoff.import": ("laatste import: {value}", "latest import: {value}"),
    "pack.cutoff.none": ("geen", "none"),
    "pack.demo": ("DEMOGEGEVENS", "DEMO DATA"),
    "pack.demo_note": ("Verzonnen demogegevens voor Asse: geen echte meldingen of GPS-sporen.",
                       "Made-up demo data for Asse: no real reports or GPS tracks."),
    "pack.privacy": ("Dit pakket bevat alleen totalen: geen gegevens van melders, geen omschrijvingen van meldingen, "
                     "geen sporen of gegevens van individuele gemeenschapswachten.",
                     "This pack holds totals only: no reporter data, no descriptions of reports, no tracks or "
                     "details of individual community wardens."),
    "pack.contents": ("Inhoud", "Contents"),
    "pack.footer": ("CompStat-vergaderpakket {month} · CIV {municipality}", "CompStat meeting pack {month} · CIV {municipality}"),
    "pack.page": ("pagina {page} van {pages}", "page {page} of {pages}"),
    "pack.section.figures": ("1. Kerncijfers", "1. Key figures"),
    "pack.section.compstat": ("2. CompStat-tabel", "2. CompStat table"),
    "pack.section.hotspots": ("3. Opkomende hotspots", "3. Emerging hot spots"),
    "pack.section.trends": ("4. Trends van de categorieën die veranderden", "4. Trends of the categories that changed"),
    "pack.section.coverage": ("5. Dekking van de hotspots door de gemeenschapswachten",
                              "5. Warden coverage of the hot spots"),
    "pack.section.projects": ("6. Lopende projecten en hun effect", "6. Running projects and their effect"),
    "pack.section.quality": ("Bijlage: gegevenskwaliteit", "Annex: data quality"),
    "pack.figures.reports": ("Meldingen", "Reports"),
    "pack.figures.reports_note": ("vorige maand {previous} · vorig jaar {last_year}",
                                  "previous month {previous} · last year {last_year}"),
    "pack.figures.backlog": ("Nog open", "Still open"),
    "pack.figures.backlog_note": ("op het einde van de maand", "at the end of the month"),
    "pack.figures.median": ("Doorlooptijd", "Time to close"),
    "pack.figures.median_note": ("mediaan in dagen", "median in days"),
    "pack.figures.gas": ("GAS-vaststellingen", "GAS findings"),
    "pack.figures.located": ("Met locatie", "With location"),
    "pack.figures.located_note": ("van de meldingen", "of the reports"),
    "pack.figures.up": ("Categorieën gestegen", "Categories up"),
    "pack.figures.down": ("Categorieën gedaald", "Categories down"),
    "pack.figures.flag_note": ("echte verandering tegenover vorig jaar", "a real change against last year"),
    "pack.figures.emerging": ("Opkomende hotspots", "Emerging hot spots"),
    "pack.figures.emerging_note": ("nieuw of toenemend", "new or intensifying"),
    "pack.compstat.lead": ("{month} tegenover {previous} en {last_year}. ▲ en ▼: een echte verandering tegenover "
                           "vorig jaar; de verwachte band is wat we zonder echte verandering zouden zien (95 %).",
                           "{month} against {previous} and {last_year}. ▲ and ▼: a real change against last year; "
                           "the expected range is what we would see without a real change (95 %)."),
    "pack.col.current": ("Deze maand", "This month"),
    "pack.col.previous": ("Vorige maand", "Previous month"),
    "pack.col.last_year": ("Vorig jaar", "Last year"),
    "pack.col.expected": ("Verwacht", "Expected"),
    "pack.col.change": ("Verandering", "Change"),
    "pack.col.flag": ("Vlag", "Flag"),
    "pack.col.p": ("p-waarde", "p-value"),
    "pack.col.rank": ("#", "#"),
    "pack.col.class": ("Klasse", "Class"),
    "pack.col.place": ("Plaats", "Place"),
    "pack.col.reports_expected": ("Meldingen (verwacht)", "Reports (expected)"),
    "pack.col.reason": ("Waarom", "Why"),
    "pack.col.hotspot": ("Hotspot", "Hot spot"),
    "pack.col.days": ("Dagen sinds laatste bezoek", "Days since last visit"),
    "pack.col.visits": ("Bezoeken", "Visits"),
    "pack.col.visits_10": ("≥ 10 min", "≥ 10 min"),
    "pack.col.minutes": ("Minuten", "Minutes"),
    "pack.col.trackers": ("Trackers", "Trackers"),
    "pack.col.reports": ("Meldingen", "Reports"),
    "pack.col.demand": ("Vraag", "Demand"),
    "pack.col.dosage": ("Dosis", "Dosage"),
    "pack.chart.demand": ("Vraag: aandeel van de meldingen", "Demand: share of the reports"),
    "pack.chart.dosage": ("Dosis: aandeel van de aanwezigheid", "Dosage: share of the presence"),
    "pack.col.project": ("Project", "Project"),
    "pack.col.period": ("Looptijd", "Running"),
    "pack.col.target": ("Doelgebied", "Target area"),
    "pack.col.verdict": ("Oordeel", "Verdict"),
    "pack.col.effect": ("Effect (95 %-interval)", "Effect (95 % interval)"),
    "pack.col.month_reports": ("Meldingen van de maand", "Reports of the month"),
    "pack.col.rows": ("Rijen", "Rows"),
    "pack.too_few": ("te weinig", "too few"),
    "pack.hotspots.lead": ("{count} opkomende hotspots (nieuw of toenemend) in {month}. De kaart toont ook de andere "
                           "concentraties van de maand, kleiner; de gestippelde lijnen zijn de gedefinieerde hotspots.",
                           "{count} emerging hot spots (new or intensifying) in {month}. The map also shows the month's "
                           "other concentrations, smaller; the dashed lines are the defined hot spots."),
    "pack.hotspots.lead_one": ("1 opkomende hotspot (nieuw of toenemend) in {month}. De kaart toont ook de andere "
                               "concentraties van de maand, kleiner; de gestippelde lijnen zijn de gedefinieerde hotspots.",
                               "1 emerging hot spot (new or intensifying) in {month}. The map also shows the month's "
                               "other concentrations, smaller; the dashed lines are the defined hot spots."),
    "pack.hotspots.none": ("Geen opkomende hotspots in {month}. De kaart toont de andere concentraties van de maand.",
                           "No emerging hot spots in {month}. The map shows the month's other concentrations."),
    "pack.hotspots.others": ("Andere concentraties deze maand: {classes}.", "Other concentrations this month: {classes}."),
    "pack.hotspots.run_stored": ("Uit de bewaarde hotspotrun {run} (meldingen tot {until}).",
                                 "From the stored hot-spot run {run} (reports up to {until})."),
    "pack.hotspots.run_fresh": ("Berekend bij het maken van dit pakket (meldingen tot {until}).",
                                "Computed when this pack was made (reports up to {until})."),
    "pack.hotspots.not_defined": ("niet op een gedefinieerde hotspot", "not on a defined hot spot"),
    "pack.hotspots.method": ("Toets: het aantal meldingen van deze maand op dezelfde plek tegenover de 12 maanden ervoor, "
                             "met het seizoen van het hele grondgebied; Benjamini–Hochberg 5 %.",
                             "Test: this month's reports at the same place against the 12 months before, with the "
                             "season of the whole territory; Benjamini–Hochberg 5 %."),
    "pack.trends.lead": ("Per categorie met een ▲ of ▼ in de CompStat-tabel: de meldingen per maand met de verwachte "
                         "band uit het seizoensmodel; rode punten zijn uitschieters, groene vlakken lopende projecten.",
                         "For each category with ▲ or ▼ in the CompStat table: reports per month with the expected "
                         "band of the seasonal model; red points are anomalies, green areas running projects."),
    "pack.trends.none": ("Geen enkele categorie veranderde in {month} echt tegenover vorig jaar: er zijn geen "
                         "trendgrafieken.", "No category changed for real in {month} against last year: there are "
                         "no trend charts."),
    "pack.trends.heading": ("{label} — {flag}", "{label} — {flag}"),
    "pack.coverage.lead": ("Bezoeken van de trackers van de gemeenschapswachten aan de gedefinieerde hotspots in {month}: "
                           "alleen totalen per hotspot. Een bezoek van 10 minuten of meer telt als dosis. Vraag: het "
                           "aandeel van de hotspot in de meldingen in alle hotspots; dosis: zijn aandeel in de tijd "
                           "dat er iemand aanwezig was.",
                           "Visits of the community wardens' trackers to the defined hot spots in {month}: totals per "
                           "hot spot only. A visit of 10 minutes or more counts as a dose. Demand: the hot spot's share of the reports in all "
                           "hot spots; dosage: its share of the time present in them."),
    "pack.coverage.no_fixes": ("Er zijn geen GPS-gegevens geladen: de dekking is leeg.",
                               "No GPS data has been loaded: coverage is empty."),
    "pack.coverage.pending": ("Let op: nieuwe GPS-imports zijn nog niet tot bezoeken verwerkt; de app of "
                              "python -m analytics coverage werkt ze bij.",
                              "Note: new GPS imports have not been turned into visits yet; the app or "
                              "python -m analytics coverage brings them up to date."),
    "pack.coverage.map": ("Dagen sinds het laatste bezoek (op het einde van de maand)",
                          "Days since the last visit (at the end of the month)"),
    "pack.coverage.chart": ("Vraag tegenover dosis: aandeel van de meldingen en van de aanwezigheid per hotspot",
                            "Demand against dosage: share of reports and of presence per hot spot"),
    "pack.coverage.never": ("nooit", "never"),
    "pack.projects.lead": ("Projecten die in {month} liepen. Het effect vergelijkt het doelgebied voor en na de start met "
                           "een vergelijkingsreeks (verschil-in-verschillen), op alle gegevens tot nu.",
                           "Projects running in {month}. The effect compares the target before and after the start "
                           "with a comparison series (difference in differences), on all data so far."),
    "pack.projects.none": ("Geen projecten liepen in {month}.", "No projects were running in {month}."),
    "pack.projects.since": ("sinds {start}", "since {start}"),
    "pack.quality.loads": ("Imports met meldingen van {month} of geladen in die maand",
                           "Imports with reports of {month} or loaded in that month"),
    "pack.quality.no_loads": ("Geen imports voor deze maand.", "No imports for this month."),
    "pack.quality.reasons": ("Rijen in quarantaine van deze imports, per reden (waarden uit de rij weggelaten)",
                             "Quarantined rows of these imports, by reason (values of the row left out)"),
    "pack.quality.no_reasons": ("Geen rijen in quarantaine.", "No quarantined rows."),
    "pack.quality.location": ("{without} van de {total} meldingen van {month} hebben geen locatie ({share}): ze tellen "
                              "mee in de tabellen maar staan niet op de kaarten.",
                              "{without} of the {total} reports of {month} have no location ({share}): they count in "
                              "the tables but are not on the maps."),
    "pack.map.areas": ("deelgemeenten", "sub-municipalities"),
    "pack.map.defined": ("gedefinieerde hotspot", "defined hot spot"),
    "pack.map.source": ("Grenzen: Statbel, statistische sectoren 2025", "Boundaries: Statbel, statistical sectors 2025"),
    "pack.button": ("Vergaderpakket (PDF)", "Meeting pack (PDF)"),
    "pack.button_title": ("Download het CompStat-vergaderpakket van de gekozen maand als PDF (alleen totalen). "
                          "Is de gekozen periode geen maand, dan is het de maand waarin die periode eindigt.",
                          "Download the CompStat meeting pack of the chosen month as a PDF (totals only). When the "
                          "chosen period is not a month, it is the month in which that period ends."),
})

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


def audit_kind(event: str, lang: str = DEFAULT_LANG) -> str:
    """An audit event kind in words; a kind without a translation shows as stored."""
    key = f"audit.kind.{event}"
    return t(key, lang) if key in TEXTS else event


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


def fmt_datetime(value, seconds: bool = False) -> str:
    """An instant in Brussels time, to the minute: '31/10/2026 14:05' (or ':07' seconds more)."""
    stamp = _local(value)
    return EMPTY if stamp is None else stamp.strftime("%d/%m/%Y %H:%M" + (":%S" if seconds else ""))


def fmt_month(value, lang: str = DEFAULT_LANG) -> str:
    """A (local) month's first day as 'okt 2026' / 'Oct 2026' — already local, no conversion."""
    if _missing(value):
        return EMPTY
    stamp = pd.Timestamp(value)
    return f"{MONTHS_SHORT[lang_of(lang)][stamp.month - 1]} {stamp.year}"


def fmt_p(value) -> str:
    """A p-value the way a reader can take it in: '0,024', '0,0031', '< 0,0001'."""
    if _missing(value):
        return EMPTY
    value = float(value)
    if value < 0.0001:
        return "< 0,0001"
    if value >= 0.01:
        return fmt_float(value, 2 if value >= 0.1 else 3)
    return fmt_float(value, 4)


def kind_label(kind: str, lang: str = DEFAULT_LANG) -> str:
    """The Dutch/English word for an import kind; an unknown kind shows as stored."""
    key = f"kind.{kind}"
    return t(key, lang) if key in TEXTS else str(kind)
