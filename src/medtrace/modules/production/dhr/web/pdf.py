"""The device history record (DHR) as a PDF/A-2b document, in Chinese or English.

ReportLab's canvas draws the pages directly, as ``traceability/web/pdf.py`` does, because a
1,000-unit lot has thousands of rows; its open-source version has no PDF/A mode (no pdfaid
metadata, no output intent), so ``platform.pdf.pdfa.as_pdfa`` (pikepdf's ``pdfa.save``) then
adds the XMP metadata and the sRGB output intent, and checks the bytes it wrote against its
allowlist of veraPDF's PDF/A-2b rules before they are returned. WeasyPrint
(``pdf_variant="pdf/a-2b"``) was rejected: it took about 50 s for a 5,000-row table on a 2-core
machine, where this takes about a second. All text is drawn with one embedded TrueType-outline
CJK font (WenQuanYi Micro Hei from Debian's ``fonts-wqy-microhei`` by default, see
``platform.pdf.font``), subset by ReportLab, since PDF/A forbids the non-embedded Adobe CID
fonts and the standard 14 fonts."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from medtrace.platform.i18n import N_
from medtrace.platform.pdf.font import (
    FONT_ENV,
    FONT_PACKAGE,
    TOKENS,
    Font,
    locate_cjk_font,
    register_font,
)
from medtrace.platform.pdf.pdfa import as_pdfa

__all__ = ["FONT_ENV", "FONT_PACKAGE", "LABEL_KEYS", "locate_cjk_font", "render_dhr_pdf"]

# The English text of every label is its key; the caller maps it to the document's language.
LABEL_KEYS: tuple[str, ...] = (
    # sections
    N_("Device history record"), N_("Device"), N_("Work order"), N_("Bill of materials"),
    N_("Components consumed"), N_("Operations"), N_("In-process checks"),
    N_("Deviations and dispositions"), N_("Outputs"), N_("Labels issued"), N_("Signatures"),
    N_("Batch release"),
    # fields
    N_("Record kind"), N_("Status"), N_("Generated at"), N_("Item"), N_("Name"), N_("UDI-DI"),
    N_("Registration number"), N_("Lot"), N_("Serial"), N_("Number"), N_("Quantity"),
    N_("Line"), N_("Released at"), N_("Completed at"), N_("Version"), N_("Routing version"),
    N_("Change order"), N_("Change reason"), N_("Effective from"), N_("Supplier"),
    N_("Receipt"), N_("Inspection"), N_("Issued at"), N_("Issued by"), N_("Substitute"),
    N_("Output serial"), N_("Sequence"), N_("Operation"), N_("Work center"), N_("Equipment"),
    N_("Calibration due"), N_("Calibration valid"), N_("Operator"), N_("Started at"),
    N_("Finished at"), N_("Signature"), N_("Characteristic"), N_("Lower limit"),
    N_("Upper limit"), N_("Unit"), N_("Value"), N_("Result"), N_("Recorded by"),
    N_("Recorded at"), N_("Check"), N_("Disposition"), N_("Reason"), N_("Signed by"),
    N_("Signed at"), N_("Produced at"), N_("Produced by"), N_("UDI"), N_("Printed at"),
    N_("Printed by"), N_("Meaning"), N_("Signer"), N_("Comment"), N_("Page"),
    N_("continued"), N_("None recorded"),
    # values
    N_("Yes"), N_("No"), N_("Whole lot"), N_("Single unit"), N_("Pass"), N_("Fail"),
    N_("Rework"), N_("Scrap"), N_("Use as is"), N_("Released"), N_("Rejected"),
    N_("Pending"), N_("Quarantined"), N_("Draft"), N_("Open"), N_("In progress"),
    N_("Completed"), N_("Closed"), N_("Cancelled"), N_("Performed"), N_("Reviewed"),
    N_("Approved"), N_("Verified"),
)
_KIND_KEYS = {"lot": "Whole lot", "unit": "Single unit"}

PAGE = landscape(A4)
MARGIN = 12 * mm
TOP = PAGE[1] - 15 * mm  # where the content starts under the page heading
BOTTOM = 13 * mm  # where it ends above the footer
HEAD_FILL = (0.91, 0.945, 0.984)
RULE = (0.6, 0.66, 0.71)
MUTED = (0.35, 0.42, 0.48)
ALERT = (0.72, 0.1, 0.1)
_MAX_SOURCE = 2000  # characters of a value looked at: more never fits in a cell
_ISO_MOMENT = re.compile(
    r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(?::\d{2})?)(?:\.\d+)?(Z|[+-]\d{2}:?\d{2})?")
_CONTROLS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029]")


# --- values --------------------------------------------------------------------------------

def _text(value: Any) -> str:
    """A value of the DHR as text: None is empty, an ISO moment loses its "T" and fraction."""
    if value is None:
        return ""
    if isinstance(value, str):
        match = _ISO_MOMENT.fullmatch(value.strip())
        if match:
            day, time, zone = match.groups()
            return f"{day} {time}" + (f" {zone}" if zone else "")
        return value
    return str(value)


def _quantity(value: Any, uom: Any = None) -> str:
    """A decimal string without trailing zeros ("10.000000" is "10"), with its unit."""
    text = _text(value)
    try:
        number = Decimal(text)
    except (InvalidOperation, ValueError):
        number = None
    if number is not None and number.is_finite() and abs(number.adjusted()) < 40:
        text = f"{number:f}"
        if "." in text:
            text = text.rstrip("0").rstrip(".")
    return f"{text} {_text(uom)}".strip() if text else ""


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _rows(value: Any) -> list[Mapping[str, Any]]:
    if not isinstance(value, Sequence) or isinstance(value, str | bytes):
        return []
    return [_mapping(row) for row in value]


class _Labels:
    def __init__(self, labels: Mapping[str, str]) -> None:
        self.labels = labels

    def __call__(self, key: str) -> str:
        """The label in the document's language; a missing key falls back to the key."""
        text = self.labels.get(key)
        return text if isinstance(text, str) and text else key

    def value(self, value: Any) -> str:
        """A stored code ("use_as_is", "pass", True) as its label when there is one."""
        if isinstance(value, bool):
            return self("Yes" if value else "No")
        text = _text(value)
        key = text.replace("_", " ").strip().capitalize()
        return self(key) if key in LABEL_KEYS or key in self.labels else text


