"""Catalog pages: item list with filters, item detail (packaging, conversions, custom fields,
history, label preview), create and edit form, status changes, the scan tester and the JSON
endpoint behind every scan field (see docs/scan-fields.md)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from medtrace.modules.catalog import rules, service
from medtrace.modules.catalog.permissions import ITEM_EDIT, ITEM_STATUS, ITEM_VIEW
from medtrace.modules.catalog.schemas import ItemCreate, ItemUpdate, ScanIn
from medtrace.modules.catalog.web import forms, scan
from medtrace.platform import customfields
from medtrace.platform.actor import Actor
from medtrace.platform.audit import history_context
from medtrace.platform.auth.permissions import require
from medtrace.platform.customfields import export as cf_export
from medtrace.platform.customfields import present as cf_present
from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_, translate
from medtrace.platform.web import csrf
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.forms import form_action, form_error, validation_failed
from medtrace.platform.web.params import PathId, QueryId
from medtrace.platform.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])

PAGE = 50


def _page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return render(request.app.state.templates, request, name, status_code=status, **context)


def _item_filters(request: Request, uow: Any) -> dict[str, Any]:
    """The list's filters from the query string, custom fields (``cf_<name>``) included."""
    params = request.query_params
    fields = customfields.list_fields(uow, service.ENTITY)
    values = {name: params.get(name, "") for name in ("q", "status", "tracking", "class_cn")}
    return {"fields": fields, "values": values,
            "custom": cf_present.query_filters(fields, params)}


def _list_items(uow: Any, filters: dict[str, Any], limit: int, offset: int
                ) -> tuple[list[Any], int]:
    values = filters["values"]
    return service.list_items(uow, search=values["q"] or None, status=values["status"] or None,
                              tracking=values["tracking"] or None,
                              class_cn=values["class_cn"] or None, custom=filters["custom"],
                              limit=limit, offset=offset)


@router.get("/catalog/items", response_class=HTMLResponse)
def items(request: Request, page: int = Query(1, ge=1, le=100_000),
          _: Actor = require(ITEM_VIEW)) -> Response:
    with new_uow(request, write=False) as uow:
        filters = _item_filters(request, uow)
        problem: dict[str, Any] = {}
        try:
            rows, total = _list_items(uow, filters, PAGE, (page - 1) * PAGE)
        except DomainError as exc:  # a custom-field filter of the wrong type
            rows, total, problem = [], 0, form_error(request, exc)
        custom = customfields.values_for(uow, service.ENTITY, [r.id for r in rows])
        query = cf_present.filter_query(filters["custom"], filters["values"])
        return _page(request, "catalog/items.html", status=422 if problem else 200,
                     items=[(r, custom.get(str(r.id), {})) for r in rows], total=total,
                     page=page, page_size=PAGE, query=query, rules=rules, cf=cf_present,
                     **filters, **problem)


@router.get("/catalog/items/export", response_class=Response)
def export_items(request: Request, format: str = Query("xlsx", pattern="^(csv|xlsx)$"),
                 _: Actor = require(ITEM_VIEW)) -> Response:
    """The filtered list (every page, not only the one shown) with the custom-field columns."""
    with new_uow(request, write=False) as uow:
        filters = _item_filters(request, uow)
        rows, total = _list_items(uow, filters, 500, 0)
        while len(rows) < total:
            more, _more_total = _list_items(uow, filters, 500, len(rows))
            if not more:
                break
            rows += more
        fields = customfields.list_fields(uow, service.ENTITY, active_only=False)
        custom = customfields.values_for(uow, service.ENTITY, [r.id for r in rows])
        headings = cf_export.headings((
            N_("Code"), N_("Name (Chinese)"), N_("Name (English)"), N_("China class"),
            N_("Tracking"), N_("Status"), N_("Base unit"), "UDI-DI",
            N_("Registration or filing certificate number"), N_("Certificate valid until")),
            fields, request.state.locale)
        table = [[r.code, r.name_zh, r.name_en, r.class_cn, r.tracking, r.status, r.base_uom,
                  r.packaging[0].gtin if r.packaging else None, r.registration_number,
                  r.registration_expiry,
                  *cf_export.custom_cells(fields, custom.get(str(r.id), {}))] for r in rows]
        return cf_export.export_response(format, name="items", headings=headings, rows=table,
                                         stamp=uow.today())


