"""Custom fields on pages: labels in the user's language, values for display, values from a
posted form, and list filters from the query string (``cf_<name>=value``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from medtrace.platform.customfields.models import FieldDefinition
from medtrace.platform.db.base import plain_decimal
from medtrace.platform.errors import ValidationFailed
from medtrace.platform.i18n import gettext

PREFIX = "cf_"


def label(field: FieldDefinition, locale: str) -> str:
    return field.label_zh if locale == "zh_CN" else field.label_en


def heading(field: FieldDefinition, locale: str) -> str:
    """The column heading: the label, with the unit of a number."""
    text = label(field, locale)
    return f"{text} ({field.unit})" if field.unit else text


def choice_label(field: FieldDefinition, value: Any, locale: str) -> str:
    for choice in field.choices or []:
        if choice.get("value") == value:
            text = choice.get("label_zh") if locale == "zh_CN" else choice.get("label_en")
            return text or str(value)
    return str(value)


def display(field: FieldDefinition, value: Any, locale: str) -> str:
    """A stored value as a person reads it ("—" when there is none)."""
    if value is None or value == "":
        return "—"
    if field.kind == "boolean":
        return gettext("yes") if value else gettext("no")
    if field.kind == "choice":
        return choice_label(field, value, locale)
    if isinstance(value, Decimal):
        text = str(plain_decimal(value))
        return f"{text} {field.unit}" if field.unit else text
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def as_input(field: FieldDefinition, value: Any) -> str:
    """A stored value as a form input shows it."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return str(plain_decimal(value))
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def form_values(fields: Iterable[FieldDefinition], form: Mapping[str, Any]) -> dict[str, Any]:
    """The values a posted form gives (inputs named ``cf_<name>``; an unchecked box is no)."""
    values: dict[str, Any] = {}
    for field in fields:
        raw = form.get(PREFIX + field.name)
        if field.kind == "boolean":
            values[field.name] = raw in ("on", "true", "1")
        elif isinstance(raw, str) and raw.strip():
            values[field.name] = raw.strip()
        else:
            values[field.name] = None
    return values


def query_filters(fields: Iterable[FieldDefinition], params: Mapping[str, Any]
                  ) -> dict[str, str]:
    """The custom-field filters of a list page's query string, by field name."""
    found = {}
    for field in fields:
        raw = params.get(PREFIX + field.name)
        if isinstance(raw, str) and raw.strip():
            found[field.name] = raw.strip()
    return found


def filter_query(filters: Mapping[str, str], plain: Mapping[str, str] | None = None) -> str:
    """The query string that repeats a list's filters (for pager and export links): its own
    (``plain``, empty ones left out) and the custom-field ones."""
    pairs = {k: v for k, v in (plain or {}).items() if v}
    pairs.update({PREFIX + name: value for name, value in filters.items()})
    return urlencode(pairs)


def parse_pairs(values: Iterable[str]) -> dict[str, str]:
    """API filters written ``name:value`` (repeatable query parameter ``custom``)."""
    pairs = {}
    for value in values:
        name, sep, wanted = value.partition(":")
        if not sep or not name.strip():
            raise ValidationFailed("custom filters are written name:value", errors=[
                {"field": "custom", "message": value, "type": "value_error"}])
        pairs[name.strip()] = wanted
    return pairs
