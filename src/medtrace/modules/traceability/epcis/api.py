"""EPCIS 2.0 API: export the journal as EPCIS documents (a trace's events or a time window)
and capture EPCIS documents from other systems. Thin: parse, one service call, render."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import JSONResponse

from medtrace.modules.traceability.epcis import queries as epcis
from medtrace.modules.traceability.epcis import service as epcis_capture
from medtrace.modules.traceability.permissions import EPCIS_CAPTURE, TRACE_VIEW
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.params import Offset

router = APIRouter(prefix="/api/v1/epcis", tags=["epcis"])

JSON_LD = "application/ld+json"
VERSION_HEADERS = {"GS1-EPCIS-Version": "2.0.0", "GS1-CBV-Version": "2.0.0"}
#: the answers' JSON schemas (the EPCIS 2.0 standard's own schema describes the document)
EPCIS_DOCUMENT = {"type": "object", "description": "An EPCISDocument (EPCIS 2.0 JSON-LD)",
                  "properties": {"type": {"const": "EPCISDocument"},
                                 "schemaVersion": {"type": "string"},
                                 "epcisBody": {"type": "object"}},
                  "additionalProperties": True}
CAPTURE_RESULT = {"type": "object", "additionalProperties": True, "properties": {
    "captured": {"type": "array", "items": {"type": "string"}},
    "skipped": {"type": "array", "items": {"type": "string"}},
    "created": {"type": "object", "additionalProperties": {"type": "integer"}}}}


@router.get("/events", operation_id="exportEpcisEvents",
            summary="The journal as an EPCIS 2.0 document (a trace or a time window)",
            response_class=JSONResponse,
            responses={200: {"content": {JSON_LD: {"schema": EPCIS_DOCUMENT}},
                             "description": "An EPCISDocument; a `Link: <...>; rel=\"next\"` "
                                            "header names the next page"}})
def export_events(
    request: Request,
    code: str | None = Query(None, max_length=500, description="A UDI scan, an SSCC, or a lot "
                             "number / serial / SSCC as printed: the events of its trace"),
    item: str | None = Query(None, max_length=60, description="Item code or GTIN, when a "
                             "number is used by several items"),
    direction: Literal["timeline", "backward", "forward"] = Query(
        "timeline", description="timeline: the thing and the containers it was in; backward: "
                                "and its ancestors; forward: and everything made from it"),
    start: dt.datetime | None = Query(None, alias="from", description="Without code: events "
                                      "from this time (ISO 8601 with zone, included)"),
    end: dt.datetime | None = Query(None, alias="to", description="Without code: events before "
                                    "this time (ISO 8601 with zone, excluded)"),
    biz_step: str | None = Query(None, max_length=200, description="Without code: one CBV "
                                 "business step (receiving, shipping...)"),
    limit: int = Query(1000, ge=1, le=epcis.MAX_LIMIT),
    offset: Offset = 0,
    _: Actor = require(TRACE_VIEW),
) -> JSONResponse:
    with new_uow(request, write=False) as uow:
        page = epcis.export_events(uow, code=code, item=item, direction=direction, start=start,
                                   end=end, biz_step=biz_step, limit=limit, offset=offset)
    headers = dict(VERSION_HEADERS)
    if page.next_offset is not None:
        following = request.url.include_query_params(offset=page.next_offset)
        headers["Link"] = f'<{following}>; rel="next"'
    return JSONResponse(page.document, media_type=JSON_LD, headers=headers)


@router.post("/capture", operation_id="captureEpcisDocument", status_code=201,
             summary="Capture an EPCIS 2.0 document or event (all events or none)",
             responses={201: {"content": {"application/json": {"schema": CAPTURE_RESULT}}},
                        200: {"description": "Every event was already captured (all skipped)",
                              "content": {"application/json": {"schema": CAPTURE_RESULT}}},
                        503: {"description": "The EPCIS JSON schema is not configured"}})
def capture(request: Request, document: Any = Body(..., description="An EPCISDocument (JSON or "
                                                    "JSON-LD), an EPCISQueryDocument or one "
                                                    "event"),
            _: Actor = require(EPCIS_CAPTURE)) -> JSONResponse:
    schema_path = request.app.state.settings.resolved_epcis_schema_path()
    with new_uow(request, write=True) as uow:
        result = epcis_capture.capture(uow, document, schema_path=schema_path)
    return JSONResponse(result.as_dict(), status_code=201 if result.captured else 200,
                        headers=VERSION_HEADERS)
