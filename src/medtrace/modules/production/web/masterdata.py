"""Master data pages of production: BOM versions, work centres and equipment, re-planning."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from medtrace.platform.web import csrf

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])
