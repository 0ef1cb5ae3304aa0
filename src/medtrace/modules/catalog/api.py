"""Catalog API: items with conversions and packaging levels."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from medtrace.modules.catalog import service
from medtrace.modules.catalog.permissions import ITEM_EDIT, ITEM_STATUS, ITEM_VIEW
from medtrace.modules.catalog.schemas import (
    ItemCreate,
    ItemPage,
    ItemRead,
    ItemUpdate,
    ScanIn,
    StatusChange,
)
from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.errors import ValidationFailed
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.params import Offset, PathId
from medtrace.standards.udi import render_label

router = APIRouter(prefix="/api/v1", tags=["catalog"])


def _read(uow, item) -> ItemRead:  # type: ignore[no-untyped-def]
    return ItemRead.model_validate(item).model_copy(
        update={"custom_fields": service.custom_values(uow, item.id)})


def _custom_filters(values: list[str]) -> dict[str, str]:
    pairs = {}
    for value in values:
        name, sep, wanted = value.partition(":")
        if not sep or not name:
            raise ValidationFailed("custom filters are written name:value",
                                   errors=[{"field": "custom", "message": value,
                                            "type": "value_error"}])
        pairs[name] = wanted
    return pairs


@router.get("/items", response_model=ItemPage, summary="List items (filters, paginated)")
def list_items(
    request: Request,
    q: str | None = Query(None, description="Code, name or GTIN contains"),
    status: str | None = Query(None, description="draft, active or obsolete"),
    tracking: str | None = Query(None, description="none, lot, serial or lot_serial"),
    class_cn: str | None = Query(None, description="China class I, II or III"),
    custom: list[str] = Query([], description="Custom field filter name:value (repeatable)"),
    limit: int = Query(50, ge=1, le=500),
    offset: Offset = 0,
    _: Actor = require(ITEM_VIEW),
) -> ItemPage:
    with new_uow(request, write=False) as uow:
        rows, total = service.list_items(uow, search=q, status=status, tracking=tracking,
                                         class_cn=class_cn, custom=_custom_filters(custom),
                                         limit=limit, offset=offset)
        return ItemPage(items=[_read(uow, r) for r in rows], total=total,
                        limit=limit, offset=offset)


@router.post("/items", response_model=ItemRead, status_code=201, summary="Create an item")
def create_item(request: Request, body: ItemCreate, _: Actor = require(ITEM_EDIT)) -> ItemRead:
    with new_uow(request) as uow:
        return _read(uow, service.create_item(uow, body))


@router.get("/items/{item_id}", response_model=ItemRead, summary="One item")
def get_item(request: Request, item_id: PathId, _: Actor = require(ITEM_VIEW)) -> ItemRead:
    with new_uow(request, write=False) as uow:
        return _read(uow, service.get_item_or_raise(uow, item_id))


@router.put("/items/{item_id}", response_model=ItemRead, summary="Replace an item's data")
def update_item(
    request: Request, item_id: PathId, body: ItemUpdate, _: Actor = require(ITEM_EDIT)
) -> ItemRead:
    with new_uow(request) as uow:
        return _read(uow, service.update_item(uow, item_id, body))


@router.post("/items/{item_id}/status", operation_id="changeItemStatus", response_model=ItemRead,
             summary="Activate or retire an item (a reason is needed once it is active)")
def change_status(
    request: Request, item_id: PathId, body: StatusChange, _: Actor = require(ITEM_STATUS)
) -> ItemRead:
    with new_uow(request, reason=body.reason) as uow:
        return _read(uow, service.set_status(uow, item_id, body.status))


@router.post("/udi/parse", summary="Parse a raw UDI scan (GS1, HIBCC, ICCBBA) and resolve it")
def parse_udi(request: Request, body: ScanIn, _: Actor = require(ITEM_VIEW)) -> dict[str, Any]:
    with new_uow(request, write=False) as uow:
        return service.resolve_udi(uow, body.code, request.state.locale)


@router.get("/items/{item_id}/label", operation_id="getItemLabel",
            summary="GS1 DataMatrix label of a unit (PNG or SVG)", response_class=Response,
            responses={200: {"content": {
                "image/png": {"schema": {"type": "string", "format": "binary"}},
                "image/svg+xml": {"schema": {"type": "string"}}}}})
def label(
    request: Request, item_id: PathId, lot: str | None = None, serial: str | None = None,
    expiry: str | None = Query(None, description="YYYY-MM-DD or YYMMDD"),
    production_date: str | None = None, level: int = Query(0, ge=0, le=9),
    format: str = Query("png", pattern="^(png|svg)$"), _: Actor = require(ITEM_VIEW),
) -> Response:
    with new_uow(request, write=False) as uow:
        item = service.get_item_or_raise(uow, item_id)
        composed = service.label_for(uow, item_id, level=level, lot=lot, serial=serial,
                                     expiry=expiry, production_date=production_date)
        title = item.name_zh if request.state.locale == "zh_CN" else item.name_en
    drawn = render_label(composed, format="svg" if format == "svg" else "png", title=title)
    if isinstance(drawn, str):
        return Response(drawn, media_type="image/svg+xml")
    return Response(drawn, media_type="image/png")
