"""Installed-base pages: the installed base with its filters, pages and CSV/XLSX export; a unit's
service page (installation, warranty, versions, orders, parts replaced, visits); the form that
records an installation with the customer's signed acceptance form, and that form's download.
The warranty and maintenance set-up is in ``base_setup.py``. Each form maps its fields onto the
service's schema and calls one service function in one transaction; a refusal is shown at its
field in the user's language (422)."""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from fastapi import Path, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from medtrace.modules import catalog, traceability
from medtrace.modules.service import queries, rules, service
from medtrace.modules.service.permissions import INSTALL, ORDER_EDIT, VIEW
from medtrace.modules.service.schemas import InstallationCreate
from medtrace.modules.service.web import router
from medtrace.modules.service.web.common import (
    attempt,
    fields,
    given,
    page,
    pydantic_refusal,
)
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.customfields import export
from medtrace.platform.errors import NotFound
from medtrace.platform.files import MAX_FILE_BYTES, UploadedFile, file_path
from medtrace.platform.i18n import N_, translate
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.params import PathId

PAGE = 50
#: most rows one export holds
EXPORT_LIMIT = 100_000
FILTERS = ("customer", "site", "item", "version", "warranty", "serial")
INSTALL_FIELDS = ("unit", "item", "customer", "site", "department", "address", "installed_on",
                  "installer", "accepted_by", "accepted_on", "order")
VERSION_FIELDS = ("software", "firmware")
#: the ``done`` flags the unit page shows as a status message
DONE = ("installed",)
Number = Path(min_length=1, max_length=20, description="The installation's number")
EXPORT_HEADINGS = (
    N_("Serial number"), N_("Item"), N_("Customer"), N_("Site"), N_("Department"),
    N_("Address"), N_("Installed on"), N_("Accepted by (customer)"), N_("Accepted on"),
    N_("Software"), N_("Firmware"), N_("Warranty"), N_("Warranty ends"), N_("Installation"))


def _date(value: str | None) -> dt.date | None:
    return dt.date.fromisoformat(value) if value else None


def unit_url(unit_id: int, done: str | None = None) -> str:
    url = f"/service/installed-base/{unit_id}"
    return f"{url}?done={done}" if done else url


# --- the installed base --------------------------------------------------------------------------
@router.get("/service/installed-base", response_class=HTMLResponse)
def installed_base(request: Request, customer: str = Query("", max_length=40),
                   site: str = Query("", max_length=100),
                   item: str = Query("", max_length=40),
                   version: str = Query("", max_length=40),
                   warranty: str = Query("", max_length=20),
                   serial: str = Query("", max_length=40),
                   page_no: int = Query(1, ge=1, le=100_000, alias="page"),
                   format: str = Query("", pattern="^(csv|xlsx)?$"),
                   actor: Actor = require(VIEW)) -> Response:
    """The units installed at customers' sites; ``format=csv`` or ``xlsx``: every filtered row
    as a download."""
    values = {"customer": customer.strip(), "site": site.strip(), "item": item.strip(),
              "version": version.strip(),
              "warranty": warranty if warranty in rules.WarrantyState.values() else "",
              "serial": serial.strip()}
    wanted: dict[str, Any] = {k: v or None for k, v in values.items()}
    locale = request.state.locale
    with new_uow(request, write=False) as uow:
        if format:
            rows, _total = queries.installed_base(uow, **wanted, limit=EXPORT_LIMIT)
            table = [[r["serial"], r["item"], r["customer"], r["site"], r["department"],
                      r["address"], _date(r["installed_on"]), r["accepted_by"],
                      _date(r["accepted_on"]), r["software"], r["firmware"],
                      translate(rules.WarrantyState(r["warranty"]).label, locale),
                      _date(r["warranty_end"]), r["installation"]] for r in rows]
            return export.export_response(
                format, name="installed-base", rows=table, stamp=uow.today(),
                headings=[translate(h, locale) for h in EXPORT_HEADINGS])
        rows, total = queries.installed_base(uow, **wanted, limit=PAGE,
                                             offset=(page_no - 1) * PAGE)
    return page(request, "service/installed_base.html", rows=rows, total=total, page=page_no,
                page_size=PAGE, values=values, query=urlencode(values),
                may_install=actor.can(INSTALL))


