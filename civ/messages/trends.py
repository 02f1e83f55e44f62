"""Trends and projects (dashboards/pages/trends.py, projects.py). The Dutch sentence pieces ('trend.',
'trendlabel.', 'effect.') are those of analytics/seasonal.py, trends.py and verdicts.py, word for word
(tests/unit/test_trends.py, test_effects.py), so the page and the command line say the same.

Every entry keyed by language (nl first); civ/i18n.py looks them up. Add keys at the end.
"""

from __future__ import annotations

MESSAGES: dict[str, dict[str, str]] = {
    "nav.trends": {"nl": "Trends", "en": "Trends"},
    "nav.projects": {"nl": "Projecten", "en": "Projects"},
    "trends.title": {"nl": "Trends", "en": "Trends"},
    "trends.lead": {
        "nl": "Stijgt het echt? Meldingen per maand of week tot vijf jaar terug, met de band die het "
        "seizoen verwacht, uitschieters en een trendtoets.",
        "en": "Is it really rising? Reports per month or week up to five years back, with the band the "
        "season leads us to expect, anomalies and a trend test.",
    },
    "trends.what": {"nl": "Wat", "en": "What"},
    "trends.all": {"nl": "Alle meldingen", "en": "All reports"},
    "trends.group_option": {"nl": "Groep: {group}", "en": "Group: {group}"},
    "trends.area": {"nl": "Deelgemeente", "en": "Sub-municipality"},
    "trends.all_areas": {"nl": "Heel {place}", "en": "All of {place}"},
    "trends.channel": {"nl": "Kanaal", "en": "Channel"},
    "trends.all_channels": {"nl": "Alle kanalen", "en": "All channels"},
    "trends.kind": {"nl": "Per", "en": "Per"},
    "trends.kind.month": {"nl": "maand", "en": "month"},
    "trends.kind.week": {"nl": "week", "en": "week"},
    "trends.compare.category": {"nl": "categorie", "en": "category"},
    "trends.compare.category_group": {"nl": "categoriegroep", "en": "category group"},
    "trends.compare.area": {"nl": "deelgemeente", "en": "sub-municipality"},
    "trends.compare.channel": {"nl": "kanaal", "en": "channel"},
    "trends.bad_value": {
        "nl": "'{value}' is onbekend en wordt genegeerd.",
        "en": "'{value}' is unknown and is ignored.",
    },
    "trends.empty_series": {
        "nl": "Geen volledige periodes met meldingen voor deze keuze.",
        "en": "No complete periods with reports for this choice.",
    },
    "trends.chart.count": {"nl": "meldingen", "en": "reports"},
    "trends.chart.expected": {"nl": "verwacht", "en": "expected"},
    "trends.chart.band": {"nl": "verwachte band (95 %)", "en": "expected band (95 %)"},
    "trends.chart.ma.month": {"nl": "gemiddelde over 12 maanden", "en": "12-month average"},
    "trends.chart.ma.week": {"nl": "gemiddelde over 52 weken", "en": "52-week average"},
    "trends.chart.last_year": {"nl": "zelfde periode vorig jaar", "en": "same period last year"},
    "trends.chart.anomaly": {"nl": "uitschieter", "en": "anomaly"},
    "trends.chart.axis.month": {"nl": "meldingen per maand", "en": "reports per month"},
    "trends.chart.axis.week": {"nl": "meldingen per week", "en": "reports per week"},
    "trends.chart.hover": {
        "nl": "{period}: {count} meldingen (verwacht {low}–{high})",
        "en": "{period}: {count} reports (expected {low}–{high})",
    },
    "trends.anomalies": {"nl": "Uitschieters: {periods}.", "en": "Anomalies: {periods}."},
    "trends.no_anomalies": {
        "nl": "Geen uitschieters buiten de verwachte band.",
        "en": "No anomalies outside the expected band.",
    },
    "trends.projects": {"nl": "Gearceerd: {names}.", "en": "Shaded: {names}."},
    "trends.method": {
        "nl": "Band: 95 %-voorspelinterval van een seizoensmodel (quasi-Poisson met seizoen en trend), "
        "telkens berekend zonder het punt zelf. Uitschieter: buiten de band en ook na correctie "
        "voor het aantal punten (Benjamini–Hochberg 5 %). Trend: de trendterm van hetzelfde model, "
        "zonder de uitschieters, met een foutmarge die ook naburige maanden meeweegt.",
        "en": "Band: 95 % prediction interval of a seasonal model (quasi-Poisson with season and trend), "
        "each time computed without the point itself. Anomaly: outside the band and still so after "
        "correcting for the number of points (Benjamini–Hochberg 5 %). Trend: the model's trend "
        "term, without the anomalies, with a margin that also weighs neighbouring months.",
    },
    "trends.small.title": {"nl": "Vergelijken", "en": "Compare"},
    "trends.mix.title": {"nl": "Kanalen door de tijd", "en": "Channels over time"},
    "trends.box.title": {"nl": "Pro?bleembox: gebruik per bus", "en": "Pro?bleembox: use per mailbox"},
    "trends.box.label": {"nl": "bus {mailbox}", "en": "mailbox {mailbox}"},
    "trends.box.empty": {
        "nl": "Geen meldingen via de Pro?bleembox in deze periode.",
        "en": "No reports through the Pro?bleembox in this span.",
    },
    "trends.box.hover": {"nl": "{box}, {period}: {count} meldingen", "en": "{box}, {period}: {count} reports"},
    "trend.up": {
        "nl": "{label} stijgt met ongeveer {amount} meldingen per jaar ({pct} per jaar, {p}).",
        "en": "{label} is rising by about {amount} reports a year ({pct} a year, {p}).",
    },
    "trend.up_plural": {
        "nl": "{label} stijgen met ongeveer {amount} meldingen per jaar ({pct} per jaar, {p}).",
        "en": "{label} are rising by about {amount} reports a year ({pct} a year, {p}).",
    },
    "trend.down": {
        "nl": "{label} daalt met ongeveer {amount} meldingen per jaar ({pct} per jaar, {p}).",
        "en": "{label} is falling by about {amount} reports a year ({pct} a year, {p}).",
    },
    "trend.down_plural": {
        "nl": "{label} dalen met ongeveer {amount} meldingen per jaar ({pct} per jaar, {p}).",
        "en": "{label} are falling by about {amount} reports a year ({pct} a year, {p}).",
    },
    "trend.none": {"nl": "{label}: geen duidelijke trend ({p}).", "en": "{label}: no clear trend ({p})."},
    "trend.too_short": {
        "nl": "{label}: te korte reeks voor een trendtoets.",
        "en": "{label}: too short a series for a trend test.",
    },
    "trend.too_few": {
        "nl": "{label}: te weinig meldingen voor een trendtoets.",
        "en": "{label}: too few reports for a trend test.",
    },
    "trendlabel.all": {"nl": "Alle meldingen", "en": "All reports"},
    "trendlabel.group": {"nl": "Meldingen {group}", "en": "Reports {group}"},
    "trendlabel.in": {"nl": "{what} in {area}", "en": "{what} in {area}"},
    "trendlabel.via": {"nl": "{what} via {channel}", "en": "{what} via {channel}"},
    "trendlabel.mailbox": {"nl": "{what} (bus {mailbox})", "en": "{what} (mailbox {mailbox})"},
    "trendlabel.short": {
        "nl": "minder dan twee jaar gegevens: seizoen en trend zijn niet te scheiden",
        "en": "less than two years of data: season and trend cannot be told apart",
    },
    # projects
    "projects.title": {"nl": "Projecten", "en": "Projects"},
    "projects.lead": {
        "nl": "Werkte het? Per project het doel voor en tijdens/na de start, vergeleken met een "
        "vergelijkingsreeks over dezelfde periodes, met een betrouwbaarheidsinterval.",
        "en": "Did it work? Per project the target before and during/after the start, against a "
        "comparison over the same periods, with a confidence interval.",
    },
    "projects.choose": {"nl": "Project", "en": "Project"},
    "projects.all": {"nl": "Alle projecten", "en": "All projects"},
    "projects.none": {
        "nl": "Nog geen projecten geladen. Laad ze met: python -m etl projects PROJECTEN.csv",
        "en": "No projects loaded yet. Load them with: python -m etl projects PROJECTS.csv",
    },
    "projects.period": {"nl": "{start} – {end}", "en": "{start} – {end}"},
    "projects.ongoing": {"nl": "sinds {start} (lopend)", "en": "since {start} (ongoing)"},
    "projects.target": {"nl": "Doel: {what}", "en": "Target: {what}"},
    "projects.comparison": {
        "nl": "Vergelijking: {comparison}; per {kind}.",
        "en": "Comparison: {comparison}; per {kind}.",
    },
    "projects.effect": {
        "nl": "{effect} ({level} %-interval {low} tot {high})",
        "en": "{effect} ({level} % interval {low} to {high})",
    },
    "projects.col.phase": {"nl": "Fase", "en": "Phase"},
    "projects.col.periods": {"nl": "Periodes", "en": "Periods"},
    "projects.col.target": {"nl": "Doel", "en": "Target"},
    "projects.col.comparison": {"nl": "Vergelijking", "en": "Comparison"},
    "projects.col.expected": {"nl": "Verwacht zonder project", "en": "Expected without project"},
    "projects.col.effect": {"nl": "Effect", "en": "Effect"},
    "projects.col.interval": {"nl": "Interval", "en": "Interval"},
    "projects.chart.target": {"nl": "geteld in het doel", "en": "counted in the target"},
    "projects.chart.expected": {"nl": "verwacht zonder project", "en": "expected without the project"},
    "projects.chart.axis.month": {"nl": "meldingen per maand", "en": "reports per month"},
    "projects.chart.axis.week": {"nl": "meldingen per week", "en": "reports per week"},
    "projects.to_trends": {"nl": "Bekijk de reeks op Trends", "en": "See the series on Trends"},
    "projects.method": {
        "nl": "Verschil-in-verschillen: het aandeel van het doel in doel + vergelijking, voor tegenover "
        "tijdens/na, met seizoen; quasi-binomiaal model. Geen getal als het interval 0 omvat of er te "
        "weinig meldingen zijn. Aanname: zonder project was het doel meegegaan met de vergelijking.",
        "en": "Difference-in-differences: the target's share of target + comparison, before against "
        "during/after, with season; quasi-binomial model. No number when the interval includes 0 "
        "or there are too few reports. Assumption: without the project the target would have "
        "moved with the comparison.",
    },
    "effect.phase.before": {"nl": "voor de start", "en": "before the start"},
    "effect.phase.during": {"nl": "tijdens het project", "en": "during the project"},
    "effect.phase.after": {"nl": "na het project", "en": "after the project"},
    "effect.phase.since_start": {"nl": "sinds de start", "en": "since the start"},
    "effect.where.area": {"nl": "in {area}", "en": "in {area}"},
    "effect.where.hotspot": {"nl": "rond {area}", "en": "around {area}"},
    "effect.where.territory": {"nl": "op het hele grondgebied", "en": "in the whole territory"},
    "effect.where.none": {"nl": "op het hele grondgebied", "en": "in the whole territory"},
    "effect.what": {"nl": "meldingen {categories} {where}", "en": "{categories} reports {where}"},
    "effect.all_categories": {"nl": "(alle categorieën)", "en": "(all categories)"},
    "effect.comparison.area": {
        "nl": "dezelfde categorieën in de andere deelgemeenten",
        "en": "the same categories in the other sub-municipalities",
    },
    "effect.comparison.hotspot": {
        "nl": "dezelfde categorieën op de rest van het grondgebied",
        "en": "the same categories in the rest of the territory",
    },
    "effect.comparison.territory": {
        "nl": "de andere categorieën op het hele grondgebied",
        "en": "the other categories in the whole territory",
    },
    "effect.comparison.none": {
        "nl": "geen: het project geldt voor alle meldingen van het hele grondgebied",
        "en": "none: the project covers every report of the whole territory",
    },
    "effect.amount.less": {"nl": "{pct} % minder", "en": "{pct} % fewer"},
    "effect.amount.more": {"nl": "{pct} % meer", "en": "{pct} % more"},
    "effect.amount.times": {"nl": "{times} keer zoveel", "en": "{times} times as many"},
    "effect.between.pct": {"nl": "{low} tot {high}", "en": "{low} to {high}"},
    "effect.between.times": {"nl": "{low} tot {high} keer zoveel", "en": "{low} to {high} times as many"},
    "effect.detail.before": {"nl": "{count} voor de start", "en": "{count} before the start"},
    "effect.detail.expected": {"nl": "{expected} verwacht {phase}", "en": "{expected} expected {phase}"},
    "effect.sentence.nothing_to_compare": {
        "nl": "{name}: geen meetbaar effect — er is niets om mee te vergelijken ({comparison}).",
        "en": "{name}: no measurable effect — there is nothing to compare with ({comparison}).",
    },
    "effect.sentence.too_few": {
        "nl": "{name}: geen meetbaar effect — te weinig {what} om een effect van toeval te onderscheiden{detail}.",
        "en": "{name}: no measurable effect — too few {what} to tell an effect from chance{detail}.",
    },
    "effect.sentence.none": {
        "nl": "{name}: geen meetbaar effect op de {what} {phase} (het {level} %-interval van {low} tot "
        "{high} omvat 0; {p}).",
        "en": "{name}: no measurable effect on the {what} {phase} (the {level} % interval from {low} "
        "to {high} includes 0; {p}).",
    },
    "effect.sentence.decrease": {
        "nl": "{name} lijkt te werken: {phase} ongeveer {amount} {what} dan verwacht ({level} "
        "%-interval: {from_pct} % tot {to_pct} % minder; {p}).",
        "en": "{name} seems to work: {phase} about {amount} {what} than expected ({level} % "
        "interval: {from_pct} % to {to_pct} % fewer; {p}).",
    },
    "effect.sentence.increase": {
        "nl": "{name}: {phase} ongeveer {amount} {what} dan verwacht ({level} %-interval: {between}; {p}).",
        "en": "{name}: {phase} about {amount} {what} than expected ({level} % interval: {between}; {p}).",
    },
    "effect.sentence.increase_times": {
        "nl": "{name}: {phase} ongeveer {amount} {what} als verwacht ({level} %-interval: {between}; {p}).",
        "en": "{name}: {phase} about {amount} {what} as expected ({level} % interval: {between}; {p}).",
    },
    "effect.after.effect": {
        "nl": " Na het project: ongeveer {amount} (interval {low} tot {high}).",
        "en": " After the project: about {amount} (interval {low} to {high}).",
    },
    "effect.after.none": {
        "nl": " Na het project: geen meetbaar effect meer (interval {low} tot {high}).",
        "en": " After the project: no measurable effect any more (interval {low} to {high}).",
    },
    "effect.after.too_few": {
        "nl": " Na het project: te weinig meldingen om te oordelen.",
        "en": " After the project: too few reports to judge.",
    },
    "effect.verdict.decrease": {"nl": "minder meldingen", "en": "fewer reports"},
    "effect.verdict.increase": {"nl": "meer meldingen", "en": "more reports"},
    "effect.verdict.none": {"nl": "geen meetbaar effect", "en": "no measurable effect"},
    "effect.verdict.too_few": {"nl": "geen meetbaar effect", "en": "no measurable effect"},
    "effect.note.weekly_month_precision": {
        "nl": "meldingen met alleen een maand (police-uk) tellen niet mee in een reeks per week",
        "en": "reports known only by month (police-uk) do not count in a weekly series",
    },
    "effect.note.nothing_to_compare": {
        "nl": "geen vergelijkingsreeks: het project geldt voor alle meldingen van het hele grondgebied",
        "en": "no comparison series: the project covers every report of the whole territory",
    },
    "effect.note.not_started": {
        "nl": "het project begint na de laatste volledige periode met gegevens",
        "en": "the project starts after the last complete period with data",
    },
    "effect.note.seasonal": {
        "nl": "het seizoen van doel en vergelijking mag verschillen (jaarlijkse harmonische)",
        "en": "target and comparison may differ in season (a yearly harmonic)",
    },
}
