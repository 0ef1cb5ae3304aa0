"""Traceability: lots, serial units, containers (SSCC), the genealogy graph, the event journal
(EPCIS-shaped), whereabouts, trace queries. The public face of the module: every other module
records through ``record_event`` inside its own unit of work.

The names are imported on first use (``platform.modules.public_face``), so that importing
the package (its descriptor, its command line) costs nothing of its models and services."""

from medtrace.platform.modules import public_face

__all__, __getattr__, __dir__ = public_face(__name__, {
    "errors": ["PartNotContained", "PartNotFittable", "StatusChangeRefused",
        "TraceCodeAmbiguous", "TraceCycleRefused", "TraceInvalid", "TraceNotFound",
        "TraceNumberTaken"],
    "events": ["LotStatusChanged"],
    "queries": ["backward", "describe", "forward", "last_event_of", "lot_issuable_clause",
        "resolve", "timeline"],
    "rules": ["ISSUABLE_STATUSES", "LotStatus", "normalize_sscc"],
    "epcis.queries": ["events_document"],
    "parts.queries": ["composition", "history_only"],
    "parts.service": ["Replacement", "edges_holding", "replace_part"],
    "service": ["Part", "Party", "ThingRef", "change_status", "contents_of",
        "create_container", "create_lot", "create_unit", "create_units", "find",
        "next_lot_number", "next_serial", "objects_by_id", "refs", "unit_facts", "get_object",
        "get_object_or_raise", "link",
        "record_event", "reverse_link"],
    "batches.service": ["change_batch_status", "codes_by_id", "link_batch", "link_many",
        "unit_rows", "units_by_serial"],
})