# --- the drawing -------------------------------------------------------------------------

@dataclass(frozen=True)
class _Column:
    heading: str
    right: bool = False  # right-aligned (numbers)
    lines: int = 1  # the most lines a cell wraps to


_Cell = tuple[str, tuple[float, float, float] | None]  # text and an optional colour


class _Document:
    """One PDF being drawn top to bottom, page after page, with a page heading and a footer
    ("Page n / N", N drawn in a form defined at the end) on every page."""

    def __init__(self, font: Font, *, title: str, context: str, footer: str, page_label: str,
                 lang: str, subject: str) -> None:
        self.font = font
        self.buffer = io.BytesIO()
        self.canvas = Canvas(self.buffer, pagesize=PAGE, pageCompression=1,
                             initialFontName=font.name, lang=lang)
        # PDF/A caps a string at 32,767 bytes: the document information gets the first 200
        self.canvas.setTitle(title[:200])
        self.canvas.setSubject(subject[:200])
        self.canvas.setAuthor("MedTrace")
        self.canvas.setCreator("MedTrace")
        self.title, self.context, self.footer, self.page_label = title, context, footer, page_label
        self.width = PAGE[0] - 2 * MARGIN
        self.page = 0
        self.y = TOP
        self._start_page()

    # pages

    def _start_page(self) -> None:
        self.page += 1
        self.y = TOP
        canvas, font = self.canvas, self.font
        half = self.width / 2 - 6
        canvas.setFillColorRGB(0, 0, 0)
        canvas.setFont(font.name, 9)
        canvas.drawString(MARGIN, PAGE[1] - 10 * mm, font.fit(self.title, half, 9))
        canvas.setFillColorRGB(*MUTED)
        canvas.setFont(font.name, 7.5)
        canvas.drawRightString(PAGE[0] - MARGIN, PAGE[1] - 10 * mm,
                               font.fit(self.context, half, 7.5))
        canvas.setStrokeColorRGB(*RULE)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, PAGE[1] - 11.5 * mm, PAGE[0] - MARGIN, PAGE[1] - 11.5 * mm)
        canvas.line(MARGIN, 9.5 * mm, PAGE[0] - MARGIN, 9.5 * mm)
        numbering = f"{font.fit(self.page_label, 80, 7.5)} {self.page} / "
        canvas.drawString(MARGIN, 6 * mm, numbering)
        canvas.saveState()
        canvas.translate(MARGIN + font.width(numbering, 7.5), 6 * mm)
        canvas.doForm("dhr-page-count")
        canvas.restoreState()
        canvas.drawRightString(PAGE[0] - MARGIN, 6 * mm, font.fit(self.footer, half, 7.5))
        canvas.setFillColorRGB(0, 0, 0)

    def _next_page(self) -> None:
        self.canvas.showPage()
        self._start_page()

    def room(self, height: float) -> bool:
        """Start a new page unless ``height`` points are left; True when it did."""
        if self.y - height >= BOTTOM:
            return False
        self._next_page()
        return True

    def finish(self) -> bytes:
        canvas = self.canvas
        canvas.showPage()
        canvas.beginForm("dhr-page-count", 0, -3, 60, 10)
        canvas.setFillColorRGB(*MUTED)
        canvas.setFont(self.font.name, 7.5)
        canvas.drawString(0, 0, str(self.page))
        canvas.endForm()
        canvas.save()
        return self.buffer.getvalue()

    # blocks

    def gap(self, height: float) -> None:
        self.y -= height

    def text(self, text: str, size: float, colour: tuple[float, float, float] = (0, 0, 0)) -> None:
        self.room(size * 1.5)
        self.y -= size * 1.5
        self.canvas.setFillColorRGB(*colour)
        self.canvas.setFont(self.font.name, size)
        self.canvas.drawString(MARGIN, self.y + size * 0.35,
                               self.font.fit(self.font.clean(text), self.width, size))
        self.canvas.setFillColorRGB(0, 0, 0)

    def caption(self, text: str, following: float) -> None:
        """A section's caption, kept on one page with the ``following`` points after it."""
        self.room(22 + following)
        self.gap(8)
        self.text(text, 10.5)
        self.gap(2)

    def pairs(self, items: Sequence[tuple[str, str, int]], *, per_row: int = 3,
              size: float = 7.5) -> None:
        """Label/value pairs (with the most lines each value wraps to), ``per_row`` a row."""
        font, canvas = self.font, self.canvas
        cell = self.width / per_row
        label_width = min(cell * 0.38, 105.0)
        value_width = cell - label_width - 6
        line = size * 1.45
        for start in range(0, len(items), per_row):
            row = [(font.fit(font.clean(label), label_width - 4, size),
                    font.wrap(font.clean(value, newlines=True), value_width, size, lines))
                   for label, value, lines in items[start:start + per_row]]
            height = max(len(values) for _, values in row) * line + 3
            self.room(height)
            top = self.y
            for index, (label, values) in enumerate(row):
                x = MARGIN + index * cell
                canvas.setFont(font.name, size)
                canvas.setFillColorRGB(*MUTED)
                canvas.drawString(x, top - line + size * 0.3, label)
                canvas.setFillColorRGB(0, 0, 0)
                for number, text in enumerate(values):
                    canvas.drawString(x + label_width, top - (number + 1) * line + size * 0.3,
                                      text)
            self.y = top - height
            canvas.setStrokeColorRGB(0.85, 0.87, 0.9)
            canvas.setLineWidth(0.25)
            canvas.line(MARGIN, self.y + 1, MARGIN + self.width, self.y + 1)

    def table(self, caption: str, continued: str, columns: Sequence[_Column],
              rows: Sequence[Sequence[_Cell]], empty: str, *, size: float = 7) -> None:
        """A captioned table whose caption and heading row are repeated on every page it
        spans; cells are clipped with an ellipsis (or wrap to their column's ``lines``)."""
        font = self.font
        line = size * 1.55
        self.caption(caption, line * 4)
        if not rows:
            self.text(empty, 8, MUTED)
            return
        texts = [[font.clean(text, newlines=column.lines > 1)
                  for (text, _), column in zip(row, columns, strict=True)] for row in rows]
        widths = self._widths(columns, texts, size)
        heading = [font.wrap(font.clean(column.heading), width - 4, size, 2)
                   for column, width in zip(columns, widths, strict=True)]
        top = self._heading_row(heading, columns, widths, size, line)
        rules = [self.y]
        wraps = any(column.lines > 1 for column in columns)
        for row, values in zip(rows, texts, strict=True):
            if wraps:
                cells = [(font.wrap(text, width - 4, size, column.lines) if column.lines > 1
                          else [font.fit(text, width - 4, size)], colour)
                         for text, (_, colour), column, width
                         in zip(values, row, columns, widths, strict=True)]
            else:
                cells = [([font.fit(text, width - 4, size)], colour)
                         for text, (_, colour), width in zip(values, row, widths, strict=True)]
            height = max(len(lines) for lines, _ in cells) * line
            if self.y - height < BOTTOM:
                self._rules(widths, top, rules)
                self._next_page()
                self.text(f"{caption} ({continued})", 8, MUTED)
                self.gap(2)
                top = self._heading_row(heading, columns, widths, size, line)
                rules = [self.y]
            self._row(cells, columns, widths, size, line)
            self.y -= height
            rules.append(self.y)
        self._rules(widths, top, rules)

    def _widths(self, columns: Sequence[_Column], texts: Sequence[Sequence[str]],
                size: float) -> list[float]:
        """Column widths from what the heading (in up to two lines) and the first 300 rows
        need: every column gets its need when they all fit (the rest of the page's width is
        shared in proportion), else the narrow ones get theirs and the wide ones share what is
        left equally (they clip or wrap)."""
        font, sample = self.font, texts[:300]
        needs = []
        for index, column in enumerate(columns):
            words = [word.strip() for word in TOKENS.findall(column.heading)] or [""]
            heading = max(max(font.width(word, size) for word in words),
                          font.width(column.heading, size) / 2)
            widest = max((font.width(part, size) for row in sample  # wider is too wide
                          for part in row[index][:400].split("\n")), default=0.0)
            needs.append(max(heading, widest, 12.0) + 5)
        if sum(needs) <= self.width:
            scale = self.width / sum(needs)
            return [need * scale for need in needs]
        widths = list(needs)
        pending = sorted(range(len(needs)), key=needs.__getitem__)
        remaining = self.width
        while pending:
            share = remaining / len(pending)
            if needs[pending[0]] > share:
                for index in pending:
                    widths[index] = share
                break
            remaining -= needs[pending.pop(0)]
        return widths

    def _heading_row(self, heading: Sequence[list[str]], columns: Sequence[_Column],
                     widths: Sequence[float], size: float, line: float) -> float:
        canvas = self.canvas
        top = self.y
        height = max(len(lines) for lines in heading) * line
        canvas.setFillColorRGB(*HEAD_FILL)
        canvas.rect(MARGIN, top - height, self.width, height, stroke=0, fill=1)
        canvas.setFillColorRGB(0, 0, 0)
        self._row([(lines, None) for lines in heading], columns, widths, size, line)
        self.y = top - height
        return top

    def _row(self, cells: Sequence[tuple[list[str], Any]], columns: Sequence[_Column],
             widths: Sequence[float], size: float, line: float) -> None:
        """One row's cells, drawn as one text object (far fewer operators than a string each)."""
        canvas, font = self.canvas, self.font
        text = canvas.beginText()
        text.setFont(font.name, size)
        x = MARGIN
        top = self.y
        for (texts, colour), column, width in zip(cells, columns, widths, strict=True):
            if colour is not None:
                text.setFillColorRGB(*colour)
            for number, value in enumerate(texts):
                if value:
                    left = x + width - 2 - font.width(value, size) if column.right else x + 2
                    text.setTextOrigin(left, top - (number + 1) * line + size * 0.45)
                    text.textOut(value)
            if colour is not None:
                text.setFillColorRGB(0, 0, 0)
            x += width
        canvas.drawText(text)

    def _rules(self, widths: Sequence[float], top: float, rules: Sequence[float]) -> None:
        """The lines of a table's block on this page: under each row, and between columns."""
        right = MARGIN + self.width
        segments = [(MARGIN, y, right, y) for y in (top, *rules)]
        x = MARGIN
        for width in (0, *widths):
            x += width
            segments.append((x, top, x, self.y))
        self.canvas.setStrokeColorRGB(*RULE)
        self.canvas.setLineWidth(0.25)
        self.canvas.lines(segments)


