"""Quality write actions: open an inspection (called by the receipt), enter results, release,
release on concession, reject; edit plans; the switching state per supplier and item.

Services flush, never commit: the caller's unit of work is the transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from sqlalchemy import select

from medtrace.modules import catalog, inventory, traceability
from medtrace.modules.quality import events, rules
from medtrace.modules.quality.errors import (
    InspectionDiscontinued,
    InspectionNotFound,
    InspectionStateError,
    NoTargetLocation,
    PlanInvalid,
    ReceiverMayNotSign,
    ResultsInvalid,
    SignerMismatch,
)
from medtrace.modules.quality.models import (
    Characteristic,
    Inspection,
    InspectionPlan,
    Nonconformance,
    Result,
    SamplePlan,
    SupplierItemState,
)
from medtrace.modules.quality.permissions import (
    INSPECTION_DECIDE,
    INSPECTION_PERFORM,
    PLAN_EDIT,
    SWITCHING_EDIT,
)
from medtrace.modules.quality.rules import InspectionStatus
from medtrace.modules.quality.schemas import (
    PlanWrite,
    ResultsEntry,
    SignatureIn,
    SwitchingUpdate,
)
from medtrace.platform import esign, numbering
from medtrace.platform.actor import Actor
from medtrace.platform.auth.errors import Forbidden
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_
from medtrace.standards import iso2859

INSPECTION_NUMBERS, NC_NUMBERS = "quality.inspection", "quality.nonconformance"
numbering.register_kind(INSPECTION_NUMBERS, N_("Inspection numbers"))
numbering.register_kind(NC_NUMBERS, N_("Nonconformance numbers"))

MB = 1024 * 1024
#: a certificate of analysis: its first bytes and largest size
FILE_TYPES = {
    "application/pdf": (b"%PDF-", 20 * MB),
    "image/png": (b"\x89PNG\r\n\x1a\n", 10 * MB),
    "image/jpeg": (b"\xff\xd8\xff", 10 * MB),
}
HISTORY_KEPT = 100
#: the rules a plant starts with (an administrator may change them on the numbering page):
#: inspection IQC2612-00001 (monthly), nonconformance NC26-00001 (yearly)
DEFAULT_RULES = {INSPECTION_NUMBERS: ("IQC{YY}{MM}-{SEQ:5}", "monthly"),
                 NC_NUMBERS: ("NC{YY}-{SEQ:5}", "yearly")}


@dataclass(frozen=True)
class UploadedFile:
    name: str
    content_type: str
    content: bytes


def next_number(uow: UnitOfWork, kind: str) -> str:
    """The next inspection or nonconformance number; the kind's default rule is created,
    in this transaction, the first time a plant needs one."""
    if numbering.get_rule(uow, kind) is None:
        pattern, reset = DEFAULT_RULES[kind]
        numbering.save_rule(uow, scope=kind, pattern=pattern, reset=reset,
                            description="quality default")
    return numbering.next_number(uow, kind)


def _problem(field: str, message: str) -> dict[str, str]:
    return {"field": field, "message": message}


def _ensure(actor: Actor, permission: str) -> None:
    if not actor.can(permission):
        raise Forbidden(permission=permission)


# --- plans ----------------------------------------------------------------------------------------
def get_plan(uow: UnitOfWork, item_id: int) -> tuple[InspectionPlan | None, list[Characteristic]]:
    plan = uow.session.scalar(select(InspectionPlan).where(InspectionPlan.item_id == item_id))
    if plan is None:
        return None, []
    rows = list(uow.session.scalars(select(Characteristic).where(
        Characteristic.plan_id == plan.id).order_by(Characteristic.position)))
    return plan, rows


def _check_characteristic(index: int, data: Any) -> list[dict[str, str]]:
    problems = []
    prefix = f"characteristics.{index}"
    try:
        iso2859.normalise_aql(data.aql)
    except iso2859.SamplingError:
        problems.append(_problem(f"{prefix}.aql", N_("not in the standard's tables")))
    if data.kind == rules.CharacteristicKind.DIMENSIONAL:
        if data.lower is None and data.upper is None:
            problems.append(_problem(f"{prefix}.lower", N_("a dimensional check needs a limit")))
        if data.lower is not None and data.upper is not None and data.lower > data.upper:
            problems.append(_problem(f"{prefix}.upper", N_("below the lower limit")))
        if not data.unit:
            problems.append(_problem(f"{prefix}.unit", N_("a dimensional check needs a unit")))
    elif data.lower is not None or data.upper is not None:
        problems.append(_problem(f"{prefix}.lower", N_("only dimensional checks have limits")))
    return problems


def save_plan(uow: UnitOfWork, *, item_id: int, data: PlanWrite, actor: Actor) -> InspectionPlan:
    """Define or replace an item's inspection plan; every change raises its version."""
    _ensure(actor, PLAN_EDIT)
    item = catalog.get_item_or_raise(uow, item_id)
    problems = [p for i, c in enumerate(data.characteristics) for p in _check_characteristic(i, c)]
    if problems:
        raise PlanInvalid(problems[0]["message"], errors=problems)
    plan, old = get_plan(uow, item.id)
    if plan is None:
        plan = InspectionPlan(item_id=item.id, version=1, note=data.note)
        uow.session.add(plan)
    else:
        plan.version += 1
        plan.note = data.note
        for row in old:
            uow.session.delete(row)
    uow.session.flush()
    for position, c in enumerate(data.characteristics, start=1):
        uow.session.add(Characteristic(
            plan_id=plan.id, position=position, kind=str(c.kind), name_zh=c.name_zh,
            name_en=c.name_en, lower=c.lower, upper=c.upper, unit=c.unit,
            aql=iso2859.normalise_aql(c.aql), inspection_level=c.inspection_level,
            critical=c.critical))
    uow.flush()
    return plan


