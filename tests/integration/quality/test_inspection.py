"""Incoming inspection on a real database (both backends): open → results → automatic verdict
→ signed release or rejection with their effects; every refusal leaves nothing behind."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from medtrace.modules import quality
from medtrace.modules.inventory.models import Balance, Location
from medtrace.modules.quality.models import Inspection, Nonconformance, SupplierItemState
from medtrace.modules.traceability.models import Event, TraceObject
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.esign import SeparationOfDuties, SignaturePasswordWrong
from tests.factories.quality import Plant, make_plant


@pytest.fixture
def plant(db) -> Plant:  # type: ignore[no-untyped-def]
    return make_plant(db)


def _stock(db, location: str, lot_id: int) -> Decimal:  # type: ignore[no-untyped-def]
    with UnitOfWork(db) as uow:
        place = uow.session.scalar(select(Location).where(Location.code == location))
        found = uow.session.scalar(select(func.coalesce(func.sum(Balance.quantity), 0)).where(
            Balance.location_id == place.id, Balance.thing_key == lot_id))
        return Decimal(found)


def _lot(db, lot_id: int) -> TraceObject:  # type: ignore[no-untyped-def]
    with UnitOfWork(db) as uow:
        found = uow.session.get(TraceObject, lot_id)
        uow.session.expunge(found)
        return found


def _decide(plant: Plant, action: str, number: str, user: str, meaning: str, **extra):  # type: ignore[no-untyped-def]
    body = {"signature": plant.signature(user, meaning), **extra}
    with UnitOfWork(plant.db) as uow:
        fn = {"release": quality.release_inspection, "reject": quality.reject_inspection,
              "concession": quality.release_conditionally}[action]
        schema = quality.ConcessionIn if action == "concession" else quality.DecisionIn
        return fn(uow, number=number, data=schema.model_validate(body),
                  actor=plant.actor(user)).status


def test_open_inspection_computes_the_plan_at_the_current_severity(plant: Plant) -> None:
    number = plant.receive(2000)
    with UnitOfWork(plant.db) as uow:
        read = quality.list_inspections(uow, lot="L-1", item="CATH")[0][0]
    assert read.number == number and read.status == "open" and read.lot_size == 2000
    (plan,) = read.characteristics or _full(plant, number).characteristics
    assert (plan.code_letter, plan.sample_size, plan.accept, plan.reject) == ("K", 125, 3, 4)
    assert plan.severity == "normal" and plan.kind == "visual"  # the default plan


def _full(plant: Plant, number: str):  # type: ignore[no-untyped-def]
    from medtrace.modules.quality import queries

    with UnitOfWork(plant.db) as uow:
        return queries.inspection_read(uow, quality.get_inspection_or_raise(uow, number))


def test_results_make_the_verdict_and_release_moves_and_journals(plant: Plant) -> None:
    number = plant.receive(500)
    lot_id = plant.ids["lot:L-1"]
    plant.results(number, fail={1: 1})  # H: n=50, Ac 1: one failure is accepted
    assert _full(plant, number).verdict == "accepted"
    assert _decide(plant, "release", number, "qa.one", "released") == "released"
    assert _stock(plant.db, "QZ", lot_id) == 0 and _stock(plant.db, "AZ", lot_id) == 500
    assert _lot(plant.db, lot_id).status == "released"
    with UnitOfWork(plant.db) as uow:
        events = list(uow.session.scalars(select(Event).where(
            Event.step == "released", Event.doc == number)))
    assert len(events) == 1
    assert events[0].extra["inspection"]["number"] == number
    assert events[0].extra["inspection"]["verdict"] == "accepted"
    assert events[0].extra["inspection"]["signed_by"] == "qa.one"


def _nothing_moved(plant: Plant, number: str) -> None:
    lot_id = plant.ids["lot:L-1"]
    assert _stock(plant.db, "QZ", lot_id) == 500 and _stock(plant.db, "AZ", lot_id) == 0
    assert _lot(plant.db, lot_id).status == "quarantine"
    assert _full(plant, number).status == "results_entered"


def test_release_without_signature_is_refused(plant: Plant) -> None:
    number = plant.receive(500)
    plant.results(number)
    with pytest.raises(ValueError):  # the schema refuses a decision without its signature
        quality.DecisionIn.model_validate({})
    with UnitOfWork(plant.db) as uow, pytest.raises(quality.SignerMismatch):
        quality.release_inspection(uow, number=number, data=quality.DecisionIn.model_validate(
            {"signature": plant.signature("qa.two", "released")}), actor=plant.actor("qa.one"))
    _nothing_moved(plant, number)


def test_release_with_a_wrong_password_is_refused(plant: Plant) -> None:
    number = plant.receive(500)
    plant.results(number)
    body = {"signature": {"username": "qa.one", "password": "wrong-one", "meaning": "released"}}
    with UnitOfWork(plant.db) as uow, pytest.raises(SignaturePasswordWrong):
        quality.release_inspection(uow, number=number,
                                   data=quality.DecisionIn.model_validate(body),
                                   actor=plant.actor("qa.one"))
    _nothing_moved(plant, number)


def test_release_by_the_receiver_is_refused(plant: Plant) -> None:
    number = plant.receive(500)
    plant.results(number)
    with pytest.raises(quality.ReceiverMayNotSign):
        _decide(plant, "release", number, "receiver", "released")
    _nothing_moved(plant, number)


def test_release_of_rejected_goods_is_refused(plant: Plant) -> None:
    number = plant.receive(500)
    plant.results(number, fail={1: 2})
    assert _full(plant, number).verdict == "rejected"
    with pytest.raises(quality.InspectionStateError):
        _decide(plant, "release", number, "qa.one", "released")


def test_rejection_moves_to_the_rejected_location_and_opens_a_nonconformance(
        plant: Plant) -> None:
    number = plant.receive(500)
    lot_id = plant.ids["lot:L-1"]
    plant.results(number, fail={1: 3})
    assert _decide(plant, "reject", number, "qa.one", "rejected") == "rejected"
    assert _stock(plant.db, "RZ", lot_id) == 500 and _stock(plant.db, "QZ", lot_id) == 0
    assert _lot(plant.db, lot_id).status == "rejected"
    with UnitOfWork(plant.db) as uow:
        nc = uow.session.scalar(select(Nonconformance))
        inspection = uow.session.scalar(select(Inspection).where(Inspection.number == number))
        assert nc is not None and nc.lot_id == lot_id and nc.quantity == 500
        assert nc.status == "open" and nc.inspection_id == inspection.id
        assert "3 nonconforming" in nc.description
        event = uow.session.scalar(select(Event).where(Event.step == "rejected",
                                                      Event.doc == number))
        assert event.extra["inspection"]["verdict"] == "rejected"
        rows, total = quality.list_nonconformances(uow)
        assert total == 1 and rows[0].inspection == number and rows[0].lot == "L-1"


def test_a_refused_rejection_leaves_nothing_behind(plant: Plant) -> None:
    number = plant.receive(500)
    plant.results(number, fail={1: 3})
    with pytest.raises(quality.ReceiverMayNotSign):
        _decide(plant, "reject", number, "receiver", "rejected")
    with UnitOfWork(plant.db) as uow:
        assert uow.session.scalar(select(func.count()).select_from(Nonconformance)) == 0
    assert _stock(plant.db, "QZ", plant.ids["lot:L-1"]) == 500


def test_concession_needs_two_different_signers(plant: Plant) -> None:
    number = plant.receive(500)
    lot_id = plant.ids["lot:L-1"]
    plant.results(number, fail={1: 2})
    reason = "Cosmetic scratches only; approved by design review DR-7"
    assert _decide(plant, "concession", number, "qa.one", "released",
                   reason=reason) == "results_entered"
    assert _stock(plant.db, "QZ", lot_id) == 500  # one signature releases nothing
    with pytest.raises(SeparationOfDuties):
        _decide(plant, "concession", number, "qa.one", "approved", reason=reason)
    with pytest.raises(quality.ReceiverMayNotSign):
        _decide(plant, "concession", number, "receiver", "approved", reason=reason)
    assert _decide(plant, "concession", number, "qa.two", "approved",
                   reason=reason) == "conditional"
    assert _stock(plant.db, "AZ", lot_id) == 500
    read = _full(plant, number)
    assert read.verdict == "conditional" and read.nonconformance is not None


def test_the_switching_state_follows_the_lots(plant: Plant) -> None:
    for n in range(2):
        number = plant.receive(500, number=f"R-{n}")
        plant.results(number, fail={1: 2})
        _decide(plant, "reject", number, "qa.one", "rejected")
    with UnitOfWork(plant.db) as uow:
        state = uow.session.scalar(select(SupplierItemState))
        assert state.severity == "tightened" and len(state.history) == 2
    number = plant.receive(500, number="T-1")
    plan = _full(plant, number).characteristics[0]
    # tightened: H at AQL 1.0 is an arrow down to J
    assert (plan.severity, plan.sample_size, plan.accept, plan.reject) == ("tightened", 80, 1, 2)
    with UnitOfWork(plant.db) as uow:
        result = quality.supplier_quality(uow, plant.ids["supplier"],
                                          *_period(uow))
    assert result.lots == 2 and result.rejected == 2 and result.rejection_rate == 1.0
    assert result.items[0].severity == "tightened"


def _period(uow):  # type: ignore[no-untyped-def]
    import datetime as dt

    now = uow.now()
    return now - dt.timedelta(days=1), now + dt.timedelta(days=1)


def test_a_plan_drives_the_characteristics_and_limits(plant: Plant) -> None:
    with UnitOfWork(plant.db) as uow:
        quality.save_plan(uow, item_id=plant.ids["cath"], data=quality.PlanWrite.model_validate({
            "characteristics": [
                {"kind": "visual", "name_zh": "外观", "name_en": "Visual", "aql": "1.0"},
                {"kind": "dimensional", "name_zh": "长度", "name_en": "Length", "aql": "0.65",
                 "lower": "99.5", "upper": "100.5", "unit": "mm"},
                {"kind": "functional", "name_zh": "密封", "name_en": "Leak test", "aql": "0.65",
                 "critical": True}]}), actor=plant.actor("qa.one"))
    number = plant.receive(500)
    plans = _full(plant, number).characteristics
    assert [p.kind for p in plans] == ["visual", "dimensional", "functional"]
    # H at AQL 0.65 is an arrow down to J
    assert (plans[1].sample_size, plans[1].accept, plans[1].reject) == (80, 1, 2)
    assert (plans[2].accept, plans[2].reject) == (0, 1)  # critical: no nonconforming item
    plant.results(number, fail={2: 1})  # one length out of limits: still accepted (Ac 1)
    read = _full(plant, number)
    assert read.characteristics[1].nonconforming == 1 and read.verdict == "accepted"


def test_results_beyond_the_sample_are_refused(plant: Plant) -> None:
    number = plant.receive(500)
    with UnitOfWork(plant.db) as uow, pytest.raises(quality.ResultsInvalid):
        quality.record_results(uow, number=number, data=quality.ResultsEntry.model_validate(
            {"results": [{"characteristic": 1, "sample": 51, "passed": True}]}),
            actor=plant.actor("qa.one"))


def test_serial_units_move_one_by_one(plant: Plant) -> None:
    from medtrace.modules import inventory, traceability
    from medtrace.modules.inventory import MoveCreate
    from medtrace.platform.actor import SYSTEM

    with UnitOfWork(plant.db) as uow:
        units = [traceability.create_unit(uow, item_id=plant.ids["pump"], serial=f"P-{n}",
                                          status="quarantine") for n in range(3)]
        for unit in units:
            inventory.post_move(uow, actor=SYSTEM, move=MoveCreate(
                item_id=plant.ids["pump"], quantity=Decimal(1), from_location="V-SUP",
                to_location="QZ", purpose="receipt", unit_id=unit.id))
        number = quality.open_inspection(
            uow, item_id=plant.ids["pump"], lot_id=None, unit_ids=[u.id for u in units],
            quantity=Decimal(3), uom="EA", location_code="QZ", supplier_id=None,
            source_document="RC-9", purchase_order=None, received_by=plant.ids["receiver"],
            actor=SYSTEM).number
        ids = [u.id for u in units]
    plan = _full(plant, number).characteristics[0]
    assert plan.inspect_all and plan.to_inspect == 3
    plant.results(number)
    _decide(plant, "release", number, "qa.one", "released")
    with UnitOfWork(plant.db) as uow:
        assert {uow.session.get(TraceObject, i).status for i in ids} == {"released"}


def test_discontinued_inspection_refuses_release_until_resumed(plant: Plant) -> None:
    for n in range(7):  # 2 to tighten, then 5 more on tightened: discontinued
        number = plant.receive(500, number=f"D-{n}")
        plant.results(number, fail={1: 3})
        _decide(plant, "reject", number, "qa.one", "rejected")
    with UnitOfWork(plant.db) as uow:
        state = uow.session.scalar(select(SupplierItemState))
        assert state.discontinued and state.severity == "tightened"
    number = plant.receive(500, number="D-X")
    plant.results(number)
    with pytest.raises(quality.InspectionDiscontinued):
        _decide(plant, "release", number, "qa.one", "released")
    with UnitOfWork(plant.db) as uow:
        quality.update_switching(
            uow, supplier_id=plant.ids["supplier"], item_id=plant.ids["cath"],
            data=quality.SwitchingUpdate(resume=True, reason="8D report SCAR-12 closed"),
            actor=plant.actor("qa.two"))
    assert _decide(plant, "release", number, "qa.one", "released") == "released"
    with UnitOfWork(plant.db) as uow:
        state = uow.session.scalar(select(SupplierItemState))
        assert not state.discontinued and state.severity == "tightened"
        assert state.history[-2]["resumed"] is True
