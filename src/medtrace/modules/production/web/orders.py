"""Work order pages: the list, the planning form, and the detail page with every action of a
work order (release, re-sequence, cancel, substitute approval, material return, operations with
their checks, dispositions, output, completion, closing). Each action posts to its own URL,
runs one service function in one transaction, and redirects back with a short ``done`` flag,
or shows the detail page again with the refusal at the form that was posted (422)."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import quote

from fastapi import Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from medtrace.modules import traceability
from medtrace.modules.production import queries, rules, service
from medtrace.modules.production.errors import OutputInvalid
from medtrace.modules.production.permissions import (
    DISPOSITION,
    ORDER_EXECUTE,
    ORDER_PLAN,
    SUBSTITUTE_APPROVE,
    VIEW,
)
from medtrace.modules.production.schemas import (
    DispositionCreate,
    IssueReturn,
    OperationRecordCreate,
    OutputCreate,
    Resequence,
    SignatureIn,
    SubstituteApprove,
    WorkOrderCreate,
)
from medtrace.modules.production.web import (
    check_results,
    operation_records,
    router,
    routing,
    shortages,
)
from medtrace.modules.production.web.common import attempt, message, page, pydantic_refusal
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import translate
from medtrace.platform.web.deps import new_uow

PAGE = 50
MAX_SERIALS_TEXT = 400_000
ORDER_FIELDS = ("item", "quantity", "uom", "bom_version", "line_location", "planned_start")
#: the ``done`` flags the detail page shows as a status message
DONE = ("planned", "released", "completed", "closed", "cancelled", "sequenced", "returned",
        "operation", "disposition", "substitute", "output")
Number = Path(min_length=1, max_length=40)
MAX_ID = 2**63 - 1


def serial_list(text: str) -> list[str]:
    """Serial numbers typed or scanned one per line (or separated by spaces or commas)."""
    return [s for s in re.split(r"[\s,;]+", text or "") if s]


def _field(form: Any, name: str, limit: int = 500) -> str:
    return str(form.get(name, "") or "").strip()[:limit]


def _detail_url(number: str, done: str | None = None) -> str:
    url = f"/production/work-orders/{quote(number, safe='')}"
    return f"{url}?done={done}" if done else url


# --- the list ------------------------------------------------------------------------------------
@router.get("/production/work-orders", response_class=HTMLResponse)
def work_orders(request: Request, status: str = Query("", max_length=20),
                open_only: str = Query("", max_length=5, alias="open"),
                item: str = Query("", max_length=40),
                page_no: int = Query(1, ge=1, le=100_000, alias="page"),
                actor: Actor = require(VIEW)) -> Response:
    wanted = status if status in rules.WorkOrderStatus.values() else None
    opened = open_only in ("1", "true", "on")
    with new_uow(request, write=False) as uow:
        rows, total = queries.list_work_orders(uow, status=wanted, item=item.strip() or None,
                                               open_only=opened, limit=PAGE,
                                               offset=(page_no - 1) * PAGE)
        views = [queries.work_order_view(uow, r, serials=False) for r in rows]
        return page(request, "production/work_orders.html", rows=views, total=total,
                    page=page_no, page_size=PAGE, may_plan=actor.can(ORDER_PLAN),
                    values={"status": wanted or "", "open": "1" if opened else "",
                            "item": item.strip()})


# --- planning ------------------------------------------------------------------------------------
@router.get("/production/work-orders/new", response_class=HTMLResponse)
def new_work_order(request: Request, item: str = Query("", max_length=40),
                   _: Actor = require(ORDER_PLAN)) -> Response:
    return page(request, "production/work_order_form.html", values={"item": item.strip()})


@router.post("/production/work-orders/new", response_class=HTMLResponse)
async def create_work_order(request: Request, actor: Actor = require(ORDER_PLAN)) -> Response:
    form = await request.form()
    values = {k: _field(form, k, 400) for k in ORDER_FIELDS}
    values["note"] = _field(form, "note", 4000)
    try:
        data = WorkOrderCreate(**{k: v for k, v in values.items() if v})
    except ValidationError as exc:
        return page(request, "production/work_order_form.html", 422, values=values,
                    **pydantic_refusal(request, exc))
    number, problem = await run_in_threadpool(
        attempt, request, lambda uow: service.create_work_order(uow, data=data,
                                                                actor=actor).number)
    if problem is not None:
        return page(request, "production/work_order_form.html", 422, values=values, **problem)
    return RedirectResponse(_detail_url(number, "planned"), status_code=303)


# --- the detail page -----------------------------------------------------------------------------
def _order_page(request: Request, number: str, actor: Actor, status: int = 200,
                **context: Any) -> HTMLResponse:
    with new_uow(request, write=False) as uow:
        order = service.get_work_order_or_raise(uow, number[:40])
        state = rules.WorkOrderStatus(order.status)
        requirements = queries.requirements(uow, order)
        pending = [{"line_no": r["line_no"], "component": r["item"], "item": s["item"]}
                   for r in requirements for s in r["substitutes"] if not s["approved"]]
        done = request.query_params.get("done", "")
        context.setdefault("values", {})
        context.setdefault("field_errors", {})
        return page(request, "production/work_order.html", status,
                    order=queries.work_order_view(uow, order), note=order.note,
                    state={"open": state.open, "running": state.running},
                    requirements=requirements, pending_substitutes=pending,
                    shortages=shortages(uow, order) if state.open else [],
                    issues=queries.issues_of(uow, order),
                    operations=routing(uow, order.bom_id),
                    records=operation_records(uow, order),
                    results=check_results(uow, order),
                    lot_statuses=traceability.LotStatus.labels(),
                    may={"plan": actor.can(ORDER_PLAN), "execute": actor.can(ORDER_EXECUTE),
                         "approve": actor.can(SUBSTITUTE_APPROVE),
                         "decide": actor.can(DISPOSITION)},
                    done=done if done in DONE and status == 200 else "", **context)


@router.get("/production/work-orders/{number}", response_class=HTMLResponse)
def work_order(request: Request, number: str = Number, actor: Actor = require(VIEW)
               ) -> Response:
    return _order_page(request, number, actor)


async def _run(request: Request, number: str, actor: Actor, action: Any, done: str,
               form_name: str, values: dict[str, Any] | None = None,
               **context: Any) -> Response:
    """Run one service call in one transaction; back to the page with ``done``, or the page
    again with the refusal shown at the form that was posted."""
    _result, problem = await run_in_threadpool(attempt, request, action)
    if problem is not None:
        return await _refused(request, number, actor, problem, form_name, values, **context)
    return RedirectResponse(_detail_url(number, done), status_code=303)


async def _refused(request: Request, number: str, actor: Actor, problem: dict[str, Any],
                   form_name: str, values: dict[str, Any] | None = None,
                   **context: Any) -> Response:
    return await run_in_threadpool(_order_page, request, number, actor, 422, form=form_name,
                                   values=values or {}, **context, **problem)


def _signature(actor: Actor, password: str) -> SignatureIn | None:
    """The signed-in user's signature with the password typed on the form, if any."""
    if not password:
        return None
    return SignatureIn(username=actor.name, password=password)