# --- switching state --------------------------------------------------------------------------
def _state_row(uow: UnitOfWork, supplier_id: int | None, item_id: int, *,
               create: bool) -> SupplierItemState | None:
    if supplier_id is None:
        return None
    row = uow.session.scalar(select(SupplierItemState).where(
        SupplierItemState.supplier_id == supplier_id, SupplierItemState.item_id == item_id))
    if row is None and create:
        row = SupplierItemState(supplier_id=supplier_id, item_id=item_id, severity="normal",
                                score=0, recent="", accepted_run=0, rejected_on_tightened=0,
                                discontinued=False, reduced_approved=True,
                                production_steady=True, history=[])
        uow.session.add(row)
        uow.session.flush()
    return row


def _as_state(row: SupplierItemState) -> iso2859.SwitchingState:
    return iso2859.SwitchingState(
        severity=row.severity, score=row.score,
        recent=tuple(ch == "A" for ch in row.recent), accepted_run=row.accepted_run,
        rejected_on_tightened=row.rejected_on_tightened, discontinued=row.discontinued)


def _store_state(row: SupplierItemState, state: iso2859.SwitchingState) -> None:
    row.severity, row.score = state.severity, state.score
    row.recent = "".join("A" if ok else "R" for ok in state.recent)
    row.accepted_run, row.rejected_on_tightened = state.accepted_run, state.rejected_on_tightened
    row.discontinued = state.discontinued


