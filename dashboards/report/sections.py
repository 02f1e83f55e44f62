"""The pack as a list of blocks — headings, paragraphs, tables, figures — in the reader's language.

One composition for both outputs: documents.py lays the same blocks out as a PDF (reportlab) and as
a self-contained HTML page, so the two cannot tell different stories. Numbers the Belgian way
(1.234,5), dates dd/mm/jjjj in Brussels time, every word from dashboards/i18n.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from analytics.seasonal import trend_sentence
from analytics.verdicts import result_sentence
from civ.formatting import signed_pct
from civ.i18n import texts_of
from dashboards.i18n import (
    fmt_date,
    fmt_datetime,
    fmt_float,
    fmt_int,
    fmt_p,
    fmt_pct,
    kind_label,
    t,
)
from dashboards.report import figures
from dashboards.report.contents import MeetingPack


@dataclass
class Heading:
    text: str
    level: int = 1  # 1: a section (in the contents), 2: a sub-heading


@dataclass
class Text:
    text: str
    kind: str = "body"  # body, lead, note


@dataclass
class Column:
    title: str
    width: float  # share of the text width
    align: str = "left"  # left, right, center


@dataclass
class Table:
    columns: list[Column]
    rows: list[list[str]]
    tones: list[str | None] = field(default_factory=list)  # per row: 'up', 'down', 'emerging' or None
    tone_column: int | None = None  # the cell the tone colours


@dataclass
class Figure:
    png: bytes
    width: float  # share of the text width
    caption: str = ""


@dataclass
class Cards:
    items: list[tuple[str, str, str]]  # (label, value, note)


@dataclass
class PageBreak:
    pass


@dataclass
class Group:
    """Blocks kept on one page (a chart with its heading and sentence)."""

    blocks: list


@dataclass
class Document:
    title: str
    month: str
    municipality: str
    is_demo: bool
    cover: list[tuple[str, str]]  # (label, value) lines under the title
    blocks: list


def compose(pack: MeetingPack, lang: str = "nl") -> Document:
    month = pack.cover.month
    blocks = (
        _figures(pack, lang)
        + _compstat(pack, lang)
        + _hotspots(pack, lang)
        + _trends(pack, lang)
        + _coverage(pack, lang)
        + _projects(pack, lang)
        + _quality(pack, lang)
    )
    cover = pack.cover
    none = t("pack.cutoff.none", lang)
    cutoff = [
        t("pack.cutoff.reports", lang, value=fmt_datetime(cover.reports_until) if cover.reports_until else none),
        t("pack.cutoff.fixes", lang, value=fmt_datetime(cover.fixes_until) if cover.fixes_until else none),
        t("pack.cutoff.import", lang, value=fmt_datetime(cover.last_import) if cover.last_import else none),
    ]
    return Document(
        title=t("pack.title", lang),
        month=month.label(lang),
        municipality=cover.municipality,
        is_demo=cover.is_demo,
        cover=[
            ("", t("pack.subtitle", lang, municipality=cover.municipality)),
            ("", t("pack.made", lang, date=fmt_date(cover.made))),
            (t("pack.cutoff", lang), " · ".join(cutoff)),
        ],
        blocks=blocks,
    )


def _figures(pack: MeetingPack, lang: str) -> list:
    f = pack.figures
    return [
        Heading(t("pack.section.figures", lang)),
        Cards(
            [
                (
                    t("pack.figures.reports", lang),
                    fmt_int(f.reports),
                    t(
                        "pack.figures.reports_note",
                        lang,
                        previous=fmt_int(f.reports_previous),
                        last_year=fmt_int(f.reports_last_year),
                    ),
                ),
                (t("pack.figures.backlog", lang), fmt_int(f.open_backlog), t("pack.figures.backlog_note", lang)),
                (
                    t("pack.figures.median", lang),
                    fmt_float(f.median_days_to_close),
                    t("pack.figures.median_note", lang),
                ),
                (t("pack.figures.gas", lang), fmt_int(f.gas_findings), ""),
                (t("pack.figures.located", lang), fmt_pct(f.share_located), t("pack.figures.located_note", lang)),
                (t("pack.figures.up", lang), fmt_int(f.flagged_up), t("pack.figures.flag_note", lang)),
                (t("pack.figures.down", lang), fmt_int(f.flagged_down), t("pack.figures.flag_note", lang)),
                (t("pack.figures.emerging", lang), fmt_int(f.emerging_hotspots), t("pack.figures.emerging_note", lang)),
            ]
        ),
    ]


def expected_text(row) -> str:
    """'38 (19–62)': the model's expectation and its 95 % range; last year's range alone without a model."""
    band = f"{fmt_int(row.expected_low)}–{fmt_int(row.expected_high)}"
    return band if row.expected is None else f"{fmt_int(round(row.expected))} ({band})"


def _compstat(pack: MeetingPack, lang: str) -> list:
    month = pack.cover.month
    previous = month.previous()
    rows, tones = [], []
    for r in pack.compstat:
        change = t("pack.too_few", lang) if r.too_few else signed_pct(r.pct_change)
        rows.append(
            [
                r.label_en if lang == "en" else r.label,
                fmt_int(r.current),
                fmt_int(r.previous),
                fmt_int(r.last_year),
                expected_text(r),
                change,
                t(f"flag.{r.flag}", lang) if r.flag != "none" else "–",
                fmt_p(r.p_value),
            ]
        )
        tones.append(r.flag if r.flag != "none" else None)
    columns = [
        Column(t("col.category", lang), 0.22),
        Column(t("pack.col.current", lang), 0.09, "right"),
        Column(t("pack.col.previous", lang), 0.10, "right"),
        Column(t("pack.col.last_year", lang), 0.09, "right"),
        Column(t("pack.col.expected", lang), 0.13, "right"),
        Column(t("pack.col.change", lang), 0.12, "right"),
        Column(t("pack.col.flag", lang), 0.14, "center"),
        Column(t("pack.col.p", lang), 0.11, "right"),
    ]
    return [
        Heading(t("pack.section.compstat", lang)),
        Text(
            t(
                "pack.compstat.lead",
                lang,
                month=month.label(lang),
                previous=previous.label(lang),
                last_year=month.same_period_last_year().label(lang),
            ),
            "lead",
        ),
        Table(columns, rows, tones, tone_column=6),
        Text(t("compstat.method", lang), "note"),
    ]


def _hotspots(pack: MeetingPack, lang: str) -> list:
    month = pack.cover.month.label(lang)
    emerging = [h for h in pack.hotspots if h.emerging]
    lead = (
        t("pack.hotspots.none", lang, month=month)
        if not emerging
        else t("pack.hotspots.lead_one", lang, month=month)
        if len(emerging) == 1
        else t("pack.hotspots.lead", lang, count=fmt_int(len(emerging)), month=month)
    )
    blocks = [
        PageBreak(),
        Heading(t("pack.section.hotspots", lang)),
        Text(lead, "lead"),
        Figure(figures.hotspot_map(pack.geography, pack.hotspots, lang), 0.92),
    ]
    if emerging:
        rows = [
            [
                str(h.rank),
                t(f"class.{h.klass}", lang),
                h.place or t("pack.hotspots.not_defined", lang),
                f"{fmt_int(h.current)} ({fmt_float(h.expected)})",
                fmt_p(h.p_value),
                h.reason_en if lang == "en" else h.reason,
            ]
            for h in emerging
        ]
        blocks.append(
            Table(
                [
                    Column(t("pack.col.rank", lang), 0.05, "center"),
                    Column(t("pack.col.class", lang), 0.11),
                    Column(t("pack.col.place", lang), 0.16),
                    Column(t("pack.col.reports_expected", lang), 0.12, "right"),
                    Column(t("pack.col.p", lang), 0.09, "right"),
                    Column(t("pack.col.reason", lang), 0.47),
                ],
                rows,
                ["emerging"] * len(rows),
                tone_column=1,
            )
        )
    others = {}
    for h in pack.hotspots:
        if not h.emerging:
            others[h.klass] = others.get(h.klass, 0) + 1
    if others:
        classes = ", ".join(f"{fmt_int(n)} {t(f'class.{k}', lang).lower()}" for k, n in others.items())
        blocks.append(Text(t("pack.hotspots.others", lang, classes=classes)))
    run = pack.hotspot_run
    until = fmt_datetime(run["reports_until"]) if run["reports_until"] else t("pack.cutoff.none", lang)
    blocks.append(
        Text(
            (
                t("pack.hotspots.run_stored", lang, run=run["run_id"], until=until)
                if run["stored"]
                else t("pack.hotspots.run_fresh", lang, until=until)
            )
            + " "
            + t("pack.hotspots.method", lang),
            "note",
        )
    )
    return blocks


def _trends(pack: MeetingPack, lang: str) -> list:
    month = pack.cover.month.label(lang)
    if not pack.trends:  # a page to say there is nothing would be a blank page in the printout
        return [Heading(t("pack.section.trends", lang)), Text(t("pack.trends.none", lang, month=month), "lead")]
    blocks = [PageBreak(), Heading(t("pack.section.trends", lang))]
    blocks.append(Text(t("pack.trends.lead", lang), "lead"))
    texts = texts_of("trend.", lang)
    for trend in pack.trends:
        label = trend.label_en if lang == "en" else trend.label
        blocks.append(
            Group(
                [
                    Heading(t("pack.trends.heading", lang, label=label, flag=t(f"flag.{trend.flag}", lang)), 2),
                    Text(trend_sentence(label, trend.trend, texts=texts)),
                    Figure(figures.trend_chart(trend.frame, trend.projects, lang), 1.0),
                ]
            )
        )
    return blocks


def _coverage(pack: MeetingPack, lang: str) -> list:
    coverage = pack.coverage
    rows = coverage.rows
    blocks = [
        PageBreak(),
        Heading(t("pack.section.coverage", lang)),
        Text(t("pack.coverage.lead", lang, month=pack.cover.month.label(lang)), "lead"),
    ]
    if not coverage.has_fixes:
        blocks.append(Text(t("pack.coverage.no_fixes", lang), "note"))
    elif coverage.visits_pending:
        blocks.append(Text(t("pack.coverage.pending", lang), "note"))
    if rows.empty:
        return blocks
    blocks.append(Figure(figures.dosage_map(pack.geography, rows, lang), 0.72))
    table = [
        [
            str(n),
            r.name,
            t("pack.coverage.never", lang) if pd.isna(r.days_since_last_visit) else fmt_int(r.days_since_last_visit),
            fmt_int(r.visits),
            fmt_int(r.visits_10min),
            fmt_int(r.minutes),
            fmt_int(r.wardens),
            fmt_int(r.reports),
            fmt_pct(r.demand_share, 0),
            fmt_pct(r.dosage_share, 0),
        ]
        for n, r in enumerate(rows.itertuples(), start=1)
    ]
    blocks.append(
        Table(
            [
                Column(t("pack.col.rank", lang), 0.04, "center"),
                Column(t("pack.col.hotspot", lang), 0.30),
                Column(t("pack.col.days", lang), 0.09, "right"),
                Column(t("pack.col.visits", lang), 0.07, "right"),
                Column(t("pack.col.visits_10", lang), 0.06, "right"),
                Column(t("pack.col.minutes", lang), 0.07, "right"),
                Column(t("pack.col.trackers", lang), 0.07, "right"),
                Column(t("pack.col.reports", lang), 0.08, "right"),
                Column(t("pack.col.demand", lang), 0.10, "right"),
                Column(t("pack.col.dosage", lang), 0.12, "right"),
            ],
            table,
        )
    )
    if coverage.has_fixes:
        blocks.append(Figure(figures.demand_dosage_chart(rows, lang), 0.92, t("pack.coverage.chart", lang)))
    return blocks


def _projects(pack: MeetingPack, lang: str) -> list:
    month = pack.cover.month.label(lang)
    blocks = [Heading(t("pack.section.projects", lang))]
    if not pack.projects:
        return blocks + [Text(t("pack.projects.none", lang, month=month), "lead")]
    blocks.append(Text(t("pack.projects.lead", lang, month=month), "lead"))
    texts = texts_of("effect.", lang)
    rows, sentences = [], []
    for item in pack.projects:
        project, result = item.project, item.result
        running = (
            f"{fmt_date(project.start)} – {fmt_date(project.end)}"
            if project.end
            else t("pack.projects.since", lang, start=fmt_date(project.start))
        )
        effect = (
            "–"
            if result["effect_pct"] is None
            else f"{signed_pct(result['effect_pct'])} ({signed_pct(result['lower'])} … {signed_pct(result['upper'])})"
        )
        rows.append([project.name, running, project.area_name, texts[f"verdict.{result['verdict_code']}"], effect])
        sentences.append(Text(result_sentence(project, result, item.categories[lang], texts)))
    blocks.append(
        Table(
            [
                Column(t("pack.col.project", lang), 0.30),
                Column(t("pack.col.period", lang), 0.17),
                Column(t("pack.col.target", lang), 0.18),
                Column(t("pack.col.verdict", lang), 0.15),
                Column(t("pack.col.effect", lang), 0.20, "right"),
            ],
            rows,
            [{"decrease": "down", "increase": "up"}.get(p.result["verdict_code"]) for p in pack.projects],
            tone_column=3,
        )
    )
    return blocks + sentences


def _quality(pack: MeetingPack, lang: str) -> list:
    quality = pack.quality
    month = pack.cover.month.label(lang)
    blocks = [
        PageBreak(),
        Heading(t("pack.section.quality", lang)),
        Text(
            t(
                "pack.quality.location",
                lang,
                without=fmt_int(quality.without_location),
                total=fmt_int(quality.reports),
                month=month,
                share=fmt_pct(quality.without_location / quality.reports if quality.reports else None),
            ),
            "lead",
        ),
        Heading(t("pack.quality.loads", lang, month=month), 2),
    ]
    if quality.loads.empty:
        blocks.append(Text(t("pack.quality.no_loads", lang)))
    else:
        rows = [
            [
                str(int(b.batch_id)),
                kind_label(b.kind, lang),
                b.file_name,
                fmt_datetime(b.finished_at),
                fmt_int(b.rows_in),
                fmt_int(b.loaded),
                fmt_int(b.quarantined),
                fmt_int(b.duplicates),
                fmt_int(b.month_reports),
            ]
            for b in quality.loads.itertuples()
        ]
        blocks.append(
            Table(
                [
                    Column(t("col.batch", lang), 0.07, "right"),
                    Column(t("col.kind", lang), 0.10),
                    Column(t("col.file", lang), 0.21),
                    Column(t("col.finished", lang), 0.15),
                    Column(t("col.rows_in", lang), 0.08, "right"),
                    Column(t("col.loaded", lang), 0.09, "right"),
                    Column(t("col.quarantined", lang), 0.11, "right"),
                    Column(t("col.duplicates", lang), 0.08, "right"),
                    Column(t("pack.col.month_reports", lang), 0.11, "right"),
                ],
                rows,
            )
        )
    blocks.append(Heading(t("pack.quality.reasons", lang), 2))
    if quality.quarantine_reasons.empty:
        blocks.append(Text(t("pack.quality.no_reasons", lang)))
    else:
        blocks.append(
            Table(
                [Column(t("col.reason", lang), 0.85), Column(t("pack.col.rows", lang), 0.15, "right")],
                [[r.reason, fmt_int(r.rows)] for r in quality.quarantine_reasons.itertuples()],
            )
        )
    return blocks