# --- status actions ------------------------------------------------------------------------------
@router.post("/production/work-orders/{number}/release", response_class=HTMLResponse)
async def release(request: Request, number: str = Number, actor: Actor = require(ORDER_PLAN)
                  ) -> Response:
    return await _run(request, number, actor, lambda uow: service.release_work_order(
        uow, ref=number, actor=actor), "released", "release")


@router.post("/production/work-orders/{number}/complete", response_class=HTMLResponse)
async def complete(request: Request, number: str = Number,
                   actor: Actor = require(ORDER_EXECUTE)) -> Response:
    return await _run(request, number, actor, lambda uow: service.complete_work_order(
        uow, ref=number, actor=actor), "completed", "complete")


@router.post("/production/work-orders/{number}/close", response_class=HTMLResponse)
async def close(request: Request, number: str = Number, actor: Actor = require(ORDER_PLAN)
                ) -> Response:
    return await _run(request, number, actor, lambda uow: service.close_work_order(
        uow, ref=number, actor=actor), "closed", "close")


@router.post("/production/work-orders/{number}/cancel", response_class=HTMLResponse)
async def cancel(request: Request, number: str = Number, actor: Actor = require(ORDER_PLAN)
                 ) -> Response:
    form = await request.form()
    values = {"reason": _field(form, "reason", 1000)}
    if not values["reason"]:
        return await _refused(request, number, actor, _required(request, "reason"), "cancel",
                              values)
    return await _run(request, number, actor, lambda uow: service.cancel_work_order(
        uow, ref=number, reason=values["reason"][:500], actor=actor), "cancelled", "cancel",
        values)


