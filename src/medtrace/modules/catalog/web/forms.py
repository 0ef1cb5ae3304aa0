"""The item form of the pages (new and edit): what the page shows back after a refusal, and the
data the service gets.

Packaging levels and unit conversions are rows of indexed inputs (``packaging-0-gtin``,
``conversions-1-factor``...); a row whose significant inputs are all empty is ignored, so the
page offers a few blank rows without any script. The form of the first version (one ``gtin``
input for the unit of use) is still understood.
"""

from __future__ import annotations

from typing import Any

from medtrace.modules.catalog.models import Item

SCALARS = (
    "name_zh", "name_en", "base_uom", "category", "class_cn", "class_us", "class_eu",
    "tracking", "kind", "shelf_life_days", "min_remaining_shelf_life_days", "storage_min_c",
    "storage_max_c", "registration_number", "registration_expiry", "notes",
)  # fmt: skip
DEFAULTS = {"base_uom": "EA", "tracking": "lot", "kind": "finished", "notes": ""}
PACKAGING = ("level", "name", "gtin", "quantity", "uom", "alt_agency", "alt_di")
CONVERSIONS = ("uom", "factor")
#: rows offered empty below the filled ones
BLANK_ROWS = 2
MAX_ROWS = 20


def _text(form: Any, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _rows(form: Any, prefix: str, names: tuple[str, ...],
          significant: tuple[str, ...]) -> list[dict[str, str]]:
    rows = []
    for index in range(MAX_ROWS):
        row = {name: _text(form, f"{prefix}-{index}-{name}") for name in names}
        if any(row[name] for name in significant):
            rows.append(row)
    return rows


def read_item_form(form: Any, *, custom: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """(values to show the form again, payload for ``ItemCreate`` / ``ItemUpdate``)."""
    values: dict[str, Any] = {name: _text(form, name) for name in SCALARS}
    values |= {"code": _text(form, "code"), "reason": _text(form, "reason"), "custom": custom}
    packaging = _rows(form, "packaging", PACKAGING, ("name", "gtin", "alt_di"))
    legacy_gtin = _text(form, "gtin")
    if legacy_gtin and not packaging:
        packaging = [{"level": "0", "name": "unit", "gtin": legacy_gtin, "quantity": "1",
                      "uom": "", "alt_agency": "", "alt_di": ""}]
    conversions = _rows(form, "conversions", CONVERSIONS, CONVERSIONS)
    values |= {"packaging": packaging, "conversions": conversions}

    payload: dict[str, Any] = {name: values[name] or DEFAULTS.get(name) for name in SCALARS}
    values["certificate_required"] = form.get("certificate_required") == "on"
    payload["certificate_required"] = values["certificate_required"]
    payload["custom_fields"] = custom
    payload["conversions"] = [{"uom": row["uom"], "factor": row["factor"] or None}
                              for row in conversions]
    payload["packaging"] = []
    for index, row in enumerate(packaging):
        level = row["level"] or str(index)
        payload["packaging"].append({
            "level": level, "name": row["name"] or None, "gtin": row["gtin"],
            "quantity": row["quantity"] or ("1" if level == "0" else None),
            "uom": row["uom"] or None, "alt_agency": row["alt_agency"] or None,
            "alt_di": row["alt_di"] or None,
        })
    return values, payload


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


def item_values(item: Item, custom: dict[str, Any]) -> dict[str, Any]:
    """The form's values for an item as it is stored."""
    values: dict[str, Any] = {name: _shown(getattr(item, name)) for name in SCALARS}
    values |= {"code": item.code, "reason": "", "custom": custom,
               "certificate_required": bool(item.certificate_required)}
    values["packaging"] = [{name: _shown(getattr(p, name)) for name in PACKAGING}
                           for p in item.packaging]
    values["conversions"] = [{"uom": c.uom, "factor": _shown(c.factor)} for c in item.conversions]
    return values
