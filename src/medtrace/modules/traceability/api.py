"""Traceability API: traces (backward, forward with pagination over the whole answer's totals,
timeline), things and their status, links and events."""

from __future__ import annotations

import time
from typing import Any

import orjson
from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from medtrace.modules.traceability import queries, service
from medtrace.modules.traceability.permissions import TRACE_RECORD, TRACE_VIEW
from medtrace.modules.traceability.schemas import (
    ContainerCreate,
    LinkIn,
    LotCreate,
    ReverseIn,
    StatusIn,
    TraceBackward,
    TraceForward,
    TraceTimeline,
    UnitCreate,
)
from medtrace.modules.traceability.stats.api import count_trace
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require, require_signed_in
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.openapi import problems
from medtrace.platform.web.params import Offset, PathId

router = APIRouter(prefix="/api/v1", tags=["traceability"])

CODE = Query(..., min_length=1, max_length=500,
             description="A raw UDI scan, an SSCC, or a lot number / serial / SSCC as printed")
ITEM = Query(None, max_length=60, description="Item code or GTIN, when a number is used by "
                                                "several items")


#: a number that several items use, without ``item``: MT-TRACE-AMBIGUOUS
AMBIGUOUS = problems(409)


def _json(answer: dict[str, Any]) -> Response:
    """Trace answers are plain JSON values already: serialise them in one call (orjson) rather
    than walking them with FastAPI's generic encoder, which dominates big answers."""
    return Response(orjson.dumps(answer), media_type="application/json")


# The trace routes answer their JSON as it is (a Response): ``response_model`` documents the
# shape in the OpenAPI document and filters nothing (the models allow extra members anyway).
@router.get("/trace/backward", response_model=TraceBackward, responses=AMBIGUOUS,
            summary="Backward trace: what a lot or unit was made of")
def trace_backward(request: Request, code: str = CODE, item: str | None = ITEM,
                   _: Actor = require(TRACE_VIEW)) -> Response:
    started = time.perf_counter()
    with new_uow(request, write=False) as uow:
        answer = queries.backward(uow, queries.resolve(uow, code, item=item))
    count_trace(request, started)
    return _json(answer)


@router.get("/trace/forward", response_model=TraceForward, responses=AMBIGUOUS,
            summary="Forward trace (recall scope), paginated over units")
def trace_forward(request: Request, code: str = CODE, item: str | None = ITEM,
                  limit: int = Query(1000, ge=1, le=100000),
                  offset: Offset = 0,
                  _: Actor = require(TRACE_VIEW)) -> Response:
    """Totals are computed on the whole answer; ``units`` (and the other lists) are the page
    ``offset``..``offset + limit`` of each list, in a stable order."""
    started = time.perf_counter()
    with new_uow(request, write=False) as uow:
        answer = queries.forward(uow, queries.resolve(uow, code, item=item))
    count_trace(request, started)
    for key in ("lots", "units", "subassemblies", "containers"):
        answer[key] = answer[key][offset:offset + limit]
    answer["page"] = {"offset": offset, "limit": limit,
                      "next_offset": offset + limit
                      if offset + limit < max(answer["totals"]["units"],
                                              answer["totals"]["lots"],
                                              answer["totals"]["subassemblies"],
                                              answer["totals"]["containers"]) else None}
    return _json(answer)


@router.get("/trace/timeline", response_model=TraceTimeline, responses=AMBIGUOUS,
            summary="Every event in the life of a lot, unit or container")
def trace_timeline(request: Request, code: str = CODE, item: str | None = ITEM,
                   _: Actor = require(TRACE_VIEW)) -> Response:
    started = time.perf_counter()
    with new_uow(request, write=False) as uow:
        answer = queries.timeline(uow, queries.resolve(uow, code, item=item))
    count_trace(request, started)
    return _json(answer)


def _described(uow, thing) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    return queries.describe(uow, thing)


@router.post("/lots", status_code=201, summary="Create a lot (status quarantine)")
def create_lot(request: Request, body: LotCreate,
               _: Actor = require(TRACE_RECORD)) -> dict[str, Any]:
    with new_uow(request, write=True) as uow:
        return _described(uow, service.create_lot(uow, **body.model_dump()))


@router.post("/units", status_code=201, summary="Create a serial unit (status quarantine)")
def create_unit(request: Request, body: UnitCreate,
                _: Actor = require(TRACE_RECORD)) -> dict[str, Any]:
    with new_uow(request, write=True) as uow:
        return _described(uow, service.create_unit(uow, **body.model_dump()))


@router.post("/containers", status_code=201, summary="Create a container (SSCC)")
def create_container(request: Request, body: ContainerCreate,
                     _: Actor = require(TRACE_RECORD)) -> dict[str, Any]:
    with new_uow(request, write=True) as uow:
        return _described(uow, service.create_container(uow, **body.model_dump()))


@router.get("/trace/objects/{object_id}", operation_id="getTraceObject",
            summary="One lot, unit or container")
def get_object(request: Request, object_id: PathId,
               _: Actor = require(TRACE_VIEW)) -> dict[str, Any]:
    with new_uow(request, write=False) as uow:
        return _described(uow, service.get_object_or_raise(uow, object_id))


@router.post("/trace/objects/{object_id}/status", operation_id="changeTraceObjectStatus",
             summary="Change the quality status (release and reject are signed by QA)")
def change_status(request: Request, object_id: PathId, body: StatusIn,
                  actor: Actor = require_signed_in()) -> dict[str, Any]:
    with new_uow(request, write=True, reason=body.reason) as uow:
        thing = service.change_status(uow, object_id=object_id, status=body.status,
                                      reason=body.reason, actor=actor, password=body.password)
        return _described(uow, thing)


@router.post("/trace/links", status_code=201, summary="Link a child into a parent (genealogy)")
def create_link(request: Request, body: LinkIn,
                _: Actor = require(TRACE_RECORD)) -> dict[str, Any]:
    with new_uow(request, write=True) as uow:
        edge = service.link(uow, child=body.child_id, parent=body.parent_id, kind=body.kind,
                            quantity=body.quantity, uom=body.uom, doc=body.doc)
        return {"id": edge.id, "child_id": edge.child_id, "parent_id": edge.parent_id,
                "kind": edge.kind, "quantity": None if edge.quantity is None
                else str(edge.quantity), "doc": edge.doc}


@router.post("/trace/links/{edge_id}/reverse", summary="Undo a link with a reversing record")
def reverse_link(request: Request, edge_id: PathId, body: ReverseIn,
                 _: Actor = require(TRACE_RECORD)) -> dict[str, Any]:
    with new_uow(request, write=True, reason=body.reason) as uow:
        reversal = service.reverse_link(uow, edge_id=edge_id, reason=body.reason)
        return {"id": reversal.id, "edge_id": reversal.edge_id, "reason": reversal.reason}
