"""Quality API: the ISO 2859-1 sampling-plan look-up, inspections (list, one, results with an
optional certificate file, release, concession, rejection with e-signatures), inspection
plans per item, nonconformances, supplier quality."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, UploadFile
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from medtrace.modules import catalog
from medtrace.modules.quality import queries, service
from medtrace.modules.quality.errors import SamplingInvalid
from medtrace.modules.quality.permissions import (
    INSPECTION_DECIDE,
    INSPECTION_PERFORM,
    INSPECTION_VIEW,
    PLAN_EDIT,
    SWITCHING_EDIT,
)
from medtrace.modules.quality.rules import InspectionStatus
from medtrace.modules.quality.schemas import (
    CharacteristicRead,
    ConcessionIn,
    DecisionIn,
    InspectionPage,
    InspectionRead,
    Level,
    NonconformancePage,
    PlanRead,
    PlanWrite,
    ResultsEntry,
    SamplingPlanRead,
    SeverityName,
    SupplierQualityRead,
    SwitchingRead,
    SwitchingUpdate,
)
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.errors import ValidationFailed
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.params import Offset, PathId
from medtrace.standards import iso2859

router = APIRouter(prefix="/api/v1", tags=["quality"])
Number = Annotated[str, Query(min_length=1, max_length=20)]
MAX_UPLOAD = 20 * 1024 * 1024


@router.get("/quality/sampling-plan", response_model=SamplingPlanRead,
            response_model_exclude_none=True, operation_id="getSamplingPlan",
            summary="ISO 2859-1 single sampling plan: code letter, sample size, Ac, Re")
def sampling_plan(
    lot_size: int = Query(ge=2, le=10**15, description="Units in the lot"),
    inspection_level: Level = Query("II"),
    aql: str = Query(min_length=1, max_length=6, description="e.g. 1.0, 0.65, 2.5"),
    severity: SeverityName = Query("normal"),
    _: Actor = require(INSPECTION_VIEW),
) -> dict[str, Any]:
    try:
        return iso2859.sampling_plan(lot_size, inspection_level, aql, severity).as_dict()
    except iso2859.SamplingError as exc:
        raise SamplingInvalid(str(exc), errors=[{"field": exc.field, "message": str(exc)}]) \
            from None


@router.get("/inspections", response_model=InspectionPage, operation_id="listInspections",
            summary="List inspections (by lot number, item code, status, supplier)")
def list_inspections(
    request: Request,
    lot: str | None = Query(None, max_length=64, description="Lot number"),
    item: str | None = Query(None, max_length=40, description="Item code"),
    status: InspectionStatus | None = None,
    supplier_id: int | None = Query(None, ge=1, le=2**63 - 1),
    limit: int = Query(50, ge=1, le=500),
    offset: Offset = 0,
    _: Actor = require(INSPECTION_VIEW),
) -> InspectionPage:
    with new_uow(request, write=False) as uow:
        rows, total = queries.list_inspections(uow, lot=lot, item=item, status=status,
                                               supplier_id=supplier_id, limit=limit,
                                               offset=offset)
        return InspectionPage(items=rows, total=total, limit=limit, offset=offset)


@router.get("/inspections/{number}", response_model=InspectionRead, operation_id="getInspection",
            summary="One inspection with its sampling plans, counts and verdicts")
def get_inspection(request: Request, number: str, _: Actor = require(INSPECTION_VIEW)
                   ) -> InspectionRead:
    with new_uow(request, write=False) as uow:
        return queries.inspection_read(uow, service.get_inspection_or_raise(uow, number[:20]))


@router.post("/inspections/{number}/results", response_model=InspectionRead,
             operation_id="recordInspectionResults",
             summary="Enter results per sample and characteristic (JSON, or multipart with "
                     "`data` JSON and `file_<position>` certificates)")
async def record_results(request: Request, number: str,
                         actor: Actor = require(INSPECTION_PERFORM)) -> InspectionRead:
    files: dict[int, service.UploadedFile] = {}
    content_type = request.headers.get("content-type", "")
    try:
        if content_type.startswith("multipart/form-data"):
            form = await request.form()
            entry = ResultsEntry.model_validate(json.loads(str(form.get("data") or "")))
            for key, value in form.multi_items():
                if key.startswith("file_") and isinstance(value, UploadFile) and value.filename:
                    content = await value.read(MAX_UPLOAD + 1)
                    files[int(key[5:])] = service.UploadedFile(
                        value.filename, value.content_type or "", content)
        else:
            entry = ResultsEntry.model_validate(json.loads(await request.body() or b"{}"))
    except (ValueError, ValidationError) as exc:
        raise ValidationFailed(f"results: {exc}") from None
    storage = request.app.state.settings.var_dir / "quality"

    def work() -> InspectionRead:
        with new_uow(request) as uow:
            row = service.record_results(uow, number=number[:20], data=entry, actor=actor,
                                         files=files, storage=storage)
            return queries.inspection_read(uow, row)

    return await run_in_threadpool(work)


@router.post("/inspections/{number}/release", response_model=InspectionRead,
             operation_id="releaseInspection",
             summary="Release accepted goods to an available location (QA e-signature)")
def release(request: Request, number: str, body: DecisionIn,
            actor: Actor = require(INSPECTION_DECIDE)) -> InspectionRead:
    with new_uow(request) as uow:
        row = service.release_inspection(uow, number=number[:20], data=body, actor=actor)
        return queries.inspection_read(uow, row)


@router.post("/inspections/{number}/conditional-release", response_model=InspectionRead,
             operation_id="releaseInspectionOnConcession",
             summary="Concession (让步接收): first signature with the reason, then a second "
                     "signature by another person releases the goods")
def conditional_release(request: Request, number: str, body: ConcessionIn,
                        actor: Actor = require(INSPECTION_DECIDE)) -> InspectionRead:
    with new_uow(request) as uow:
        row = service.release_conditionally(uow, number=number[:20], data=body, actor=actor)
        return queries.inspection_read(uow, row)


@router.post("/inspections/{number}/reject", response_model=InspectionRead,
             operation_id="rejectInspection",
             summary="Reject the goods: to a rejected location, nonconformance opened "
                     "(QA e-signature)")
def reject(request: Request, number: str, body: DecisionIn,
           actor: Actor = require(INSPECTION_DECIDE)) -> InspectionRead:
    with new_uow(request) as uow:
        row = service.reject_inspection(uow, number=number[:20], data=body, actor=actor)
        return queries.inspection_read(uow, row)


def _plan_read(uow: Any, item: Any) -> PlanRead:
    plan, rows = service.get_plan(uow, item.id)
    return PlanRead(item_id=item.id, item_code=item.code,
                    version=plan.version if plan is not None else 0,
                    note=plan.note if plan is not None else "",
                    characteristics=[CharacteristicRead.model_validate(r) for r in rows])


def _item(uow: Any, code: str) -> Any:
    item = catalog.get_item_by_code(uow, code)
    if item is None:
        raise catalog.ItemNotFound(f"no item {code!r}")
    return item


@router.get("/quality/plans/{item}", response_model=PlanRead, operation_id="getInspectionPlan",
            summary="An item's inspection plan (version 0: none, the default applies)")
def get_plan(request: Request, item: str, _: Actor = require(INSPECTION_VIEW)) -> PlanRead:
    with new_uow(request, write=False) as uow:
        return _plan_read(uow, _item(uow, item[:40]))


@router.put("/quality/plans/{item}", response_model=PlanRead, operation_id="saveInspectionPlan",
            summary="Define or replace an item's inspection plan (raises its version)")
def put_plan(request: Request, item: str, body: PlanWrite,
             actor: Actor = require(PLAN_EDIT)) -> PlanRead:
    with new_uow(request) as uow:
        found = _item(uow, item[:40])
        service.save_plan(uow, item_id=found.id, data=body, actor=actor)
        return _plan_read(uow, found)


@router.get("/quality/nonconformances", response_model=NonconformancePage,
            operation_id="listNonconformances", summary="Nonconformances (filters, paginated)")
def list_nonconformances(
    request: Request,
    status: str | None = Query(None, max_length=12),
    item: str | None = Query(None, max_length=40, description="Item code"),
    limit: int = Query(50, ge=1, le=500),
    offset: Offset = 0,
    _: Actor = require(INSPECTION_VIEW),
) -> NonconformancePage:
    with new_uow(request, write=False) as uow:
        rows, total = queries.list_nonconformances(uow, status=status, item=item, limit=limit,
                                                   offset=offset)
        return NonconformancePage(items=rows, total=total, limit=limit, offset=offset)


@router.get("/quality/suppliers/{partner_id}", operation_id="getSupplierQuality",
            response_model=SupplierQualityRead,
            summary="A supplier's lot rejection rate in a period and its items' switching "
                    "states")
def supplier(request: Request, partner_id: PathId,
             since: dt.date = Query(description="From this day (UTC)"),
             until: dt.date = Query(description="Before this day (UTC)"),
             _: Actor = require(INSPECTION_VIEW)) -> dict[str, Any]:
    start = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)
    end = dt.datetime.combine(until, dt.time(), tzinfo=dt.UTC)
    with new_uow(request, write=False) as uow:
        return queries.supplier_quality(uow, partner_id, start, end).as_dict()



@router.put("/quality/switching/{partner_id}/{item}", response_model=SwitchingRead,
            operation_id="updateSwitchingState",
            summary="Approve or withdraw reduced inspection, mark production (ir)regular, or "
                    "resume discontinued inspection, for one supplier's item")
def update_switching(request: Request, partner_id: PathId, item: str, body: SwitchingUpdate,
                     actor: Actor = require(SWITCHING_EDIT)) -> SwitchingRead:
    with new_uow(request) as uow:
        found = _item(uow, item[:40])
        row = service.update_switching(uow, supplier_id=partner_id, item_id=found.id, data=body,
                                       actor=actor)
        return SwitchingRead(supplier_id=row.supplier_id, item_id=row.item_id,
                             item_code=found.code, severity=row.severity, score=row.score,
                             discontinued=row.discontinued,
                             reduced_approved=row.reduced_approved,
                             production_steady=row.production_steady,
                             history=list(row.history or []))
