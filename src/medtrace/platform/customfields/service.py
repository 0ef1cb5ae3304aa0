"""Custom fields: an administrator adds fields to any entity that opted in; values are
validated on every write and stored typed, so a filter on them uses an index.

A module opts an entity in with ``register_entity("catalog.item", N_("Items"))``, calls
``set_values`` in its create/update service (same unit of work), ``get_values`` when it reads,
and ``matching_record_ids`` to filter its lists.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Select, func, or_, select

from medtrace.platform.customfields.models import FieldDefinition, FieldValue
from medtrace.platform.db.base import QUANTITY_SCALE
from medtrace.platform.db.search import ESCAPE
from medtrace.platform.db.search import contains as search_pattern
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_, gettext

KINDS = ("text", "number", "date", "choice", "boolean", "reference")
KIND_LABELS = {"text": N_("text"), "number": N_("number"), "date": N_("date"),
               "choice": N_("choice"), "boolean": N_("yes / no"),
               "reference": N_("reference")}
NAME = re.compile(r"^[a-z][a-z0-9_]{0,59}$")
TRUE_WORDS, FALSE_WORDS = {"true", "1", "yes", "on"}, {"false", "0", "no", "off"}
#: resolves what a user typed for a reference (a code or an id) to the key stored, or None
Resolver = Callable[[UnitOfWork, str], str | None]
LARGEST = Decimal(10) ** (24 - QUANTITY_SCALE)
_entities: dict[str, str] = {}
_resolvers: dict[str, Resolver] = {}


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


class CustomFieldNotFound(DomainError):
    code = "MT-CUSTOMFIELD-NOT-FOUND"
    status = 404
    title = N_("Custom field not found.")
    help = "No custom field definition with this id, or no such field on this entity."


def register_entity(entity: str, label: str, *, resolve: Resolver | None = None) -> None:
    """Opt an entity in; ``resolve`` lets reference fields pointing at it check their values."""
    _entities[entity] = label
    if resolve is not None:
        _resolvers[entity] = resolve


def entities() -> dict[str, str]:
    return dict(sorted(_entities.items()))


def get_field_or_raise(uow: UnitOfWork, field_id: int) -> FieldDefinition:
    field = uow.session.get(FieldDefinition, field_id)
    if field is None:
        raise CustomFieldNotFound(f"no custom field {field_id}")
    return field


def search_fields(uow: UnitOfWork, *, entity: str | None = None, kind: str | None = None,
                  active: bool | None = None, search: str | None = None, limit: int = 50,
                  offset: int = 0) -> tuple[list[FieldDefinition], int]:
    """Definitions matching every given filter, by entity, position and name; and the total."""
    query = select(FieldDefinition)
    if entity:
        query = query.where(FieldDefinition.entity == entity)
    if kind:
        query = query.where(FieldDefinition.kind == kind)
    if active is not None:
        query = query.where(FieldDefinition.active.is_(active))
    if search and search.strip():
        like = search_pattern(search.strip())
        query = query.where(or_(*(column.ilike(like, escape=ESCAPE) for column in (
            FieldDefinition.name, FieldDefinition.label_zh, FieldDefinition.label_en))))
    total = uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = uow.session.scalars(query.order_by(FieldDefinition.entity, FieldDefinition.position,
                                              FieldDefinition.name).limit(limit).offset(offset))
    return list(rows), int(total)


def list_fields(uow: UnitOfWork, entity: str, *, active_only: bool = True
                ) -> list[FieldDefinition]:
    query = select(FieldDefinition).where(FieldDefinition.entity == entity)
    if active_only:
        query = query.where(FieldDefinition.active.is_(True))
    return list(uow.session.scalars(query.order_by(FieldDefinition.position,
                                                   FieldDefinition.name)))


def get_field(uow: UnitOfWork, entity: str, name: str) -> FieldDefinition | None:
    return uow.session.scalar(select(FieldDefinition).where(
        FieldDefinition.entity == entity, FieldDefinition.name == name))


def create_field(uow: UnitOfWork, *, entity: str, name: str, **attributes: Any
                 ) -> FieldDefinition:
    """Define a new field (``save_field`` would change an existing one of the same name)."""
    if get_field(uow, entity, name) is not None:
        raise CustomFieldDefinitionInvalid(f"{entity} already has a field {name}", errors=[{
            "field": "name", "message": gettext("this entity already has a field of this name"),
            "type": "value_error"}])
    return save_field(uow, entity=entity, name=name, **attributes)


def save_field(uow: UnitOfWork, *, entity: str, name: str, label_zh: str, label_en: str,
               kind: str, unit: str | None = None, required: bool = False,
               pattern: str | None = None, min_value: Decimal | None = None,
               max_value: Decimal | None = None, choices: list[dict[str, str]] | None = None,
               reference_entity: str | None = None, position: int = 0, active: bool = True
               ) -> FieldDefinition:
    """Define a field, or change it (entity and name identify it; the kind cannot change).
    Attributes that do not apply to the kind (a unit on a date...) are dropped."""
    problems: list[dict[str, str]] = []

    def bad(attribute: str, message: str) -> None:
        problems.append({"field": attribute, "message": message, "type": "value_error"})

    if entity not in _entities:
        bad("entity", gettext("unknown entity %(entity)s", entity=entity))
    if not NAME.match(name or ""):
        bad("name", gettext("lower-case letters, digits and _, starting with a letter"))
    if kind not in KINDS:
        bad("kind", gettext("is not one of the choices offered"))
    for attribute, label in (("label_zh", label_zh), ("label_en", label_en)):
        if not (label or "").strip() or len(label) > 100:
            bad(attribute, gettext("a label of 1 to 100 characters is needed"))
    pattern = (pattern or "").strip() or None if kind in ("text", "reference") else None
    if pattern:
        try:
            re.compile(pattern)
        except re.error:
            bad("pattern", gettext("not a valid regular expression"))
    if kind != "number":
        min_value = max_value = unit = None
    for attribute, limit in (("min_value", min_value), ("max_value", max_value)):
        problem = number_problem(limit) if limit is not None else None
        if problem:
            bad(attribute, problem)
    if min_value is not None and max_value is not None and min_value > max_value:
        bad("max_value", gettext("the maximum is below the minimum"))
    choices = [{k: str(v).strip() for k, v in c.items()} for c in choices or []]
    if kind != "choice":
        choices = []
    values = [c.get("value", "") for c in choices]
    if kind == "choice" and (not values or not all(values)):
        bad("choices", gettext("a choice field needs its choices, each with a value"))
    elif len(set(values)) != len(values):
        bad("choices", gettext("each choice value once"))
    if kind != "reference":
        reference_entity = None
    elif reference_entity not in _entities:
        bad("reference_entity", gettext("a reference field needs a known entity"))
    field = get_field(uow, entity, name)
    if field is not None and field.kind != kind:
        bad("kind", gettext("the type of an existing field cannot change"))
    if problems:
        raise CustomFieldDefinitionInvalid(
            "; ".join(f"{p['field']}: {p['message']}" for p in problems), errors=problems)
    if field is None:
        field = FieldDefinition(entity=entity, name=name, kind=kind)
        uow.session.add(field)
    field.label_zh, field.label_en = label_zh.strip(), label_en.strip()
    field.unit, field.required = (unit or "").strip() or None, required
    field.pattern, field.min_value, field.max_value = pattern, min_value, max_value
    field.choices = choices
    field.reference_entity, field.position, field.active = reference_entity, position, active
    uow.session.flush()
    return field


def number_problem(number: Decimal) -> str | None:
    """What keeps a number from being stored exactly (None when it can be)."""
    if not number.is_finite():
        return gettext("a number is expected")
    if number.as_tuple().exponent < -QUANTITY_SCALE:  # type: ignore[operator]
        return gettext("at most %(n)s decimal places", n=QUANTITY_SCALE)
    if abs(number) >= LARGEST:
        return gettext("the number is too large")
    return None


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
        problem = number_problem(number)
        if problem:
            return _bad(field, problem)
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


def _resolve(uow: UnitOfWork, field: FieldDefinition, text: str
             ) -> tuple[str, Any] | dict[str, str]:
    """A reference's stored key, when its entity can check what it points at."""
    resolver = _resolvers.get(field.reference_entity or "")
    if resolver is None:
        return "value_text", text
    key = resolver(uow, text)
    if key is None:
        return _bad(field, gettext("no such record: %(value)s", value=text))
    return "value_text", key


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
        if not isinstance(result, dict) and field.kind == "reference":
            result = _resolve(uow, field, result[1])
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