# --- the record ------------------------------------------------------------------------------

def render_dhr_pdf(dhr: dict, *, locale: str, labels: Mapping[str, str]) -> bytes:
    """The device history record ``dhr`` (the JSON shape of ``dhr.queries``) as the bytes of a
    PDF/A-2b document; ``labels`` maps the English ``LABEL_KEYS`` to the document's language
    (``locale``, "zh_CN" or "en"). Raises RuntimeError when no CJK font can be found, and
    ``pikepdf.pdfa.PdfaError`` if the document written failed PDF/A-2b validation (a bug)."""
    font = register_font(*locate_cjk_font())
    t = _Labels(labels if isinstance(labels, Mapping) else {})
    dhr = _mapping(dhr)
    item = _mapping(dhr.get("item"))
    order = _mapping(dhr.get("work_order"))
    bom = _mapping(dhr.get("bom"))
    routing = _mapping(dhr.get("routing"))
    release = _mapping(dhr.get("release"))
    code = _text(dhr.get("code"))
    title = f"{t('Device history record')} {code}".strip()
    item_text = " ".join(filter(None, (_text(item.get("code")), _text(item.get("name")))))
    context = "  ·  ".join(filter(None, (
        item_text,
        f"{t('Lot')} {_text(dhr.get('lot'))}" if dhr.get("lot") else "",
        f"{t('Serial')} {_text(dhr.get('serial'))}" if dhr.get("serial") else "")))
    generated = _text(dhr.get("generated_at"))
    footer = f"MedTrace  ·  {t('Generated at')} {generated}" if generated else "MedTrace"
    doc = _Document(font, title=font.clean(title), context=font.clean(context),
                    footer=font.clean(footer), page_label=font.clean(t("Page")),
                    lang=str(locale or "en").replace("_", "-"),
                    subject=font.clean(" ".join(filter(None, (item_text, _text(dhr.get("lot")))))))
    continued, empty = t("continued"), t("None recorded")

    doc.text(title, 16)
    doc.gap(2)
    kind = _text(dhr.get("kind"))
    doc.caption(t("Device"), 12)
    doc.pairs([
        (t("Item"), _text(item.get("code")), 1),
        (t("Name"), _text(item.get("name")), 2),
        (t("UDI-DI"), _text(item.get("udi_di")), 1),
        (t("Registration number"), _text(item.get("registration_number")), 2),
        (t("Lot"), _text(dhr.get("lot")), 1),
        (t("Serial"), _text(dhr.get("serial")), 1),
        (t("Record kind"), t(_KIND_KEYS[kind]) if kind in _KIND_KEYS else kind, 1),
        (t("Status"), t.value(dhr.get("status")), 1),
        (t("Generated at"), generated, 1),
    ])
    doc.caption(t("Work order"), 12)
    doc.pairs([
        (t("Number"), _text(order.get("number")), 1),
        (t("Status"), t.value(order.get("status")), 1),
        (t("Quantity"), _quantity(order.get("quantity"), order.get("uom")), 1),
        (t("Line"), _text(order.get("line")), 1),
        (t("Released at"), _text(order.get("released_at")), 1),
        (t("Completed at"), _text(order.get("completed_at")), 1),
    ])
    doc.caption(t("Bill of materials"), 12)
    doc.pairs([
        (t("Version"), _text(bom.get("version")), 1),
        (t("Routing version"), _text(routing.get("version")), 1),
        (t("Change order"), _text(bom.get("eco")), 1),
        (t("Effective from"), _text(bom.get("effective_from")), 1),
        (t("Released at"), _text(bom.get("released_at")), 1),
        (t("Change reason"), _text(bom.get("change_reason")), 4),
    ])

    for caption, columns, rows, size in _tables(dhr, t):
        doc.table(caption, continued, columns, rows, empty, size=size)

    doc.caption(t("Batch release"), 12)
    doc.pairs([
        (t("Status"), t.value(release.get("status")), 1),
        (t("Signed by"), _text(release.get("signed_by")), 1),
        (t("Signed at"), _text(release.get("at")), 1),
    ])
    return as_pdfa(doc.finish())


