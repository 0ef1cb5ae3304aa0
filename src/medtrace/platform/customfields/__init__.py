"""Custom fields as a platform mechanism (see ``service`` for how a module opts in)."""

from medtrace.platform.customfields.models import FieldDefinition, FieldValue
from medtrace.platform.customfields.service import (
    KINDS,
    CustomFieldDefinitionInvalid,
    CustomFieldInvalid,
    entities,
    get_values,
    list_fields,
    matching_record_ids,
    register_entity,
    save_field,
    set_values,
)

__all__ = [
    "KINDS",
    "CustomFieldDefinitionInvalid",
    "CustomFieldInvalid",
    "FieldDefinition",
    "FieldValue",
    "entities",
    "get_values",
    "list_fields",
    "matching_record_ids",
    "register_entity",
    "save_field",
    "set_values",
]
