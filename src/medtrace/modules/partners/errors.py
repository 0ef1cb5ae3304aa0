"""Typed errors of partners and their qualification."""

from __future__ import annotations

from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_


class PartnerNotFound(DomainError):
    code = "MT-PARTNER-NOT-FOUND"
    status = 404
    title = N_("Partner not found.")
    help = "No supplier, customer or manufacturer with this id or code."


class PartnerCodeTaken(DomainError):
    code = "MT-PARTNER-EXISTS"
    status = 409
    title = N_("A partner with this code already exists.")
    help = "Partner codes are unique."


class PartnerInvalid(DomainError):
    code = "MT-PARTNER-INVALID"
    status = 422
    title = N_("The partner data is not valid.")
    help = "A field breaks a rule; `errors` names each field."


class DocumentInvalid(DomainError):
    code = "MT-PARTNER-DOCUMENT-INVALID"
    status = 422
    title = N_("The qualification document is not valid.")
    help = "Unknown type, dates in the wrong order, or an attached file of a refused type or size."


class PartnerNotQualified(DomainError):
    code = "MT-PARTNER-NOT-QUALIFIED"
    status = 422
    title = N_("The partner is not qualified for this item.")
    help = (
        "Buying from or selling to the partner is refused: `errors` lists each reason "
        "(missing or expired licence, scope not covering the device class, no first-operation "
        "approval, not on the approved-supplier list, item registration expired)."
    )


class ApprovalStateError(DomainError):
    code = "MT-PARTNER-APPROVAL-STATE"
    status = 422
    title = N_("The first-operation approval is not in a state that allows this.")
    help = "Only pending approvals can be approved or rejected; one open request per subject."


class ApprovedSupplierRefused(DomainError):
    code = "MT-PARTNER-ASL-REFUSED"
    status = 422
    title = N_("This change of the approved-supplier list is not allowed.")
    help = (
        "Only an active supplier whose first-operation review is approved can be put on an "
        "item's approved-supplier list, once; only a listed supplier can be taken off it "
        "(with a reason)."
    )
