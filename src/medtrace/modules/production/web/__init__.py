"""Production pages: work orders (list, plan, detail with actions) and the handheld material
issue page. Master data pages are in ``masterdata.py``; the DHR page in ``dhr/web``."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from medtrace.platform.web import csrf

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])
