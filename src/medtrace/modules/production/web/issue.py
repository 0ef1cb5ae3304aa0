"""The scan-first material issue page for a handheld (360 px): the work order number stays
between scans, the scan field takes what the scanner types (the GS1 group separator as the GS
control character or as ``<GS>``, ``^]``, ``\\x1d``: the UDI parser reads them all), and each
post issues one scanned lot or unit in one transaction. The answer shows what was issued and
the work order's progress per component; a refusal shows its message and code, keeps what was
typed and empties the scan field for the next scan."""

from __future__ import annotations

from typing import Any

from fastapi import Query, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from medtrace.modules.production import queries, service
from medtrace.modules.production.errors import (
    IssueInvalid,
    WorkOrderNotFound,
    WorkOrderStateConflict,
)
from medtrace.modules.production.permissions import ORDER_EXECUTE
from medtrace.modules.production.schemas import IssueCreate
from medtrace.modules.production.web import router
from medtrace.modules.production.web.common import attempt, message, page, pydantic_refusal
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import translate
from medtrace.platform.web.deps import new_uow

FIELDS = ("work_order", "scan", "quantity", "uom", "output_serial", "location")
#: refusals that concern the work order itself, shown at its field too
ORDER_TITLES = {e.code: e.title for e in (WorkOrderNotFound, WorkOrderStateConflict)}


def _progress(request: Request, number: str) -> dict[str, Any] | None:
    """The work order and what it needs of each component, or None when there is none."""
    if not number:
        return None
    try:
        with new_uow(request, write=False) as uow:
            order = service.get_work_order_or_raise(uow, number)
            return {"number": order.number, "status": order.status,
                    "requirements": queries.requirements(uow, order)}
    except DomainError:
        return None


def _kept(values: dict[str, str], per_unit: bool) -> dict[str, str]:
    """What stays in the form for the next scan: the work order, the unit and the location;
    the output serial while the operator works unit by unit."""
    return {"work_order": values["work_order"], "uom": values["uom"],
            "location": values["location"], "quantity": "1",
            "output_serial": values["output_serial"] if per_unit else "",
            "per_unit": "1" if per_unit else ""}


@router.get("/production/issue", response_class=HTMLResponse)
def issue_page(request: Request, order: str = Query("", max_length=40),
               _: Actor = require(ORDER_EXECUTE)) -> Response:
    number = order.strip()
    return page(request, "production/issue.html",
                values={"work_order": number, "quantity": "1"},
                progress=_progress(request, number))


@router.post("/production/issue", response_class=HTMLResponse)
async def issue(request: Request, actor: Actor = require(ORDER_EXECUTE)) -> Response:
    form = await request.form()
    values = {k: str(form.get(k, "") or "").strip()[:500] for k in FIELDS}
    per_unit = bool(form.get("per_unit"))
    number = values["work_order"][:40]

    async def refused(problem: dict[str, Any]) -> Response:
        shown = {**values, "scan": "", "per_unit": "1" if per_unit else ""}
        progress = await run_in_threadpool(_progress, request, number)
        return page(request, "production/issue.html", 422, values=shown, progress=progress,
                    **problem)

    if not number:
        locale = request.state.locale
        return await refused({"error": translate(IssueInvalid.title, locale),
                              "error_code": IssueInvalid.code, "problems": [],
                              "field_errors": {"work_order": message({"message": "required"},
                                                                     locale)}})
    try:
        data = IssueCreate(**{k: v for k, v in values.items()
                              if v and k in ("scan", "quantity", "uom", "output_serial",
                                             "location")})
    except ValidationError as exc:
        return await refused(pydantic_refusal(request, exc))

    def run(uow: UnitOfWork) -> dict[str, Any]:
        row = service.issue_material(uow, ref=number, data=data, actor=actor)
        order = service.get_work_order_or_raise(uow, number)
        return {"issued": queries.issue_view(uow, order, row),
                "progress": {"number": order.number, "status": order.status,
                             "requirements": queries.requirements(uow, order)}}

    done, problem = await run_in_threadpool(attempt, request, run)
    if problem is not None:
        title = ORDER_TITLES.get(problem.get("error_code") or "")
        if title:
            problem["field_errors"].setdefault("work_order",
                                               translate(title, request.state.locale))
        return await refused(problem)
    return page(request, "production/issue.html", values=_kept(values, per_unit),
                done=done["issued"], progress=done["progress"])
