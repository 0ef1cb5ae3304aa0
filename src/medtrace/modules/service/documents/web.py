"""The service report (服务报告) of a done or closed service order as PDF/A-2b, A4, Chinese and
English side by side: the plant, the order, the unit (item and serial), the customer and the
site, the warranty, the problem reported, the work done and the time spent, the parts replaced
(removed → fitted, quantity, where the removed part went), the software and firmware changes,
the technician's electronic signature (printed name, date and time in the plant's time zone,
meaning) and the customer's acknowledgement.

Drawn with ReportLab's platypus in the embedded CJK font of ``platform.pdf.font`` (PDF/A
forbids the standard 14 fonts; no font on the server is ``PdfUnavailable``, 503) and finished
by ``platform.pdf.pdfa``. ReportLab is imported when a report is drawn, not when the routes
load. The page route ``GET /service/orders/{number}/report.pdf`` is on ``router``; the API's
twin is in ``documents.api``."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from typing import Any
from xml.sax.saxutils import escape

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import Response

from medtrace.modules.service.documents import queries
from medtrace.modules.service.permissions import VIEW
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.i18n import N_
from medtrace.platform.pdf.errors import PdfUnavailable
from medtrace.platform.web import csrf
from medtrace.platform.web.deps import new_uow

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])
Number = Path(max_length=20, description="The service order's number")

MUTED = (0.35, 0.42, 0.48)
RULE = (0.6, 0.66, 0.71)
HEAD_FILL = (0.91, 0.945, 0.984)
WARN = (0.7, 0.1, 0.1)

#: every label of the report, as English msgids; each is printed in Chinese and in English
LABELS: dict[str, str] = {
    "title": N_("Service report"), "order": N_("Service order"), "type": N_("Type"),
    "status": N_("Status"), "item": N_("Item"), "serial": N_("Serial unit"),
    "customer": N_("Customer"), "site": N_("Installation site"), "department": N_("Department"),
    "warranty": N_("Under warranty"), "warranty_end": N_("Warranty ends"),
    "technician": N_("Technician"), "scheduled_for": N_("Scheduled for"),
    "started": N_("Started"), "completed": N_("Completed"),
    "problem": N_("Problem reported"), "report": N_("Work done"),
    "minutes": N_("Time spent (minutes)"), "parts": N_("Parts replaced"),
    "removed": N_("Removed part"), "fitted": N_("Fitted part"), "quantity": N_("Quantity"),
    "removed_to": N_("Removed part goes"), "versions": N_("Software and firmware changes"),
    "kind": N_("Kind"), "previous": N_("Previous version"), "version": N_("Version"),
    "at": N_("At"), "signature": N_("Technician's electronic signature"),
    "printed_name": N_("Printed name"), "signed_at": N_("Signed at"),
    "meaning": N_("Meaning"), "not_binding": N_("The record changed after it was signed"),
    "unsigned": N_("Not signed"), "ack": N_("Customer acknowledgement"),
    "ack_name": N_("Acknowledged by (customer)"), "ack_on": N_("Acknowledged on"),
    "none": N_("None recorded"), "page": N_("Page"),
    "zone": N_("Times are in the plant's time zone"),
}


def label(key: str) -> str:
    """The label ``key`` as "中文 / English" (once when the two are the same)."""
    both = queries.both(LABELS[key])
    return both["en"] if both["zh"] == both["en"] else f"{both['zh']} / {both['en']}"


def pair(value: Mapping[str, Any] | None) -> str:
    """A ``{"zh", "en"}`` pair as "中文 / English"."""
    if not value:
        return ""
    zh, en = str(value.get("zh") or ""), str(value.get("en") or "")
    return " / ".join(dict.fromkeys(x for x in (zh, en) if x))


def names(zh: Any, en: Any) -> str:
    return " / ".join(dict.fromkeys(str(x) for x in (zh, en) if x))


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def render_service_report(report: Mapping[str, Any]) -> bytes:
    """``report`` (the shape of ``documents.queries.service_report``) as PDF/A-2b bytes in
    Chinese and English. Raises ``PdfUnavailable`` when no CJK font is installed."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        KeepTogether,
        Paragraph,
        SimpleDocTemplate,
        Spacer,
        Table,
        TableStyle,
    )

    from medtrace.platform.pdf.font import locate_cjk_font, register_font
    from medtrace.platform.pdf.pdfa import as_pdfa

    try:
        font = register_font(*locate_cjk_font())
    except RuntimeError as exc:
        raise PdfUnavailable(str(exc)) from None
    margin = 15 * mm
    width, height = A4
    full = width - 2 * margin

    def para(value: Any, size: float = 8.5, *, align: int = 0,
             colour: tuple[float, float, float] = (0, 0, 0), words: bool = False
             ) -> Paragraph:
        """``value`` as a paragraph: escaped, newlines kept, characters the font cannot
        draw as "?" (PDF/A forbids the .notdef glyph); broken between any two characters
        (Chinese) unless ``words`` (labels: "中文 / English" breaks between words)."""
        markup = escape(font.clean(_text(value), newlines=True)).replace("\n", "<br/>")
        return Paragraph(markup, ParagraphStyle(
            f"s{size}-{align}-{colour}-{words}", fontName=font.name, fontSize=size,
            leading=size * 1.3, alignment=align, textColor=colour,
            wordWrap=None if words else "CJK"))

    def grid(rows: list[list[Any]], widths: Sequence[float], *extra: tuple[Any, ...]
             ) -> Table:
        table = Table(rows, colWidths=[full * w for w in widths], repeatRows=0)
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), font.name), ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            *extra]))
        return table

    def fields(pairs: Sequence[tuple[str, Any]]) -> Table:
        """Label/value pairs, two to a row, labels muted."""
        rows: list[list[Any]] = []
        for start in range(0, len(pairs), 2):
            row: list[Any] = []
            for key, value in pairs[start:start + 2]:
                row += [para(label(key), 7.5, colour=MUTED, words=True),
                        para(value if value not in (None, "") else "—", 9)]
            rows.append(row + [""] * (4 - len(row)))
        return grid(rows, [0.2, 0.3, 0.2, 0.3],
                    ("LINEBELOW", (0, 0), (-1, -1), 0.25, (0.85, 0.87, 0.9)))

    def table(keys: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[float],
              *, right: Sequence[int] = ()) -> Table:
        body = [[para(label(k), 7.5, words=True) for k in keys]]
        body += [[para(v, 7.5, align=2 if i in right else 0) for i, v in enumerate(row)]
                 for row in rows]
        result = grid(body, widths, ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
                      ("GRID", (0, 0), (-1, -1), 0.25, RULE))
        result.repeatRows = 1
        return result

    def section(key: str, body: Any) -> list[Any]:
        return [Spacer(1, 4 * mm), para(label(key), 10.5, words=True), Spacer(1, 1.5 * mm),
                body]

    number = _text(report.get("number"))
    company = report.get("company") or {}
    plant = names(company.get("name_zh"), company.get("name_en")) or "MedTrace"
    labels = report.get("labels") or {}
    warranty = pair(labels.get("warranty"))
    title = f"{label('title')} {number}"
    customer = "\n".join(x for x in (_text(report.get("customer")), names(
        report.get("customer_name_zh"), report.get("customer_name_en"))) if x)
    story: list[Any] = [
        para(company.get("name_zh") or plant, 12, align=1),
        para(company.get("name_en") or "", 10, align=1) if company.get("name_zh")
        and company.get("name_en") else Spacer(1, 1),
        Spacer(1, 3 * mm),
        *[para(line, size, align=1, words=True) for line, size in zip(
            dict.fromkeys(queries.both(LABELS["title"]).values()), (18, 13), strict=False)],
        Spacer(1, 2 * mm),
        para(f"{label('order')}: {number}", 10, align=1, words=True),
        Spacer(1, 5 * mm),
        fields([
            ("order", number), ("type", pair(labels.get("type"))),
            ("status", pair(labels.get("status"))), ("technician", report.get("technician")),
            ("item", f"{_text(report.get('item'))}\n"
                     f"{names(report.get('item_name_zh'), report.get('item_name_en'))}"),
            ("serial", report.get("serial")),
            ("customer", customer),
            ("site", " / ".join(x for x in (report.get("site"), report.get("department"))
                                if x)),
            ("warranty", warranty), ("warranty_end", report.get("warranty_end")),
            ("scheduled_for", report.get("scheduled_for")),
            ("minutes", report.get("minutes")),
            ("started", report.get("started_on")), ("completed", report.get("completed_on")),
        ]),
    ]
    story += section("problem", para(report.get("problem") or "—", 9))
    story += section("report", para(report.get("report") or "—", 9))
    replacements = [r for r in report.get("replacements") or [] if isinstance(r, Mapping)]
    story += section("parts", table(
        ["removed", "fitted", "quantity", "removed_to"],
        [[_part(r.get("removed")), _part(r.get("fitted")), r.get("quantity") or "",
          " · ".join(x for x in (pair(r.get("removed_to_label")), r.get("return_location"))
                     if x)] for r in replacements],
        [0.3, 0.3, 0.12, 0.28], right=(2,)) if replacements else para(label("none"), 8))
    versions = [v for v in report.get("versions") or [] if isinstance(v, Mapping)]
    story += section("versions", table(
        ["kind", "previous", "version", "at"],
        [[pair(v.get("kind_label")), v.get("previous") or "—", v.get("version"), v.get("on")]
         for v in versions], [0.25, 0.25, 0.25, 0.25]) if versions
        else para(label("none"), 8))
    story += [Spacer(1, 6 * mm), KeepTogether([_signatures(report, para, grid)])]
    story += [Spacer(1, 2 * mm),
              para(f"{label('zone')}: {_text(report.get('timezone'))}", 7, colour=MUTED)]

    def decorate(canvas: Any, doc: Any) -> None:
        canvas.saveState()
        canvas.setFont(font.name, 8)
        canvas.setFillColorRGB(*MUTED)
        half = full / 2 - 6
        canvas.drawString(margin, height - 10 * mm, font.fit(font.clean(plant), half, 8))
        canvas.drawRightString(width - margin, height - 10 * mm,
                               font.fit(font.clean(title), half, 8))
        canvas.setStrokeColorRGB(*RULE)
        canvas.setLineWidth(0.5)
        canvas.line(margin, height - 11.5 * mm, width - margin, height - 11.5 * mm)
        canvas.line(margin, 11 * mm, width - margin, 11 * mm)
        canvas.drawString(margin, 7 * mm, font.fit(font.clean(
            f"MedTrace  ·  {number}  ·  {_text(report.get('serial'))}"), half, 8))
        canvas.drawRightString(width - margin, 7 * mm,
                               font.clean(f"{label('page')} {doc.page}"))
        canvas.restoreState()

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer, pagesize=A4, leftMargin=margin, rightMargin=margin, topMargin=16 * mm,
        bottomMargin=16 * mm, title=font.clean(title)[:200],
        subject=font.clean(f"{_text(report.get('item'))} {_text(report.get('serial'))}")[:200],
        author="MedTrace", creator="MedTrace", lang="zh-CN", initialFontName=font.name,
        pageCompression=1)
    doc.build(story, onFirstPage=decorate, onLaterPages=decorate)
    return as_pdfa(buffer.getvalue())


