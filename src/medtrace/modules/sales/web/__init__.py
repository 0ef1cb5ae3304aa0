"""Sales pages: orders and quotations (list, form, detail with allocation, packing and every
action), the handheld scan-first picking page, shipments with their documents and proof of
delivery, customer returns with QA's disposition, customers' sales terms and the price list.

The routes are registered on ``router`` by the submodules imported at the bottom of this file:
``orders.py`` (orders and their status actions), ``picking.py`` (allocation, the picking page,
packing), ``shipping.py`` (shipping an order, shipments, delivery), ``returns.py`` and
``customers.py`` (customers and prices). Every read goes through ``queries`` and every write
through ``service``; shared page helpers are in ``common.py``."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from medtrace.platform.web import csrf

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])

# the submodules register their routes on ``router``: imported once it exists
from medtrace.modules.sales.web import (  # noqa: E402
    customers,
    orders,
    picking,
    returns,
    shipping,
)

__all__ = ["customers", "orders", "picking", "returns", "router", "shipping"]
