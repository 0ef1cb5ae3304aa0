"""Custom fields: an administrator adds fields to any entity that opted in; values are
validated on every write and stored typed, so a filter on them uses an index.

A module opts an entity in with ``register_entity("catalog.item", N_("Items"))``, calls
``set_values`` in its create/update service (same unit of work), ``get_values`` when it reads,
and ``matching_record_ids`` to filter its lists.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Select, select

from medtrace.platform.customfields.models import FieldDefinition, FieldValue
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_, gettext

KINDS = ("text", "number", "date", "choice", "boolean", "reference")
NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
_entities: dict[str, str] = {}


class CustomFieldInvalid(DomainError):
    code = "MT-CUSTOMFIELD-INVALID"
    status = 422
    title = N_("A custom field value is not valid.")
    help = "A value has the wrong type, breaks the field's pattern or range, or is missing."


class CustomFieldDefinitionInvalid(DomainError):
    code = "MT-CUSTOMFIELD-DEFINITION"
    status = 422
    title = N_("The custom field definition is not valid.")
    help = "Unknown entity or type, a name already used, or contradictory limits."


def register_entity(entity: str, label: str) -> None:
    _entities[entity] = label


def entities() -> dict[str, str]:
    return dict(sorted(_entities.items()))


def list_fields(uow: UnitOfWork, entity: str, *, active_only: bool = True
                ) -> list[FieldDefinition]:
    query = select(FieldDefinition).where(FieldDefinition.entity == entity)
    if active_only:
        query = query.where(FieldDefinition.active.is_(True))
    return list(uow.session.scalars(query.order_by(FieldDefinition.position,
                                                   FieldDefinition.name)))


def save_field(uow: UnitOfWork, *, entity: str, name: str, label_zh: str, label_en: str,
               kind: str, unit: str | None = None, required: bool = False,
               pattern: str | None = None, min_value: Decimal | None = None,
               max_value: Decimal | None = None, choices: list[dict[str, str]] | None = None,
               reference_entity: str | None = None, position: int = 0, active: bool = True
               ) -> FieldDefinition:
    """Define a field, or change it (entity and name identify it; the kind cannot change)."""
    problems = []
    if entity not in _entities:
        problems.append(f"unknown entity {entity}")
    if not NAME.match(name):
        problems.append("the name is lower-case letters, digits and _")
    if kind not in KINDS:
        problems.append(f"the type is one of {', '.join(KINDS)}")
    if pattern:
        try:
            re.compile(pattern)
        except re.error:
            problems.append("the pattern is not a valid regular expression")
    if min_value is not None and max_value is not None and min_value > max_value:
        problems.append("the minimum is above the maximum")
    if kind == "choice" and not choices:
        problems.append("a choice field needs its choices")
    if kind == "reference" and reference_entity not in _entities:
        problems.append("a reference field needs a known entity")
    field = uow.session.scalar(select(FieldDefinition).where(
        FieldDefinition.entity == entity, FieldDefinition.name == name))
    if field is not None and field.kind != kind:
        problems.append("the type of an existing field cannot change")
    if problems:
        raise CustomFieldDefinitionInvalid("; ".join(problems))
    if field is None:
        field = FieldDefinition(entity=entity, name=name, kind=kind)
        uow.session.add(field)
    field.label_zh, field.label_en, field.unit, field.required = label_zh, label_en, unit, required
    field.pattern, field.min_value, field.max_value = pattern or None, min_value, max_value
    field.choices = [dict(c) for c in choices or []]
    field.reference_entity, field.position, field.active = reference_entity, position, active
    uow.session.flush()
    return field


def _bad(field: FieldDefinition, message: str) -> dict[str, str]:
    return {"field": f"custom_fields.{field.name}", "message": message, "type": field.kind}


def _coerce(field: FieldDefinition, raw: Any) -> tuple[str, Any] | dict[str, str]:
    """(column, typed value) or a problem."""
    if field.kind in ("text", "reference"):
        if not isinstance(raw, str | int) or isinstance(raw, bool):
            return _bad(field, gettext("text expected"))
        text = str(raw).strip()
        if len(text) > 500:
            return _bad(field, gettext("at most 500 characters"))
        if field.pattern and not re.fullmatch(field.pattern, text):
            return _bad(field, gettext("does not match the required pattern"))
        return "value_text", text
    if field.kind == "number":
        if isinstance(raw, bool | float):
            return _bad(field, gettext("a number written as text or an integer is expected"))
        try:
            number = Decimal(str(raw).strip())
        except (InvalidOperation, ValueError):
            return _bad(field, gettext("a number is expected"))
        if not number.is_finite():
            return _bad(field, gettext("a number is expected"))
        if field.min_value is not None and number < field.min_value:
            return _bad(field, gettext("at least %(n)s", n=field.min_value))
        if field.max_value is not None and number > field.max_value:
            return _bad(field, gettext("at most %(n)s", n=field.max_value))
        return "value_number", number
    if field.kind == "date":
        try:
            return "value_date", dt.date.fromisoformat(str(raw))
        except ValueError:
            return _bad(field, gettext("a date YYYY-MM-DD is expected"))
    if field.kind == "boolean":
        if isinstance(raw, bool):
            return "value_bool", raw
        return _bad(field, gettext("true or false is expected"))
    allowed = [c.get("value") for c in field.choices or []]
    if raw not in allowed:
        return _bad(field, gettext("one of %(values)s", values=", ".join(map(str, allowed))))
    return "value_text", raw


def set_values(uow: UnitOfWork, entity: str, record_id: int | str, values: dict[str, Any],
               *, partial: bool = False) -> None:
    """Validate and store the values of one record (all fields; or only the given ones)."""
    fields = {f.name: f for f in list_fields(uow, entity)}
    problems = [{"field": f"custom_fields.{name}", "message": gettext("unknown field"),
                 "type": "unknown"} for name in values if name not in fields]
    typed: dict[str, tuple[str, Any] | None] = {}
    for name, field in fields.items():
        raw = values.get(name)
        if raw is None or raw == "":
            if field.required and not (partial and name not in values):
                problems.append(_bad(field, gettext("required")))
            if name in values or not partial:
                typed[name] = None
            continue
        result = _coerce(field, raw)
        if isinstance(result, dict):
            problems.append(result)
        else:
            typed[name] = result
    if problems:
        raise CustomFieldInvalid("; ".join(f"{p['field']}: {p['message']}" for p in problems),
                                 errors=problems)
    key = str(record_id)
    stored = {v.field_id: v for v in uow.session.scalars(select(FieldValue).where(
        FieldValue.entity == entity, FieldValue.record_id == key))}
    for name, value in typed.items():
        field = fields[name]
        row = stored.get(field.id)
        if value is None:
            if row is not None:
                uow.session.delete(row)
            continue
        if row is None:
            row = FieldValue(field_id=field.id, entity=entity, record_id=key)
            uow.session.add(row)
        column, typed_value = value
        for other in ("value_text", "value_number", "value_date", "value_bool"):
            setattr(row, other, typed_value if other == column else None)
    uow.session.flush()


def get_values(uow: UnitOfWork, entity: str, record_id: int | str) -> dict[str, Any]:
    fields = {f.id: f for f in list_fields(uow, entity, active_only=False)}
    values: dict[str, Any] = {}
    for row in uow.session.scalars(select(FieldValue).where(
            FieldValue.entity == entity, FieldValue.record_id == str(record_id))):
        field = fields.get(row.field_id)
        if field is None:
            continue
        value = {"number": row.value_number, "date": row.value_date,
                 "boolean": row.value_bool}.get(field.kind, row.value_text)
        values[field.name] = value
    return values


def matching_record_ids(uow: UnitOfWork, entity: str, name: str, value: Any) -> Select[Any]:
    """A sub-select of record ids whose field ``name`` equals ``value`` (indexed lookup)."""
    field = uow.session.scalar(select(FieldDefinition).where(
        FieldDefinition.entity == entity, FieldDefinition.name == name))
    if field is None:
        raise CustomFieldInvalid(f"unknown field {name}")
    result = _coerce(field, value)
    if isinstance(result, dict):
        raise CustomFieldInvalid(result["message"], errors=[result])
    column, typed = result
    return select(FieldValue.record_id).where(FieldValue.field_id == field.id,
                                              getattr(FieldValue, column) == typed)