def update_switching(uow: UnitOfWork, *, supplier_id: int, item_id: int, data: SwitchingUpdate,
                     actor: Actor) -> SupplierItemState:
    """QA approves or withdraws reduced inspection, marks production (ir)regular, or resumes
    discontinued inspection (on tightened, ISO 2859-1 9.4)."""
    _ensure(actor, SWITCHING_EDIT)
    catalog.get_item_or_raise(uow, item_id)
    row = _state_row(uow, supplier_id, item_id, create=True)
    assert row is not None
    uow.context.setdefault("reason", data.reason.strip())
    entry: dict[str, Any] = {"at": uow.now().isoformat(), "by": actor.name,
                             "reason": data.reason.strip()}
    if data.reduced_approved is not None:
        row.reduced_approved = data.reduced_approved
        entry["reduced_approved"] = data.reduced_approved
    if data.production_steady is not None:
        row.production_steady = data.production_steady
        entry["production_steady"] = data.production_steady
        if not data.production_steady and row.severity == "reduced":
            _store_state(row, iso2859.SwitchingState(severity="normal"))
            entry["switched_to"] = "normal"
    if data.resume:
        if not row.discontinued:
            raise InspectionStateError("inspection is not discontinued")
        _store_state(row, iso2859.resume(_as_state(row)))
        entry["switched_to"] = "tightened"
        entry["resumed"] = True
    row.history = [*(row.history or []), entry][-HISTORY_KEPT:]
    uow.flush()
    return row


# --- opening --------------------------------------------------------------------------------------
def _lot_size(uow: UnitOfWork, item_id: int, quantity: Decimal, uom: str,
              unit_ids: Sequence[int]) -> int:
    if unit_ids:
        return len(unit_ids)
    base = catalog.to_base_quantity(uow, item_id, quantity, uom)
    return max(int(base.to_integral_value(rounding=ROUND_CEILING)), 1)


def _sample_plans(characteristics: Sequence[dict[str, Any]], lot_size: int,
                  severity: str) -> list[dict[str, Any]]:
    plans = []
    for position, c in enumerate(characteristics, start=1):
        numbers = rules.plan_numbers(lot_size=max(lot_size, 2), level=c["inspection_level"],
                                     aql=c["aql"], severity=severity, critical=c["critical"])
        numbers["to_inspect"] = min(int(numbers["to_inspect"]), lot_size)  # type: ignore[call-overload]
        numbers["inspect_all"] = int(numbers["sample_size"]) >= lot_size  # type: ignore[call-overload]
        if c["kind"] == rules.CharacteristicKind.DOCUMENT:  # one certificate per lot
            numbers.update(plan_letter=numbers["code_letter"], sample_size=1, to_inspect=1,
                           accept=0, reject=1, inspect_all=False)
        plans.append({**c, **numbers, "position": position, "severity": severity})
    return plans


def open_inspection(uow: UnitOfWork, *, item_id: int, lot_id: int | None, unit_ids: list[int],
                    quantity: Decimal, uom: str, location_code: str, supplier_id: int | None,
                    source_document: str, purchase_order: str | None, received_by: int | None,
                    actor: Actor) -> Inspection:
    """Goods wait in quarantine at ``location_code``: open their incoming inspection with the
    item's plan (or the default one) at the supplier-item's current severity. Called inside
    the caller's action (the receipt), which has checked its own permission. A few queries,
    whatever the number of units (their ids are stored as one list)."""
    item = catalog.get_item_or_raise(uow, item_id)
    try:
        amount = Decimal(str(quantity))
    except (InvalidOperation, ValueError):
        raise ResultsInvalid("the quantity is not a number",
                             errors=[_problem("quantity", N_("not a number"))]) from None
    if amount <= 0:
        raise ResultsInvalid("the quantity is positive",
                             errors=[_problem("quantity", N_("more than zero"))])
    unit = (uom or item.base_uom).upper()
    lot_size = _lot_size(uow, item.id, amount, unit, unit_ids)
    state = _state_row(uow, supplier_id, item.id, create=True)
    severity = state.severity if state is not None else "normal"
    plan, characteristics = get_plan(uow, item.id)
    spec = ([{"kind": c.kind, "name_zh": c.name_zh, "name_en": c.name_en, "lower": c.lower,
              "upper": c.upper, "unit": c.unit, "aql": c.aql,
              "inspection_level": c.inspection_level, "critical": c.critical}
             for c in characteristics] if characteristics else
            [{**rules.DEFAULT_CHARACTERISTIC, "lower": None, "upper": None, "unit": None}])
    lot_code = traceability.get_object_or_raise(uow, lot_id).code if lot_id is not None else None
    inspection = Inspection(
        number=next_number(uow, INSPECTION_NUMBERS), item_id=item.id, lot_id=lot_id,
        lot_code=lot_code,
        unit_count=len(unit_ids), unit_ids=list(unit_ids), quantity=amount, uom=unit,
        lot_size=lot_size, location_code=location_code, supplier_id=supplier_id,
        source_document=source_document or "", purchase_order=purchase_order,
        received_by=received_by, severity=severity,
        plan_version=plan.version if plan is not None else 0,
        supplier_discontinued=bool(state is not None and state.discontinued),
        status=InspectionStatus.OPEN, results_count=0, opened_at=uow.now())
    uow.session.add(inspection)
    uow.session.flush()
    uow.session.add_all([SamplePlan(inspection_id=inspection.id, **p)
                         for p in _sample_plans(spec, lot_size, severity)])
    uow.session.flush()
    uow.publish(events.InspectionOpened(inspection_id=inspection.id, number=inspection.number,
                                        item_id=item.id, lot_id=lot_id, severity=severity))
    return inspection


