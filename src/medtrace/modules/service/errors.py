"""Typed errors of service."""

from __future__ import annotations

from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_


class ServiceInvalid(DomainError):
    code = "MT-SERVICE-INVALID"
    status = 422
    title = N_("The service data is not valid.")
    help = ("An unknown item, customer, technician or location, a scan that is not a serial "
            "unit, a date out of order; `errors` names each field.")


class InstallationRefused(DomainError):
    code = "MT-SERVICE-INSTALLATION-REFUSED"
    status = 422
    title = N_("This unit cannot be installed here.")
    help = ("Only a serial unit shipped to a customer (not one in the plant's stock, scrapped "
            "or already installed at another active site), on or after its shipment, at the "
            "customer it was shipped to unless another customer is named; `errors` says why.")


class OrderNotFound(DomainError):
    code = "MT-SERVICE-ORDER-NOT-FOUND"
    status = 404
    title = N_("Service order not found.")
    help = "No service order with this number."


class OrderStateConflict(DomainError):
    code = "MT-SERVICE-ORDER-STATE"
    status = 409
    title = N_("The service order is not in a state that allows this.")
    help = ("Parts, versions and completion need an open, scheduled, in-progress or "
            "awaiting-parts order; closing needs a done order; a closed or cancelled order is "
            "final.")


class ReplacementRefused(DomainError):
    code = "MT-SERVICE-REPLACEMENT-REFUSED"
    status = 422
    title = N_("This part cannot be replaced.")
    help = ("The removed part must be in the unit now; the fitted part must be issuable "
            "(released, not expired), in stock at the van or service location and not built "
            "into another unit; `errors` says which scan and why.")


class VisitNotFound(DomainError):
    code = "MT-SERVICE-VISIT-NOT-FOUND"
    status = 404
    title = N_("Follow-up visit not found.")
    help = "No follow-up visit with this number."


class VisitStateConflict(DomainError):
    code = "MT-SERVICE-VISIT-STATE"
    status = 409
    title = N_("The follow-up visit was already recorded or cancelled.")
    help = "A visit's outcome is recorded once."


class InstallationNotFound(DomainError):
    code = "MT-SERVICE-INSTALLATION-NOT-FOUND"
    status = 404
    title = N_("Installation not found.")
    help = "No installation with this number."