@router.post("/production/work-orders/{number}/sequence", response_class=HTMLResponse)
async def resequence(request: Request, number: str = Number,
                     actor: Actor = require(ORDER_PLAN)) -> Response:
    form = await request.form()
    values = {"sequence": _field(form, "sequence", 40), "reason": _field(form, "reason", 1000)}
    try:
        data = Resequence(**{k: v for k, v in values.items() if v})
    except ValidationError as exc:
        return await _refused(request, number, actor, pydantic_refusal(request, exc),
                              "sequence", values)
    return await _run(request, number, actor, lambda uow: service.resequence_work_order(
        uow, ref=number, data=data, actor=actor), "sequenced", "sequence", values)


def _required(request: Request, name: str) -> dict[str, Any]:
    """A refusal of an empty field the form needs, before anything runs."""
    locale = request.state.locale
    text = message({"message": "required"}, locale)
    return {"error": translate("A reason is required.", locale) if name == "reason" else text,
            "error_code": None, "field_errors": {name: text}, "problems": []}


# --- material ------------------------------------------------------------------------------------
@router.post("/production/work-orders/{number}/issues/{issue_id}/return",
             response_class=HTMLResponse)
async def return_issue(request: Request, number: str = Number,
                       issue_id: int = Path(ge=1, le=MAX_ID),
                       actor: Actor = require(ORDER_EXECUTE)) -> Response:
    form = await request.form()
    values = {"quantity": _field(form, "quantity", 40), "reason": _field(form, "reason", 1000)}
    try:
        data = IssueReturn(**{k: v for k, v in values.items() if v})
    except ValidationError as exc:
        return await _refused(request, number, actor, pydantic_refusal(request, exc), "return",
                              values, issue_id=issue_id)
    return await _run(request, number, actor, lambda uow: service.return_material(
        uow, ref=number, issue_id=issue_id, data=data, actor=actor), "returned", "return",
        values, issue_id=issue_id)


@router.post("/production/work-orders/{number}/substitutes", response_class=HTMLResponse)
async def approve_substitute(request: Request, number: str = Number,
                             actor: Actor = require(SUBSTITUTE_APPROVE)) -> Response:
    form = await request.form()
    choice = _field(form, "substitute", 80)
    line_no, _sep, item = choice.partition(":")
    values = {"substitute": choice, "reason": _field(form, "reason", 2000)}
    try:
        fields = {"line_no": line_no, "item": item, "reason": values["reason"]}
        data = SubstituteApprove(**{k: v for k, v in fields.items() if v},
                                 signature={"username": actor.name,
                                            "password": str(form.get("password", ""))[:300]})
    except ValidationError as exc:
        problem = pydantic_refusal(request, exc)
        problem["field_errors"] = _rekey(problem["field_errors"], {
            "line_no": "substitute", "item": "substitute", "signature.password": "password"})
        return await _refused(request, number, actor, problem, "substitute", values)

    def run(uow: UnitOfWork) -> Any:
        return service.approve_substitute(uow, ref=number, data=data, actor=actor)

    _approval, problem = await run_in_threadpool(attempt, request, run)
    if problem is not None:
        problem["field_errors"] = _rekey(problem["field_errors"], {
            "line_no": "substitute", "item": "substitute", "signature": "password",
            "signature.username": "password"})
        return await _refused(request, number, actor, problem, "substitute", values)
    return RedirectResponse(_detail_url(number, "substitute"), status_code=303)


def _rekey(fields: dict[str, str], names: dict[str, str]) -> dict[str, str]:
    """Field messages under the names of the form's inputs."""
    out: dict[str, str] = {}
    for key, text in fields.items():
        name = names.get(key, key)
        out[name] = f"{out[name]}; {text}" if name in out else text
    return out


