"""Reads of the set-up page: the warranty terms and maintenance intervals per item with their
item codes, and the installed units whose preventive maintenance falls due, as rows to show."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import select

from medtrace.modules import catalog, partners, traceability
from medtrace.modules.service import service
from medtrace.modules.service.models import MaintenancePlan, WarrantyTerm
from medtrace.platform.db.uow import UnitOfWork


def warranty_terms(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Every item's warranty terms, by item code."""
    rows = list(uow.session.scalars(select(WarrantyTerm)))
    items = catalog.item_refs(uow, {r.item_id for r in rows})
    found = [{"item": items.get(r.item_id, ("",))[0], "months": r.months, "basis": r.basis}
             for r in rows]
    return sorted(found, key=lambda r: r["item"])


def maintenance_plans(uow: UnitOfWork) -> list[dict[str, Any]]:
    """Every item's preventive maintenance interval, by item code."""
    rows = list(uow.session.scalars(select(MaintenancePlan)))
    items = catalog.item_refs(uow, {r.item_id for r in rows})
    found = [{"item": items.get(r.item_id, ("",))[0], "interval_months": r.interval_months,
              "description": r.description} for r in rows]
    return sorted(found, key=lambda r: r["item"])


def falling_due(uow: UnitOfWork, *, on: dt.date, lead_days: int) -> list[dict[str, Any]]:
    """The installed units whose preventive maintenance falls due by ``on + lead_days``, the
    earliest first, with their serial, item, customer and site."""
    due = [d for d in service.due_units(uow, on=on, lead_days=lead_days) if d["falls_due"]]
    codes = traceability.codes_by_id(uow, [d["unit_id"] for d in due])
    items = catalog.item_refs(uow, {d["installation"].item_id for d in due})
    customers = partners.partner_codes(uow, {d["installation"].customer_id for d in due})
    rows = [{"unit_id": d["unit_id"], "serial": codes.get(d["unit_id"]),
             "item": items.get(d["installation"].item_id, ("",))[0],
             "customer": customers.get(d["installation"].customer_id),
             "site": d["installation"].site, "department": d["installation"].department,
             "last": d["last"], "due_on": d["due_on"], "open_order": d["open_order"]}
            for d in due]
    return sorted(rows, key=lambda r: (r["due_on"], r["serial"] or ""))