def _part(value: Any) -> str:
    """A replacement's part: its item code over its lot or serial."""
    if not isinstance(value, Mapping):
        return ""
    return "\n".join(_text(x) for x in (value.get("item"), value.get("code")) if x)


def _signatures(report: Mapping[str, Any], para: Any, grid: Any) -> Any:
    """The technician's e-signature beside the customer's acknowledgement."""
    signature = report.get("signature")
    if isinstance(signature, Mapping):
        signed = [para(label("signature"), 9.5, words=True),
                  para(f"{label('printed_name')}: {_text(signature.get('signer'))}", 8.5),
                  para(f"{label('signed_at')}: {_text(signature.get('signed_on'))} "
                       f"({_text(report.get('timezone'))})", 8.5),
                  para(f"{label('meaning')}: {pair(signature.get('meaning_label'))}", 8.5)]
        if not signature.get("valid", True):
            signed.append(para(label("not_binding"), 8.5, colour=WARN))
    else:
        signed = [para(label("signature"), 9.5, words=True),
                  para(label("unsigned"), 8.5, colour=WARN)]
    acknowledged = [para(label("ack"), 9.5, words=True),
                    para(f"{label('ack_name')}: {_text(report.get('ack_name'))}", 8.5),
                    para(f"{label('ack_on')}: {_text(report.get('ack_on'))}", 8.5)]
    return grid([[signed, acknowledged]], [0.5, 0.5], ("BOX", (0, 0), (-1, -1), 0.5, RULE),
                ("INNERGRID", (0, 0), (-1, -1), 0.5, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 6))


def pdf_response(request: Request, number: str) -> Response:
    """The report of the order ``number`` as an inline PDF answer (the API and the page)."""
    with new_uow(request, write=False) as uow:
        report = queries.service_report(uow, number)
    body = render_service_report(report)
    name = re.sub(r"[^A-Za-z0-9._-]", "_", f"{report['number']}-service-report.pdf")
    return Response(body, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})


@router.get("/service/orders/{number}/report.pdf", response_class=Response)
def report_pdf(request: Request, number: str = Number,
               _: Actor = require(VIEW)) -> Response:
    return pdf_response(request, number)
