"""Typed errors of complaints."""

from __future__ import annotations

from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_


class ComplaintInvalid(DomainError):
    code = "MT-QUALITY-COMPLAINT-INVALID"
    status = 422
    title = N_("The complaint is not valid.")
    help = ("An unknown customer, item, lot or serial, a received date in the future, or "
            "neither an item nor a device scan; `errors` names each field.")


class ComplaintNotFound(DomainError):
    code = "MT-QUALITY-COMPLAINT-NOT-FOUND"
    status = 404
    title = N_("Complaint not found.")
    help = "No complaint with this number."
