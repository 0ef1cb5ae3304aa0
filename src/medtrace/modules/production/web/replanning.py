"""Re-planning (排程调整): the open work orders in their order of work, each with what it is
short of and which equipment of its routing may not be used, a form to move it in the
sequence, and the equipment that is not fit with the open work orders it holds up."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from medtrace.modules.production import queries, service
from medtrace.modules.production.permissions import ORDER_PLAN, VIEW
from medtrace.modules.production.schemas import Resequence
from medtrace.modules.production.service.orders import equipment_problems
from medtrace.modules.production.web.boms import text_of
from medtrace.modules.production.web.common import attempt, message, page, pydantic_refusal
from medtrace.modules.production.web.equipment import fitness
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.web.deps import new_uow

router = APIRouter(include_in_schema=False)
OPEN_ORDERS = 500  # shown at most


def _replanning(request: Request, actor: Actor, status: int = 200, **context: Any
                ) -> HTMLResponse:
    locale = request.state.locale
    with new_uow(request, write=False) as uow:
        rows, total = queries.list_work_orders(uow, open_only=True, limit=OPEN_ORDERS)
        problems_of: dict[int, list[dict[str, str]]] = {}
        affected: dict[str, list[str]] = {}
        orders = []
        for order in rows:
            if order.bom_id not in problems_of:
                problems_of[order.bom_id] = equipment_problems(uow, order.bom_id)
            unfit = [{"equipment": p["equipment"], "why": message({"message": p["message"]},
                                                                  locale)}
                     for p in problems_of[order.bom_id]]
            for p in unfit:
                affected.setdefault(p["equipment"], []).append(order.number)
            short = [{**s, **{k: queries.text(s[k]) for k in ("needed", "available", "short")}}
                     for s in service.shortages(uow, order)]
            orders.append({**queries.work_order_view(uow, order, serials=False),
                           "shortages": short, "unfit": unfit})
        unfit_equipment = [{**e, "orders": affected.get(e["code"], [])}
                           for e in fitness(queries.list_equipment(uow), locale) if not e["fit"]]
        return page(request, "production/replanning.html", status, orders=orders, total=total,
                    unfit_equipment=unfit_equipment, may_plan=actor.can(ORDER_PLAN),
                    **{"values": {}, "refused": None, **context})


@router.get("/production/replanning", response_class=HTMLResponse)
def replanning(request: Request, actor: Actor = require(VIEW)) -> Response:
    return _replanning(request, actor)


@router.post("/production/replanning/{number}", response_class=HTMLResponse)
async def resequence(request: Request, number: str = Path(min_length=1, max_length=40),
                     actor: Actor = require(ORDER_PLAN)) -> Response:
    form = await request.form()
    values = {k: text_of(form, k) for k in ("sequence", "reason")}
    try:
        data = Resequence(**{k: v for k, v in values.items() if v})
    except ValidationError as exc:
        problem: dict[str, Any] | None = pydantic_refusal(request, exc)
    else:
        _done, problem = await run_in_threadpool(
            attempt, request,
            lambda uow: service.resequence_work_order(uow, ref=number, data=data, actor=actor))
    if problem is not None:
        return await run_in_threadpool(_replanning, request, actor, 422, values=values,
                                       refused=number, **problem)
    return RedirectResponse(f"/production/replanning#wo-{quote(number, safe='')}",
                            status_code=303)
