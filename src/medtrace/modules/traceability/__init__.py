"""Traceability: lots, serial units, containers (SSCC), the genealogy graph, the event journal
(EPCIS-shaped), whereabouts, trace queries. The public face of the module: every other module
records through ``record_event`` inside its own unit of work."""

from medtrace.modules.traceability.errors import (
    StatusChangeRefused,
    TraceCodeAmbiguous,
    TraceCycleRefused,
    TraceInvalid,
    TraceNotFound,
    TraceNumberTaken,
)
from medtrace.modules.traceability.events import LotStatusChanged
from medtrace.modules.traceability.queries import (
    backward,
    describe,
    forward,
    lot_issuable_clause,
    resolve,
    timeline,
)
from medtrace.modules.traceability.rules import ISSUABLE_STATUSES, LotStatus
from medtrace.modules.traceability.service import (
    Part,
    Party,
    change_status,
    contents_of,
    create_container,
    create_lot,
    create_unit,
    find,
    get_object,
    get_object_or_raise,
    link,
    record_event,
    reverse_link,
)

__all__ = [
    "ISSUABLE_STATUSES",
    "LotStatus",
    "LotStatusChanged",
    "Part",
    "Party",
    "StatusChangeRefused",
    "TraceCodeAmbiguous",
    "TraceCycleRefused",
    "TraceInvalid",
    "TraceNotFound",
    "TraceNumberTaken",
    "backward",
    "change_status",
    "contents_of",
    "create_container",
    "create_lot",
    "create_unit",
    "describe",
    "find",
    "forward",
    "get_object",
    "get_object_or_raise",
    "link",
    "lot_issuable_clause",
    "record_event",
    "resolve",
    "reverse_link",
    "timeline",
]
