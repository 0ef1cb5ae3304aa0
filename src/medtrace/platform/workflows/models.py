"""Workflow definitions and their versions, running instances, their tasks, delegations.

Everything is audited. An instance's engine state (``state``) is bookkeeping, kept out of the
audit trail: what people did is recorded on the tasks (decision, who, when, signatures)."""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from medtrace.platform.audit import Audited
from medtrace.platform.db.base import Base, UTCDateTime, utcnow
from medtrace.platform.esign import SignaturePolicy
from medtrace.platform.i18n import N_


class WorkflowDefinition(Audited, Base):
    """One process, by its BPMN process id (``key``), for one kind of record."""

    __tablename__ = "workflow_definition"
    __audit_label__ = N_("Workflow")
    __audit_link__ = "/admin/workflows/{key}"
    __audit_fields__: ClassVar[dict[str, str]] = {"record_type": N_("Record type")}
    __audit_ref__ = "key"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(100), unique=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    record_type: Mapped[str] = mapped_column(String(100), index=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WorkflowVersion(Audited, Base):
    """A version of a definition: the BPMN XML as imported, what MedTrace read of it, and its
    publication (draft -> submitted -> published -> retired). A submitted version never changes;
    publishing needs another person's e-signature."""

    __tablename__ = "workflow_version"
    __table_args__ = (UniqueConstraint("definition_id", "version"),)
    __audit_label__ = N_("Workflow version")
    __audit_fields__: ClassVar[dict[str, str]] = {
        "definition_id": N_("Workflow"), "version": N_("Version"), "xml": N_("BPMN diagram"),
        "meta": N_("Tasks and rules"), "checksum": N_("SHA-256 of the diagram"),
        "submitted_by": N_("Submitted by"), "submitted_at": N_("Submitted at"),
        "published_at": N_("Published at"), "change_note": N_("Change note"),
    }
    __audit_exclude__ = ("xml", "meta")  # recorded by their checksum
    __audit_controlled__ = ("status", {"published", "retired"})
    __signatures__ = SignaturePolicy(required={"approved": 1},
                                     must_differ=(("approved", "author"),),
                                     author_attr="submitted_by")
    __esign_exclude__ = frozenset({"status", "published_at", "created_at"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("workflow_definition.id"))
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    xml: Mapped[str] = mapped_column(Text)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON)
    checksum: Mapped[str] = mapped_column(String(64))
    change_note: Mapped[str | None] = mapped_column(String(500), nullable=True)
    created_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    submitted_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class WorkflowInstance(Audited, Base):
    """One record governed by one version (pinned for the instance's whole life)."""

    __tablename__ = "workflow_instance"
    __table_args__ = (Index("ix_workflow_instance_record", "record_type", "record_id"),)
    __audit_label__ = N_("Workflow instance")
    __audit_fields__: ClassVar[dict[str, str]] = {
        "version_id": N_("Workflow version"), "record_type": N_("Record type"),
        "record_id": N_("Record"), "record_ref": N_("Record"), "started_by": N_("Started by"),
        "started_at": N_("Started at"), "finished_at": N_("Finished at"),
        "outcome": N_("Outcome"), "author_id": N_("Author"),
    }
    __audit_ignore__ = ("state",)
    __audit_ref__ = "record_ref"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("workflow_version.id"))
    record_type: Mapped[str] = mapped_column(String(100))
    record_id: Mapped[str] = mapped_column(String(100))
    record_ref: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="running", index=True)
    outcome: Mapped[str | None] = mapped_column(String(40), nullable=True)
    state: Mapped[str] = mapped_column(Text)
    started_by: Mapped[str] = mapped_column(String(200))
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class WorkflowTask(Audited, Base):
    """A user task waiting for, or done by, a person."""

    __tablename__ = "workflow_task"
    __audit_label__ = N_("Workflow task")
    __audit_link__ = "/tasks/{id}"
    __audit_fields__: ClassVar[dict[str, str]] = {
        "instance_id": N_("Workflow instance"), "element_id": N_("Step"),
        "spiff_id": N_("Engine task"), "permission": N_("Permission"), "roles": N_("Roles"),
        "users": N_("Users"), "due_at": N_("Due at"), "escalated_to": N_("Escalated to"),
        "assignee_id": N_("Assigned to"), "decision": N_("Decision"), "data": N_("Entered values"),
        "completed_by": N_("Completed by"), "completed_at": N_("Completed at"),
    }
    __audit_ref__ = "name"
    __esign_exclude__ = frozenset({"status", "completed_at", "completed_by", "decision", "data"})

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("workflow_instance.id"), index=True)
    element_id: Mapped[str] = mapped_column(String(100))
    spiff_id: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    permission: Mapped[str | None] = mapped_column(String(100), nullable=True)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    users: Mapped[list[str]] = mapped_column(JSON, default=list)
    assignee_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    due_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    escalated_to: Mapped[str | None] = mapped_column(String(40), nullable=True)
    decision: Mapped[str | None] = mapped_column(String(40), nullable=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    completed_by: Mapped[int | None] = mapped_column(Integer, nullable=True)
    completed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)


class WorkflowDelegation(Audited, Base):
    """``to_user`` may do ``from_user``'s tasks between ``starts_at`` and ``ends_at``."""

    __tablename__ = "workflow_delegation"
    __audit_label__ = N_("Task delegation")
    __audit_fields__: ClassVar[dict[str, str]] = {
        "from_user_id": N_("Delegated by"), "to_user_id": N_("Delegated to"),
        "starts_at": N_("From"), "ends_at": N_("Until"), "revoked": N_("Revoked"),
    }

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    from_user_id: Mapped[int] = mapped_column(ForeignKey("auth_user.id"), index=True)
    to_user_id: Mapped[int] = mapped_column(ForeignKey("auth_user.id"), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    reason: Mapped[str] = mapped_column(String(500))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=utcnow)
