"""Typed errors of counts, minimum stock levels and alerts."""

from __future__ import annotations

from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_


class CountSheetNotFound(DomainError):
    code = "MT-INV-COUNT-NOT-FOUND"
    status = 404
    title = N_("Count sheet not found.")
    help = "No count sheet with this id."


class CountInvalid(DomainError):
    code = "MT-INV-COUNT-INVALID"
    status = 422
    title = N_("The count is not valid.")
    help = ("A location outside the sheet or not holding stock, an item not on the sheet, a lot "
            "or serial missing or of another item, a quantity that is negative or not exact in "
            "the item's base unit, or a reason missing; `errors` names each field.")


class CountStatusRefused(DomainError):
    code = "MT-INV-COUNT-STATUS"
    status = 409
    title = N_("The count sheet is not in a status that allows this.")
    help = ("Sheets go draft -> counting -> submitted -> approved or rejected: counts are entered "
            "while counting, expected quantities and variances are shown once submitted.")


class CountIncomplete(DomainError):
    code = "MT-INV-COUNT-INCOMPLETE"
    status = 409
    title = N_("Some lines of the count sheet have not been counted.")
    help = "Enter a quantity (0 when nothing is there) on every line before submitting; "\
           "`lines` lists the ones left."


class CountApprovalRefused(DomainError):
    code = "MT-INV-COUNT-APPROVER"
    status = 403
    title = N_("You may not approve this count.")
    help = ("Separation of duties: whoever entered counts on the sheet or submitted it cannot "
            "approve it; and only a person (not an API client or a system job) approves.")


class MinStockInvalid(DomainError):
    code = "MT-INV-MIN-STOCK-INVALID"
    status = 422
    title = N_("The minimum stock level is not valid.")
    help = ("The site is not a site or top-level warehouse, the item is unknown, or the quantity "
            "is negative or not exact in the item's base unit; `errors` names each field.")
