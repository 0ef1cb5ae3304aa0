"""Words for the audit trail: the field names every module shares, and the operations.

A model names what it is and links to its page with ``__audit_label__`` and ``__audit_link__``,
and labels its own fields with ``__audit_fields__``; the names below are the shared vocabulary a
model does not need to repeat. ``tests/platform/test_audit_labels.py`` fails while an audited
field has no label, so a new module cannot add a field that shows as a database name.
"""

from __future__ import annotations

from medtrace.platform.i18n import N_

#: what a record's entry did (the last part of ``AuditEntry.action``)
OPERATIONS = {
    "create": N_("created"),
    "update": N_("changed"),
    "delete": N_("deleted"),
}

#: field names with one meaning wherever they appear
COMMON_FIELDS = {
    "id": N_("Record id"),
    "code": N_("Code"),
    "name": N_("Name"),
    "name_zh": N_("Name (Chinese)"),
    "name_en": N_("Name (English)"),
    "label_zh": N_("Label (Chinese)"),
    "label_en": N_("Label (English)"),
    "description": N_("Description"),
    "notes": N_("Notes"),
    "note": N_("Note"),
    "status": N_("Status"),
    "kind": N_("Kind"),
    "active": N_("Active"),
    "created_at": N_("Created at"),
    "created_by": N_("Created by"),
    "updated_at": N_("Updated at"),
    "item_id": N_("Item"),
    "lot_id": N_("Lot"),
    "unit_id": N_("Serial unit"),
    "partner_id": N_("Partner"),
    "location_id": N_("Location"),
    "site_id": N_("Site"),
    "site_code": N_("Site"),
    "user_id": N_("User"),
    "role_id": N_("Role"),
    "thing_key": N_("Stock key"),
    "quantity": N_("Quantity"),
    "uom": N_("Unit of measure"),
    "reason": N_("Reason"),
    "actor": N_("By"),
    "at": N_("At"),
    "request_id": N_("Request id"),
    "expiry_date": N_("Expiry date"),
    "email": N_("Email"),
    "phone": N_("Phone"),
    "address": N_("Address"),
    "country": N_("Country"),
    "pattern": N_("Pattern"),
    "position": N_("Position"),
    "required": N_("Required"),
    "entity": N_("Record type"),
    "value": N_("Value"),
    "key": N_("Key"),
}
