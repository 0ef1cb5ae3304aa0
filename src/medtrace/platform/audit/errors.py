from __future__ import annotations

from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_


class ReasonRequired(DomainError):
    code = "MT-AUDIT-REASON-REQUIRED"
    status = 422
    title = N_("A reason is required to change this record.")
    help = (
        "The record is in a controlled state (for example released or approved): changing or "
        "deleting it needs a reason, which the audit trail keeps with the change. Give the "
        "reason and retry."
    )


class AuditBypassError(RuntimeError):
    """A bulk INSERT/UPDATE/DELETE on an audited table would escape the audit trail.

    A programming error, not a user error: change audited records through ORM instances.
    """
