"""Custom fields as a platform mechanism (see ``service`` for how a module opts in)."""

from medtrace.platform.customfields.models import FieldDefinition, FieldValue
from medtrace.platform.customfields.service import (
    KIND_LABELS,
    KINDS,
    CustomFieldDefinitionInvalid,
    CustomFieldInvalid,
    CustomFieldNotFound,
    create_field,
    entities,
    get_field,
    get_field_or_raise,
    get_values,
    list_fields,
    matching_record_ids,
    register_entity,
    save_field,
    search_fields,
    set_values,
    values_for,
)

__all__ = [
    "KINDS",
    "KIND_LABELS",
    "CustomFieldDefinitionInvalid",
    "CustomFieldInvalid",
    "CustomFieldNotFound",
    "FieldDefinition",
    "FieldValue",
    "create_field",
    "entities",
    "get_field",
    "get_field_or_raise",
    "get_values",
    "list_fields",
    "matching_record_ids",
    "register_entity",
    "save_field",
    "search_fields",
    "set_values",
    "values_for",
]
