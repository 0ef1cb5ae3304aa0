"""Typed errors of production. Every refusal of a scan at the line has its own code, so that an
MES retrying or showing the operator a message can tell them apart."""

from __future__ import annotations

from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_


class WorkOrderNotFound(DomainError):
    code = "MT-PRODUCTION-ORDER-NOT-FOUND"
    status = 404
    title = N_("Work order not found.")
    help = "No work order with this number or id."


class BomNotFound(DomainError):
    code = "MT-PRODUCTION-BOM-NOT-FOUND"
    status = 404
    title = N_("BOM version not found.")
    help = "No BOM version with this id, or the item has no such version."


class EquipmentNotFound(DomainError):
    code = "MT-PRODUCTION-EQUIPMENT-NOT-FOUND"
    status = 404
    title = N_("Equipment or work centre not found.")
    help = "No equipment or work centre with this code."


class BomInvalid(DomainError):
    code = "MT-PRODUCTION-BOM-INVALID"
    status = 422
    title = N_("The BOM version is not valid.")
    help = ("An unknown or inactive component, a unit the component does not have, the item "
            "itself as its own component, a repeated line or operation sequence, a substitute "
            "equal to its line's component, an unknown work centre or equipment, check limits "
            "out of order; `errors` names each field.")


class BomStateConflict(DomainError):
    code = "MT-PRODUCTION-BOM-STATE"
    status = 409
    title = N_("The BOM version is not in a state that allows this.")
    help = ("Only a draft (or rejected) version is edited and submitted for change review; a "
            "version in review or released never changes: create a new version.")


class NoChangeProcess(DomainError):
    code = "MT-PRODUCTION-NO-ECO-PROCESS"
    status = 409
    title = N_("No engineering change process is published.")
    help = ("Install the shipped definition with `medtrace workflows defaults`, review it, "
            "submit it and publish it with a signature (Workflows page), then submit again.")


class EquipmentInvalid(DomainError):
    code = "MT-PRODUCTION-EQUIPMENT-INVALID"
    status = 422
    title = N_("The equipment record is not valid.")
    help = ("A code taken, an unknown work centre, a date in the future, a next due date before "
            "the work; `errors` names each field.")


class EquipmentUnfit(DomainError):
    code = "MT-PRODUCTION-EQUIPMENT-UNFIT"
    status = 409
    title = N_("The equipment may not be used.")
    help = ("It is in maintenance or out of service, or overdue for calibration or maintenance: "
            "record the calibration or maintenance first. `errors` names each piece of "
            "equipment and why.")


class WorkOrderInvalid(DomainError):
    code = "MT-PRODUCTION-ORDER-INVALID"
    status = 422
    title = N_("The work order is not valid.")
    help = ("An unknown item, a unit the item does not have, a quantity out of range or not in "
            "whole pieces, a BOM version that is not the item's; `errors` names each field.")


class WorkOrderStateConflict(DomainError):
    code = "MT-PRODUCTION-ORDER-STATE"
    status = 409
    title = N_("The work order is not in a state that allows this.")
    help = ("Release needs a planned order; issues, outputs and operations need a released or "
            "running one; completion a running one; closing a completed one.")


class ReleaseRefused(DomainError):
    code = "MT-PRODUCTION-RELEASE-REFUSED"
    status = 422
    title = N_("The work order cannot be released.")
    help = ("The BOM version is not released, a component is short of issuable stock (only "
            "released, unexpired stock in available locations counts; quarantine never does), "
            "or the routing's equipment is not fit. `errors` lists every reason.")


class WrongComponent(DomainError):
    code = "MT-PRODUCTION-WRONG-COMPONENT"
    status = 422
    title = N_("This is not a component of the work order.")
    help = ("The scanned item is neither on the work order's BOM version nor an allowed "
            "substitute of one of its lines.")


class ComponentNotIssuable(DomainError):
    code = "MT-PRODUCTION-COMPONENT-NOT-ISSUABLE"
    status = 422
    title = N_("This lot or unit may not be issued.")
    help = ("It is not released (quarantine, on hold, rejected, recalled), it has expired, or it "
            "is not in issuable stock at the line location; `reason` says which.")


class SerialConsumed(DomainError):
    code = "MT-PRODUCTION-SERIAL-CONSUMED"
    status = 409
    title = N_("This serial unit was already consumed.")
    help = "A serialized component goes into one product only; return it first to reuse it."


class SubstituteNotApproved(DomainError):
    code = "MT-PRODUCTION-SUBSTITUTE-NOT-APPROVED"
    status = 422
    title = N_("The substitute is not approved for this work order.")
    help = ("The BOM allows this substitute, but using it needs an approval on the work order "
            "(with a signature) first.")


class IssueInvalid(DomainError):
    code = "MT-PRODUCTION-ISSUE-INVALID"
    status = 422
    title = N_("The material issue is not valid.")
    help = ("An unreadable scan, a quantity out of range, a unit the item does not have, an "
            "output serial that is not the work order's, a return larger than the issue; "
            "`errors` names each field.")


class OutputInvalid(DomainError):
    code = "MT-PRODUCTION-OUTPUT-INVALID"
    status = 422
    title = N_("The output is not valid.")
    help = ("Give a quantity for a lot-tracked product or serials for a serialized one; serials "
            "must be new or started on this work order; `errors` names each field.")


class CheckBlocks(DomainError):
    code = "MT-PRODUCTION-CHECK-BLOCKS"
    status = 409
    title = N_("A failed in-process check blocks this step.")
    help = ("An earlier operation's check failed and has no disposition yet: record rework, "
            "scrap, or use as is (with QA's signature) first.")


class OperationInvalid(DomainError):
    code = "MT-PRODUCTION-OPERATION-INVALID"
    status = 422
    title = N_("The operation record is not valid.")
    help = ("An operation not on the work order's routing, a result missing or unreadable, a "
            "disposition for a check that passed; `errors` names each field.")


class ProducerMayNotRelease(DomainError):
    code = "MT-PRODUCTION-PRODUCER-RELEASES"
    status = 422
    title = N_("Someone who produced the batch may not release it.")
    help = ("The QA review of the device history record is signed by someone who performed "
            "none of its production steps (issues, operations, checks, outputs).")


class BatchReleaseRefused(DomainError):
    code = "MT-PRODUCTION-BATCH-RELEASE-REFUSED"
    status = 409
    title = N_("The batch cannot be released.")
    help = ("A failed check has no disposition, a component lot is on hold or recalled, the work "
            "order is not complete, or the lot is not in quarantine; `errors` lists every "
            "reason.")


class ReasonRequired(DomainError):
    code = "MT-PRODUCTION-REASON-REQUIRED"
    status = 422
    title = N_("A reason is required.")
    help = "Returns, substitute approvals, dispositions, re-sequencing and cancellations need one."


class DhrPdfUnavailable(DomainError):
    code = "MT-PRODUCTION-DHR-PDF-UNAVAILABLE"
    status = 503
    title = N_("The device history record cannot be made as PDF on this server.")
    help = ("PDF/A embeds its fonts, and no Chinese TrueType font is installed: run "
            "`scripts/ensure-fonts.sh` (Debian's fonts-wqy-microhei) or set MEDTRACE_DHR_FONT. "
            "The JSON record is unaffected.")
