"""A plain tabular PDF report (title, lines, small summary tables, one big table whose heading
repeats on every page, page numbers), drawn with ReportLab's canvas directly.

The canvas rather than ReportLab's flowing tables: a forward trace may list tens of thousands of
units, and laying out cells one by one as flowables takes minutes where drawing the strings
takes seconds. Chinese uses ReportLab's built-in CID font STSong-Light (one of the Adobe CJK
fonts every PDF reader has), so no font file is bundled and the PDF stays small; text is
clipped to its column with an ellipsis."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen.canvas import Canvas

FONT = "STSong-Light"
MARGIN = 10 * mm
HEAD_FILL = (0.91, 0.945, 0.984)
LINE = (0.6, 0.66, 0.71)
MAX_CHARS = 60

_registered: list[bool] = []


def _font() -> str:
    if not _registered:
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
        _registered.append(True)
    return FONT


def text_of(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).replace("\r", " ").replace("\n", " ")[:MAX_CHARS]


class Report:
    """One PDF being drawn, top to bottom, page after page."""

    def __init__(self, title: str) -> None:
        self.font = _font()
        self.buffer = io.BytesIO()
        self.size = landscape(A4)
        self.canvas = Canvas(self.buffer, pagesize=self.size, pageCompression=1)
        self.canvas.setTitle(title)
        self.canvas.setAuthor("MedTrace")
        self.width = self.size[0] - 2 * MARGIN
        self.page = 1
        self.y = self.size[1] - MARGIN

    def _new_page(self) -> None:
        self._footer()
        self.canvas.showPage()
        self.page += 1
        self.y = self.size[1] - MARGIN

    def _footer(self) -> None:
        self.canvas.setFont(self.font, 7)
        self.canvas.setFillColorRGB(0.35, 0.42, 0.48)
        self.canvas.drawRightString(self.size[0] - MARGIN, 6 * mm, f"MedTrace  - {self.page} -")
        self.canvas.setFillColorRGB(0, 0, 0)

    def line(self, text: str, size: float = 8.5) -> None:
        if self.y - size * 1.4 < MARGIN + 4 * mm:
            self._new_page()
        self.y -= size * 1.4
        self.canvas.setFont(self.font, size)
        self.canvas.drawString(MARGIN, self.y, self.fit(text, self.width, size))

    def gap(self, height: float) -> None:
        self.y -= height

    def fit(self, text: str, width: float, size: float) -> str:
        """``text`` cut (with an ellipsis) to ``width`` points."""
        measure = pdfmetrics.stringWidth
        if measure(text, self.font, size) <= width:
            return text
        low, high = 0, len(text)
        while low < high:  # the longest prefix that fits with the ellipsis
            middle = (low + high + 1) // 2
            if measure(text[:middle] + "…", self.font, size) <= width:
                low = middle
            else:
                high = middle - 1
        return text[:low] + "…"

    def table(self, headings: Sequence[str], rows: Sequence[Sequence[Any]], *,
              size: float = 7, widths: Sequence[float] | None = None) -> None:
        """A table; a new page repeats the heading row."""
        widths = list(widths or column_widths(headings, rows, self.width, self.font, size))
        height = size * 1.55
        head = [text_of(h) for h in headings]
        top = self.y
        self._row(head, widths, size, height, heading=True)
        for row in rows:
            if self.y - height < MARGIN + 4 * mm:
                self._rules(widths, top)
                self._new_page()
                top = self.y
                self._row(head, widths, size, height, heading=True)
            self._row([text_of(v) for v in row], widths, size, height)
        self._rules(widths, top)

    def _row(self, cells: Sequence[str], widths: Sequence[float], size: float, height: float,
             heading: bool = False) -> None:
        canvas = self.canvas
        if heading:
            canvas.setFillColorRGB(*HEAD_FILL)
            canvas.rect(MARGIN, self.y - height, sum(widths), height, stroke=0, fill=1)
            canvas.setFillColorRGB(0, 0, 0)
        canvas.setFont(self.font, size)
        x = MARGIN
        baseline = self.y - height + size * 0.45
        for text, width in zip(cells, widths, strict=False):
            if text:
                canvas.drawString(x + 2, baseline, self.fit(text, width - 4, size))
            x += width
        self.y -= height
        canvas.setStrokeColorRGB(*LINE)
        canvas.setLineWidth(0.25)
        canvas.line(MARGIN, self.y, MARGIN + sum(widths), self.y)

    def _rules(self, widths: Sequence[float], top: float) -> None:
        """The top line and the column lines of a table's block on this page."""
        canvas = self.canvas
        canvas.setStrokeColorRGB(*LINE)
        canvas.setLineWidth(0.25)
        canvas.line(MARGIN, top, MARGIN + sum(widths), top)
        x = MARGIN
        for width in (0, *widths):
            x += width
            canvas.line(x, top, x, self.y)

    def finish(self) -> bytes:
        self._footer()
        self.canvas.save()
        return self.buffer.getvalue()


def column_widths(headings: Sequence[str], rows: Sequence[Sequence[Any]], total: float,
                  font: str, size: float) -> list[float]:
    """Widths in proportion to each column's widest text (heading and first 300 rows), each
    at least its share of a narrow column, summing to ``total`` when they would exceed it."""
    measure = pdfmetrics.stringWidth
    widest = [measure(text_of(h), font, size) + 6 for h in headings]
    for row in rows[:300]:
        for index, value in enumerate(row[:len(widest)]):
            widest[index] = max(widest[index], measure(text_of(value), font, size) + 6)
    natural = sum(widest)
    if natural <= total:
        return widest
    floor = min(total / len(widest), 40.0)
    capped = [max(floor, w) for w in widest]
    scale = total / sum(capped)
    return [w * scale for w in capped]


def report(title: str, lines: Sequence[str],
           summary: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]],
           headings: Sequence[str], rows: Sequence[Sequence[Any]]) -> bytes:
    """Title, lines, summary tables (caption, headings, rows), then the main table."""
    doc = Report(title)
    doc.line(title, 13)
    doc.gap(3)
    for text in lines:
        doc.line(text)
    for caption, head, table_rows in summary:
        doc.gap(6)
        doc.line(caption)
        doc.gap(2)
        doc.table(head, table_rows, size=8)
    doc.gap(8)
    doc.table(headings, rows, size=7 if len(headings) <= 10 else 6)
    return doc.finish()
