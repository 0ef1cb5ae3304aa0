"""Production's write actions, one function per action (API, pages, CLI and other modules all
call these): master data, work orders, material issue, output, operations and checks, batch
release."""

from medtrace.modules.production.service.checks import (
    approve_substitute,
    record_disposition,
    record_operation,
)
from medtrace.modules.production.service.issuing import issue_materials
from medtrace.modules.production.service.masterdata import (
    BOM_RECORD,
    CHANGE_PROCESS,
    bom_lines,
    bom_operations,
    create_bom,
    effective_bom,
    get_bom_or_raise,
    get_equipment_or_raise,
    get_work_center_or_raise,
    record_equipment_work,
    save_equipment,
    save_work_center,
    submit_bom,
)
from medtrace.modules.production.service.material import issue_material, return_material
from medtrace.modules.production.service.orders import (
    cancel_work_order,
    close_work_order,
    complete_work_order,
    create_work_order,
    get_work_order_or_raise,
    release_work_order,
    resequence_work_order,
    shortages,
)
from medtrace.modules.production.service.outputs import (
    OutputDone,
    PrintedLabel,
    print_labels,
    report_output,
)
from medtrace.modules.production.service.release import release_batch

__all__ = [
    "BOM_RECORD",
    "CHANGE_PROCESS",
    "OutputDone",
    "PrintedLabel",
    "approve_substitute",
    "bom_lines",
    "bom_operations",
    "cancel_work_order",
    "close_work_order",
    "complete_work_order",
    "create_bom",
    "create_work_order",
    "effective_bom",
    "get_bom_or_raise",
    "get_equipment_or_raise",
    "get_work_center_or_raise",
    "get_work_order_or_raise",
    "issue_material",
    "issue_materials",
    "print_labels",
    "record_disposition",
    "record_equipment_work",
    "record_operation",
    "release_batch",
    "release_work_order",
    "report_output",
    "resequence_work_order",
    "return_material",
    "save_equipment",
    "save_work_center",
    "shortages",
    "submit_bom",
]
