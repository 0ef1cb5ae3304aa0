"""Administration pages for custom fields: the fields of each entity, a form to define a field
and to change it (every change is audited; the page shows the field's history)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medtrace.platform.actor import Actor
from medtrace.platform.audit import history_context
from medtrace.platform.auth.permissions import require
from medtrace.platform.customfields import service
from medtrace.platform.customfields.models import FieldDefinition
from medtrace.platform.customfields.permissions import ADMIN_CUSTOM_FIELDS
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import ValidationFailed
from medtrace.platform.i18n import gettext
from medtrace.platform.web import csrf
from medtrace.platform.web.deps import new_uow
from medtrace.platform.web.forms import form_action, form_error
from medtrace.platform.web.params import PathId
from medtrace.platform.web.templating import render

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])

PAGE = 100


def _page(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    return render(request.app.state.templates, request, name, status_code=status,
                  entities=service.entities(), kinds=service.KINDS,
                  kind_labels=service.KIND_LABELS, **context)


@router.get("/admin/custom-fields", response_class=HTMLResponse)
def fields(request: Request, entity: str | None = None, page: int = Query(1, ge=1, le=100_000),
           _: Actor = require(ADMIN_CUSTOM_FIELDS)) -> Response:
    with new_uow(request, write=False) as uow:
        rows, total = service.search_fields(uow, entity=entity or None, limit=PAGE,
                                            offset=(page - 1) * PAGE)
        return _page(request, "customfields/list.html", rows=rows, total=total, page=page,
                     page_size=PAGE, entity=entity or "")


def _values_of(field: FieldDefinition) -> dict[str, Any]:
    return {
        "entity": field.entity, "name": field.name, "kind": field.kind,
        "label_zh": field.label_zh, "label_en": field.label_en, "unit": field.unit or "",
        "required": field.required, "pattern": field.pattern or "",
        "min_value": "" if field.min_value is None else str(field.min_value),
        "max_value": "" if field.max_value is None else str(field.max_value),
        "choices": "\n".join(" | ".join([c.get("value", ""), c.get("label_zh", ""),
                                         c.get("label_en", "")]).rstrip(" |")
                             for c in field.choices or []),
        "reference_entity": field.reference_entity or "", "position": field.position,
        "active": field.active,
    }


@router.get("/admin/custom-fields/new", response_class=HTMLResponse)
def new_field(request: Request, entity: str | None = None,
              _: Actor = require(ADMIN_CUSTOM_FIELDS)) -> Response:
    values = {"entity": entity or "", "kind": "text", "active": True, "position": 0}
    return _page(request, "customfields/form.html", field=None, values=values, history=[])


@router.get("/admin/custom-fields/{field_id}", response_class=HTMLResponse)
def edit_field(request: Request, field_id: PathId,
               _: Actor = require(ADMIN_CUSTOM_FIELDS)) -> Response:
    with new_uow(request, write=False) as uow:
        field = service.get_field_or_raise(uow, field_id)
        return _page(request, "customfields/form.html", field=field, values=_values_of(field),
                     **history_context(uow, field, request.state.locale))


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _choices(text: str) -> list[dict[str, str]]:
    """One choice a line: ``value | 中文 | English`` (the labels may be left out)."""
    choices = []
    for line in text.splitlines():
        if line.strip():
            parts = [p.strip() for p in line.split("|")] + ["", ""]
            choices.append({"value": parts[0], "label_zh": parts[1], "label_en": parts[2]})
    return choices


def _parse(form: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """(the form as typed, the service's arguments); a malformed number is refused here."""
    typed = {name: _text(form, name) for name in (
        "entity", "name", "kind", "label_zh", "label_en", "unit", "pattern", "min_value",
        "max_value", "choices", "reference_entity", "position")}
    typed["required"] = form.get("required") == "on"
    typed["active"] = form.get("active") == "on"
    problems = []
    limits: dict[str, Decimal | None] = {}
    for name in ("min_value", "max_value"):
        try:
            limits[name] = Decimal(typed[name]) if typed[name] else None
        except InvalidOperation:
            problems.append({"field": name, "message": gettext("a number is expected"),
                             "type": "value_error"})
    try:
        position = int(typed["position"] or 0)
    except ValueError:
        position = 0
        problems.append({"field": "position", "message": gettext("a whole number is expected"),
                         "type": "value_error"})
    if problems:
        raise ValidationFailed(errors=problems)
    arguments = {
        "label_zh": typed["label_zh"], "label_en": typed["label_en"],
        "unit": typed["unit"] or None, "required": typed["required"],
        "pattern": typed["pattern"] or None, "choices": _choices(typed["choices"]),
        "reference_entity": typed["reference_entity"] or None, "position": position,
        "active": typed["active"], **limits,
    }
    return typed, arguments


@router.post("/admin/custom-fields/new", response_class=HTMLResponse)
async def create_field(request: Request, _: Actor = require(ADMIN_CUSTOM_FIELDS)) -> Response:
    form = await request.form()
    try:
        typed, arguments = _parse(form)
    except ValidationFailed as exc:
        typed = {name: _text(form, name) for name in form}
        return _page(request, "customfields/form.html", status=422, field=None, values=typed,
                     history=[], **form_error(request, exc))

    def action(uow: UnitOfWork) -> int:
        return service.create_field(uow, entity=typed["entity"], name=typed["name"],
                                    kind=typed["kind"], **arguments).id

    field_id, problem = await form_action(request, action)
    if problem is None:
        return RedirectResponse(f"/admin/custom-fields/{field_id}?saved=1", status_code=303)
    return _page(request, "customfields/form.html", status=422, field=None, values=typed,
                 history=[], **problem)


@router.post("/admin/custom-fields/{field_id}", response_class=HTMLResponse)
async def change_field(request: Request, field_id: PathId,
                       _: Actor = require(ADMIN_CUSTOM_FIELDS)) -> Response:
    form = await request.form()
    reason = _text(form, "reason") or None
    problem: dict[str, Any] | None
    try:
        typed, arguments = _parse(form)
    except ValidationFailed as exc:
        typed, problem = {name: _text(form, name) for name in form}, form_error(request, exc)
    else:
        def action(uow: UnitOfWork) -> None:
            field = service.get_field_or_raise(uow, field_id)
            service.save_field(uow, entity=field.entity, name=field.name, kind=field.kind,
                               **arguments)

        _, problem = await form_action(request, action, reason=reason)
        if problem is None:
            return RedirectResponse(f"/admin/custom-fields/{field_id}?saved=1",
                                    status_code=303)
    with new_uow(request, write=False) as uow:
        field = service.get_field_or_raise(uow, field_id)
        values = {**_values_of(field), **typed, "entity": field.entity, "name": field.name,
                  "kind": field.kind}
        return _page(request, "customfields/form.html", status=422, field=field,
                     values=values, **history_context(uow, field, request.state.locale), **problem)
