"""The pack's blocks (sections.py) written as an A4 PDF (reportlab platypus) and as one HTML file.

PDF: a cover with the contents, sections on new pages, tables whose header row repeats on every
page, "pagina X van Y" in the footer (a canvas that counts the pages before it draws the footers),
DEMOGEGEVENS on every page when the store holds demo data. The font is DejaVu Sans from
matplotlib's own files (reportlab's Helvetica has no ▲ ▼ → …), so no system font is needed.
HTML: the same blocks, images inline as base64 data URIs, no external resource: it can be mailed.
"""

from __future__ import annotations

import base64
import html
import io
from pathlib import Path

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    Image,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus import PageBreak as PdfPageBreak
from reportlab.platypus import Table as PdfTable
from reportlab.platypus.tableofcontents import TableOfContents

from dashboards.i18n import t
from dashboards.report.sections import (
    Cards,
    Document,
    Figure,
    Group,
    Heading,
    PageBreak,
    Table,
    Text,
)

NAVY = "#17324d"
INK = "#1d2733"
MUTED = "#5b6b7c"
RULE = "#d5dde6"
ZEBRA = "#f3f6f9"
RED = "#b2182b"
BLUE = "#2166ac"
AMBER = "#b45309"
TONES = {"up": RED, "down": BLUE, "emerging": "#c0392b"}
MARGIN = 18 * mm
WIDTH = A4[0] - 2 * MARGIN
FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
CELL_SIZE, HEAD_SIZE = 8, 7.5


def _register_fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13, textColor=INK, spaceAfter=5)
    return {
        "body": base,
        "lead": ParagraphStyle("lead", parent=base, fontSize=10, leading=14, spaceAfter=8, keepWithNext=1),
        "note": ParagraphStyle("note", parent=base, fontSize=7.8, leading=10.5, textColor=MUTED, spaceBefore=4),
        "h1": ParagraphStyle(
            "h1", parent=base, fontName=BOLD, fontSize=16, leading=20, textColor=NAVY, spaceAfter=8, keepWithNext=1
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=BOLD,
            fontSize=11.5,
            leading=15,
            textColor=NAVY,
            spaceBefore=8,
            spaceAfter=4,
            keepWithNext=1,
        ),
        "cell": ParagraphStyle("cell", parent=base, fontSize=CELL_SIZE, leading=10, spaceAfter=0),
        "head": ParagraphStyle(
            "head", parent=base, fontName=BOLD, fontSize=HEAD_SIZE, leading=9.5, textColor=colors.white, spaceAfter=0
        ),
        "caption": ParagraphStyle("caption", parent=base, fontSize=8, leading=10, textColor=MUTED, alignment=TA_CENTER),
        "card_label": ParagraphStyle(
            "card_label", parent=base, fontName=BOLD, fontSize=8.5, leading=10.5, textColor=MUTED, spaceAfter=2
        ),
        "card_value": ParagraphStyle(
            "card_value", parent=base, fontName=BOLD, fontSize=22, leading=26, textColor=NAVY, spaceAfter=1
        ),
        "card_note": ParagraphStyle("card_note", parent=base, fontSize=7.5, leading=9.5, textColor=MUTED, spaceAfter=0),
        "toc": ParagraphStyle("toc", parent=base, fontSize=11, leading=18),
    }


ALIGN = {"left": TA_LEFT, "right": TA_RIGHT, "center": TA_CENTER}


def _esc(text: str) -> str:
    """Escaped for reportlab's and HTML's markup; '12 %' keeps its number and sign on one line."""
    return html.escape(str(text), quote=False).replace(" %", "\u00a0%")


# --- PDF -------------------------------------------------------------------------------------------------
class _PackTemplate(BaseDocTemplate):
    """A4 with a cover template and a content template; level-1 headings feed the contents list."""

    def afterFlowable(self, flowable):
        if isinstance(flowable, Paragraph) and flowable.style.name == "h1":
            key = f"section-{self.seq.nextf('sections')}"
            self.canv.bookmarkPage(key)
            self.canv.addOutlineEntry(flowable.getPlainText(), key, level=0)
            self.notify("TOCEntry", (0, flowable.getPlainText(), self.page, key))


def _canvas_class(document: Document, lang: str):
    """A canvas that keeps every page until the end, then writes header and footer with the total."""
    footer = t("pack.footer", lang, month=document.month, municipality=document.municipality)

    class PackCanvas(pdf_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._pages = []

        def showPage(self):
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._pages)
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(total)
                super().showPage()
            super().save()

        def _decorate(self, total: int) -> None:
            width, height = A4
            self.setStrokeColor(colors.HexColor(RULE))
            self.setLineWidth(0.6)
            self.line(MARGIN, 14 * mm, width - MARGIN, 14 * mm)
            self.setFont(FONT, 7.5)
            self.setFillColor(colors.HexColor(MUTED))
            self.drawString(MARGIN, 10 * mm, footer)
            self.drawRightString(width - MARGIN, 10 * mm, t("pack.page", lang, page=self._pageNumber, pages=total))
            if document.is_demo:
                self.setFont(BOLD, 8)
                self.setFillColor(colors.HexColor(RED))
                self.drawCentredString(width / 2, height - 10 * mm, t("pack.demo", lang))

    return PackCanvas


