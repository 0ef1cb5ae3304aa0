"""Work centre and equipment pages: the lists with whether each piece may be used today, the
forms that save a work centre or a piece of equipment, and a piece's page with its calibration
and maintenance records, the form to record more, and the open work orders that need it."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from medtrace.modules.production import queries, service
from medtrace.modules.production.permissions import EQUIPMENT_EDIT, VIEW
from medtrace.modules.production.schemas import (
    EquipmentRecordCreate,
    EquipmentWrite,
    WorkCenterWrite,
)
from medtrace.modules.production.web.boms import text_of
from medtrace.modules.production.web.common import attempt, message, page, pydantic_refusal
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.web.deps import new_uow

router = APIRouter(include_in_schema=False)
CENTER_KEYS = ("code", "name_zh", "name_en", "line_location")
EQUIPMENT_KEYS = ("code", "name_zh", "name_en", "work_center", "calibration_interval_days",
                  "calibration_due", "maintenance_interval_days", "maintenance_due")
RECORD_KEYS = ("kind", "result", "performed_on", "next_due", "status", "certificate", "note")
Code = Path(min_length=1, max_length=40)


def fitness(rows: list[dict[str, Any]], locale: str) -> list[dict[str, Any]]:
    """The equipment rows with why a piece may not be used, in the user's words."""
    return [{**r, "why": message({"message": r["problem"]}, locale) if r["problem"] else None}
            for r in rows]


def open_orders_using(uow: UnitOfWork, equipment_id: int) -> list[Any]:
    """The open work orders whose routing uses the equipment."""
    orders, _total = queries.list_work_orders(uow, open_only=True, limit=1000)
    uses: dict[int, bool] = {}
    found = []
    for order in orders:
        if order.bom_id not in uses:
            uses[order.bom_id] = any(op.equipment_id == equipment_id
                                     for op in service.bom_operations(uow, order.bom_id))
        if uses[order.bom_id]:
            found.append(order)
    return found


# --- the lists and their forms ------------------------------------------------------------------
def _equipment_page(request: Request, actor: Actor, status: int = 200, **context: Any
                    ) -> HTMLResponse:
    with new_uow(request, write=False) as uow:
        return page(request, "production/equipment.html", status,
                    centers=queries.list_work_centers(uow),
                    rows=fitness(queries.list_equipment(uow), request.state.locale),
                    may_edit=actor.can(EQUIPMENT_EDIT), **{"center": {}, "equipment": {},
                                                           "which": None, **context})


@router.get("/production/equipment", response_class=HTMLResponse)
def equipment_list(request: Request, edit: str = Query("", max_length=40),
                   center: str = Query("", max_length=40),
                   actor: Actor = require(VIEW)) -> Response:
    """``?edit=<code>`` fills the equipment form with a piece, ``?center=<code>`` the work
    centre form with a centre, to change them."""
    filled: dict[str, Any] = {}
    if not actor.can(EQUIPMENT_EDIT):
        return _equipment_page(request, actor)
    with new_uow(request, write=False) as uow:
        if edit.strip():
            found = service.get_equipment_or_raise(uow, edit)
            row = next(r for r in queries.list_equipment(uow) if r["code"] == found.code)
            filled["equipment"] = {
                "code": found.code, "name_zh": found.name_zh, "name_en": found.name_en,
                "work_center": row["work_center"] or "",
                "calibration_interval_days": found.calibration_interval_days or "",
                "calibration_due": found.calibration_due.isoformat()
                if found.calibration_due else "",
                "maintenance_interval_days": found.maintenance_interval_days or "",
                "maintenance_due": found.maintenance_due.isoformat()
                if found.maintenance_due else ""}
        if center.strip():
            code = service.get_work_center_or_raise(uow, center).code
            filled["center"] = {k: v or "" for k, v in next(
                c for c in queries.list_work_centers(uow) if c["code"] == code).items()}
    return _equipment_page(request, actor, **filled)


@router.post("/production/equipment/work-centers", response_class=HTMLResponse)
async def save_work_center(request: Request, actor: Actor = require(EQUIPMENT_EDIT)
                           ) -> Response:
    form = await request.form()
    values = {k: text_of(form, k) for k in CENTER_KEYS}
    try:
        data = WorkCenterWrite(**{k: v for k, v in values.items() if v})
    except ValidationError as exc:
        problem: dict[str, Any] | None = pydantic_refusal(request, exc)
    else:
        _done, problem = await run_in_threadpool(
            attempt, request, lambda uow: service.save_work_center(uow, data=data, actor=actor))
    if problem is not None:
        return await run_in_threadpool(_equipment_page, request, actor, 422, center=values,
                                       which="center", **problem)
    return RedirectResponse("/production/equipment", status_code=303)


@router.post("/production/equipment", response_class=HTMLResponse)
async def save_equipment(request: Request, actor: Actor = require(EQUIPMENT_EDIT)) -> Response:
    form = await request.form()
    values = {k: text_of(form, k) for k in EQUIPMENT_KEYS}
    try:
        data = EquipmentWrite(**{k: v for k, v in values.items() if v})
    except ValidationError as exc:
        problem: dict[str, Any] | None = pydantic_refusal(request, exc)
    else:
        code, problem = await run_in_threadpool(
            attempt, request,
            lambda uow: service.save_equipment(uow, data=data, actor=actor).code)
    if problem is not None:
        return await run_in_threadpool(_equipment_page, request, actor, 422, equipment=values,
                                       which="equipment", **problem)
    return RedirectResponse(f"/production/equipment/{quote(code, safe='')}", status_code=303)


# --- one piece of equipment ---------------------------------------------------------------------
def _detail(request: Request, code: str, actor: Actor, status: int = 200, **context: Any
            ) -> HTMLResponse:
    with new_uow(request, write=False) as uow:
        found = service.get_equipment_or_raise(uow, code)
        row = next(r for r in fitness(queries.list_equipment(uow), request.state.locale)
                   if r["code"] == found.code)
        orders = [queries.work_order_view(uow, o, serials=False)
                  for o in open_orders_using(uow, found.id)]
        values = context.pop("values", None) or {"kind": "calibration", "result": "passed",
                                                  "performed_on": uow.today().isoformat()}
        return page(request, "production/equipment_detail.html", status, equipment=row,
                    row=found, records=queries.equipment_records(uow, found), orders=orders,
                    values=values, may_edit=actor.can(EQUIPMENT_EDIT), **context)


@router.get("/production/equipment/{code}", response_class=HTMLResponse)
def equipment_detail(request: Request, code: str = Code, actor: Actor = require(VIEW)
                     ) -> Response:
    return _detail(request, code, actor)


@router.post("/production/equipment/{code}/records", response_class=HTMLResponse)
async def record_work(request: Request, code: str = Code,
                      actor: Actor = require(EQUIPMENT_EDIT)) -> Response:
    form = await request.form()
    values = {k: text_of(form, k) for k in RECORD_KEYS}
    try:
        data = EquipmentRecordCreate(**{k: v for k, v in values.items() if v})
    except ValidationError as exc:
        problem: dict[str, Any] | None = pydantic_refusal(request, exc)
    else:
        _done, problem = await run_in_threadpool(
            attempt, request,
            lambda uow: service.record_equipment_work(uow, code=code, data=data, actor=actor))
    if problem is not None:
        return await run_in_threadpool(_detail, request, code, actor, 422, values=values,
                                       **problem)
    return RedirectResponse(f"/production/equipment/{quote(code, safe='')}", status_code=303)
