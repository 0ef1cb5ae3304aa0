"""Production pages: work orders (list, plan, detail with actions) and the handheld material
issue page. Master data pages are in ``masterdata.py``; the DHR page in ``dhr/web``.

The routes are registered on ``router`` by ``orders.py`` (the work order pages) and
``issue.py`` (the scan-first issue page), imported at the bottom of this file; the reads are
``queries``; shared page helpers are in ``common.py``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends

from medtrace.modules.production import queries, service
from medtrace.modules.production.models import WorkOrder
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.web import csrf

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])


routing, operation_records, check_results = (queries.routing, queries.operation_records,
                                             queries.check_results)


def shortages(uow: UnitOfWork, order: WorkOrder) -> list[dict[str, Any]]:
    return [{**row, "needed": queries.text(row["needed"]),
             "available": queries.text(row["available"]), "short": queries.text(row["short"])}
            for row in service.shortages(uow, order)]


# the submodules register their routes on ``router``: imported once it exists
from medtrace.modules.production.web import issue, orders  # noqa: E402

__all__ = ["check_results", "issue", "operation_records", "orders", "router", "routing",
           "shortages"]
