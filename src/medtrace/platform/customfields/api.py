"""Administration of custom fields: `GET/POST /api/v1/admin/custom-fields` (paginated, with
filters), one field by id (`GET/PUT`), and the entities that accept custom fields."""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from medtrace.platform.actor import Actor
from medtrace.platform.auth.permissions import require
from medtrace.platform.customfields import service
from medtrace.platform.customfields.permissions import ADMIN_CUSTOM_FIELDS
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.params import Offset, PathId

__all__ = ["ADMIN_CUSTOM_FIELDS", "router"]

router = APIRouter(prefix="/api/v1/admin", tags=["custom fields"])


class Choice(BaseModel):
    value: str = Field(min_length=1, max_length=100)
    label_zh: str = Field(default="", max_length=100)
    label_en: str = Field(default="", max_length=100)


class FieldChange(BaseModel):
    """What may change of an existing field (not its entity, name or type)."""

    label_zh: str = Field(min_length=1, max_length=100)
    label_en: str = Field(min_length=1, max_length=100)
    unit: str | None = Field(default=None, max_length=20, description="numbers only")
    required: bool = False
    pattern: str | None = Field(default=None, max_length=200,
                                description="regular expression the whole text must match")
    min_value: Decimal | None = Field(default=None, gt=-(10**18), lt=10**18,
                                      description="numbers only")
    max_value: Decimal | None = Field(default=None, gt=-(10**18), lt=10**18,
                                      description="numbers only")
    choices: list[Choice] = Field(default_factory=list, max_length=500,
                                  description="choice fields only")
    reference_entity: str | None = Field(default=None, max_length=60,
                                         description="reference fields only")
    position: int = Field(default=0, ge=0, le=10_000)
    active: bool = True


class FieldWrite(FieldChange):
    entity: str = Field(max_length=60, description="e.g. catalog.item, partners.partner")
    name: str = Field(max_length=60, description="lower-case letters, digits and _")
    kind: str = Field(max_length=20, description=", ".join(service.KINDS))


class FieldRead(FieldWrite):
    model_config = ConfigDict(from_attributes=True)
    id: int


class FieldPage(BaseModel):
    items: list[FieldRead]
    total: int
    limit: int
    offset: int


@router.get("/custom-fields", operation_id="listCustomFields", response_model=FieldPage,
            summary="Custom fields (filters, paginated)")
def list_fields(
    request: Request,
    entity: str | None = Query(None, description="e.g. catalog.item"),
    kind: str | None = Query(None, description=", ".join(service.KINDS)),
    active: bool | None = Query(None),
    q: str | None = Query(None, description="Name or label contains"),
    limit: int = Query(50, ge=1, le=500),
    offset: Offset = 0,
    _: Actor = require(ADMIN_CUSTOM_FIELDS),
) -> FieldPage:
    with new_uow(request, write=False) as uow:
        rows, total = service.search_fields(uow, entity=entity, kind=kind, active=active,
                                            search=q, limit=limit, offset=offset)
        return FieldPage(items=[FieldRead.model_validate(f) for f in rows], total=total,
                         limit=limit, offset=offset)


@router.get("/custom-field-entities", operation_id="listCustomFieldEntities",
            summary="Entities that accept custom fields")
def list_entities(_: Actor = require(ADMIN_CUSTOM_FIELDS)) -> dict[str, str]:
    return service.entities()


@router.post("/custom-fields", operation_id="saveCustomField", response_model=FieldRead,
             summary="Define a custom field or change its definition (by entity and name)")
def save_field(request: Request, body: FieldWrite,
               _: Actor = require(ADMIN_CUSTOM_FIELDS)) -> FieldRead:
    with new_uow(request) as uow:
        data = body.model_dump()
        data["choices"] = [c.model_dump() for c in body.choices]
        return FieldRead.model_validate(service.save_field(uow, **data))


@router.get("/custom-fields/{field_id}", operation_id="getCustomField",
            response_model=FieldRead, summary="One custom field")
def get_field(request: Request, field_id: PathId,
              _: Actor = require(ADMIN_CUSTOM_FIELDS)) -> FieldRead:
    with new_uow(request, write=False) as uow:
        return FieldRead.model_validate(service.get_field_or_raise(uow, field_id))


@router.put("/custom-fields/{field_id}", operation_id="changeCustomField", response_model=FieldRead,
            summary="Change a custom field's definition")
def change_field(request: Request, field_id: PathId, body: FieldChange,
                 _: Actor = require(ADMIN_CUSTOM_FIELDS)) -> FieldRead:
    with new_uow(request) as uow:
        field = service.get_field_or_raise(uow, field_id)
        data = body.model_dump()
        data["choices"] = [c.model_dump() for c in body.choices]
        return FieldRead.model_validate(service.save_field(
            uow, entity=field.entity, name=field.name, kind=field.kind, **data))
