"""Quality: inspection plans, ISO 2859-1 sampling and switching, incoming inspection with QA's
signed release and rejection, nonconformances. The public face of the module: procurement's
receipt calls ``open_inspection``; production and service will too.

The names are imported on first use (``platform.modules.public_face``), so that importing
the package (its descriptor) costs nothing of its models and services."""

from medtrace.platform.modules import public_face

__all__, __getattr__, __dir__ = public_face(__name__, {
    "errors": ["InspectionDiscontinued", "InspectionNotFound", "InspectionStateError",
        "NoTargetLocation", "PlanInvalid", "ReceiverMayNotSign", "ResultsInvalid",
        "SamplingInvalid", "SignerMismatch"],
    "events": ["InspectionDecided", "InspectionOpened", "NonconformanceOpened"],
    "queries": ["SupplierQuality", "inspections_for", "list_inspections",
        "list_nonconformances", "supplier_quality"],
    "rules": ["CharacteristicKind", "InspectionStatus", "InspectionVerdict"],
    "schemas": ["CharacteristicWrite", "ConcessionIn", "DecisionIn", "PlanWrite", "ResultIn",
        "ResultsEntry", "SignatureIn", "SwitchingUpdate"],
    "complaints.errors": ["ComplaintInvalid", "ComplaintNotFound"],
    "complaints.events": ["ComplaintReceived"],
    "complaints.schemas": ["ComplaintCreate"],
    "complaints.service": ["get_complaint_or_raise", "open_complaint"],
    "service": ["get_inspection_or_raise", "open_inspection", "record_results",
        "reject_inspection", "release_conditionally", "release_inspection", "save_plan",
        "update_switching"],
})
