"""QA's decisions on an inspection, each with its e-signature(s), and their effects in the same
transaction: the goods move (release: to an available location; rejection: to a rejected
location), the lot's (or units') status changes, the journal event carries the inspection,
the switching state moves on, a rejection or concession opens a nonconformance."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from medtrace.modules import inventory, traceability
from medtrace.modules.quality import events
from medtrace.modules.quality.errors import InspectionStateError
from medtrace.modules.quality.models import Inspection
from medtrace.modules.quality.rules import (
    CONCESSION_MEANING,
    REJECT_MEANING,
    RELEASE_MEANING,
    InspectionStatus,
    InspectionVerdict,
)
from medtrace.modules.quality.schemas import ConcessionIn, DecisionIn
from medtrace.modules.quality.service.core import (
    check_signer,
    ensure_decidable,
    ensure_not_discontinued,
    get_inspection_or_raise,
    open_nonconformance,
    sample_plans_of,
    sign,
    switch_after,
    target_location,
)
from medtrace.platform import esign
from medtrace.platform.actor import Actor
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_


def _move_goods(uow: UnitOfWork, inspection: Inspection, *, to_location: str, purpose: str,
                actor: Actor) -> None:
    """Move the inspected goods from where they wait: one stock move for a lot or an
    untracked quantity, one per serial unit (the one place to swap for a bulk move)."""
    common: dict[str, Any] = {"item_id": inspection.item_id,
                              "from_location": inspection.location_code,
                              "to_location": to_location, "purpose": purpose,
                              "lot_id": inspection.lot_id, "doc": inspection.number}
    if inspection.unit_ids:
        for unit_id in inspection.unit_ids:
            inventory.post_move(uow, move=inventory.MoveCreate(
                quantity=Decimal(1), unit_id=unit_id, **common), actor=actor)
        return
    inventory.post_move(uow, move=inventory.MoveCreate(
        quantity=inspection.quantity, uom=inspection.uom, **common), actor=actor)


def _things(uow: UnitOfWork, inspection: Inspection) -> list[Any]:
    if inspection.lot_id is not None:
        return [traceability.get_object_or_raise(uow, inspection.lot_id)]
    return [traceability.get_object_or_raise(uow, unit_id) for unit_id in inspection.unit_ids]


def _set_status(uow: UnitOfWork, inspection: Inspection, *, status: str, password: str,
                verdict: str, signature: esign.Signature, reason: str, actor: Actor) -> None:
    """The lot's (or each unit's) quality status, journalled with the inspection (the trace
    reads ``extra.inspection``); a thing already in that status gets the journal event only."""
    extra = {"inspection": {"number": inspection.number, "verdict": verdict,
                            "signed_by": signature.signer_username,
                            "signed_at": signature.signed_at.isoformat()}}
    step = "released" if status == "released" else "rejected"
    for thing in _things(uow, inspection):
        if thing.status == status:
            traceability.record_event(uow, step=step, what=[thing], doc=inspection.number,
                                      extra=extra)
            continue
        traceability.change_status(uow, object_id=thing.id, status=status, reason=reason,
                                   actor=actor, password=password, doc=inspection.number,
                                   extra=extra)


def _finish(uow: UnitOfWork, inspection: Inspection, *, status: str, verdict: str,
            actor: Actor) -> None:
    inspection.status, inspection.verdict = status, verdict
    inspection.decided_at, inspection.decided_by = uow.now(), actor.name
    uow.flush()
    uow.publish(events.InspectionDecided(inspection_id=inspection.id, number=inspection.number,
                                         verdict=verdict, status=status))


def release_inspection(uow: UnitOfWork, *, number: str, data: DecisionIn,
                       actor: Actor) -> Inspection:
    """Release accepted goods to an available location, with QA's signature (meaning
    ``released``) by someone other than the receiver."""
    inspection = get_inspection_or_raise(uow, number)
    ensure_decidable(uow, inspection, actor)
    if inspection.verdict != InspectionVerdict.ACCEPTED:
        raise InspectionStateError("only goods whose inspection accepted them are released",
                                   errors=[{"field": "verdict", "message": N_("not accepted")}])
    ensure_not_discontinued(uow, inspection)
    check_signer(inspection, data.signature, actor, (RELEASE_MEANING,))
    to_location = target_location(uow, inspection, data.to_location, "available")
    signature = sign(uow, inspection, data.signature, actor, data.comment)
    reason = f"{inspection.number}: {data.comment.strip() or 'accepted'}"
    _set_status(uow, inspection, status="released", password=data.signature.password,
                verdict=InspectionVerdict.ACCEPTED, signature=signature, reason=reason,
                actor=actor)
    _move_goods(uow, inspection, to_location=to_location, purpose="release", actor=actor)
    switch_after(uow, inspection, accepted=True)
    _finish(uow, inspection, status=InspectionStatus.RELEASED,
            verdict=InspectionVerdict.ACCEPTED, actor=actor)
    return inspection


def _failures(uow: UnitOfWork, inspection: Inspection) -> str:
    from medtrace.modules.quality.service.core import results_of, verdicts

    plans = sample_plans_of(uow, inspection.id)
    found = verdicts(plans, results_of(uow, inspection.id))
    return "; ".join(
        f"{p.name_en}: {found[p.id].nonconforming} nonconforming in {found[p.id].entered} "
        f"(n={p.to_inspect}, Ac {p.accept}, Re {p.reject})"
        for p in plans if found[p.id].nonconforming)


def reject_inspection(uow: UnitOfWork, *, number: str, data: DecisionIn,
                      actor: Actor) -> Inspection:
    """Reject the goods: QA's signature (meaning ``rejected``), the goods to a rejected
    location, the lot rejected, a nonconformance opened. Goods the inspection did not reject
    may be rejected too, with a comment saying why."""
    inspection = get_inspection_or_raise(uow, number)
    ensure_decidable(uow, inspection, actor)
    if inspection.verdict != InspectionVerdict.REJECTED and not data.comment.strip():
        raise InspectionStateError("say why goods the inspection did not reject are rejected",
                                   errors=[{"field": "comment", "message": N_("required")}])
    check_signer(inspection, data.signature, actor, (REJECT_MEANING,))
    to_location = target_location(uow, inspection, data.to_location, "rejected")
    signature = sign(uow, inspection, data.signature, actor, data.comment)
    reason = f"{inspection.number}: {data.comment.strip() or 'rejected'}"
    _move_goods(uow, inspection, to_location=to_location, purpose="quarantine", actor=actor)
    _set_status(uow, inspection, status="rejected", password=data.signature.password,
                verdict=InspectionVerdict.REJECTED, signature=signature, reason=reason,
                actor=actor)
    description = f"Incoming inspection {inspection.number} rejected the goods"
    failures = _failures(uow, inspection)
    description += f": {failures}" if failures else "."
    if data.comment.strip():
        description += f" QA: {data.comment.strip()}"
    open_nonconformance(uow, inspection, description, actor)
    if not inspection.supplier_discontinued:
        switch_after(uow, inspection, accepted=False)
    _finish(uow, inspection, status=InspectionStatus.REJECTED,
            verdict=InspectionVerdict.REJECTED, actor=actor)
    return inspection


def release_conditionally(uow: UnitOfWork, *, number: str, data: ConcessionIn,
                          actor: Actor) -> Inspection:
    """Concession (让步接收) for goods the inspection rejected: a first QA signature
    (``released``) with the reason, then a second one (``approved``) by another person;
    neither may be the receiver. The second signature releases the goods, and a
    nonconformance records the concession."""
    inspection = get_inspection_or_raise(uow, number)
    ensure_decidable(uow, inspection, actor)
    if inspection.verdict != InspectionVerdict.REJECTED:
        raise InspectionStateError("a concession is for goods the inspection rejected",
                                   errors=[{"field": "verdict", "message": N_("not rejected")}])
    ensure_not_discontinued(uow, inspection)
    first = [v.signature for v in esign.signatures_for(uow, inspection)
             if v.valid and v.signature.meaning == RELEASE_MEANING]
    if not first:
        check_signer(inspection, data.signature, actor, (RELEASE_MEANING,))
        sign(uow, inspection, data.signature, actor, data.reason)
        inspection.reason = data.reason.strip()
        uow.flush()
        return inspection
    check_signer(inspection, data.signature, actor, (CONCESSION_MEANING,))
    to_location = target_location(uow, inspection, data.to_location, "available")
    signature = sign(uow, inspection, data.signature, actor, data.reason)
    reason = f"{inspection.number}: concession: {inspection.reason or data.reason.strip()}"
    _set_status(uow, inspection, status="released", password=data.signature.password,
                verdict=InspectionVerdict.CONDITIONAL, signature=signature, reason=reason[:500],
                actor=actor)
    _move_goods(uow, inspection, to_location=to_location, purpose="release", actor=actor)
    failures = _failures(uow, inspection)
    open_nonconformance(uow, inspection, (
        f"Incoming inspection {inspection.number}: released on concession by "
        f"{first[0].signer_username} and {actor.name}. Reason: {inspection.reason}. "
        f"Findings: {failures or '-'}"), actor)
    switch_after(uow, inspection, accepted=False)
    _finish(uow, inspection, status=InspectionStatus.CONDITIONAL,
            verdict=InspectionVerdict.CONDITIONAL, actor=actor)
    return inspection
