"""The meeting pack's small rules: which month a page's period gives, quarantine reasons without the
refused row's values, table columns that never break a word, HTML that escapes what it shows."""

from __future__ import annotations

import pytest
from reportlab.pdfbase import pdfmetrics

from analytics.periods import Period
from civ.errors import UnusableInput
from dashboards.report import documents
from dashboards.report.contents import month_of, parse_month, summarise_reason
from dashboards.report.sections import Column, Document, Heading, Table, Text


@pytest.mark.parametrize(
    "period, month",
    [
        ("2026-10", "2026-10"),
        ("2026-W35", "2026-08"),  # 24–30 August
        ("2026-W44", "2026-11"),  # 26 October – 1 November: the month of its last day
        ("ytd:2026-10", "2026-10"),
        ("2026-09-03..2026-10-02", "2026-10"),
    ],
)
def test_a_period_that_is_not_a_month_gives_the_month_holding_its_last_day(period, month):
    assert month_of(Period.parse(period)).code == month


@pytest.mark.parametrize("text", ["2026-13", "2026-1", "okt 2026", "2026-W43", "ytd:2026-10", ""])
def test_only_a_calendar_month_is_a_month_for_the_pack(text):
    with pytest.raises(UnusableInput, match="JJJJ-MM"):
        parse_month(text)


def test_quarantine_reasons_group_without_the_values_of_the_refused_row():
    reasons = [
        "categorie 'kapotte lantaarn' is onbekend",
        "categorie 'Jan Peeters belt' is onbekend",
        "meldingsdatum 31/02/2026 10:00 bestaat niet",
        "meldingsdatum 30/02/2025 08:15 bestaat niet",
        "coördinaten liggen buiten het grondgebied (51,52 N, 0,08 W)",
    ]
    summaries = [summarise_reason(r) for r in reasons]
    assert summaries[0] == summaries[1] == "categorie '…' is onbekend"
    assert summaries[2] == summaries[3]
    assert not any(ch.isdigit() for s in summaries for ch in s)
    assert "Peeters" not in " ".join(summaries) and "lantaarn" not in " ".join(summaries)


def test_table_columns_are_never_narrower_than_their_longest_word_and_fill_the_page():
    table = Table(
        [Column("Categorie", 0.5), Column("Verandering", 0.1, "right"), Column("Aandeel aanwezigheid", 0.1)],
        [["Huisnummer niet zichtbaar", "+1.234 %", "12 %"], ["Sluikstort", "te weinig", "0 %"]],
        tones=["up", None],
        tone_column=1,
    )
    widths = documents._column_widths(table)
    assert sum(widths) == pytest.approx(documents.WIDTH)
    for title, width in zip(["Verandering", "aanwezigheid"], widths[1:]):
        assert width >= pdfmetrics.stringWidth(title, documents.BOLD, documents.HEAD_SIZE)
    assert widths[1] >= pdfmetrics.stringWidth("+1.234", documents.BOLD, documents.CELL_SIZE)


def test_the_html_escapes_what_it_shows():
    document = Document(
        title="CompStat",
        month="oktober 2026",
        municipality="Asse",
        is_demo=False,
        cover=[],
        blocks=[
            Heading("1. <b>Kop</b>"),
            Text("<script>alert(1)</script>"),
            Table([Column("a", 1.0)], [["<img src=x>"]]),
        ],
    )
    page = documents.write_html(document)
    assert "<script>alert" not in page and "<img src=x>" not in page and "&lt;script&gt;" in page