def get_inspection_or_raise(uow: UnitOfWork, number: str) -> Inspection:
    row = uow.session.scalar(select(Inspection).where(Inspection.number == number))
    if row is None:
        raise InspectionNotFound(f"no inspection {number!r}")
    return row


def sample_plans_of(uow: UnitOfWork, inspection_id: int) -> list[SamplePlan]:
    return list(uow.session.scalars(select(SamplePlan).where(
        SamplePlan.inspection_id == inspection_id).order_by(SamplePlan.position)))


def results_of(uow: UnitOfWork, inspection_id: int) -> list[Result]:
    return list(uow.session.scalars(select(Result).where(
        Result.inspection_id == inspection_id).order_by(Result.sample_plan_id, Result.sample_no)))


# --- results ----------------------------------------------------------------------------------
def _store_file(storage: Path, upload: UploadedFile) -> str:
    magic, limit = FILE_TYPES.get(upload.content_type, (None, 0))
    if magic is None or not upload.content.startswith(magic):
        raise ResultsInvalid("attach a PDF, PNG or JPEG file (its content must match)",
                             errors=[_problem("file", N_("a PDF, PNG or JPEG file"))])
    if len(upload.content) > limit:
        raise ResultsInvalid(f"the file may be at most {limit // MB} MB",
                             errors=[_problem("file", N_("too large"))])
    digest = hashlib.sha256(upload.content).hexdigest()
    target = storage / digest[:2] / digest
    if not target.exists():  # content-addressed: the same file is stored once
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".part")
        partial.write_bytes(upload.content)
        partial.replace(target)
    return digest


def verdicts(plans: Sequence[SamplePlan], results: Sequence[Result]
             ) -> dict[int, rules.CharacteristicVerdict]:
    by_plan: dict[int, list[bool]] = {p.id: [] for p in plans}
    for r in results:
        by_plan.setdefault(r.sample_plan_id, []).append(r.passed)
    return {p.id: rules.characteristic_verdict(to_inspect=p.to_inspect, accept=p.accept,
                                               reject=p.reject, passed=by_plan[p.id])
            for p in plans}


def _refresh_verdict(uow: UnitOfWork, inspection: Inspection) -> None:
    plans = sample_plans_of(uow, inspection.id)
    results = results_of(uow, inspection.id)
    found = verdicts(plans, results)
    verdict = rules.lot_verdict(v.verdict for v in found.values())
    inspection.results_count = len(results)
    inspection.verdict = verdict
    inspection.status = (InspectionStatus.RESULTS_ENTERED if verdict is not None
                         else InspectionStatus.OPEN)


