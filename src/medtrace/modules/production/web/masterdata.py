"""Master data pages of production: BOM versions (``boms.py``), work centres and equipment
(``equipment.py``), re-planning (``replanning.py``); all served by this ``router``."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from medtrace.modules.production.web import boms, equipment, replanning
from medtrace.platform.web import csrf

router = APIRouter(include_in_schema=False, dependencies=[Depends(csrf.csrf_protect)])
router.include_router(boms.router)
router.include_router(equipment.router)
router.include_router(replanning.router)
