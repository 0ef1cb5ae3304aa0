"""Production: BOM versions and routings under change control, equipment and calibration, work
orders, scan-first material issue, output and serialization, in-process checks, the device
history record and batch release. The public face of the module.

The names are imported on first use (``platform.modules.public_face``), so that importing
the package (its descriptor) costs nothing of its models and services."""

from medtrace.platform.modules import public_face

__all__, __getattr__, __dir__ = public_face(__name__, {
    "errors": ["BatchReleaseRefused", "BomInvalid", "BomNotFound", "BomStateConflict",
        "CheckBlocks", "ComponentNotIssuable", "DhrPdfUnavailable", "EquipmentInvalid",
        "EquipmentNotFound",
        "EquipmentUnfit", "IssueInvalid", "NoChangeProcess", "OperationInvalid",
        "OutputInvalid", "ProducerMayNotRelease", "ReasonRequired", "ReleaseRefused",
        "SerialConsumed", "SubstituteNotApproved", "WorkOrderInvalid", "WorkOrderNotFound",
        "WorkOrderStateConflict", "WrongComponent"],
    "events": ["BatchReleased", "BomReleased", "MaterialIssued", "OutputReported",
        "WorkOrderStatusChanged"],
    "queries": ["list_work_orders", "work_order_view"],
    "rules": ["BomStatus", "EquipmentStatus", "WorkOrderStatus"],
    "schemas": ["BatchReleaseIn", "BomCreate", "DispositionCreate", "EquipmentRecordCreate",
        "EquipmentWrite", "IssueBatch", "IssueCreate", "IssueReturn", "LabelPrint",
        "OperationRecordCreate", "OutputCreate", "Resequence", "SubstituteApprove",
        "WorkCenterWrite", "WorkOrderCreate"],
    "service": ["approve_substitute", "cancel_work_order", "close_work_order",
        "complete_work_order", "create_bom", "create_work_order", "get_work_order_or_raise",
        "issue_material", "issue_materials", "print_labels",
        "record_disposition", "record_equipment_work", "record_operation",
        "release_batch", "release_work_order", "report_output", "resequence_work_order",
        "return_material", "save_equipment", "save_work_center", "submit_bom"],
})