def _column_widths(block: Table, padding: float = 8.5) -> list[float]:
    """Widths the way a browser lays out a table: a column never narrower than its longest word (no
    'Veranderin-g', no broken '12.345'), and the room beyond that goes to the columns whose text would
    otherwise wrap, in proportion to how much they would need; left-over room goes by the shares."""
    _register_fonts()
    least, natural = [], []
    for i, column in enumerate(block.columns):
        font = BOLD if i == block.tone_column else FONT
        words = [pdfmetrics.stringWidth(w, BOLD, HEAD_SIZE) for w in column.title.split()]
        lines = [pdfmetrics.stringWidth(column.title, BOLD, HEAD_SIZE) * 0.5]  # a header may take two lines
        for row in block.rows:
            text = _esc(row[i]).replace("\u00a0", " ")
            words += [pdfmetrics.stringWidth(w, font, CELL_SIZE) for w in text.split()]
            lines.append(pdfmetrics.stringWidth(text, font, CELL_SIZE))
        least.append(max(words, default=0) + padding)
        natural.append(max(max(lines, default=0) + padding, least[-1]))
    if sum(natural) <= WIDTH:
        shares = [c.width for c in block.columns]
        return [n + (WIDTH - sum(natural)) * s / sum(shares) for n, s in zip(natural, shares)]
    wrap = [n - low for n, low in zip(natural, least)]
    spare = max(WIDTH - sum(least), 0)
    return [low + spare * w / sum(wrap) if sum(wrap) else low for low, w in zip(least, wrap)]


def _pdf_table(block: Table, styles: dict) -> PdfTable:
    head = [
        Paragraph(_esc(c.title), ParagraphStyle(f"h{i}", parent=styles["head"], alignment=ALIGN[c.align]))
        for i, c in enumerate(block.columns)
    ]
    cell_styles = [
        ParagraphStyle(f"c{i}", parent=styles["cell"], alignment=ALIGN[c.align]) for i, c in enumerate(block.columns)
    ]
    body = []
    for n, row in enumerate(block.rows):
        tone = block.tones[n] if n < len(block.tones) else None
        cells = []
        for i, value in enumerate(row):
            text = _esc(value)
            if tone and i == block.tone_column:
                text = f'<font color="{TONES[tone]}"><b>{text}</b></font>'
            cells.append(Paragraph(text, cell_styles[i]))
        body.append(cells)
    table = PdfTable([head] + body, colWidths=_column_widths(block), repeatRows=1)
    commands = [
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor(NAVY)),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, colors.HexColor(RULE)),
    ]
    commands += [("BACKGROUND", (0, n), (-1, n), colors.HexColor(ZEBRA)) for n in range(2, len(body) + 1, 2)]
    table.setStyle(TableStyle(commands))
    return table


def _pdf_image(block: Figure, styles: dict) -> list:
    """The image, its caption kept with it."""
    reader = ImageReader(io.BytesIO(block.png))
    pixels_w, pixels_h = reader.getSize()
    width = block.width * WIDTH
    image = Image(io.BytesIO(block.png), width=width, height=width * pixels_h / pixels_w)
    if not block.caption:
        return [image, Spacer(1, 6)]
    return [KeepTogether([image, Paragraph(_esc(block.caption), styles["caption"])]), Spacer(1, 6)]


def _pdf_cards(block: Cards, styles: dict) -> PdfTable:
    cells = [
        [
            Paragraph(_esc(label), styles["card_label"]),
            Paragraph(_esc(value), styles["card_value"]),
            Paragraph(_esc(note), styles["card_note"]),
        ]
        for label, value, note in block.items
    ]
    per_row = 4
    rows = [cells[i : i + per_row] for i in range(0, len(cells), per_row)]
    rows = [row + [""] * (per_row - len(row)) for row in rows]
    table = PdfTable(rows, colWidths=[WIDTH / per_row] * per_row)
    table.setStyle(
        TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 0.6, colors.HexColor(RULE)),
                ("INNERGRID", (0, 0), (-1, -1), 0.6, colors.HexColor(RULE)),
                ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#f8fafc")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 8),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return table


