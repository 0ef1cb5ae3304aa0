"""Customer return pages: the list, the receiving form (the customer, the original shipment
when known, the reason, a few scanned lines into quarantine or returns), and a return with its
lines and QA's disposition of each line (released back to stock or scrapped, with findings and
an electronic signature)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import Path, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from medtrace.modules.sales import queries
from medtrace.modules.sales.permissions import DISPOSITION, RETURN, VIEW
from medtrace.modules.sales.schemas import DispositionIn, ReturnCreate
from medtrace.modules.sales.service import decide_return_line, receive_return
from medtrace.modules.sales.service.returns import get_return_or_raise
from medtrace.modules.sales.web import router
from medtrace.modules.sales.web.common import (
    LONG,
    MAX_ID,
    attempt,
    field,
    fields,
    given,
    page,
    pydantic_refusal,
    rekey,
)
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.web.deps import new_uow

PAGE = 50
LINES = 5  # scan rows on the return form; empty rows are ignored
RETURN_FIELDS = ("customer", "shipment", "location")
LINE_FIELDS = ("scan", "quantity", "uom")
DONE = ("received", "decided")
ReturnNumber = Path(min_length=1, max_length=40, description="The return's number")


def return_url(number: str, done: str | None = None) -> str:
    url = f"/sales/returns/{quote(number, safe='')}"
    return f"{url}?done={done}" if done else url


@router.get("/sales/returns", response_class=HTMLResponse)
def returns(request: Request, page_no: int = Query(1, ge=1, le=100_000, alias="page"),
            actor: Actor = require(VIEW)) -> Response:
    with new_uow(request, write=False) as uow:
        rows, total = queries.list_returns(uow, limit=PAGE, offset=(page_no - 1) * PAGE)
    return page(request, "sales/returns.html", rows=rows, total=total, page=page_no,
                page_size=PAGE, may_receive=actor.can(RETURN))


# --- receiving a return --------------------------------------------------------------------------
def _return_form(request: Request, status: int = 200, **context: Any) -> HTMLResponse:
    values = context.pop("values", {})
    lines = list(values.get("lines") or [])
    lines += [{}] * max(0, LINES - len(lines))
    context.setdefault("field_errors", {})
    return page(request, "sales/return_form.html", status, values=values, lines=lines,
                **context)


@router.get("/sales/returns/new", response_class=HTMLResponse)
def new_return(request: Request, customer: str = Query("", max_length=40),
               shipment: str = Query("", max_length=40), _: Actor = require(RETURN)
               ) -> Response:
    return _return_form(request, values={"customer": customer.strip(),
                                         "shipment": shipment.strip()})


@router.post("/sales/returns/new", response_class=HTMLResponse)
async def receive(request: Request, actor: Actor = require(RETURN)) -> Response:
    form = await request.form()
    values: dict[str, Any] = fields(form, RETURN_FIELDS)
    values["reason"] = field(form, "reason", LONG)
    lines = []
    for n in range(LINES):
        line = {key: field(form, f"lines.{n}.{key}", 1000) for key in LINE_FIELDS}
        if any(line.values()):
            lines.append(line)
    values["lines"] = lines  # shown again compacted: row n is the schema's line n
    try:
        data = ReturnCreate(**given(values, *RETURN_FIELDS, "reason"),
                            lines=[given(line, *LINE_FIELDS) for line in lines])
    except ValidationError as exc:
        return _return_form(request, 422, values=values, **pydantic_refusal(request, exc))
    number, problem = await run_in_threadpool(attempt, request, lambda uow: receive_return(
        uow, data=data, actor=actor).number, reason=data.reason)
    if problem is not None:
        return _return_form(request, 422, values=values, **problem)
    return RedirectResponse(return_url(number, "received"), status_code=303)


# --- a return and its dispositions ---------------------------------------------------------------
def return_page(request: Request, number: str, actor: Actor, status: int = 200,
                **context: Any) -> HTMLResponse:
    with new_uow(request, write=False) as uow:
        view = queries.return_view(uow, get_return_or_raise(uow, number[:40]))
    done = request.query_params.get("done", "")
    context.setdefault("values", {})
    context.setdefault("field_errors", {})
    context.setdefault("line_id", None)
    return page(request, "sales/return.html", status, record=view,
                may_decide=actor.can(DISPOSITION),
                done=done if done in DONE and status == 200 else "", **context)


@router.get("/sales/returns/{number}", response_class=HTMLResponse)
def customer_return(request: Request, number: str = ReturnNumber, actor: Actor = require(VIEW)
                    ) -> Response:
    return return_page(request, number, actor)


@router.post("/sales/returns/{number}/lines/{line_id}/disposition",
             response_class=HTMLResponse)
async def disposition(request: Request, number: str = ReturnNumber,
                      line_id: int = Path(ge=1, le=MAX_ID),
                      actor: Actor = require(DISPOSITION)) -> Response:
    """Release a returned line back to stock or scrap it, signed with the user's password."""
    form = await request.form()
    values = fields(form, ("disposition", "to_location"))
    values["findings"] = field(form, "findings", LONG)
    names = {"signature": "password", "signature.password": "password"}
    try:
        data = DispositionIn(**given(values, "disposition", "findings", "to_location"),
                             signature={"password": str(form.get("password", ""))[:300]})
    except ValidationError as exc:
        problem = pydantic_refusal(request, exc)
    else:
        _row, problem = await run_in_threadpool(attempt, request, lambda uow: decide_return_line(
            uow, number=number, line_id=line_id, data=data, actor=actor),
            reason=data.findings)
        if problem is None:
            return RedirectResponse(return_url(number, "decided"), status_code=303)
    problem["field_errors"] = rekey(problem["field_errors"], names)
    return await run_in_threadpool(return_page, request, number, actor, 422, values=values,
                                   line_id=line_id, **problem)
