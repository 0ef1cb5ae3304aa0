"""Typed errors of sales and distribution."""

from __future__ import annotations

from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_


class CustomerInvalid(DomainError):
    code = "MT-SALES-CUSTOMER-INVALID"
    status = 422
    title = N_("The customer's sales terms are not valid.")
    help = ("An unknown customer or item, a partner that is not a customer, a ship-to code "
            "taken, a GLN without its check digit, a number out of range; `errors` names each "
            "field.")


class PriceInvalid(DomainError):
    code = "MT-SALES-PRICE-INVALID"
    status = 422
    title = N_("The price is not valid.")
    help = ("An unknown item, currency or unit of the item, a negative price, or a lowest price "
            "above the list price; `errors` names each field.")


class OrderNotFound(DomainError):
    code = "MT-SALES-ORDER-NOT-FOUND"
    status = 404
    title = N_("Sales order not found.")
    help = "No sales order or quotation with this number."


class OrderInvalid(DomainError):
    code = "MT-SALES-ORDER-INVALID"
    status = 422
    title = N_("The sales order is not valid.")
    help = ("An unknown customer, ship-to or item, a ship-to of another customer, a unit the "
            "item does not have, a quantity or price out of range, a foreign currency without "
            "its exchange rate; `errors` names each field.")


class CustomerNotLicensed(DomainError):
    code = "MT-SALES-CUSTOMER-NOT-LICENSED"
    status = 422
    title = N_("The customer may not receive these items.")
    help = ("The customer must be an active customer with an approved first-operation review "
            "and valid licences (business licence, distribution licence or filing, medical "
            "institution licence) covering each item's device class, and each item's "
            "registration must be valid. Checked when the order is placed and again at "
            "shipment; `errors` lists every reason of every line.")


class OrderStateConflict(DomainError):
    code = "MT-SALES-ORDER-STATE"
    status = 409
    title = N_("The sales order is not in a state that allows this.")
    help = ("Confirming needs a quotation; allocating, picking, packing and shipping a confirmed "
            "or partly shipped order; cancelling an order nothing was shipped on. A cancelled, "
            "rejected or closed order is final.")


class NoApprovalProcess(DomainError):
    code = "MT-SALES-NO-APPROVAL-PROCESS"
    status = 409
    title = N_("No sales order approval process is published.")
    help = ("The order needs an approval (credit or price) but no `sales_order` workflow is "
            "published: install the shipped definition with `medtrace workflows defaults`, "
            "publish it with a signature, then confirm the order again.")


class ScanRefused(DomainError):
    code = "MT-SALES-SCAN-REFUSED"
    status = 422
    title = N_("This scan cannot be picked or shipped for the order.")
    help = ("The scanned item is not on the order, the lot or serial is not issuable (quarantine, "
            "on hold, recalled, expired), has less shelf life than the customer accepts, is not "
            "in stock where stock is shipped from, or is more than the line still needs; "
            "`errors` says which.")


class PackingInvalid(DomainError):
    code = "MT-SALES-PACKING-INVALID"
    status = 422
    title = N_("The packing is not valid.")
    help = ("Only open picks of the order go into a case, only cases onto a pallet; a pick or "
            "case is packed once; an SSCC must be 18 digits with its check digit and not in "
            "use; `errors` names each problem.")


class ShipmentInvalid(DomainError):
    code = "MT-SALES-SHIPMENT-INVALID"
    status = 422
    title = N_("The shipment is not valid.")
    help = ("Nothing to ship, a scan that is neither a package of the order nor a lot or serial "
            "picked or pickable for it, or a packed unit scanned alone (scan its outermost "
            "package); `errors` names each line.")


class ShipmentNotFound(DomainError):
    code = "MT-SALES-SHIPMENT-NOT-FOUND"
    status = 404
    title = N_("Shipment not found.")
    help = "No shipment with this number."


class ShipmentStateConflict(DomainError):
    code = "MT-SALES-SHIPMENT-STATE"
    status = 409
    title = N_("The shipment is not in a state that allows this.")
    help = "A delivery is confirmed once, for a shipment that went out."


class ReturnRefused(DomainError):
    code = "MT-SALES-RETURN-REFUSED"
    status = 422
    title = N_("The return is refused.")
    help = ("A customer returns only a lot or serial unit we shipped to that customer, and no "
            "more than was shipped and not yet returned; a return needs a reason and a "
            "quarantine or returns location; `errors` names each line.")


class ReturnNotFound(DomainError):
    code = "MT-SALES-RETURN-NOT-FOUND"
    status = 404
    title = N_("Customer return not found.")
    help = "No customer return with this number, or no such line."


class DispositionRefused(DomainError):
    code = "MT-SALES-DISPOSITION-REFUSED"
    status = 409
    title = N_("The returned goods cannot be dispositioned like this.")
    help = ("A returned line is released or scrapped once, by QA with an e-signature, not by "
            "the person who received the return.")