def _cover(document: Document, styles: dict, lang: str) -> list:
    title = ParagraphStyle("title", parent=styles["h1"], fontSize=26, leading=32, spaceAfter=6)
    month = ParagraphStyle("month", parent=styles["h1"], fontSize=34, leading=40, textColor=AMBER, spaceAfter=14)
    flow = [Spacer(1, 30 * mm), Paragraph(_esc(document.title), title), Paragraph(_esc(document.month), month)]
    for label, value in document.cover:
        text = f"<b>{_esc(label)}:</b> {_esc(value)}" if label else _esc(value)
        flow.append(Paragraph(text, styles["lead"]))
    if document.is_demo:
        demo = PdfTable(
            [
                [
                    Paragraph(
                        f'<font color="{RED}"><b>{_esc(t("pack.demo", lang))}</b></font> — '
                        f"{_esc(t('pack.demo_note', lang))}",
                        styles["body"],
                    )
                ]
            ],
            colWidths=[WIDTH],
        )
        demo.setStyle(
            TableStyle(
                [
                    ("BOX", (0, 0), (-1, -1), 1.5, colors.HexColor(RED)),
                    ("TOPPADDING", (0, 0), (-1, -1), 8),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
                    ("LEFTPADDING", (0, 0), (-1, -1), 10),
                ]
            )
        )
        flow += [Spacer(1, 6), demo]
    toc = TableOfContents()
    toc.levelStyles = [styles["toc"]]
    toc.dotsMinLevel = 0
    flow += [
        Spacer(1, 14 * mm),
        Paragraph(_esc(t("pack.contents", lang)), styles["h2"]),
        toc,
        Spacer(1, 10 * mm),
        Paragraph(_esc(t("pack.privacy", lang)), styles["note"]),
    ]
    return flow


def _pdf_flowables(block, styles: dict) -> list:
    if isinstance(block, Group):  # flat inside: a KeepTogether within a KeepTogether moves too eagerly
        flowables = [f for inner in block.blocks for f in _pdf_flowables(inner, styles)]
        return [
            KeepTogether([inner for f in flowables for inner in (f._content if isinstance(f, KeepTogether) else [f])])
        ]
    if isinstance(block, Heading):
        return [Paragraph(_esc(block.text), styles["h1" if block.level == 1 else "h2"])]
    if isinstance(block, Text):
        return [Paragraph(_esc(block.text), styles[block.kind])]
    if isinstance(block, Table):
        return [_pdf_table(block, styles), Spacer(1, 6)]
    if isinstance(block, Figure):
        return _pdf_image(block, styles)
    if isinstance(block, Cards):
        return [_pdf_cards(block, styles)]
    raise TypeError(f"unknown block {type(block).__name__}")


def write_pdf(document: Document, lang: str = "nl") -> bytes:
    _register_fonts()
    styles = _styles()
    buffer = io.BytesIO()
    doc = _PackTemplate(
        buffer,
        pagesize=A4,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=16 * mm,
        bottomMargin=20 * mm,
        title=f"{document.title} {document.month}",
        author=document.municipality,
        subject=document.title,
        lang=lang,
    )
    frame = Frame(
        MARGIN, 20 * mm, WIDTH, A4[1] - 36 * mm, id="body", leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0
    )
    doc.addPageTemplates([PageTemplate("cover", [frame]), PageTemplate("content", [frame])])
    story = _cover(document, styles, lang) + [NextPageTemplate("content")]
    pending_break = False
    for block in document.blocks:
        if isinstance(block, PageBreak):
            pending_break = True
            continue
        if pending_break or isinstance(story[-1], NextPageTemplate):
            story.append(PdfPageBreak())
            pending_break = False
        story += _pdf_flowables(block, styles)
    doc.multiBuild(story, canvasmaker=_canvas_class(document, lang))
    return buffer.getvalue()