# --- operations and checks -----------------------------------------------------------------------
@router.post("/production/work-orders/{number}/operations", response_class=HTMLResponse)
async def record_operation(request: Request, number: str = Number,
                           actor: Actor = require(ORDER_EXECUTE)) -> Response:
    form = await request.form()
    values: dict[str, Any] = {k: _field(form, k, 400) for k in ("operation", "equipment",
                                                                "serial")}
    values["note"] = _field(form, "note", 4000)
    checks = [(int(key.split(".", 1)[1]), _field(form, key, 100)) for key in form
              if re.fullmatch(r"check\.\d{1,18}", key)]
    values["checks"] = {str(check_id): value for check_id, value in checks}
    given = [(check_id, value) for check_id, value in checks if value]
    names = {f"results.{i}.{part}": f"check.{check_id}"
             for i, (check_id, _value) in enumerate(given) for part in ("value", "check_id")}
    names.update({"signature": "password", "signature.username": "password",
                  "signature.password": "password"})
    operation = values["operation"]
    try:
        data = OperationRecordCreate(
            **({"operation": operation} if operation else {}),
            equipment=values["equipment"] or None,
            serial=values["serial"] or None, note=values["note"],
            results=[{"check_id": check_id, "value": value} for check_id, value in given],
            signature=_signature(actor, str(form.get("password", ""))[:300]))
    except ValidationError as exc:
        problem = pydantic_refusal(request, exc)
        problem["field_errors"] = _rekey(problem["field_errors"], names)
        return await _refused(request, number, actor, problem, "operation", values,
                              operation=operation)

    def run(uow: UnitOfWork) -> Any:
        return service.record_operation(uow, ref=number, data=data, actor=actor)

    _record, problem = await run_in_threadpool(attempt, request, run)
    if problem is not None:
        problem["field_errors"] = _rekey(problem["field_errors"], names)
        return await _refused(request, number, actor, problem, "operation", values,
                              operation=operation)
    return RedirectResponse(_detail_url(number, "operation"), status_code=303)


@router.post("/production/work-orders/{number}/checks/{result_id}/disposition",
             response_class=HTMLResponse)
async def record_disposition(request: Request, number: str = Number,
                             result_id: int = Path(ge=1, le=MAX_ID),
                             actor: Actor = require(DISPOSITION)) -> Response:
    form = await request.form()
    values = {"disposition": _field(form, "disposition", 20),
              "reason": _field(form, "reason", 2000), "quantity": _field(form, "quantity", 40)}
    names = {"signature": "password", "signature.username": "password",
             "signature.password": "password"}
    try:
        data = DispositionCreate(
            **{k: v for k, v in values.items() if v},
            signature=_signature(actor, str(form.get("password", ""))[:300]))
    except ValidationError as exc:
        problem = pydantic_refusal(request, exc)
        problem["field_errors"] = _rekey(problem["field_errors"], names)
        return await _refused(request, number, actor, problem, "disposition", values,
                              result_id=result_id)

    def run(uow: UnitOfWork) -> Any:
        return service.record_disposition(uow, ref=number, result_id=result_id, data=data,
                                          actor=actor)

    _result, problem = await run_in_threadpool(attempt, request, run)
    if problem is not None:
        problem["field_errors"] = _rekey(problem["field_errors"], names)
        return await _refused(request, number, actor, problem, "disposition", values,
                              result_id=result_id)
    return RedirectResponse(_detail_url(number, "disposition"), status_code=303)


# --- output --------------------------------------------------------------------------------------
@router.post("/production/work-orders/{number}/outputs", response_class=HTMLResponse)
async def report_output(request: Request, number: str = Number,
                        actor: Actor = require(ORDER_EXECUTE)) -> Response:
    form = await request.form()
    values = {"quantity": _field(form, "quantity", 40), "location": _field(form, "location", 400),
              "serials": str(form.get("serials", "") or "")[:MAX_SERIALS_TEXT]}
    serials = serial_list(values["serials"])
    if not values["quantity"] and not serials:
        locale = request.state.locale
        text = message({"message": "required"}, locale)
        return await _refused(request, number, actor, {
            "error": translate(OutputInvalid.title, locale), "error_code": OutputInvalid.code,
            "field_errors": {"quantity": text}, "problems": []}, "output", values)
    try:
        data = OutputCreate(quantity=values["quantity"] or None, serials=serials,
                            location=values["location"] or None)
    except ValidationError as exc:
        problem = pydantic_refusal(request, exc)
        problem["field_errors"] = {("serials" if k.startswith("serials.") else k): v
                                   for k, v in problem["field_errors"].items()}
        return await _refused(request, number, actor, problem, "output", values)
    return await _run(request, number, actor, lambda uow: service.report_output(
        uow, ref=number, data=data, actor=actor), "output", "output", values)