def record_results(uow: UnitOfWork, *, number: str, data: ResultsEntry, actor: Actor,
                   files: dict[int, UploadedFile] | None = None,
                   storage: Path | None = None) -> Inspection:
    """The inspector's results per sample and characteristic; the verdict follows by itself.
    A result entered again replaces the earlier one (the audit trail keeps both) until the
    decision."""
    _ensure(actor, INSPECTION_PERFORM)
    inspection = get_inspection_or_raise(uow, number)
    if InspectionStatus(inspection.status).decided:
        raise InspectionStateError("the inspection is decided; its results are final")
    plans = {p.position: p for p in sample_plans_of(uow, inspection.id)}
    existing = {(r.sample_plan_id, r.sample_no): r for r in results_of(uow, inspection.id)}
    stored: dict[int, tuple[str, UploadedFile]] = {}
    for position, upload in (files or {}).items():
        if position not in plans or plans[position].kind != rules.CharacteristicKind.DOCUMENT:
            raise ResultsInvalid("a file belongs to a document characteristic",
                                 errors=[_problem("file", N_("not a document characteristic"))])
        if storage is None:
            raise ValueError("a storage folder is needed for attached files")
        stored[position] = (_store_file(storage, upload), upload)
    for index, entry in enumerate(data.results):
        field = f"results.{index}"
        plan = plans.get(entry.characteristic)
        if plan is None:
            raise ResultsInvalid(f"no characteristic {entry.characteristic}",
                                 errors=[_problem(f"{field}.characteristic", N_("unknown"))])
        if entry.sample > plan.to_inspect:
            raise ResultsInvalid(f"sample {entry.sample} beyond the {plan.to_inspect} to inspect",
                                 errors=[_problem(f"{field}.sample", N_("beyond the sample"))])
        row = existing.get((plan.id, entry.sample))
        values: dict[str, Any] = {"note": entry.note, "recorded_by": actor.name,
                                  "recorded_at": uow.now()}
        if plan.kind == rules.CharacteristicKind.DIMENSIONAL:
            if entry.value is None:
                raise ResultsInvalid("a dimensional check is measured",
                                     errors=[_problem(f"{field}.value", N_("required"))])
            values["value"] = entry.value
            values["passed"] = rules.measured_passes(entry.value, plan.lower, plan.upper)
        else:
            if entry.passed is None or entry.value is not None:
                raise ResultsInvalid("this check is passed or failed, not measured",
                                     errors=[_problem(f"{field}.passed", N_("required"))])
            values["passed"] = entry.passed
        if plan.kind == rules.CharacteristicKind.DOCUMENT:
            if plan.position in stored:
                digest, upload = stored[plan.position]
                values.update(file_sha256=digest, file_name=upload.name[:200],
                              file_type=upload.content_type)
            elif row is None or not row.file_sha256:
                raise ResultsInvalid("attach the certificate of analysis",
                                     errors=[_problem("file", N_("required"))])
        if row is None:
            row = Result(inspection_id=inspection.id, sample_plan_id=plan.id,
                         sample_no=entry.sample, **values)
            uow.session.add(row)
            existing[(plan.id, entry.sample)] = row
        else:
            for key, value in values.items():
                setattr(row, key, value)
    uow.session.flush()
    _refresh_verdict(uow, inspection)
    uow.flush()
    return inspection


# --- decisions (decide.py holds the effects) -------------------------------------------------
def check_signer(inspection: Inspection, signature: SignatureIn, actor: Actor,
                 meanings: Sequence[str]) -> None:
    if actor.kind != "user" or signature.username != actor.name:
        raise SignerMismatch("sign as the signed-in user",
                             errors=[_problem("signature.username", N_("not you"))])
    if signature.meaning not in meanings:
        raise InspectionStateError(f"this decision is signed as {' or '.join(meanings)}",
                                   errors=[_problem("signature.meaning", N_("wrong meaning"))])
    if inspection.received_by is not None and actor.id == inspection.received_by:
        raise ReceiverMayNotSign(errors=[_problem("signature.username", N_("received the goods"))])


