"""Typed errors of purchasing."""

from __future__ import annotations

from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_


class OrderNotFound(DomainError):
    code = "MT-PROCUREMENT-ORDER-NOT-FOUND"
    status = 404
    title = N_("Purchase order not found.")
    help = "No purchase order with this id or number."


class OrderInvalid(DomainError):
    code = "MT-PROCUREMENT-ORDER-INVALID"
    status = 422
    title = N_("The purchase order is not valid.")
    help = ("An unknown supplier or item, a unit the item does not have, a quantity or price out "
            "of range, a foreign currency without its exchange rate; `errors` names each field.")


class SupplierNotQualified(DomainError):
    code = "MT-PROCUREMENT-SUPPLIER-NOT-QUALIFIED"
    status = 422
    title = N_("The supplier may not supply these items.")
    help = ("Each line's supplier must be an approved supplier of the item, with valid licences "
            "covering the item's device class and an approved first-operation review of the "
            "supplier and of the supplier and item; `errors` lists every reason of every line.")


class OrderStateConflict(DomainError):
    code = "MT-PROCUREMENT-ORDER-STATE"
    status = 409
    title = N_("The purchase order is not in a state that allows this.")
    help = ("Submitting needs a draft, receiving an approved or partly received order, amending a "
            "draft or approved order; a cancelled, rejected or closed order is final.")


class NoApprovalProcess(DomainError):
    code = "MT-PROCUREMENT-NO-APPROVAL-PROCESS"
    status = 409
    title = N_("No purchase order approval process is published.")
    help = ("Install the shipped definition with `medtrace workflows defaults`, review it, submit "
            "it and publish it with a signature (Workflows page), then submit the order again.")


class ReasonRequired(DomainError):
    code = "MT-PROCUREMENT-REASON-REQUIRED"
    status = 422
    title = N_("A reason is required.")
    help = "Changes and cancellations of a submitted order, and returns, need a reason."


class RequisitionNotFound(DomainError):
    code = "MT-PROCUREMENT-REQUISITION-NOT-FOUND"
    status = 404
    title = N_("Requisition not found.")
    help = "No requisition with this id or number."


class RequisitionInvalid(DomainError):
    code = "MT-PROCUREMENT-REQUISITION-INVALID"
    status = 422
    title = N_("The requisition is not valid.")
    help = "An unknown item or unit, a quantity or price out of range; `errors` names each field."


class ReceiptRefused(DomainError):
    code = "MT-PROCUREMENT-RECEIPT-REFUSED"
    status = 422
    title = N_("The delivery cannot be received.")
    help = ("A scan that cannot be read, a GTIN of another item or packaging level, an item that "
            "is not on the order, more than the order line and its tolerance, an expired lot or "
            "too little shelf life left, serials repeated or already known; `errors` names each "
            "line (`lines.N.scan`, `lines.N.quantity`) and why.")


class ReceiptNotFound(DomainError):
    code = "MT-PROCUREMENT-RECEIPT-NOT-FOUND"
    status = 404
    title = N_("Receipt not found.")
    help = "No receipt with this number."


class ReturnRefused(DomainError):
    code = "MT-PROCUREMENT-RETURN-REFUSED"
    status = 422
    title = N_("The return to the supplier is refused.")
    help = ("Only rejected stock (in a rejected-goods location, or a rejected lot) goes back to "
            "the supplier, with a reason, at most what the location holds.")