def _form_page(request: Request, status: int = 200, item_id: QueryId = None,
               **context: Any) -> HTMLResponse:
    """The item form, new (``item_id`` None) or edit."""
    with new_uow(request, write=False) as uow:
        item = service.get_item_or_raise(uow, item_id) if item_id is not None else None
        return _page(request, "catalog/item_form.html", status=status, item=item,
                     units=service.list_units(uow), rules=rules, blank_rows=forms.BLANK_ROWS,
                     fields=customfields.list_fields(uow, service.ENTITY), **context)


def _refused(request: Request, exc: DomainError) -> dict[str, Any]:
    """``form_error`` with the per-field messages in the user's language too (the service
    writes them as msgids; other texts come back unchanged)."""
    problem = form_error(request, exc)
    locale = request.state.locale
    problem["field_errors"] = {name: translate(message, locale)
                               for name, message in problem["field_errors"].items()}
    return problem


def _invalid(request: Request, exc: ValidationError) -> dict[str, Any]:
    return _refused(request, validation_failed(exc, request.state.locale))


@router.get("/catalog/items/new", response_class=HTMLResponse)
def new_item(request: Request, _: Actor = require(ITEM_EDIT)) -> Response:
    first = {"level": "0", "name": "unit", "quantity": "1"}
    return _form_page(request, values={"base_uom": "EA", "tracking": "lot", "kind": "finished",
                                       "custom": {}, "packaging": [first], "conversions": []})


def _form_values(form: Any, fields: list[Any]) -> dict[str, Any]:
    def text(name: str) -> str | None:
        value = str(form.get(name, "")).strip()
        return value or None

    custom: dict[str, Any] = {}
    for field in fields:
        raw = form.get(f"cf_{field.name}")
        if field.kind == "boolean":
            custom[field.name] = raw == "on"
        elif raw not in (None, ""):
            custom[field.name] = str(raw)
    return {
        "code": text("code") or "", "name_zh": text("name_zh") or "",
        "name_en": text("name_en") or "", "base_uom": text("base_uom") or "EA",
        "category": text("category"), "class_cn": text("class_cn"),
        "class_eu": text("class_eu"), "class_us": text("class_us"),
        "tracking": text("tracking") or "lot", "shelf_life_days": text("shelf_life_days"),
        "min_remaining_shelf_life_days": text("min_remaining_shelf_life_days"),
        "registration_number": text("registration_number"),
        "registration_expiry": text("registration_expiry"),
        "storage_min_c": text("storage_min_c"), "storage_max_c": text("storage_max_c"),
        "gtin": text("gtin"), "custom": custom,
    }


@router.post("/catalog/items/new", response_class=HTMLResponse)
async def create_item(request: Request, _: Actor = require(ITEM_EDIT)) -> Response:
    form = await request.form()

    def work() -> int | dict[str, Any]:
        with new_uow(request, write=False) as uow:
            fields = customfields.list_fields(uow, service.ENTITY)
        values, payload = forms.read_item_form(form, custom=_form_values(form, fields)["custom"])
        try:
            data = ItemCreate.model_validate({**payload, "code": values["code"]})
        except ValidationError as exc:
            return {**_invalid(request, exc), "values": values}
        try:
            with new_uow(request) as uow:
                return service.create_item(uow, data).id
        except DomainError as exc:
            return {**_refused(request, exc), "values": values}

    result = await run_in_threadpool(work)
    if isinstance(result, int):
        return RedirectResponse(f"/catalog/items/{result}?saved=1", status_code=303)
    return _form_page(request, status=422, **result)


@router.get("/catalog/items/{item_id}/edit", response_class=HTMLResponse)
def edit_item(request: Request, item_id: PathId, _: Actor = require(ITEM_EDIT)) -> Response:
    with new_uow(request, write=False) as uow:
        item = service.get_item_or_raise(uow, item_id)
        values = forms.item_values(item, service.custom_values(uow, item.id))
    return _form_page(request, item_id=item_id, values=values)


@router.post("/catalog/items/{item_id}/edit", response_class=HTMLResponse)
async def update_item(request: Request, item_id: PathId, _: Actor = require(ITEM_EDIT)) -> Response:
    form = await request.form()

    def work() -> dict[str, Any] | None:
        with new_uow(request, write=False) as uow:
            fields = customfields.list_fields(uow, service.ENTITY)
            manufacturer_id = service.get_item_or_raise(uow, item_id).manufacturer_id
        values, payload = forms.read_item_form(form, custom=_form_values(form, fields)["custom"])
        try:  # the manufacturer is not on this form: it stays as it is
            data = ItemUpdate.model_validate({**payload, "manufacturer_id": manufacturer_id})
        except ValidationError as exc:
            return {**_invalid(request, exc), "values": values}
        try:
            with new_uow(request, reason=values["reason"] or None) as uow:
                service.update_item(uow, item_id, data)
        except DomainError as exc:
            return {**_refused(request, exc), "values": values}
        return None

    problem = await run_in_threadpool(work)
    if problem is None:
        return RedirectResponse(f"/catalog/items/{item_id}?saved=1", status_code=303)
    return _form_page(request, status=422, item_id=item_id, **problem)


