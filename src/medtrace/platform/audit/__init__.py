"""The audit trail (21 CFR Part 11 §11.10(e)): automatic, hash-chained, append-only.

A model opts in by inheriting ``Audited``; every insert, update and delete of its rows is then
recorded in ``audit_entry`` by the flush that makes it (same transaction): old and new values per
field, actor, reason, request id, client address, UTC time. The entrypoint puts who and why into
``uow.context`` (``"actor"``, ``"reason"``, ``"request_id"``, ``"client_ip"``). Entries form a
SHA-256 chain (``verify_chain``) and database triggers refuse UPDATE, DELETE and TRUNCATE.
"""

from medtrace.platform.audit.chain import GENESIS
from medtrace.platform.audit.errors import AuditBypassError, ReasonRequired
from medtrace.platform.audit.models import AuditEntry
from medtrace.platform.audit.present import (
    history_context,
    present,
    record_trail,
    signature_rows,
)
from medtrace.platform.audit.queries import (
    count_entries,
    entries_csv,
    history_for,
    iter_entries,
    list_entries,
)
from medtrace.platform.audit.recorder import Audited, install
from medtrace.platform.audit.values import MASK
from medtrace.platform.audit.verify import VerifyResult, verify_chain

install()

__all__ = [
    "GENESIS",
    "MASK",
    "AuditBypassError",
    "AuditEntry",
    "Audited",
    "ReasonRequired",
    "VerifyResult",
    "count_entries",
    "entries_csv",
    "history_context",
    "history_for",
    "iter_entries",
    "list_entries",
    "present",
    "record_trail",
    "signature_rows",
    "verify_chain",
]
