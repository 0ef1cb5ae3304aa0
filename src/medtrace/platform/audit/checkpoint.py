"""The ``audit.checkpoint`` job: record the head of the audit chain periodically.

Each run reads the last entry (id and hash) and, when the chain has grown since the last
checkpoint, adds a row to ``audit_checkpoint``, appends the same facts sealed to the checkpoint
file outside the database (``anchor``) and logs them (the log store keeps them too). An empty
chain or an unchanged head writes nothing. This is ``medtrace audit head`` done by the
worker; ``medtrace audit verify`` compares the chain with the file.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from medtrace.platform.audit import anchor
from medtrace.platform.audit.checkpoint_models import AuditCheckpoint
from medtrace.platform.audit.models import AuditEntry
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.jobs import JobSpec, register_job
from medtrace.platform.observability.logging import get_logger
from medtrace.settings import get_settings

log = get_logger("medtrace.audit")


def record_checkpoint(uow: UnitOfWork) -> str:
    head = uow.session.execute(select(AuditEntry.id, AuditEntry.hash)
                               .order_by(AuditEntry.id.desc()).limit(1)).first()
    if head is None:
        return "the audit trail is empty"
    last = uow.session.scalar(select(AuditCheckpoint.entry_id)
                              .order_by(AuditCheckpoint.id.desc()).limit(1))
    if last == head.id:
        return f"head unchanged at entry {head.id}"
    uow.session.add(AuditCheckpoint(at=uow.now(), entry_id=head.id, head_hash=head.hash))
    uow.flush()
    settings = get_settings()
    path = anchor.write_checkpoint(
        settings.resolved_checkpoint_dir(),
        anchor.Checkpoint(anchor.now_text(), int(head.id), str(head.hash)),
        settings.resolved_audit_key())
    log.info("audit chain head", entry_id=head.id, head_hash=head.hash, file=str(path))
    return f"entry {head.id} {head.hash}"


AUDIT_CHECKPOINT = register_job(JobSpec(
    name="audit.checkpoint", every=dt.timedelta(hours=1), run=record_checkpoint,
    description="Record the audit chain's head hash (table audit_checkpoint and the log)."))