# --- a unit's service page -----------------------------------------------------------------------
@router.get("/service/installed-base/{unit_id}", response_class=HTMLResponse)
def unit_page(request: Request, unit_id: PathId, actor: Actor = require(VIEW)) -> Response:
    with new_uow(request, write=False) as uow:
        unit = traceability.get_object_or_raise(uow, unit_id)
        if unit.kind != "unit":
            raise traceability.TraceNotFound(f"{unit_id} is not a serial unit")
        view = queries.unit_service_view(uow, unit)
        item = catalog.get_item_or_raise(uow, unit.item_id)
    current = next((i for i in view["installations"]
                    if i["status"] == rules.InstallationStatus.ACTIVE), None)
    done = request.query_params.get("done", "")
    return page(request, "service/unit.html", view=view, current=current,
                item_name=item.name_zh if request.state.locale == "zh_CN" else item.name_en,
                may_install=actor.can(INSTALL), may_order=actor.can(ORDER_EDIT),
                done=done if done in DONE else "")


# --- recording an installation -------------------------------------------------------------------
def _installation_form(request: Request, actor: Actor, status: int = 200,
                       **context: Any) -> HTMLResponse:
    context.setdefault("values", {})
    context.setdefault("field_errors", {})
    return page(request, "service/installation_form.html", status, installer=actor.name,
                **context)


@router.get("/service/installations/new", response_class=HTMLResponse)
def new_installation(request: Request, unit: str = Query("", max_length=400),
                     item: str = Query("", max_length=40),
                     order: str = Query("", max_length=20),
                     actor: Actor = require(INSTALL)) -> Response:
    with new_uow(request, write=False) as uow:
        today = uow.today().isoformat()
    return _installation_form(request, actor, values={
        "unit": unit.strip(), "item": item.strip(), "order": order.strip(),
        "installed_on": today, "accepted_on": today})


def _version_inputs(values: dict[str, str]) -> dict[str, str]:
    """The form input of each version the schema gets (a refusal of ``versions.1.version`` is
    shown at ``firmware``)."""
    kinds = [kind for kind in VERSION_FIELDS if values.get(kind)]
    return {f"versions.{n}.version": kind for n, kind in enumerate(kinds)}


async def _upload(form: Any, name: str) -> UploadedFile | None:
    file = form.get(name)
    if not isinstance(file, UploadFile) or not file.filename:
        return None
    content = await file.read(MAX_FILE_BYTES + 1)  # a larger file is refused by its size
    return UploadedFile(file.filename[:200], file.content_type or "", content)


@router.post("/service/installations/new", response_class=HTMLResponse)
async def record_installation(request: Request, actor: Actor = require(INSTALL)) -> Response:
    form = await request.form()
    values = fields(form, INSTALL_FIELDS + VERSION_FIELDS)
    names = _version_inputs(values)
    try:
        data = InstallationCreate(
            **given(values, *INSTALL_FIELDS),
            versions=[{"kind": kind, "version": values[kind]} for kind in VERSION_FIELDS
                      if values.get(kind)])
    except ValidationError as exc:
        return _installation_form(request, actor, 422, values=values,
                                  **pydantic_refusal(request, exc, names))
    upload = await _upload(form, "acceptance_file")
    storage = request.app.state.settings.var_dir / service.FORMS_FOLDER
    unit_id, problem = await run_in_threadpool(
        attempt, request, lambda uow: service.record_installation(
            uow, data=data, actor=actor, upload=upload, storage=storage).unit_id)
    if problem is not None:
        problem["field_errors"] = {names.get(k, k): v
                                   for k, v in problem["field_errors"].items()}
        return _installation_form(request, actor, 422, values=values, **problem)
    return RedirectResponse(unit_url(unit_id, "installed"), status_code=303)


@router.get("/service/installations/{number}/acceptance-form", response_class=Response)
def acceptance_form(request: Request, number: str = Number,
                    _: Actor = require(VIEW)) -> Response:
    """The customer's signed acceptance form kept with the installation."""
    with new_uow(request, write=False) as uow:
        row = service.get_installation_or_raise(uow, number)
        digest, kind, name = row.acceptance_sha256, row.acceptance_type, row.acceptance_file
    if not digest:
        raise NotFound(f"installation {number} has no acceptance form")
    path = file_path(request.app.state.settings.var_dir / service.FORMS_FOLDER, digest)
    if not path.is_file():
        raise NotFound(f"the acceptance form of {number} is missing from the store")
    return FileResponse(path, media_type=kind or "application/octet-stream",
                        filename=name or f"{number}-acceptance",
                        content_disposition_type="attachment")


# the set-up routes register on ``router`` too
from medtrace.modules.service.web import base_setup  # noqa: E402

__all__ = ["base_setup", "router"]
