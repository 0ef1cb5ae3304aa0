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