def _typed(field: FieldDefinition, row: FieldValue) -> Any:
    return {"number": row.value_number, "date": row.value_date,
            "boolean": row.value_bool}.get(field.kind, row.value_text)


def get_values(uow: UnitOfWork, entity: str, record_id: int | str) -> dict[str, Any]:
    return values_for(uow, entity, [record_id]).get(str(record_id), {})


def values_for(uow: UnitOfWork, entity: str, record_ids: Iterable[int | str]
               ) -> dict[str, dict[str, Any]]:
    """The values of many records at once (one query per 500 records), by record id (str)."""
    keys = sorted({str(r) for r in record_ids})
    found: dict[str, dict[str, Any]] = {}
    if not keys:
        return found
    fields = {f.id: f for f in list_fields(uow, entity, active_only=False)}
    for start in range(0, len(keys), 500):
        for row in uow.session.scalars(select(FieldValue).where(
                FieldValue.entity == entity, FieldValue.record_id.in_(keys[start:start + 500]))):
            field = fields.get(row.field_id)
            if field is not None:
                found.setdefault(row.record_id, {})[field.name] = _typed(field, row)
    return found


def _filter_value(uow: UnitOfWork, field: FieldDefinition, value: Any) -> tuple[str, Any]:
    if field.kind == "boolean" and isinstance(value, str):
        word = value.strip().lower()
        value = True if word in TRUE_WORDS else False if word in FALSE_WORDS else value
    result = _coerce(field, value)
    if not isinstance(result, dict) and field.kind == "reference":
        result = _resolve(uow, field, result[1])
    if isinstance(result, dict):
        raise CustomFieldInvalid(f"{result['field']}: {result['message']}", errors=[result])
    return result


def matching_record_ids(uow: UnitOfWork, entity: str, name: str, value: Any) -> Select[Any]:
    """A sub-select of record ids whose field ``name`` equals ``value`` (indexed lookup:
    the value is typed like a stored one, so ``(field_id, value_<type>)`` is used)."""
    field = uow.session.scalar(select(FieldDefinition).where(
        FieldDefinition.entity == entity, FieldDefinition.name == name))
    if field is None:
        raise CustomFieldInvalid(f"unknown field {name}", errors=[{
            "field": f"custom_fields.{name}", "message": gettext("unknown field"),
            "type": "unknown"}])
    column, typed = _filter_value(uow, field, value)
    return select(FieldValue.record_id).where(FieldValue.field_id == field.id,
                                              getattr(FieldValue, column) == typed)