def sign(uow: UnitOfWork, inspection: Inspection, signature: SignatureIn, actor: Actor,
         comment: str) -> esign.Signature:
    return esign.sign(uow, record=inspection, meaning=signature.meaning,
                      password=signature.password, actor=actor, comment=comment or None)


def ensure_decidable(uow: UnitOfWork, inspection: Inspection, actor: Actor) -> None:
    _ensure(actor, INSPECTION_DECIDE)
    if InspectionStatus(inspection.status).decided:
        raise InspectionStateError("the inspection is decided already")


def ensure_not_discontinued(uow: UnitOfWork, inspection: Inspection) -> None:
    row = _state_row(uow, inspection.supplier_id, inspection.item_id, create=False)
    if row is not None and row.discontinued:
        raise InspectionDiscontinued()


def target_location(uow: UnitOfWork, inspection: Inspection, given: str | None,
                    status: str) -> str:
    """Where the decided goods go: the location given (which must have the right stock
    status), else the first location with that status in the warehouse of the goods."""
    if given:
        location = inventory.get_location_or_raise(uow, given)
        if inventory.stock_status_of(uow, location) != status:
            raise NoTargetLocation(f"{given} does not hold {status} stock",
                                   errors=[_problem("to_location", N_("wrong stock status"))])
        return location.code
    found = inventory.find_location_with_status(uow, status=status,
                                                near=inspection.location_code)
    if found is None:
        raise NoTargetLocation(f"no {status} location near {inspection.location_code}",
                               errors=[_problem("to_location", N_("required"))])
    return found


def open_nonconformance(uow: UnitOfWork, inspection: Inspection, description: str,
                        actor: Actor) -> Nonconformance:
    nc = Nonconformance(
        number=next_number(uow, NC_NUMBERS), item_id=inspection.item_id,
        lot_id=inspection.lot_id, quantity=inspection.quantity, uom=inspection.uom,
        description=description[:4000], inspection_id=inspection.id,
        supplier_id=inspection.supplier_id, status=rules.NcStatus.OPEN, opened_at=uow.now(),
        opened_by=actor.name)
    uow.session.add(nc)
    uow.session.flush()
    inspection.nonconformance_id = nc.id
    uow.publish(events.NonconformanceOpened(nonconformance_id=nc.id, number=nc.number,
                                            inspection_id=inspection.id,
                                            item_id=nc.item_id, lot_id=nc.lot_id))
    return nc


def switch_after(uow: UnitOfWork, inspection: Inspection, accepted: bool) -> None:
    """Bring the supplier-item's switching state up to date with this lot's result on
    original inspection (a concession is a lot not accepted)."""
    row = _state_row(uow, inspection.supplier_id, inspection.item_id, create=True)
    if row is None or row.discontinued:
        return
    plans = sample_plans_of(uow, inspection.id)
    found = verdicts(plans, results_of(uow, inspection.id))
    results = []
    for plan in plans:
        tighter = iso2859.tighter_aql(plan.aql)
        tighter_accept = None
        if tighter is not None:
            value = iso2859.cell("normal", plan.plan_letter, tighter)
            if "," in value:
                tighter_accept = int(value.split(",")[0])
        results.append(iso2859.CharacteristicResult(
            accept=plan.accept, found=found[plan.id].nonconforming,
            tighter_accept=tighter_accept))
    points = iso2859.lot_points(results)
    before = row.severity
    switch = iso2859.next_state(_as_state(row), accepted=accepted, points=points,
                                production_steady=row.production_steady,
                                reduced_approved=row.reduced_approved)
    _store_state(row, switch.state)
    row.history = [*(row.history or []), {
        "at": uow.now().isoformat(), "inspection": inspection.number, "severity": before,
        "accepted": accepted, "points": points, "score": switch.state.score,
        "switched_to": switch.rule}][-HISTORY_KEPT:]