def _tables(dhr: Mapping[str, Any], t: _Labels
            ) -> list[tuple[str, list[_Column], list[list[_Cell]], float]]:
    """Each list of the record as (caption, columns, rows of cells, font size)."""
    def alert(condition: bool) -> tuple[float, float, float] | None:
        return ALERT if condition else None

    def cells(getters: Sequence[Callable[[Mapping[str, Any]], _Cell]], rows: Any
              ) -> list[list[_Cell]]:
        return [[get(row) for get in getters] for row in _rows(rows)]

    def plain(key: str) -> Callable[[Mapping[str, Any]], _Cell]:
        return lambda row: (_text(row.get(key)), None)

    components = cells([
        plain("item"), plain("name"), plain("lot"), plain("serial"),
        lambda r: (_quantity(r.get("quantity"), r.get("uom")), None),
        plain("supplier"), plain("receipt"), plain("inspection"), plain("issued_at"),
        plain("issued_by"),
        lambda r: (t.value(bool(r.get("substitute"))), alert(bool(r.get("substitute")))),
        plain("output_serial"),
    ], dhr.get("components"))
    operations = cells([
        plain("sequence"), plain("name"), plain("work_center"), plain("equipment"),
        plain("calibration_due"),
        lambda r: ((t.value(r.get("calibration_ok")) if r.get("calibration_ok") is not None
                    else ""), alert(r.get("calibration_ok") is False)),
        plain("operator"), plain("started_at"), plain("finished_at"), plain("signature"),
    ], dhr.get("operations"))
    checks = cells([
        plain("operation"), plain("characteristic"), plain("lower"), plain("upper"),
        plain("unit"), plain("value"),
        lambda r: (t.value(r.get("result")), alert(r.get("result") == "fail")),
        plain("serial"), plain("recorded_by"), plain("recorded_at"),
    ], dhr.get("checks"))
    deviations = cells([
        plain("check"), lambda r: (t.value(r.get("disposition")), None), plain("reason"),
        plain("signed_by"), plain("at"),
    ], dhr.get("deviations"))
    outputs = cells([
        plain("lot"), plain("serial"), lambda r: (_quantity(r.get("quantity")), None),
        plain("produced_at"), plain("produced_by"),
    ], dhr.get("outputs"))
    labels = cells([plain("udi"), plain("printed_at"), plain("printed_by")], dhr.get("labels"))
    signatures = cells([
        lambda r: (t.value(r.get("meaning")), None),
        lambda r: (" ".join(filter(None, (_text(r.get("name")), f"({_text(r.get('signer'))})"
                                         if r.get("signer") else ""))), None),
        plain("at"), plain("comment"),
    ], dhr.get("signatures"))

    c = _Column
    return [
        (t("Components consumed"), [
            c(t("Item")), c(t("Name")), c(t("Lot")), c(t("Serial")),
            c(t("Quantity"), right=True), c(t("Supplier")), c(t("Receipt")),
            c(t("Inspection")), c(t("Issued at")), c(t("Issued by")),
            c(t("Substitute")), c(t("Output serial"))], components, 6.5),
        (t("Operations"), [
            c(t("Sequence"), right=True), c(t("Operation"), lines=2),
            c(t("Work center")), c(t("Equipment"), lines=2), c(t("Calibration due")),
            c(t("Calibration valid")), c(t("Operator")), c(t("Started at")),
            c(t("Finished at")), c(t("Signature"), lines=2)], operations, 6.5),
        (t("In-process checks"), [
            c(t("Operation"), right=True), c(t("Characteristic"), lines=2),
            c(t("Lower limit"), right=True), c(t("Upper limit"), right=True),
            c(t("Unit")), c(t("Value"), right=True), c(t("Result")),
            c(t("Serial")), c(t("Recorded by")), c(t("Recorded at"))], checks, 6.5),
        (t("Deviations and dispositions"), [
            c(t("Check"), lines=3), c(t("Disposition")), c(t("Reason"), lines=6),
            c(t("Signed by")), c(t("Signed at"))], deviations, 7),
        (t("Outputs"), [
            c(t("Lot")), c(t("Serial")), c(t("Quantity"), right=True),
            c(t("Produced at")), c(t("Produced by"))], outputs, 7),
        (t("Labels issued"), [
            c(t("UDI")), c(t("Printed at")), c(t("Printed by"))], labels, 7),
        (t("Signatures"), [
            c(t("Meaning")), c(t("Signer")), c(t("Signed at")),
            c(t("Comment"), lines=4)], signatures, 7),
    ]
