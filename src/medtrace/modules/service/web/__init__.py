"""Service pages. The routes are registered on ``router`` by the submodules imported at the
bottom: ``base.py`` (the installed base with filters and export, a unit's service page,
recording an installation, warranty and maintenance setup) and ``orders.py`` (service orders:
list, new, the technician's handheld order page with part replacement by scan, versions,
completion with signature; follow-up visits). Every read goes through ``queries`` and every
write through ``service``."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from medtrace.platform.web import csrf

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])

# the submodules register their routes on ``router``: imported once it exists
from medtrace.modules.service.web import base, orders, visits  # noqa: E402

__all__ = ["base", "orders", "router", "visits"]
