"""The PDF/A-2b documents of a shipment, drawn with ReportLab's platypus on A4: the delivery
note (``delivery``) and the certificate of conformity (``certificate``), in Chinese or English.

What both share is here: the embedded CJK font (``platform.pdf.font``; none on the server is
``PdfUnavailable``), the paragraph styles, label/value grids and tables whose every cell is a
paragraph in that font (PDF/A forbids the standard 14 fonts ReportLab would otherwise use), the
page heading and footer with "page n / N", and the PDF/A finishing (``platform.pdf.pdfa``).
The English msgids of the labels are translated with the document's language given
explicitly (``translate``), not the request's."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Table, TableStyle

from medtrace.platform.pdf.errors import PdfUnavailable
from medtrace.platform.pdf.font import Font, locate_cjk_font, register_font
from medtrace.platform.pdf.pdfa import as_pdfa

MARGIN = 15 * mm
RULE = (0.6, 0.66, 0.71)
MUTED = (0.35, 0.42, 0.48)
HEAD_FILL = (0.91, 0.945, 0.984)
LANGUAGES = ("zh_CN", "en")


def document_font() -> Font:
    """The embedded font, registered once; raises ``PdfUnavailable`` (503) without one."""
    try:
        return register_font(*locate_cjk_font())
    except RuntimeError as exc:
        raise PdfUnavailable(str(exc)) from None


def in_language(lang: str, zh: Any, en: Any) -> str:
    """The Chinese or the English of a name, the other when that one is empty."""
    first, second = (zh, en) if lang == "zh_CN" else (en, zh)
    return str(first or second or "")


def text(value: Any) -> str:
    return "" if value is None else str(value)


@dataclass(frozen=True)
class Kit:
    """The font and styles of one document, and the flowables made with them."""

    font: Font
    lang: str

    def style(self, size: float = 8.5, *, leading: float | None = None,
              align: int = 0, colour: tuple[float, float, float] = (0, 0, 0)
              ) -> ParagraphStyle:
        return ParagraphStyle(f"s{size}-{align}", fontName=self.font.name, fontSize=size,
                              leading=leading or size * 1.3, alignment=align,
                              textColor=colour, wordWrap="CJK")

    def para(self, value: Any, size: float = 8.5, *, align: int = 0,
             colour: tuple[float, float, float] = (0, 0, 0)) -> Paragraph:
        """``value`` as a paragraph: escaped, newlines kept, characters the font cannot draw
        as "?" (PDF/A forbids showing the .notdef glyph)."""
        markup = escape(self.font.clean(text(value), newlines=True)).replace("\n", "<br/>")
        return Paragraph(markup, self.style(size, align=align, colour=colour))

    def heading(self, value: str, size: float = 11) -> Paragraph:
        return self.para(value, size)

    def fields(self, pairs: Sequence[tuple[str, Any]], *, per_row: int = 2,
               width: float = A4[0] - 2 * MARGIN) -> Table:
        """Label/value pairs, ``per_row`` to a row, labels muted."""
        cell = width / per_row
        rows: list[list[Any]] = []
        for start in range(0, len(pairs), per_row):
            row: list[Any] = []
            for label, value in pairs[start:start + per_row]:
                row += [self.para(label, 8, colour=MUTED), self.para(value, 9)]
            row += [""] * (2 * per_row - len(row))
            rows.append(row)
        table = Table(rows, colWidths=[cell * 0.36, cell * 0.64] * per_row)
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), self.font.name),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, -1), 0.25, (0.85, 0.87, 0.9)),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
        return table

    def table(self, headings: Sequence[str], rows: Sequence[Sequence[Any]],
              widths: Sequence[float], *, right: Sequence[int] = (), size: float = 7.5
              ) -> Table:
        """A table with a shaded heading row repeated on every page; ``right`` are the
        columns aligned right (numbers). ``widths`` are fractions of the text width."""
        full = A4[0] - 2 * MARGIN
        body = [[self.heading(h, size) for h in headings]]
        body += [[self.para(value, size, align=2 if index in right else 0)
                  for index, value in enumerate(row)] for row in rows]
        table = Table(body, colWidths=[full * w for w in widths], repeatRows=1)
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), self.font.name),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
            ("GRID", (0, 0), (-1, -1), 0.25, RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
        return table

    def boxes(self, captions: Sequence[str], lines: Sequence[str], height: float) -> Table:
        """Boxes side by side to sign in: each a caption over the ``lines`` to fill in."""
        full = A4[0] - 2 * MARGIN
        cells = [[self.para(caption, 9), *[self.para(f"{line}:", 8, colour=MUTED)
                                           for line in lines]] for caption in captions]
        table = Table([cells], colWidths=[full / len(captions)] * len(captions),
                      rowHeights=[height])
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), self.font.name),
            ("BOX", (0, 0), (-1, -1), 0.5, RULE), ("INNERGRID", (0, 0), (-1, -1), 0.5, RULE),
            ("VALIGN", (0, 0), (-1, -1), "TOP")]))
        return table


class _CountedCanvas(Canvas):
    """A canvas that holds its pages back until the end, to write "n / N" on each."""

    def __init__(self, *args: Any, footer: Callable[[Canvas, int, int], None],
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._footer = footer
        self._pages: list[dict[str, Any]] = []

    def showPage(self) -> None:  # ReportLab calls it at the end of each page
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, 1):
            self.__dict__.update(state)
            self._footer(self, number, total)
            super().showPage()
        super().save()


@dataclass(frozen=True)
class Page:
    """What every page shows: ``left`` and ``right`` of the heading, ``footer`` and the label
    of "page n / N"."""

    left: str
    right: str
    footer: str
    page_label: str


def build(kit: Kit, story: list[Flowable], page: Page, *, title: str, subject: str) -> bytes:
    """The story on A4 pages with the heading and footer, as validated PDF/A-2b bytes."""
    font, buffer = kit.font, io.BytesIO()
    width, height = A4

    def decorate(canvas: Canvas, _doc: Any) -> None:
        canvas.saveState()
        half = (width - 2 * MARGIN) / 2 - 6
        canvas.setFont(font.name, 8)
        canvas.setFillColorRGB(*MUTED)
        canvas.drawString(MARGIN, height - 10 * mm, font.fit(font.clean(page.left), half, 8))
        canvas.drawRightString(width - MARGIN, height - 10 * mm,
                               font.fit(font.clean(page.right), half, 8))
        canvas.setStrokeColorRGB(*RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, height - 11.5 * mm, width - MARGIN, height - 11.5 * mm)
        canvas.line(MARGIN, 11 * mm, width - MARGIN, 11 * mm)
        canvas.drawString(MARGIN, 7 * mm, font.fit(font.clean(page.footer), half, 8))
        canvas.restoreState()

    def numbering(canvas: Canvas, number: int, total: int) -> None:
        canvas.saveState()
        canvas.setFont(font.name, 8)
        canvas.setFillColorRGB(*MUTED)
        canvas.drawRightString(width - MARGIN, 7 * mm,
                               f"{font.clean(page.page_label)} {number} / {total}")
        canvas.restoreState()

    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN, topMargin=16 * mm,
        bottomMargin=16 * mm, title=font.clean(title)[:200], subject=font.clean(subject)[:200],
        author="MedTrace", creator="MedTrace", lang=kit.lang.replace("_", "-"),
        initialFontName=font.name, pageCompression=1)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate,
              canvasmaker=partial(_CountedCanvas, footer=numbering))
    return as_pdfa(buffer.getvalue())
