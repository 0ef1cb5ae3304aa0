from medtrace.platform.auth.permissions import declare
from medtrace.platform.i18n import N_

TRACE_VIEW = declare("traceability.trace.view", N_("View lots, units, genealogy and traces"))
TRACE_RECORD = declare("traceability.trace.record",
                       N_("Create lots, units and containers; record events and links"))
LOT_RELEASE = declare("traceability.lot.release",
                      N_("Release or reject lots and units (QA, signed)"))
LOT_HOLD = declare("traceability.lot.hold", N_("Put lots and units on hold"))
LOT_RECALL = declare("traceability.lot.recall", N_("Mark lots and units as recalled"))
TRACE_IMPORT = declare("traceability.trace.import", N_("Bulk-import traceability history"))
EPCIS_CAPTURE = declare("traceability.epcis.capture", N_("Capture EPCIS events from other systems"))

STATUS_PERMISSIONS = {"release": LOT_RELEASE, "hold": LOT_HOLD, "recall": LOT_RECALL}

#: what each built-in job role (platform/auth/roles.py) may do here: what a new plant starts
#: from (`medtrace roles init`) and what the demo users hold
ROLE_GRANTS = {
    "warehouse": [TRACE_VIEW, TRACE_RECORD],
    "warehouse_lead": [TRACE_VIEW, TRACE_RECORD, LOT_HOLD],
    "qa": [TRACE_VIEW, LOT_RELEASE, LOT_HOLD, LOT_RECALL],
    "production": [TRACE_VIEW, TRACE_RECORD],
    "sales": [TRACE_VIEW],
    "service": [TRACE_VIEW, TRACE_RECORD],
    "purchasing": [TRACE_VIEW],
    "finance": [TRACE_VIEW],
    "engineering": [TRACE_VIEW],
    "management": [TRACE_VIEW],
}
