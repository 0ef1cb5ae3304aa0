"""Typed errors of the traceability module."""

from __future__ import annotations

from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_


class TraceNotFound(DomainError):
    code = "MT-TRACE-NOT-FOUND"
    status = 404
    title = N_("No lot, serial unit or container matches this code.")
    help = ("The code was read (a UDI scan, GTIN + lot, item code + serial, a lot number or an "
            "SSCC) but nothing recorded carries it.")


class TraceCodeAmbiguous(DomainError):
    code = "MT-TRACE-AMBIGUOUS"
    status = 409
    title = N_("This code matches more than one lot or unit; give the item too.")
    help = "Lot and serial numbers are unique per item only: scan the UDI or give item + number."


class TraceInvalid(DomainError):
    code = "MT-TRACE-INVALID"
    status = 422
    title = N_("The traceability data is not valid.")
    help = ("A field breaks a rule (tracking mode, dates, quantities, SSCC check digit); "
            "`errors` names each.")


class TraceNumberTaken(DomainError):
    code = "MT-TRACE-NUMBER-TAKEN"
    status = 409
    title = N_("This lot, serial or SSCC number is already used.")
    help = "Lot numbers and serials are unique per item, SSCCs are unique."


class TraceCycleRefused(DomainError):
    code = "MT-TRACE-CYCLE"
    status = 422
    title = N_("This link would make a thing part of itself.")
    help = "A genealogy edge may not close a cycle: the parent already descends from the child."


class StatusChangeRefused(DomainError):
    code = "MT-TRACE-STATUS-REFUSED"
    status = 409
    title = N_("This status change is not allowed.")
    help = ("Allowed: quarantine → released/rejected/on hold, released → on hold, "
            "on hold → released/rejected, any → recalled.")


class ReasonRequired(DomainError):
    code = "MT-TRACE-REASON-REQUIRED"
    status = 422
    title = N_("Give a reason for this change.")
    help = "Status changes and reversals of genealogy links are recorded with their reason."


class EdgeAlreadyReversed(DomainError):
    code = "MT-TRACE-EDGE-REVERSED"
    status = 409
    title = N_("This genealogy link was already reversed.")
    help = "A link is reversed once; record a new link if it was right after all."


class EventInvalid(DomainError):
    code = "MT-TRACE-EVENT-INVALID"
    status = 422
    title = N_("The event is not valid.")
    help = ("Unknown step, no things named, a time without time zone, or an EPCIS document "
            "that fails the schema.")


class ImportRowInvalid(DomainError):
    code = "MT-TRACE-IMPORT-ROW"
    status = 422
    title = N_("A row of the import is not valid; nothing of its batch was kept.")
    help = "The message names the file, the line and the rule the row breaks."


class EpcisSchemaUnavailable(DomainError):
    code = "MT-TRACE-EPCIS-SCHEMA-MISSING"
    status = 503
    title = N_("EPCIS capture is not configured: the EPCIS 2.0 JSON schema was not found.")
    help = ("Captured documents are validated against the official GS1 EPCIS 2.0 JSON schema, "
            "which MedTrace does not ship. Set `MEDTRACE_EPCIS_SCHEMA_PATH` to the "
            "`EPCIS-JSON-Schema.json` file (GS1 EPCIS 2.0 artefacts) and restart. Export keeps "
            "working without it.")


class ImportAlreadyRunning(DomainError):
    code = "MT-TRACE-IMPORT-RUNNING"
    status = 409
    title = N_("An import of these files is still running.")
    help = "Wait for it to finish; a run whose process died is marked failed and then resumed."


class PartNotContained(DomainError):
    code = "MT-TRACE-PART-NOT-CONTAINED"
    status = 422
    title = N_("The unit does not contain this part.")
    help = ("A part is removed only from a unit that contains it now (built into it or one of "
            "its subassemblies, not already removed), and no more of a lot than is in it; "
            "`errors` says which.")


class PartNotFittable(DomainError):
    code = "MT-TRACE-PART-NOT-FITTABLE"
    status = 422
    title = N_("This part cannot be fitted into the unit.")
    help = ("The fitted part is a lot or serial unit, not the removed part itself, not already "
            "built into another unit, and fitting it does not make the unit a part of itself; "
            "`errors` says which.")
