"""Shipment documents and logistics labels: ``GET /api/v1/shipments/{number}/delivery-note.pdf``
and ``.../certificates/{certificate}.pdf`` (PDF/A-2b, ``?lang=zh_CN|en``, else the caller's
language), ``GET /api/v1/packages/{sscc}/label.svg`` and ``label.png`` (the GS1-128 logistics
label). A server without a CJK font answers the PDFs with ``MT-PDF-FONT-UNAVAILABLE`` (503)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response

from medtrace.modules.sales.documents import queries
from medtrace.modules.sales.permissions import VIEW
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.observability.logging import get_logger
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.openapi import problems
from medtrace.standards.udi import UdiComposeError
from medtrace.standards.udi.logistics import compose_logistics, render_logistics_label

router = APIRouter(prefix="/api/v1", tags=["sales"])
log = get_logger(__name__)
Number = Path(max_length=40, description="The shipment's number")
CertificateNumber = Path(max_length=40, description="The certificate's number")
Sscc = Path(max_length=22, description="The package's SSCC: 18 digits (a leading (00) or 00 "
                                       "is accepted)")
Lang = Literal["zh_CN", "en"]
LangQuery = Query(None, description="The document's language; default: the caller's (the "
                                    "plant's default, Chinese, when it has none)")
PDF = {200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
             "description": "A PDF/A-2b document"}, **problems(503)}


def _language(request: Request, lang: Lang | None) -> str:
    return lang or getattr(request.state, "locale", None) or "zh_CN"


def _pdf(body: bytes, name: str) -> Response:
    name = re.sub(r"[^A-Za-z0-9._-]", "_", name)  # a header is Latin-1: numbers may not be
    return Response(body, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})


@router.get("/shipments/{number}/delivery-note.pdf", operation_id="getDeliveryNotePdf",
            summary="The delivery note of a shipment (PDF/A)", response_class=Response,
            responses=PDF)
def delivery_note_pdf(request: Request, number: str = Number, lang: Lang | None = LangQuery,
                      _: Actor = require(VIEW)) -> Response:
    with new_uow(request, write=False) as uow:
        note = queries.delivery_note(uow, number)
    from medtrace.modules.sales.documents.web.delivery import render_delivery_note

    body = render_delivery_note(note, lang=_language(request, lang))
    return _pdf(body, f"{note['number']}-delivery-note.pdf")


@router.get("/shipments/{number}/certificates/{certificate}.pdf",
            operation_id="getCertificateOfConformityPdf",
            summary="A certificate of conformity of a shipment (PDF/A)", response_class=Response,
            responses=PDF)
def certificate_pdf(request: Request, number: str = Number,
                    certificate: str = CertificateNumber, lang: Lang | None = LangQuery,
                    _: Actor = require(VIEW)) -> Response:
    with new_uow(request, write=False) as uow:
        data = queries.certificate(uow, number, certificate)
    from medtrace.modules.sales.documents.web.certificate import render_certificate

    body = render_certificate(data, lang=_language(request, lang))
    return _pdf(body, f"{data['number']}.pdf")


def _label(request: Request, sscc: str, format: Literal["png", "svg"]) -> Any:
    """The package's label: its content too when it is homogeneous and GS1 can carry it (a
    lot number with characters outside GS1's set, or an expiry out of the two-digit-year
    window, leave the label with the SSCC alone, which is all a logistics label must have)."""
    with new_uow(request, write=False) as uow:
        data = queries.package_label(uow, sscc)
        today = uow.today()
    content = data["content"]
    label = None
    if content is not None:
        try:
            expiry = dt.date.fromisoformat(content["expiry"]) if content["expiry"] else None
            label = compose_logistics(data["sscc"], gtin=content["gtin"], count=content["count"],
                                      lot=content["lot"], expiry=expiry, today=today)
        except UdiComposeError as exc:
            log.warning("sales.label.sscc_only", sscc=data["sscc"], reason=exc.code)
    label = label or compose_logistics(data["sscc"], today=today)
    return render_logistics_label(label, format=format)


@router.get("/packages/{sscc}/label.svg", operation_id="getPackageLabelSvg",
            summary="The GS1-128 logistics label of a package (SVG)", response_class=Response,
            responses={200: {"content": {"image/svg+xml": {"schema": {"type": "string"}}},
                             "description": "The label as SVG"}})
def package_label_svg(request: Request, sscc: str = Sscc, _: Actor = require(VIEW)
                      ) -> Response:
    return Response(_label(request, sscc, "svg"), media_type="image/svg+xml")


@router.get("/packages/{sscc}/label.png", operation_id="getPackageLabelPng",
            summary="The GS1-128 logistics label of a package (PNG)", response_class=Response,
            responses={200: {"content": {"image/png": {"schema": {"type": "string",
                                                                  "format": "binary"}}},
                             "description": "The label as PNG"}})
def package_label_png(request: Request, sscc: str = Sscc, _: Actor = require(VIEW)
                      ) -> Response:
    return Response(_label(request, sscc, "png"), media_type="image/png")
