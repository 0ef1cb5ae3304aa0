"""Catalog pages: item list with filters, item detail (packaging, conversions, custom fields,
history), create form, status changes."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from medtrace.modules.catalog import rules, service
from medtrace.modules.catalog.permissions import ITEM_EDIT, ITEM_STATUS, ITEM_VIEW
from medtrace.modules.catalog.schemas import ItemCreate, PackagingIn
from medtrace.platform import customfields
from medtrace.platform.actor import Actor
from medtrace.platform.audit import history_for
from medtrace.platform.auth.permissions import require
from medtrace.platform.customfields import export as cf_export
from medtrace.platform.customfields import present as cf_present
from medtrace.platform.errors import DomainError, ValidationFailed
from medtrace.platform.i18n import N_
from medtrace.platform.web import csrf
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.forms import form_action, form_error
from medtrace.platform.web.nav import NavEntry, register_nav
from medtrace.platform.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])
register_nav(NavEntry("catalog", N_("Catalog"), "/catalog/items", 100, ITEM_VIEW))

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
def items(request: Request, page: int = Query(1, ge=1),
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


@router.get("/catalog/items/new", response_class=HTMLResponse)
def new_item(request: Request, _: Actor = require(ITEM_EDIT)) -> Response:
    with new_uow(request, write=False) as uow:
        return _page(request, "catalog/item_form.html", units=service.list_units(uow),
                     fields=customfields.list_fields(uow, service.ENTITY), rules=rules,
                     values={"base_uom": "EA", "tracking": "lot", "custom": {}})


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
        values = _form_values(form, fields)
        try:
            packaging = ([PackagingIn(level=0, name="unit", gtin=values["gtin"], quantity=1)]
                         if values["gtin"] else [])
            data = ItemCreate.model_validate({
                **{k: v for k, v in values.items() if k not in ("gtin", "custom")},
                "packaging": packaging, "custom_fields": values["custom"]})
        except ValidationError as exc:
            problems = [{"field": str(e["loc"][-1]), "message": e["msg"], "type": e["type"]}
                        for e in exc.errors()]
            return {**form_error(request, ValidationFailed(errors=problems)), "values": values}
        try:
            with new_uow(request) as uow:
                return service.create_item(uow, data).id
        except DomainError as exc:
            return {**form_error(request, exc), "values": values}

    result = await run_in_threadpool(work)
    if isinstance(result, int):
        return RedirectResponse(f"/catalog/items/{result}?saved=1", status_code=303)
    with new_uow(request, write=False) as uow:
        return _page(request, "catalog/item_form.html", status=422,
                     units=service.list_units(uow), rules=rules,
                     fields=customfields.list_fields(uow, service.ENTITY), **result)


@router.get("/catalog/items/{item_id}", response_class=HTMLResponse)
def item_detail(request: Request, item_id: int, _: Actor = require(ITEM_VIEW)) -> Response:
    with new_uow(request, write=False) as uow:
        item = service.get_item_or_raise(uow, item_id)
        return _page(request, "catalog/item_detail.html", item=item,
                     custom=service.custom_values(uow, item.id),
                     fields=customfields.list_fields(uow, service.ENTITY, active_only=False),
                     history=history_for(uow, item), moves=rules.STATUS_MOVES, rules=rules)


@router.post("/catalog/items/{item_id}/status", response_class=HTMLResponse)
async def change_status(request: Request, item_id: int,
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
                     history=history_for(uow, item), moves=rules.STATUS_MOVES, rules=rules,
                     **problem)
