"""Values as the audit trail records them: JSON-safe, masked, named."""

from __future__ import annotations

import datetime as dt
import enum
import math
import uuid
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Mapper
from sqlalchemy.orm.state import InstanceState

from medtrace.platform.audit.chain import canonical_json

#: what an ``__audit_exclude__`` field's old or new value is recorded as
MASK = "***"


def jsonable(value: Any) -> Any:
    """A JSON-safe form: Decimal as text, times ISO in UTC, dates ISO, enums by value."""
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            return value.isoformat()
        return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((jsonable(v) for v in value), key=canonical_json)
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return str(value)


def action_for(table_name: str, operation: str) -> str:
    """``auth_user`` + ``update`` -> ``auth.user.update`` (owner prefix, then the entity)."""
    owner, _sep, entity = table_name.partition("_")
    return f"{owner}.{entity}.{operation}" if entity else f"{owner}.{operation}"


def entity_id_for(values: list[Any]) -> str:
    return ":".join(str(jsonable(v)) for v in values)


def primary_key_of(mapper: Mapper[Any], state: InstanceState[Any]) -> list[Any]:
    values = [state.dict.get(mapper.get_property_by_column(c).key) for c in mapper.primary_key]
    if any(v is None for v in values) and state.key is not None:
        values = list(state.key[1])
    return values
