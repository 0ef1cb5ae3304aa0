"""Traceability: the identity of every lot, serial unit and container (one table, one id space,
so that the genealogy graph is walked over integers), the genealogy edges, the event journal in
the shape of GS1 EPCIS 2.0 events, and each thing's whereabouts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from medtrace.platform.audit import Audited
from medtrace.platform.db.base import Base, utcnow
from medtrace.platform.esign import SignaturePolicy
from medtrace.platform.i18n import N_

# Whereabouts columns change with every event: the journal records them, not the audit trail.
WHEREABOUTS = ("state", "location", "holder_id", "customer_id", "state_at", "last_event_id",
               "origin_event_id")


class TraceObject(Audited, Base):
    """A lot, a serial unit or a container (SSCC). ``kind`` says which; the columns that do not
    apply to a kind stay empty (lots: dates, supplier, quantity; units: ``lot_id``; containers:
    ``container_type``)."""

    __tablename__ = "traceability_object"
    __audit_label__ = N_("Lot, unit or container")
    __audit_link__ = "/trace?code={code}"
    __audit_fields__: ClassVar[dict[str, str]] = {
        "origin": N_("Origin"),
        "manufacture_date": N_("Manufacture date"),
        "supplier_id": N_("Supplier"),
        "supplier_lot": N_("Supplier lot"),
        "container_type": N_("Container type"),
    }
    __table_args__ = (
        UniqueConstraint("item_id", "kind", "code"),
        Index("ix_traceability_object_code", "code"),
        Index("ix_traceability_object_container_code", "code", unique=True,
              sqlite_where=text("kind = 'container'"), postgresql_where=text("kind = 'container'")),
        Index("ix_traceability_object_lot_id", "lot_id"),
    )
    __audit_ref__ = "code"
    __audit_ignore__ = WHEREABOUTS
    __signatures__ = SignaturePolicy(required={"released": 1})
    __esign_exclude__ = ("status", *WHEREABOUTS)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # lot, unit, container
    item_id: Mapped[int | None] = mapped_column(ForeignKey("catalog_item.id"), nullable=True)
    code: Mapped[str] = mapped_column(String(64))  # lot number, serial number or SSCC
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_object.id"),
                                               nullable=True)
    status: Mapped[str | None] = mapped_column(String(12), nullable=True)
    origin: Mapped[str] = mapped_column(String(12), default="created")
    manufacture_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    expiry_date: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("partners_partner.id"),
                                                    nullable=True)
    supplier_lot: Mapped[str | None] = mapped_column(String(64), nullable=True)
    quantity: Mapped[Decimal | None] = mapped_column(nullable=True)
    uom: Mapped[str | None] = mapped_column(String(10), nullable=True)
    container_type: Mapped[str | None] = mapped_column(String(12), nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Whereabouts: where it is now and in whose hands, set by the journal's events.
    state: Mapped[str | None] = mapped_column(String(14), nullable=True)
    location: Mapped[str | None] = mapped_column(String(200), nullable=True)
    holder_id: Mapped[int | None] = mapped_column(ForeignKey("partners_partner.id"),
                                                  nullable=True)
    customer_id: Mapped[int | None] = mapped_column(ForeignKey("partners_partner.id"),
                                                    nullable=True)
    state_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    last_event_id: Mapped[int | None] = mapped_column(Integer, nullable=True)  # journal id
    # The event that brought it in (a lot's receipt): backward traces show it without a search.
    origin_event_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Edge(Base):
    """One genealogy link: ``child`` was consumed into or packed in ``parent``. Append-only: an
    undo appends an :class:`EdgeReversal` and flags the edge ``reversed`` (the flag is an index
    of the reversal, which is the record)."""

    __tablename__ = "traceability_edge"
    __table_args__ = (
        Index("ix_traceability_edge_child", "child_id", "reversed", "parent_id"),
        Index("ix_traceability_edge_parent", "parent_id", "reversed", "child_id"),
        # the few edges whose part was taken out in service: trace queries probe them
        Index("ix_traceability_edge_removed", "child_id", "parent_id",
              sqlite_where=text("removed_at IS NOT NULL"),
              postgresql_where=text("removed_at IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("traceability_object.id"))
    parent_id: Mapped[int] = mapped_column(ForeignKey("traceability_object.id"))
    kind: Mapped[str] = mapped_column(String(12))  # production, split, merge, repack, ...
    quantity: Mapped[Decimal | None] = mapped_column(nullable=True)
    uom: Mapped[str | None] = mapped_column(String(10), nullable=True)
    doc: Mapped[str | None] = mapped_column(String(64), nullable=True)
    at: Mapped[dt.datetime] = mapped_column()
    event_id: Mapped[int | None] = mapped_column(ForeignKey("traceability_event.id"),
                                                 nullable=True)
    reversed: Mapped[bool] = mapped_column(Boolean, default=False)
    # A part taken out of its parent in service (``parts.service.replace_part``): how much of
    # the linked quantity left, and when all of it had left (then the parent no longer
    # contains the child; the edge stays, for the history). The journal's ``removed`` event
    # and the service order are the record.
    removed_quantity: Mapped[Decimal | None] = mapped_column(nullable=True)
    removed_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    removed_event_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class EdgeReversal(Audited, Base):
    """The record that undoes an edge: who, when, why."""

    __tablename__ = "traceability_edge_reversal"
    __audit_label__ = N_("Genealogy link reversal")
    __audit_fields__: ClassVar[dict[str, str]] = {
        "edge_id": N_("Genealogy link"),
    }

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    edge_id: Mapped[int] = mapped_column(ForeignKey("traceability_edge.id"), unique=True)
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(80))
    at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class Event(Base):
    """One journalled event, in the shape of an EPCIS 2.0 event: what (``EventObject`` rows),
    when (``event_time`` in UTC plus the event's own time zone offset), where (read point,
    business location), why (CBV business step and disposition), documents, parties."""

    __tablename__ = "traceability_event"
    __table_args__ = (Index("ix_traceability_event_time", "event_time"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    event_uid: Mapped[str] = mapped_column(String(160), unique=True)  # EPCIS eventID
    type: Mapped[str] = mapped_column(String(24))  # ObjectEvent, AggregationEvent, ...
    action: Mapped[str | None] = mapped_column(String(8), nullable=True)  # ADD/OBSERVE/DELETE
    step: Mapped[str] = mapped_column(String(14))  # what happened: received, shipped, ...
    biz_step: Mapped[str | None] = mapped_column(String(60), nullable=True)  # CBV value
    disposition: Mapped[str | None] = mapped_column(String(60), nullable=True)
    event_time: Mapped[dt.datetime] = mapped_column()
    tz_offset: Mapped[str] = mapped_column(String(6))
    record_time: Mapped[dt.datetime] = mapped_column(default=utcnow)
    read_point: Mapped[str | None] = mapped_column(String(200), nullable=True)
    biz_location: Mapped[str | None] = mapped_column(String(200), nullable=True)
    doc: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    biz_transactions: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    sources: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    destinations: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    actor: Mapped[str | None] = mapped_column(String(80), nullable=True)
    request_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    origin: Mapped[str] = mapped_column(String(10), default="app")  # app, capture, import


class EventObject(Base):
    """What an event is about, one row per thing and role (what, input, output, parent, child)."""

    __tablename__ = "traceability_event_object"
    __table_args__ = (Index("ix_traceability_event_object_object", "object_id", "event_id"),)

    event_id: Mapped[int] = mapped_column(ForeignKey("traceability_event.id"), primary_key=True)
    object_id: Mapped[int] = mapped_column(ForeignKey("traceability_object.id"),
                                           primary_key=True)
    role: Mapped[str] = mapped_column(String(8), primary_key=True)
    quantity: Mapped[Decimal | None] = mapped_column(nullable=True)
    uom: Mapped[str | None] = mapped_column(String(10), nullable=True)


class ImportRun(Audited, Base):
    """One bulk load (``medtrace trace import``): the audit trail records the run, its files'
    SHA-256 and counts, instead of one entry per imported row."""

    __tablename__ = "traceability_import"
    __audit_label__ = N_("Trace import")
    __audit_fields__: ClassVar[dict[str, str]] = {
        "source": N_("Source"),
        "files": N_("Files"),
        "counts": N_("Counts"),
        "started_at": N_("Started at"),
        "finished_at": N_("Finished at"),
    }
    __audit_ref__ = "id"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(String(200))
    files: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(10), default="running")
    started_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(nullable=True)
    actor: Mapped[str] = mapped_column(String(80))


class ImportCheckpoint(Base):
    """Where a bulk load stands, written in the transaction of each batch it commits: the last
    committed line, the counts so far, and who runs it (the process and its heartbeat). A rerun
    of the same files (same ``content_hash``) resumes after ``line`` of ``file``; a run whose
    process is gone is marked failed when it is seen. Not audited: the run itself is."""

    __tablename__ = "traceability_import_checkpoint"

    run_id: Mapped[int] = mapped_column(ForeignKey("traceability_import.id"), primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    batch_size: Mapped[int] = mapped_column(Integer)
    file: Mapped[str | None] = mapped_column(String(40), nullable=True)
    line: Mapped[int] = mapped_column(Integer, default=0)
    rows: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    created: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    heartbeat_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