# --- HTML ------------------------------------------------------------------------------------------------
CSS = f"""
@page {{ size: A4; margin: 18mm; }}
body {{ font-family: 'DejaVu Sans', 'Segoe UI', Arial, sans-serif; color: {INK}; max-width: 820px; margin: 24px auto;
        padding: 0 16px; font-size: 14px; line-height: 1.45; }}
h1 {{ color: {NAVY}; font-size: 24px; margin: 40px 0 10px; border-bottom: 2px solid {RULE}; padding-bottom: 4px; }}
h2 {{ color: {NAVY}; font-size: 17px; margin: 22px 0 6px; }}
.cover h1 {{ font-size: 32px; border: none; margin-top: 10px; }}
.cover .month {{ color: {AMBER}; font-size: 38px; font-weight: bold; margin: 0 0 12px; }}
.demo {{ border: 2px solid {RED}; padding: 8px 12px; }} .demo b {{ color: {RED}; }}
.lead {{ font-size: 15px; }} .note {{ color: {MUTED}; font-size: 12px; }}
table {{ border-collapse: collapse; width: 100%; margin: 8px 0 12px; font-size: 12.5px; }}
th {{ background: {NAVY}; color: #fff; text-align: left; padding: 5px 6px; vertical-align: bottom; }}
td {{ padding: 4px 6px; border-bottom: 1px solid {RULE}; vertical-align: top; }}
tr:nth-child(even) td {{ background: {ZEBRA}; }}
.right {{ text-align: right; }} .center {{ text-align: center; }}
.up {{ color: {RED}; font-weight: bold; }} .down {{ color: {BLUE}; font-weight: bold; }}
.emerging {{ color: {TONES["emerging"]}; font-weight: bold; }}
.cards {{ display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; }}
.card {{ border: 1px solid {RULE}; background: #f8fafc; padding: 8px 10px; }}
.card .label {{ color: {MUTED}; font-weight: bold; font-size: 12px; }}
.card .value {{ color: {NAVY}; font-weight: bold; font-size: 28px; }}
.card .sub {{ color: {MUTED}; font-size: 11px; }}
figure {{ margin: 10px 0; text-align: center; }} figure img {{ max-width: 100%; }}
ul.contents {{ list-style: none; padding-left: 0; }}
figcaption {{ color: {MUTED}; font-size: 12px; }}
footer {{ color: {MUTED}; font-size: 12px; border-top: 1px solid {RULE}; margin-top: 30px; padding-top: 6px; }}
"""


def write_html(document: Document, lang: str = "nl") -> str:
    out = [
        f'<!DOCTYPE html>\n<html lang="{"en" if lang == "en" else "nl-BE"}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_esc(document.title)} {_esc(document.month)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f'<section class="cover">\n<h1>{_esc(document.title)}</h1>\n<p class="month">{_esc(document.month)}</p>\n'
    ]
    for label, value in document.cover:
        out.append(f"<p>{'<b>' + _esc(label) + ':</b> ' if label else ''}{_esc(value)}</p>\n")
    if document.is_demo:
        out.append(f'<p class="demo"><b>{_esc(t("pack.demo", lang))}</b> — {_esc(t("pack.demo_note", lang))}</p>\n')
    sections = [b.text for b in document.blocks if isinstance(b, Heading) and b.level == 1]
    out.append(
        f'<h2>{_esc(t("pack.contents", lang))}</h2>\n<ul class="contents">'
        + "".join(f'<li><a href="#section-{n}">{_esc(s)}</a></li>' for n, s in enumerate(sections, 1))
        + f'</ul>\n<p class="note">{_esc(t("pack.privacy", lang))}</p>\n</section>\n'
    )
    number = 0
    for block in _flat(document.blocks):
        if isinstance(block, Heading):
            if block.level == 1:
                number += 1
                out.append(f'<h1 id="section-{number}">{_esc(block.text)}</h1>\n')
            else:
                out.append(f"<h2>{_esc(block.text)}</h2>\n")
        elif isinstance(block, Text):
            out.append(f'<p class="{block.kind}">{_esc(block.text)}</p>\n')
        elif isinstance(block, Table):
            out.append(_html_table(block))
        elif isinstance(block, Figure):
            data = base64.b64encode(block.png).decode("ascii")
            caption = f"<figcaption>{_esc(block.caption)}</figcaption>" if block.caption else ""
            out.append(
                f'<figure><img src="data:image/png;base64,{data}" alt="{_esc(block.caption)}" '
                f'style="width:{block.width * 100:.0f}%">{caption}</figure>\n'
            )
        elif isinstance(block, Cards):
            out.append(
                '<div class="cards">'
                + "".join(
                    f'<div class="card"><div class="label">{_esc(label)}</div><div class="value">{_esc(value)}</div>'
                    f'<div class="sub">{_esc(note)}</div></div>'
                    for label, value, note in block.items
                )
                + "</div>\n"
            )
    footer = t("pack.footer", lang, month=document.month, municipality=document.municipality)
    demo = f' · <b style="color:{RED}">{_esc(t("pack.demo", lang))}</b>' if document.is_demo else ""
    out.append(f"<footer>{_esc(footer)}{demo}</footer>\n</body>\n</html>\n")
    return "".join(out)


def _flat(blocks: list) -> list:
    return [inner for block in blocks for inner in (_flat(block.blocks) if isinstance(block, Group) else [block])]


def _html_table(block: Table) -> str:
    head = "".join(
        f'<th class="{c.align}" style="width:{c.width * 100:.0f}%">{_esc(c.title)}</th>' for c in block.columns
    )
    rows = []
    for n, row in enumerate(block.rows):
        tone = block.tones[n] if n < len(block.tones) else None
        cells = []
        for i, (column, value) in enumerate(zip(block.columns, row)):
            classes = [column.align] + ([tone] if tone and i == block.tone_column else [])
            cells.append(f'<td class="{" ".join(classes)}">{_esc(value)}</td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>\n"
