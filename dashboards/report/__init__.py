"""The monthly CompStat meeting pack: one PDF (and an HTML copy for mail) from the store's aggregates.

contents.py   gathers the month's figures from analytics/ into plain objects (read-only, aggregates only)
figures.py    draws the maps and charts with matplotlib (PNG)
sections.py   composes headings, paragraphs, tables and figures in the reader's language
documents.py  writes those blocks as an A4 PDF (reportlab) and as self-contained HTML
__main__.py   python -m dashboards.report --month JJJJ-MM

The CompStat page's button and the command line both call `meeting_pack`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime

from analytics.periods import Period
from civ.store import reading


@dataclass
class Pack:
    month: Period
    pdf: bytes
    html: str
    municipality: str | None = None  # NIS code of one municipality of a zone

    @property
    def file_name(self) -> str:
        suffix = f"-{self.municipality}" if self.municipality else ""
        return f"meeting-pack-{self.month.code}{suffix}.pdf"


def meeting_pack(
    db: str | os.PathLike,
    month: Period,
    lang: str = "nl",
    now: datetime | None = None,
    municipality: str | None = None,
) -> Pack:
    """The pack of `month` (a calendar month) from the store at `db`, as PDF bytes and HTML text;
    `municipality` (NIS code): for that municipality of the territory only."""
    from dashboards.report.contents import gather
    from dashboards.report.documents import write_html, write_pdf
    from dashboards.report.sections import compose

    with reading(db) as con:
        contents = gather(con, month, now=now, municipality=municipality)
    document = compose(contents, lang)
    return Pack(month=month, pdf=write_pdf(document, lang), html=write_html(document, lang), municipality=municipality)
