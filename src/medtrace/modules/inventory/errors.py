"""Typed errors of inventory."""

from __future__ import annotations

from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_


class LocationNotFound(DomainError):
    code = "MT-INV-LOCATION-NOT-FOUND"
    status = 404
    title = N_("Location not found.")
    help = "No location with this id or code."


class LocationInvalid(DomainError):
    code = "MT-INV-LOCATION-INVALID"
    status = 422
    title = N_("The location is not valid.")
    help = "Unknown kind or stock status, a parent of the wrong kind, or a code already used."


class MoveInvalid(DomainError):
    code = "MT-INV-MOVE-INVALID"
    status = 422
    title = N_("The stock move is not valid.")
    help = ("Same place on both sides, a virtual location on both sides, a quantity that is not "
            "positive or not exact in the item's base unit, a lot or serial missing or of "
            "another item; `errors` names each field.")


class InsufficientStock(DomainError):
    code = "MT-INV-INSUFFICIENT"
    status = 409
    title = N_("Not enough stock at this location.")
    help = "The move would take more than the location holds; nothing was moved."


class LotNotIssuable(DomainError):
    code = "MT-INV-LOT-NOT-ISSUABLE"
    status = 409
    title = N_("This stock may not be issued or shipped.")
    help = ("The lot is expired, recalled, rejected, on hold or quarantined, or the location is "
            "not an available-stock area; `reason` says which. Return to supplier, scrap and "
            "quarantine transfers are allowed.")


class MoveAlreadyReversed(DomainError):
    code = "MT-INV-MOVE-REVERSED"
    status = 409
    title = N_("This stock move was already reversed.")
    help = "A move is reversed once."
