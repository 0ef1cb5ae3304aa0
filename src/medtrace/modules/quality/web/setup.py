"""Quality pages beside the inspections: the plan editor per item, the nonconformances, the
ISO 2859-1 sampling calculator and a supplier's quality (lot rejection rate, switching)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from medtrace.modules import catalog, partners
from medtrace.modules.quality import queries, rules, service
from medtrace.modules.quality.errors import SamplingInvalid
from medtrace.modules.quality.permissions import INSPECTION_VIEW, PLAN_EDIT, SWITCHING_EDIT
from medtrace.modules.quality.schemas import PlanWrite, SwitchingUpdate
from medtrace.modules.quality.web import page
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.i18n import N_, current_locale, translate
from medtrace.platform.web import csrf
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.forms import form_action, form_error, validation_failed
from medtrace.standards import iso2859

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])
BLANK_ROWS = 3
#: the switching changes QA may make on a supplier's item
CHANGES = {"approve_reduced": N_("approve reduced inspection"),
           "withdraw_reduced": N_("withdraw reduced inspection"),
           "irregular": N_("production irregular"), "steady": N_("production steady"),
           "resume": N_("resume discontinued inspection")}
FIELDS = ("kind", "name_zh", "name_en", "lower", "upper", "unit", "aql", "inspection_level")


def _plan_page(request: Request, code: str, status: int = 200, rows: list[dict[str, Any]]
               | None = None, **extra: Any) -> Response:
    with new_uow(request, write=False) as uow:
        item = catalog.get_item_by_code(uow, code[:40])
        if item is None:
            raise catalog.ItemNotFound(f"no item {code!r}")
        plan, characteristics = service.get_plan(uow, item.id)
        states = queries.switching_states(uow, item_id=item.id)
        suppliers = partners.partner_codes(uow, [st.supplier_id for st in states])
    if rows is None:
        rows = [{f: ("" if getattr(c, f) is None else str(getattr(c, f))) for f in FIELDS}
                | {"critical": c.critical} for c in characteristics]
    rows = rows + [{f: "" for f in FIELDS} | {"critical": False}] * BLANK_ROWS
    return page(request, "quality/plan.html", status=status, item=item, plan=plan,
                rows=rows, aqls=iso2859.AQLS, levels=iso2859.LEVELS, states=states,
                suppliers=suppliers, changes=CHANGES, **extra)


@router.get("/quality/plans", response_class=HTMLResponse)
def plans(request: Request, _: Actor = require(INSPECTION_VIEW)) -> Response:
    code = request.query_params.get("item", "").strip()
    if code:
        return RedirectResponse(f"/quality/plans/{code[:40]}", status_code=303)
    return page(request, "quality/plan_pick.html")


@router.get("/quality/plans/{code}", response_class=HTMLResponse)
def plan(request: Request, code: str, _: Actor = require(INSPECTION_VIEW)) -> Response:
    return _plan_page(request, code)


@router.post("/quality/plans/{code}", response_class=HTMLResponse)
async def save_plan(request: Request, code: str, actor: Actor = require(PLAN_EDIT)) -> Response:
    form = await request.form()
    rows = []
    for n in range(int(str(form.get("rows", "0")) or 0)):
        row = {f: str(form.get(f"{f}_{n}", "")).strip() for f in FIELDS}
        row["critical"] = form.get(f"critical_{n}") == "on"
        if row["name_zh"] or row["name_en"]:
            rows.append(row)
    data = {"note": str(form.get("note", "")).strip(), "characteristics": [
        {k: (v if v != "" else None) for k, v in row.items()} for row in rows]}
    try:
        body = PlanWrite.model_validate(data)
    except ValidationError as exc:
        return _plan_page(request, code, status=422, rows=rows,
                          **form_error(request, validation_failed(exc, current_locale())))
    with new_uow(request, write=False) as uow:
        item = catalog.get_item_by_code(uow, code[:40])
        item_id = item.id if item is not None else 0
    _, problem = await form_action(request, lambda uow: service.save_plan(
        uow, item_id=item_id, data=body, actor=actor))
    if problem is None:
        return RedirectResponse(f"/quality/plans/{code}?saved=1", status_code=303)
    return _plan_page(request, code, status=422, rows=rows, **problem)


@router.get("/quality/nonconformances", response_class=HTMLResponse)
def nonconformances(request: Request, page_no: int = Query(1, ge=1, le=100_000, alias="page"),
                    _: Actor = require(INSPECTION_VIEW)) -> Response:
    with new_uow(request, write=False) as uow:
        rows, total = queries.list_nonconformances(uow, limit=50, offset=(page_no - 1) * 50)
    return page(request, "quality/nonconformances.html", rows=rows, total=total, page=page_no,
                page_size=50, nc_statuses=rules.NcStatus.labels())


@router.get("/quality/sampling", response_class=HTMLResponse)
def sampling(request: Request, _: Actor = require(INSPECTION_VIEW)) -> Response:
    params = request.query_params
    values = {"lot_size": params.get("lot_size", "")[:16],
              "inspection_level": params.get("inspection_level", "II"),
              "aql": params.get("aql", "1.0"), "severity": params.get("severity", "normal")}
    result, problem = None, {}
    if values["lot_size"]:
        try:
            size = int(values["lot_size"])
            result = iso2859.sampling_plan(size, values["inspection_level"], values["aql"],
                                           values["severity"])
        except ValueError as exc:
            field = getattr(exc, "field", "lot_size")
            problem = {"error_code": "MT-QUALITY-SAMPLING-INVALID",
                       "error": translate(SamplingInvalid.title, current_locale()),
                       "field_errors": {field: N_("not in the standard's tables")}}
    return page(request, "quality/sampling.html", status=422 if problem else 200,
                values=values, result=result, aqls=iso2859.AQLS, levels=iso2859.LEVELS,
                **problem)


@router.get("/quality/suppliers", response_class=HTMLResponse)
def suppliers(request: Request, _: Actor = require(INSPECTION_VIEW)) -> Response:
    code = request.query_params.get("partner", "").strip()[:40]
    days = request.query_params.get("days", "90")
    period = int(days) if days.isdigit() and 0 < int(days) <= 3660 else 90
    found = None
    with new_uow(request, write=False) as uow:
        partner = partners.get_partner_by_code(uow, code) if code else None
        if partner is not None:
            until = uow.now()
            found = queries.supplier_quality(uow, partner.id, until - dt.timedelta(days=period),
                                             until + dt.timedelta(seconds=1))
    return page(request, "quality/suppliers.html", code=code, days=period, partner=partner,
                result=found)


@router.post("/quality/switching/{supplier_id}/{code}", response_class=HTMLResponse)
async def change_switching(request: Request, supplier_id: int, code: str,
                           actor: Actor = require(SWITCHING_EDIT)) -> Response:
    form = await request.form()
    change = str(form.get("change", ""))
    values: dict[str, Any] = {"approve_reduced": {"reduced_approved": True},
                              "withdraw_reduced": {"reduced_approved": False},
                              "irregular": {"production_steady": False},
                              "steady": {"production_steady": True},
                              "resume": {"resume": True}}.get(change, {})
    try:
        if not values:
            raise ValueError("change")
        body = SwitchingUpdate.model_validate({**values, "reason": str(form.get("reason", ""))})
    except ValidationError as exc:
        return _plan_page(request, code, status=422,
                          **form_error(request, validation_failed(exc, current_locale())))
    except ValueError:
        return _plan_page(request, code, status=422, error_code="MT-VALIDATION",
                          field_errors={"change": N_("choose")})
    with new_uow(request, write=False) as uow:
        item = catalog.get_item_by_code(uow, code[:40])
        item_id = item.id if item is not None else 0
    _, problem = await form_action(request, lambda uow: service.update_switching(
        uow, supplier_id=supplier_id, item_id=item_id, data=body, actor=actor))
    if problem is None:
        return RedirectResponse(f"/quality/plans/{code}?saved=1", status_code=303)
    return _plan_page(request, code, status=422, **problem)
