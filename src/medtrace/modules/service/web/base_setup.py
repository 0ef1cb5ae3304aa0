"""The service set-up page: warranty terms and preventive maintenance intervals per item (two
small forms, both posted to ``/service/setup`` and told apart by their ``form`` field), the
installed units whose preventive maintenance falls due, and the button that opens their
preventive maintenance orders now (what the worker does daily)."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from medtrace.modules.service import queries, rules, service
from medtrace.modules.service.permissions import ORDER_EDIT, SETUP, VIEW
from medtrace.modules.service.schemas import MaintenancePlanWrite, WarrantyTermWrite
from medtrace.modules.service.web import router
from medtrace.modules.service.web.common import (
    LONG,
    attempt,
    field,
    fields,
    given,
    page,
    pydantic_refusal,
)
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.i18n import N_, translate
from medtrace.platform.web.deps import new_uow

#: the ``done`` flags the page shows as a status message
DONE = ("warranty", "maintenance", "preventive")
WARRANTY = ("item", "months", "basis")
MAINTENANCE = ("item", "interval_months")
#: most orders one press of the button can report
MAX_OPENED = 1_000_000


def setup_page(request: Request, actor: Actor, status: int = 200, **context: Any
               ) -> HTMLResponse:
    """The page; ``context`` carries a refusal (``form``, ``values``, errors)."""
    with new_uow(request, write=False) as uow:
        terms = queries.warranty_terms(uow)
        plans = queries.maintenance_plans(uow)
        due = queries.falling_due(uow, on=uow.today(), lead_days=rules.PM_LEAD_DAYS)
    done = request.query_params.get("done", "")
    opened = request.query_params.get("opened", "")
    context.setdefault("form", "")
    context.setdefault("values", {})
    context.setdefault("field_errors", {})
    return page(request, "service/setup.html", status, terms=terms, plans=plans, due=due,
                lead_days=rules.PM_LEAD_DAYS, may_edit=actor.can(SETUP),
                may_generate=actor.can(ORDER_EDIT),
                done=done if done in DONE and status == 200 else "",
                opened=int(opened) if opened.isdigit() and len(opened) <= 7 else 0,
                **context)


@router.get("/service/setup", response_class=HTMLResponse)
def setup(request: Request, actor: Actor = require(VIEW)) -> Response:
    return setup_page(request, actor)


@router.post("/service/setup", response_class=HTMLResponse)
async def save_setup(request: Request, actor: Actor = require(SETUP)) -> Response:
    """Save an item's warranty terms (``form=warranty``) or maintenance interval
    (``form=maintenance``)."""
    form = await request.form()
    which = field(form, "form", 20)
    if which == "warranty":
        values = fields(form, WARRANTY)

        def build() -> Any:
            return WarrantyTermWrite(**given(values, *WARRANTY))

        def action(uow: Any, data: Any) -> Any:
            return service.save_warranty_term(uow, data=data, actor=actor)
    elif which == "maintenance":
        values = fields(form, MAINTENANCE)
        values["description"] = field(form, "description", LONG)

        def build() -> Any:
            return MaintenancePlanWrite(**given(values, *MAINTENANCE, "description"))

        def action(uow: Any, data: Any) -> Any:
            return service.save_maintenance_plan(uow, data=data, actor=actor)
    else:
        locale = request.state.locale
        return await run_in_threadpool(
            setup_page, request, actor, 422,
            error=translate(N_("Some fields are not valid."), locale), error_code=None)
    try:
        data = build()
    except ValidationError as exc:
        problem = pydantic_refusal(request, exc)
    else:
        _row, problem = await run_in_threadpool(attempt, request,
                                                lambda uow: action(uow, data))
        if problem is None:
            return RedirectResponse(f"/service/setup?done={which}", status_code=303)
    return await run_in_threadpool(setup_page, request, actor, 422, form=which,
                                   values=values, **problem)


@router.post("/service/setup/preventive", response_class=HTMLResponse)
async def generate_preventive(request: Request, actor: Actor = require(ORDER_EDIT)
                              ) -> Response:
    """Open the preventive maintenance orders falling due now; back with how many."""
    opened, problem = await run_in_threadpool(attempt, request, lambda uow: len(
        service.generate_preventive_orders(uow, actor=actor)))
    if problem is not None:
        return await run_in_threadpool(setup_page, request, actor, 422, form="preventive",
                                       **problem)
    return RedirectResponse(f"/service/setup?done=preventive&opened={min(opened, MAX_OPENED)}",
                            status_code=303)

