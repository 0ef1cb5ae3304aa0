"""Quality reads: inspections (list, one, per lot), nonconformances, supplier performance,
the dashboard's figures."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from medtrace.modules import catalog
from medtrace.modules.quality.models import (
    Inspection,
    Nonconformance,
    SupplierItemState,
)
from medtrace.modules.quality.rules import InspectionStatus, InspectionVerdict
from medtrace.modules.quality.schemas import (
    InspectionRead,
    NonconformanceRead,
    SamplePlanRead,
)
from medtrace.modules.quality.service import results_of, sample_plans_of, verdicts
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_
from medtrace.platform.web.dashboard import Figure, count

OPEN_STATUSES = (InspectionStatus.OPEN, InspectionStatus.RESULTS_ENTERED)


def _item_codes(uow: UnitOfWork, ids: list[int]) -> dict[int, str]:
    return {item_id: ref[0] for item_id, ref in catalog.item_refs(uow, ids).items()}


def _nc_numbers(uow: UnitOfWork, ids: list[int | None]) -> dict[int, str]:
    wanted = [i for i in ids if i is not None]
    if not wanted:
        return {}
    return dict(uow.session.execute(select(Nonconformance.id, Nonconformance.number)
                                    .where(Nonconformance.id.in_(wanted))).all())


def _read(row: Inspection, item_code: str, nc: str | None,
          characteristics: list[SamplePlanRead] | None = None) -> InspectionRead:
    return InspectionRead(
        number=row.number, item_id=row.item_id, item_code=item_code, lot_id=row.lot_id,
        lot=row.lot_code, unit_count=row.unit_count, quantity=row.quantity, uom=row.uom,
        lot_size=row.lot_size, location_code=row.location_code, supplier_id=row.supplier_id,
        source_document=row.source_document, purchase_order=row.purchase_order,
        received_by=row.received_by, severity=row.severity, status=row.status,
        verdict=row.verdict, reason=row.reason, opened_at=row.opened_at,
        decided_at=row.decided_at, decided_by=row.decided_by, nonconformance=nc,
        supplier_discontinued=row.supplier_discontinued,
        characteristics=characteristics or [])


def characteristics_of(uow: UnitOfWork, inspection: Inspection) -> list[SamplePlanRead]:
    plans = sample_plans_of(uow, inspection.id)
    found = verdicts(plans, results_of(uow, inspection.id))
    out = []
    for plan in plans:
        verdict = found[plan.id]
        data = {c.key: getattr(plan, c.key) for c in plan.__table__.columns}
        out.append(SamplePlanRead(**data, entered=verdict.entered,
                                  nonconforming=verdict.nonconforming,
                                  verdict=verdict.verdict))
    return out


def inspection_read(uow: UnitOfWork, row: Inspection, *, full: bool = True) -> InspectionRead:
    codes = _item_codes(uow, [row.item_id])
    ncs = _nc_numbers(uow, [row.nonconformance_id])
    return _read(row, codes.get(row.item_id, ""), ncs.get(row.nonconformance_id or 0),
                 characteristics_of(uow, row) if full else None)


def list_inspections(uow: UnitOfWork, *, lot: str | None = None, item: str | None = None,
                     status: str | None = None, supplier_id: int | None = None,
                     limit: int = 50, offset: int = 0) -> tuple[list[InspectionRead], int]:
    """Inspections, newest first: by lot number, item code, status, supplier."""
    query = select(Inspection)
    if lot:
        query = query.where(Inspection.lot_code == lot)
    if item:
        found = catalog.get_item_by_code(uow, item)
        if found is None:
            return [], 0
        query = query.where(Inspection.item_id == found.id)
    if status:
        query = query.where(Inspection.status == status)
    if supplier_id is not None:
        query = query.where(Inspection.supplier_id == supplier_id)
    total = int(uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = list(uow.session.scalars(query.order_by(Inspection.id.desc())
                                    .limit(limit).offset(offset)))
    codes = _item_codes(uow, [r.item_id for r in rows])
    ncs = _nc_numbers(uow, [r.nonconformance_id for r in rows])
    return [_read(r, codes.get(r.item_id, ""), ncs.get(r.nonconformance_id or 0))
            for r in rows], total


def inspections_for(uow: UnitOfWork, lot_id: int) -> list[InspectionRead]:
    """Every inspection of a lot, oldest first, with its sampling plans and verdicts."""
    rows = list(uow.session.scalars(select(Inspection).where(Inspection.lot_id == lot_id)
                                    .order_by(Inspection.id)))
    return [inspection_read(uow, r) for r in rows]


def list_nonconformances(uow: UnitOfWork, *, status: str | None = None,
                         item: str | None = None, limit: int = 50, offset: int = 0
                         ) -> tuple[list[NonconformanceRead], int]:
    query = select(Nonconformance)
    if status:
        query = query.where(Nonconformance.status == status)
    if item:
        found = catalog.get_item_by_code(uow, item)
        if found is None:
            return [], 0
        query = query.where(Nonconformance.item_id == found.id)
    total = int(uow.session.scalar(select(func.count()).select_from(query.subquery())) or 0)
    rows = list(uow.session.scalars(query.order_by(Nonconformance.id.desc())
                                    .limit(limit).offset(offset)))
    codes = _item_codes(uow, [r.item_id for r in rows])
    inspections = dict(uow.session.execute(select(Inspection.id, Inspection.number).where(
        Inspection.id.in_([r.inspection_id for r in rows if r.inspection_id]))).all()) \
        if rows else {}
    lots = dict(uow.session.execute(select(Inspection.id, Inspection.lot_code).where(
        Inspection.id.in_([r.inspection_id for r in rows if r.inspection_id]))).all()) \
        if rows else {}
    return [NonconformanceRead(
        number=r.number, item_id=r.item_id, item_code=codes.get(r.item_id, ""),
        lot_id=r.lot_id, lot=lots.get(r.inspection_id) if r.inspection_id else None,
        quantity=r.quantity, uom=r.uom, description=r.description,
        inspection=inspections.get(r.inspection_id) if r.inspection_id else None,
        status=r.status, opened_at=r.opened_at) for r in rows], total


@dataclass(frozen=True)
class ItemSwitching:
    item_id: int
    item_code: str
    severity: str
    score: int
    discontinued: bool
    reduced_approved: bool


@dataclass(frozen=True)
class SupplierQuality:
    partner_id: int
    since: dt.datetime
    until: dt.datetime
    lots: int  # lots decided in the period
    rejected: int  # not accepted on original inspection (rejected, or used on concession)
    items: list[ItemSwitching] = field(default_factory=list)

    @property
    def rejection_rate(self) -> float | None:
        """Lot rejection rate in the period, 0..1 (None without lots)."""
        return self.rejected / self.lots if self.lots else None

    def as_dict(self) -> dict[str, Any]:
        return {"partner_id": self.partner_id, "since": self.since.isoformat(),
                "until": self.until.isoformat(), "lots": self.lots, "rejected": self.rejected,
                "rejection_rate": self.rejection_rate,
                "items": [vars(i) for i in self.items]}


def supplier_quality(uow: UnitOfWork, partner_id: int, since: dt.datetime,
                     until: dt.datetime) -> SupplierQuality:
    """A supplier's lot rejection rate in [since, until) (lots decided then) and the current
    switching state of each of its items. On-time delivery is procurement's."""
    decided = select(Inspection.verdict, func.count()).where(
        Inspection.supplier_id == partner_id, Inspection.decided_at.is_not(None),
        Inspection.decided_at >= since, Inspection.decided_at < until,
    ).group_by(Inspection.verdict)
    by_verdict = {verdict: int(n) for verdict, n in uow.session.execute(decided)}
    lots = sum(by_verdict.values())
    rejected = by_verdict.get(InspectionVerdict.REJECTED, 0) + by_verdict.get(
        InspectionVerdict.CONDITIONAL, 0)
    states = list(uow.session.scalars(select(SupplierItemState).where(
        SupplierItemState.supplier_id == partner_id).order_by(SupplierItemState.item_id)))
    codes = _item_codes(uow, [s.item_id for s in states])
    return SupplierQuality(partner_id=partner_id, since=since, until=until, lots=lots,
                           rejected=rejected, items=[ItemSwitching(
                               item_id=s.item_id, item_code=codes.get(s.item_id, ""),
                               severity=s.severity, score=s.score,
                               discontinued=s.discontinued,
                               reduced_approved=s.reduced_approved) for s in states])


def switching_states(uow: UnitOfWork, *, item_id: int | None = None) -> list[SupplierItemState]:
    query = select(SupplierItemState).order_by(SupplierItemState.supplier_id,
                                               SupplierItemState.item_id)
    if item_id is not None:
        query = query.where(SupplierItemState.item_id == item_id)
    return list(uow.session.scalars(query))


def open_figures(uow: UnitOfWork) -> list[Figure]:
    """For QA: inspections waiting for results, and for a decision."""
    waiting = dict(uow.session.execute(
        select(Inspection.status, func.count()).where(Inspection.status.in_(OPEN_STATUSES))
        .group_by(Inspection.status)).all())
    return [count(N_("Inspections waiting for results"),
                  int(waiting.get(InspectionStatus.OPEN, 0)),
                  "/quality/inspections?status=open"),
            count(N_("Inspections waiting for a decision"),
                  int(waiting.get(InspectionStatus.RESULTS_ENTERED, 0)),
                  "/quality/inspections?status=results_entered")]
