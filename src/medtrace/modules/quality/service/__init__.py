"""Quality write actions (``core``: plans, opening, results, switching; ``decisions``:
release, concession, rejection)."""

from medtrace.modules.quality.service.core import (
    INSPECTION_NUMBERS,
    NC_NUMBERS,
    UploadedFile,
    get_inspection_or_raise,
    get_plan,
    open_inspection,
    record_results,
    results_of,
    sample_plans_of,
    save_plan,
    update_switching,
    verdicts,
)
from medtrace.modules.quality.service.decisions import (
    _move_goods,
    reject_inspection,
    release_conditionally,
    release_inspection,
)

__all__ = [
    "INSPECTION_NUMBERS",
    "NC_NUMBERS",
    "UploadedFile",
    "_move_goods",
    "get_inspection_or_raise",
    "get_plan",
    "open_inspection",
    "record_results",
    "reject_inspection",
    "release_conditionally",
    "release_inspection",
    "results_of",
    "sample_plans_of",
    "save_plan",
    "update_switching",
    "verdicts",
]
