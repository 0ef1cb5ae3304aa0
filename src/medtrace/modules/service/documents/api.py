"""``GET /api/v1/service-orders/{number}/report.pdf``: the service report of a done or closed
service order as a PDF/A-2b document, Chinese and English side by side. An order not done or
closed is ``MT-SERVICE-ORDER-STATE`` (409); a server without a CJK font answers
``MT-PDF-FONT-UNAVAILABLE`` (503)."""

from __future__ import annotations

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response

from medtrace.modules.service.permissions import VIEW
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.web.openapi import problems

router = APIRouter(prefix="/api/v1", tags=["service"])
Number = Path(max_length=20, description="The service order's number")
PDF = {200: {"content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
             "description": "A PDF/A-2b document"}, **problems(404, 409, 503)}


@router.get("/service-orders/{number}/report.pdf", operation_id="getServiceReportPdf",
            summary="The signed service report of a done or closed order (PDF/A)",
            response_class=Response, responses=PDF)
def service_report_pdf(request: Request, number: str = Number,
                       _: Actor = require(VIEW)) -> Response:
    from medtrace.modules.service.documents.web import pdf_response

    return pdf_response(request, number)