def _label_preview(request: Request, uow: Any, item_id: PathId, wanted: dict[str, Any]
                   ) -> dict[str, Any]:
    """The label image's address, or the refusal in the user's language (never an image
    that would only break)."""
    try:
        service.label_for(uow, item_id, **wanted)
    except DomainError as exc:
        problem = form_error(request, exc)
        locale = request.state.locale
        if exc.errors:  # the title and what each field needs, all in the user's language
            problem["error"] = " ".join([translate(exc.title, locale)] + [
                scan.problem_message(e, locale) for e in exc.errors])
        return {"label_error": problem["error"], "label_error_code": problem["error_code"]}
    query = {key: value for key, value in wanted.items() if value not in (None, "")}
    return {"label_src": f"/api/v1/items/{item_id}/label?"
                         + urlencode({**query, "level": wanted["level"], "format": "svg"})}


@router.get("/catalog/items/{item_id}", response_class=HTMLResponse)
def item_detail(request: Request, item_id: PathId, preview: bool = False,
                level: int = Query(0, ge=0, le=9), lot: str = "", serial: str = "",
                expiry: str = "", _: Actor = require(ITEM_VIEW)) -> Response:
    wanted = {"level": level, "lot": lot.strip(), "serial": serial.strip(),
              "expiry": expiry.strip()}
    with new_uow(request, write=False) as uow:
        item = service.get_item_or_raise(uow, item_id)
        label = _label_preview(request, uow, item_id, wanted) if preview else {}
        return _page(request, "catalog/item_detail.html", item=item,
                     custom=service.custom_values(uow, item.id),
                     fields=customfields.list_fields(uow, service.ENTITY, active_only=False),
                     **history_context(uow, item, request.state.locale),
                     moves=rules.STATUS_MOVES, rules=rules,
                     label_values=wanted, **label)


@router.post("/catalog/items/{item_id}/status", response_class=HTMLResponse)
async def change_status(request: Request, item_id: PathId,
                        _: Actor = require(ITEM_STATUS)) -> Response:
    form = await request.form()
    status, reason = str(form.get("status", "")), str(form.get("reason", "")).strip()

    _, problem = await form_action(
        request, lambda uow: service.set_status(uow, item_id, status), reason=reason or None)
    if problem is None:
        return RedirectResponse(f"/catalog/items/{item_id}?saved=1", status_code=303)
    with new_uow(request, write=False) as uow:
        item = service.get_item_or_raise(uow, item_id)
        return _page(request, "catalog/item_detail.html", status=422, item=item,
                     custom=service.custom_values(uow, item.id),
                     fields=customfields.list_fields(uow, service.ENTITY, active_only=False),
                     **history_context(uow, item, request.state.locale),
                     moves=rules.STATUS_MOVES, rules=rules,
                     **problem)


@router.get("/catalog/scan", response_class=HTMLResponse)
def scan_tester(request: Request, _: Actor = require(ITEM_VIEW)) -> Response:
    return _page(request, "catalog/scan.html", code="", result=None)


@router.post("/catalog/scan", response_class=HTMLResponse)
async def scan_tester_post(request: Request, _: Actor = require(ITEM_VIEW)) -> Response:
    """The scan tester without script: the form is posted and the result drawn here."""
    form = await request.form()
    code = form.get("code")
    code = code if isinstance(code, str) else ""

    def work() -> Response:
        with new_uow(request, write=False) as uow:
            result = scan.read_scan(uow, code, request.state.locale)
            return _page(request, "catalog/scan.html", code=code, result=result)

    return await run_in_threadpool(work)


@router.post("/catalog/scan/parse")
def scan_parse(request: Request, body: ScanIn, _: Actor = require(ITEM_VIEW)) -> Response:
    """What scan fields post (JSON, with the session's X-CSRF-Token header): the parse and
    resolve result with errors in the user's language and the values to fill in."""
    with new_uow(request, write=False) as uow:
        return JSONResponse(scan.read_scan(uow, body.code, request.state.locale))
