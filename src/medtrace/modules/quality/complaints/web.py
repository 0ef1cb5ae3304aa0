"""Complaint pages: the list with filters (status, source, customer), one complaint (the device
with links to its trace, the record it came from), and the form that records one with the
device's scan. Reads go through ``queries``, the write through ``service.open_complaint``."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from medtrace.modules.quality.complaints import queries, service
from medtrace.modules.quality.complaints.schemas import ComplaintCreate
from medtrace.modules.quality.permissions import COMPLAINT_CREATE, COMPLAINT_VIEW
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.i18n import N_, current_locale, translate
from medtrace.platform.web import csrf
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.forms import form_action, form_error, validation_failed
from medtrace.platform.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])
PAGE = 50

#: how a complaint reached the plant (``ComplaintCreate.source``), as shown
SOURCES = {"customer": N_("Customer"), "service_visit": N_("Follow-up visit"),
           "sales": N_("Sales"), "field": N_("Field"), "other": N_("Other")}
STATUSES = {"open": N_("open")}
#: the form's text fields; ``patient_involved`` and ``injury`` are its check boxes
TEXT_FIELDS = ("source", "source_ref", "received_on", "customer", "scan", "item", "contact",
               "description")
LIMITS = {"source": 16, "source_ref": 40, "received_on": 10, "customer": 40, "scan": 400,
          "item": 40, "contact": 100, "description": 8000}


def _page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    """Render a complaint page; the field messages of a refusal in the user's language."""
    if context.get("field_errors"):
        locale = current_locale()
        context["field_errors"] = {field: translate(str(message), locale)
                                   for field, message in context["field_errors"].items()}
    return render(request.app.state.templates, request, name, status_code=status,
                  sources=SOURCES, complaint_statuses=STATUSES, **context)


@router.get("/quality/complaints", response_class=HTMLResponse)
def complaints(request: Request, page_no: int = Query(1, ge=1, le=100_000, alias="page"),
               _: Actor = require(COMPLAINT_VIEW)) -> Response:
    params = request.query_params
    values = {"status": params.get("status", "")[:12], "source": params.get("source", "")[:16],
              "customer": params.get("customer", "")[:40].strip()}
    with new_uow(request, write=False) as uow:
        rows, total = queries.list_complaints(
            uow, status=values["status"] or None,
            source=values["source"] if values["source"] in SOURCES else None,
            customer=values["customer"] or None, limit=PAGE, offset=(page_no - 1) * PAGE)
    query = urlencode({k: v for k, v in values.items() if v})
    return _page(request, "quality/complaints.html", rows=rows, total=total, values=values,
                 page=page_no, page_size=PAGE, query=query)


def _blank(params: Any) -> dict[str, Any]:
    """The form's values: empty, or what the link that opened it gave (``?scan=...``)."""
    values: dict[str, Any] = {name: str(params.get(name, "") or "")[:LIMITS[name]]
                              for name in TEXT_FIELDS}
    values["source"] = values["source"] if values["source"] in SOURCES else "customer"
    values["patient_involved"] = values["injury"] = False
    return values


@router.get("/quality/complaints/new", response_class=HTMLResponse)
def new_complaint(request: Request, _: Actor = require(COMPLAINT_CREATE)) -> Response:
    return _page(request, "quality/complaint_form.html", values=_blank(request.query_params))


@router.post("/quality/complaints/new", response_class=HTMLResponse)
async def create_complaint(request: Request, actor: Actor = require(COMPLAINT_CREATE)
                           ) -> Response:
    form = await request.form()
    values = _blank(form)
    values["patient_involved"] = bool(form.get("patient_involved"))
    values["injury"] = bool(form.get("injury"))
    try:
        data = ComplaintCreate.model_validate(
            {name: (values[name].strip() or None) for name in TEXT_FIELDS
             if name not in ("contact", "description")}
            | {"contact": values["contact"].strip(),
               "description": values["description"].strip(),
               "patient_involved": values["patient_involved"], "injury": values["injury"]})
    except ValidationError as exc:
        return _page(request, "quality/complaint_form.html", status=422, values=values,
                     **form_error(request, validation_failed(exc, current_locale())))
    number, problem = await form_action(
        request, lambda uow: service.open_complaint(uow, data=data, actor=actor).number)
    if problem is None:
        return RedirectResponse(f"/quality/complaints/{number}?saved=1", status_code=303)
    return _page(request, "quality/complaint_form.html", status=422, values=values, **problem)


@router.get("/quality/complaints/{number}", response_class=HTMLResponse)
def complaint(request: Request, number: str, _: Actor = require(COMPLAINT_VIEW)) -> Response:
    with new_uow(request, write=False) as uow:
        view = queries.complaint_view(uow, service.get_complaint_or_raise(uow, number[:20]))
    return _page(request, "quality/complaint.html", complaint=view)
