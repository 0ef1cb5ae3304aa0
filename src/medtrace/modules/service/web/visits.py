"""Follow-up visit pages (售后回访): the list (scheduled or done, those due by today), and a
visit's page with the form that records its outcome (a complaint raised becomes a quality
complaint, whose number the page then shows) and the cancellation with a reason."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from medtrace.modules.service import queries, service
from medtrace.modules.service.permissions import VIEW, VISIT
from medtrace.modules.service.rules import VisitStatus
from medtrace.modules.service.schemas import VisitRecord
from medtrace.modules.service.web import router
from medtrace.modules.service.web.common import (
    LONG,
    Number,
    attempt,
    field,
    fields,
    page,
    pydantic_refusal,
    required,
)
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.web.deps import new_uow

PAGE = 50
RECORD_FIELDS = ("outcome", "contact")
DONE = ("recorded", "cancelled")


def visit_url(number: str, done: str | None = None) -> str:
    url = f"/service/visits/{quote(number, safe='')}"
    return f"{url}?done={done}" if done else url


@router.get("/service/visits", response_class=HTMLResponse)
def visits(request: Request, status: str = Query("", max_length=20),
           due: str = Query("", max_length=1),
           page_no: int = Query(1, ge=1, le=100_000, alias="page"),
           actor: Actor = require(VIEW)) -> Response:
    values = {"status": status if status in VisitStatus.values() else "",
              "due": "1" if due == "1" else ""}
    with new_uow(request, write=False) as uow:
        rows, total = queries.list_visits(
            uow, status=values["status"] or None,
            due_by=uow.today() if values["due"] else None, limit=PAGE,
            offset=(page_no - 1) * PAGE)
    query = urlencode({k: v for k, v in values.items() if v})
    return page(request, "service/visits.html", rows=rows, total=total, page=page_no,
                page_size=PAGE, query=query, values=values, may_record=actor.can(VISIT))


def visit_page(request: Request, number: str, actor: Actor, status: int = 200,
               **context: Any) -> HTMLResponse:
    with new_uow(request, write=False) as uow:
        found = service.get_visit_or_raise(uow, number[:40])
        view = queries.visit_view(uow, found)
        after_order = found.origin_order_id is not None  # else after an installation
    open_ = view["status"] == VisitStatus.SCHEDULED
    done = request.query_params.get("done", "")
    return page(request, "service/visit.html", status, visit=view, after_order=after_order,
                may={"record": actor.can(VISIT) and open_},
                done=done if done in DONE and status == 200 else "", **context)


@router.get("/service/visits/{number}", response_class=HTMLResponse)
def visit(request: Request, number: str = Number, actor: Actor = require(VIEW)) -> Response:
    return visit_page(request, number, actor)


async def _run(request: Request, number: str, actor: Actor, action: Any, done: str,
               form_name: str, values: dict[str, Any], problem: dict[str, Any] | None = None,
               reason: str | None = None) -> Response:
    if problem is None:
        _result, problem = await run_in_threadpool(attempt, request, action, reason=reason)
        if problem is None:
            return RedirectResponse(visit_url(number, done), status_code=303)
    return await run_in_threadpool(visit_page, request, number, actor, 422, form=form_name,
                                   values=values, **problem)


@router.post("/service/visits/{number}", response_class=HTMLResponse)
async def record(request: Request, number: str = Number, actor: Actor = require(VISIT)
                 ) -> Response:
    """The outcome; with ``complaint`` the customer's words (required then: the service says
    so) become a quality complaint."""
    form = await request.form()
    values: dict[str, Any] = fields(form, RECORD_FIELDS, 1000)
    values["notes"] = field(form, "notes", LONG)
    values["complaint"] = field(form, "complaint", LONG)
    values["patient_involved"] = bool(form.get("patient_involved"))
    values["injury"] = bool(form.get("injury"))
    try:
        data = VisitRecord(outcome=values["outcome"], contact=values["contact"],
                           notes=values["notes"], complaint=values["complaint"] or None,
                           patient_involved=values["patient_involved"],
                           injury=values["injury"])
    except ValidationError as exc:
        return await _run(request, number, actor, None, "recorded", "record", values,
                          pydantic_refusal(request, exc))
    return await _run(request, number, actor, lambda uow: service.record_visit(
        uow, number=number, data=data, actor=actor), "recorded", "record", values)


@router.post("/service/visits/{number}/cancel", response_class=HTMLResponse)
async def cancel(request: Request, number: str = Number, actor: Actor = require(VISIT)
                 ) -> Response:
    form = await request.form()
    values = {"reason": field(form, "reason", 500)}
    problem = required(request, "reason") if not values["reason"] else None
    return await _run(request, number, actor, lambda uow: service.cancel_visit(
        uow, number=number, reason=values["reason"], actor=actor), "cancelled", "cancel",
        values, problem, reason=values["reason"])
