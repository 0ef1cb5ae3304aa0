"""BOM version pages: the list, the draft form (numbered line and operation rows, pre-filled
from the version it changes), the version with its routing, its engineering change workflow
and the work orders that use it."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from medtrace.modules.production import queries, service
from medtrace.modules.production.permissions import BOM_EDIT, VIEW
from medtrace.modules.production.schemas import MAX_ID, BomCreate
from medtrace.modules.production.web.common import attempt, page, pydantic_refusal
from medtrace.platform.actor import Actor
from medtrace.platform.audit import signature_rows
from medtrace.platform.auth.permissions import require
from medtrace.platform.esign import signatures_for
from medtrace.platform.web.deps import new_uow
from medtrace.platform.workflows import queries as workflow_queries
from medtrace.platform.workflows.web.inbox import DECISIONS

router = APIRouter(include_in_schema=False)
LINES = 8  # empty line rows on the form
OPERATIONS = 5  # empty operation rows
MAX_LINES, MAX_SUBSTITUTES, MAX_OPERATIONS, MAX_CHECKS = 300, 10, 100, 50
LINE_KEYS = ("item", "quantity", "uom")
SUBSTITUTE_KEYS = ("item", "priority", "factor")
OPERATION_KEYS = ("sequence", "name_zh", "name_en", "work_center", "equipment", "instructions")
CHECK_KEYS = ("characteristic", "lower", "upper", "unit", "sample_size")
LONGEST = 5000  # a field is cut here; the schema refuses what is longer than it allows


def text_of(form: Any, key: str) -> str:
    value = form.get(key)
    return value.strip()[:LONGEST] if isinstance(value, str) else ""


# --- the list -----------------------------------------------------------------------------------
@router.get("/production/boms", response_class=HTMLResponse)
def boms(request: Request, item: str = Query("", max_length=40),
         actor: Actor = require(VIEW)) -> Response:
    with new_uow(request, write=False) as uow:
        rows = queries.list_boms(uow, item=item.strip() or None)
        return page(request, "production/boms.html", rows=rows, values={"item": item},
                    may_edit=actor.can(BOM_EDIT))


# --- the draft form -----------------------------------------------------------------------------
def _padded(values: dict[str, Any]) -> dict[str, Any]:
    """The form's rows: the given ones, each with one empty substitute or check row more, then
    empty rows."""
    lines = [{**line, "substitutes": list(line.get("substitutes") or [])}
             for line in values.get("lines") or []]
    lines += [{"critical": True, "substitutes": []}
              for _ in range(max(LINES - len(lines), 2))]
    for line in lines:
        if len(line["substitutes"]) < MAX_SUBSTITUTES:
            line["substitutes"].append({})
    operations = [{**op, "checks": list(op.get("checks") or [])}
                  for op in values.get("operations") or []]
    operations += [{"signature": "none", "checks": []}
                   for _ in range(max(OPERATIONS - len(operations), 2))]
    for op in operations:
        if len(op["checks"]) < MAX_CHECKS:
            op["checks"].append({"kind": "numeric"})
    return {**values, "lines": lines, "operations": operations}


def _bom_form(request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    values = _padded(context.pop("values", {}))
    return page(request, "production/bom_form.html", status, values=values, **context)


def _copied(view: dict[str, Any]) -> dict[str, Any]:
    """A version's lines and routing as the form's values (a new version starts from them)."""
    return {"item": view["item"], "based_on": str(view["id"]), "based_on_number": view["number"],
            "lines": [{"item": line["item"], "quantity": line["quantity"],
                       "uom": line["uom"], "critical": line["critical"],
                       "substitutes": [{"item": s["item"], "priority": str(s["priority"]),
                                        "factor": s["factor"]} for s in line["substitutes"]]}
                      for line in view["lines"]],
            "operations": [{"sequence": str(op["sequence"]), "name_zh": op["name_zh"],
                            "name_en": op["name_en"], "work_center": op["work_center"],
                            "equipment": op["equipment"] or "",
                            "instructions": op["instructions"], "signature": op["signature"],
                            "checks": [{"characteristic": c["characteristic"],
                                        "kind": c["kind"], "lower": c["lower"] or "",
                                        "upper": c["upper"] or "", "unit": c["unit"],
                                        "sample_size": str(c["sample_size"])}
                                       for c in op["checks"]]}
                           for op in view["operations"]]}


@router.get("/production/boms/new", response_class=HTMLResponse)
def new_bom(request: Request, from_: int | None = Query(None, alias="from", ge=1, le=MAX_ID),
            item: str = Query("", max_length=40), _: Actor = require(BOM_EDIT)) -> Response:
    with new_uow(request, write=False) as uow:
        values: dict[str, Any] = {"item": item.strip()}
        if from_ is not None:
            values = _copied(queries.bom_view(uow, service.get_bom_or_raise(uow, from_)))
        values["effective_from"] = uow.today().isoformat()
    return _bom_form(request, values=values)


def _form_values(form: Any) -> dict[str, Any]:
    values: dict[str, Any] = {k: text_of(form, k) for k in (
        "item", "version", "change_reason", "effective_from", "based_on", "based_on_number")}
    lines = []
    for n in range(MAX_LINES):
        prefix = f"lines.{n}."
        if f"{prefix}item" not in form:
            break
        line: dict[str, Any] = {k: text_of(form, prefix + k) for k in LINE_KEYS}
        substitutes = []
        for m in range(MAX_SUBSTITUTES):
            at = f"{prefix}substitutes.{m}."
            if f"{at}item" not in form:
                break
            substitute = {k: text_of(form, at + k) for k in SUBSTITUTE_KEYS}
            if any(substitute.values()):
                substitutes.append(substitute)
        if any(line.values()) or substitutes:
            line["critical"] = f"{prefix}critical" in form
            line["substitutes"] = substitutes
            lines.append(line)
    values["lines"] = lines
    operations = []
    for n in range(MAX_OPERATIONS):
        prefix = f"operations.{n}."
        if f"{prefix}sequence" not in form:
            break
        op: dict[str, Any] = {k: text_of(form, prefix + k) for k in OPERATION_KEYS}
        checks = []
        for m in range(MAX_CHECKS):
            at = f"{prefix}checks.{m}."
            if f"{at}characteristic" not in form:
                break
            check = {k: text_of(form, at + k) for k in CHECK_KEYS}
            if any(check.values()):
                checks.append({**check, "kind": text_of(form, f"{at}kind") or "numeric"})
        if any(op.values()) or checks:
            op["signature"] = text_of(form, f"{prefix}signature") or "none"
            op["checks"] = checks
            operations.append(op)
    values["operations"] = operations
    return values


def _filled(row: dict[str, Any]) -> dict[str, Any]:
    """A row's given fields (an empty one takes the schema's default, or is refused there)."""
    return {k: v for k, v in row.items() if v != "" and k not in ("substitutes", "checks")}


def _bom_data(values: dict[str, Any]) -> BomCreate:
    return BomCreate(
        item=values["item"], version=values["version"] or None,
        change_reason=values["change_reason"],
        **({"effective_from": values["effective_from"]} if values["effective_from"] else {}),
        based_on=values["based_on"] or None,
        lines=[{**_filled(line), "substitutes": [_filled(s) for s in line["substitutes"]]}
               for line in values["lines"]],
        operations=[{**_filled(op), "checks": [_filled(c) for c in op["checks"]]}
                    for op in values["operations"]])


@router.post("/production/boms/new", response_class=HTMLResponse)
async def create_bom(request: Request, actor: Actor = require(BOM_EDIT)) -> Response:
    values = _form_values(await request.form())
    try:
        data = _bom_data(values)
    except ValidationError as exc:
        return _bom_form(request, 422, values=values, **pydantic_refusal(request, exc))
    bom_id, problem = await run_in_threadpool(
        attempt, request, lambda uow: service.create_bom(uow, data=data, actor=actor).id)
    if problem is not None:
        return _bom_form(request, 422, values=values, **problem)
    return RedirectResponse(f"/production/boms/{bom_id}", status_code=303)


# --- the version --------------------------------------------------------------------------------
def _bom_page(request: Request, bom_id: int, actor: Actor, status: int = 200,
              **context: Any) -> HTMLResponse:
    locale = request.state.locale
    with new_uow(request, write=False) as uow:
        bom = service.get_bom_or_raise(uow, bom_id)
        view = queries.bom_view(uow, bom)
        record = workflow_queries.record_workflow(uow, service.BOM_RECORD, str(bom.id), actor,
                                                  locale)
        signed = {t.task.id: signature_rows(uow, signatures_for(uow, t.task), locale)
                  for t in record.done + record.open}
        orders, _total = queries.list_work_orders(uow, item=view["item"], limit=1000)
        used_by = [queries.work_order_view(uow, o, serials=False) for o in orders
                   if o.bom_id == bom.id]
        return page(request, "production/bom.html", status, bom=view, row=bom,
                    record=record, signed=signed, decisions=DECISIONS, orders=used_by,
                    may_edit=actor.can(BOM_EDIT), **context)


@router.get("/production/boms/{bom_id}", response_class=HTMLResponse)
def bom(request: Request, bom_id: int = Path(ge=1, le=MAX_ID),
        actor: Actor = require(VIEW)) -> Response:
    return _bom_page(request, bom_id, actor)


@router.post("/production/boms/{bom_id}/submit", response_class=HTMLResponse)
async def submit_bom(request: Request, bom_id: int = Path(ge=1, le=MAX_ID),
                     actor: Actor = require(BOM_EDIT)) -> Response:
    _done, problem = await run_in_threadpool(
        attempt, request, lambda uow: service.submit_bom(uow, bom_id=bom_id, actor=actor))
    if problem is not None:
        return await run_in_threadpool(_bom_page, request, bom_id, actor, 422, **problem)
    return RedirectResponse(f"/production/boms/{bom_id}", status_code=303)
