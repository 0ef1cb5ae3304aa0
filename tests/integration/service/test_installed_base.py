"""Installations, warranty at its boundaries, versions, preventive maintenance falling due, and a
complaint raised at a follow-up visit, on a real database."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from medtrace.modules import quality, traceability
from medtrace.modules.quality.complaints.models import Complaint
from medtrace.modules.service import queries, rules, service
from medtrace.modules.service.errors import InstallationRefused, ServiceInvalid
from medtrace.modules.service.models import FollowUpVisit, Installation, ServiceOrder
from medtrace.modules.service.schemas import (
    CompleteIn,
    InstallationCreate,
    MaintenancePlanWrite,
    ServiceOrderCreate,
    VisitRecord,
    WarrantyTermWrite,
)
from medtrace.platform.auth.errors import Forbidden
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.auth import PASSWORD
from tests.factories.clock import plant_today
from tests.factories.service import lead, make_field, tech


@pytest.fixture
def field(db):
    return make_field(db)


def install(db, *, on: dt.date | None = None, serial: str = "SN-1", **extra):  # type: ignore[no-untyped-def]
    day = on or plant_today()
    with UnitOfWork(db) as uow:
        fields = {"unit": serial, "item": "PUMP", "site": "第一医院", "department": "ICU",
                  "address": "上海市黄浦区", "installed_on": day, "accepted_by": "张护士长",
                  "accepted_on": day,
                  "versions": [{"kind": "software", "version": "2.1.0"},
                               {"kind": "firmware", "version": "F1.4"}]} | extra
        row = service.record_installation(uow, actor=tech(db),
                                          data=InstallationCreate(**fields))
        return row.number


def test_installation_makes_the_unit_installed_at_the_site(db, field):
    number = install(db)
    with UnitOfWork(db, write=False) as uow:
        pump = traceability.get_object_or_raise(uow, field["pump_unit"])
        assert pump.state == "installed" and pump.location == "第一医院 / ICU"
        assert pump.customer_id == field["hospital"]
        events = traceability.timeline(uow, pump)["events"]
        assert events[-1]["step"] == "installed" and events[-1]["doc"] == number
        rows, total = queries.installed_base(uow, customer="HSP-1")
        assert total == 1 and rows[0]["serial"] == "SN-1" and rows[0]["software"] == "2.1.0"
        assert rows[0]["firmware"] == "F1.4" and rows[0]["warranty"] == "none"
        visit = uow.session.scalar(select(FollowUpVisit))
        assert visit.due_on == plant_today() + dt.timedelta(days=rules.FOLLOW_UP_DAYS)
        assert queries.installed_base(uow, version="2.1.0")[1] == 1
        assert queries.installed_base(uow, version="9.9")[1] == 0


def test_a_unit_in_stock_or_before_its_shipment_is_refused(db, field):
    with pytest.raises(InstallationRefused) as refused:
        install(db, serial="SN-2")
    assert refused.value.errors[0]["field"] == "unit"
    with pytest.raises(InstallationRefused) as early:
        install(db, on=plant_today() - dt.timedelta(days=60))
    assert [e["field"] for e in early.value.errors] == ["installed_on"]
    with UnitOfWork(db, write=False) as uow:
        assert uow.session.scalar(select(Installation)) is None


def test_moving_to_another_customer_needs_the_old_installation_ended(db, field):
    install(db)
    with pytest.raises(InstallationRefused):
        install(db, customer="HSP-2")
    install(db, department="手术室")  # same customer, another department: it moves
    with UnitOfWork(db, write=False) as uow:
        statuses = [i.status for i in uow.session.scalars(select(Installation)
                                                          .order_by(Installation.id))]
    assert statuses == ["removed", "active"]


def _warranty_on_install(db, installed: dt.date) -> str:  # type: ignore[no-untyped-def]
    with UnitOfWork(db) as uow:
        service.save_warranty_term(uow, actor=lead(db), data=WarrantyTermWrite(
            item="PUMP", months=12, basis="installation"))
    install(db, on=installed)
    with UnitOfWork(db) as uow:
        order = service.create_order(uow, actor=tech(db), data=ServiceOrderCreate(
            type="corrective", unit="SN-1", item="PUMP", problem="报警 / alarm"))
        return order.covered


def test_warranty_covers_up_to_the_last_day_and_not_after(db):
    make_field(db, shipped_days_ago=400)
    today = plant_today()
    # installed exactly 12 months ago: the cover ended yesterday
    assert _warranty_on_install(db, rules.add_months(today, -12)) == "expired"


def test_warranty_on_its_last_day_is_covered(db):
    make_field(db, shipped_days_ago=400)
    today = plant_today()
    assert _warranty_on_install(db, rules.add_months(today, -12) + dt.timedelta(days=1)) \
        == "covered"


def test_warranty_rules_at_month_ends():
    assert rules.warranty_end(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 27)
    assert rules.warranty_end(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 27)
    start = dt.date(2026, 3, 15)
    assert rules.warranty_state(start, 12, dt.date(2027, 3, 14)) == "covered"
    assert rules.warranty_state(start, 12, dt.date(2027, 3, 15)) == "expired"
    assert rules.warranty_state(start, 12, dt.date(2026, 3, 14)) == "expired"
    assert rules.warranty_state(None, 12, start) == "unknown"
    assert rules.warranty_state(start, None, start) == "none"


def test_warranty_from_shipment(db):
    field = make_field(db, shipped_days_ago=100)
    with UnitOfWork(db) as uow:
        service.save_warranty_term(uow, actor=lead(db), data=WarrantyTermWrite(
            item="PUMP", months=3, basis="shipment"))
        unit = traceability.get_object_or_raise(uow, field["pump_unit"])
        found = service.warranty_of(uow, unit, plant_today())
    assert found["start"] == plant_today() - dt.timedelta(days=100)
    assert found["state"] == "expired"


def test_preventive_maintenance_falls_due_once_and_again_after_it_is_done(db):
    make_field(db, shipped_days_ago=300)
    today = plant_today()
    installed = rules.add_months(today, -6) + dt.timedelta(days=10)  # due in 10 days
    with UnitOfWork(db) as uow:
        service.save_maintenance_plan(uow, actor=lead(db), data=MaintenancePlanWrite(
            item="PUMP", interval_months=6, description="年度保养 / PM"))
    install(db, on=installed)
    with UnitOfWork(db) as uow:
        assert service.generate_preventive_orders(uow, lead_days=5, actor=lead(db)) == []
        made = service.generate_preventive_orders(uow, lead_days=30, actor=lead(db))
        assert len(made) == 1 and made[0].type == "preventive"
        assert made[0].scheduled_for == rules.add_months(installed, 6)
        number = made[0].number
    with UnitOfWork(db) as uow:  # run twice: nothing twice
        assert service.generate_preventive_orders(uow, lead_days=30, actor=lead(db)) == []
    with UnitOfWork(db) as uow:
        service.complete_order(uow, number=number, actor=tech(db), data=CompleteIn(
            report="保养完成 / PM done", minutes=45, ack_name="张护士长",
            signature={"password": PASSWORD}))
    with UnitOfWork(db) as uow:
        assert service.generate_preventive_orders(uow, lead_days=30, actor=lead(db)) == []
        due = service.due_units(uow, on=today, lead_days=30)
        assert due[0]["due_on"] == rules.add_months(today, 6)
        order = uow.session.scalar(select(ServiceOrder).where(ServiceOrder.number == number))
        assert order.status == "done" and order.signature_id is not None
        pump = traceability.get_object_or_raise(uow, order.unit_id)
        assert traceability.timeline(uow, pump)["events"][-1]["step"] == "serviced"


def test_a_complaint_at_a_follow_up_visit_becomes_a_quality_complaint(db, field):
    install(db)
    with UnitOfWork(db) as uow:
        visit = uow.session.scalar(select(FollowUpVisit))
        number = visit.number
    with pytest.raises(ServiceInvalid), UnitOfWork(db) as uow:  # a complaint needs its words
        service.record_visit(uow, number=number, actor=tech(db), data=VisitRecord(
            outcome="complaint"))
    with UnitOfWork(db) as uow:
        visit = service.record_visit(uow, number=number, actor=tech(db), data=VisitRecord(
            outcome="complaint", contact="张护士长", complaint="输液时偶发堵塞报警 / "
            "occasional occlusion alarm", patient_involved=True))
        complaint_number = visit.complaint_number
    with UnitOfWork(db, write=False) as uow:
        complaint = quality.get_complaint_or_raise(uow, complaint_number)
        assert complaint.unit_id == field["pump_unit"] and complaint.source == "service_visit"
        assert complaint.source_ref == number and complaint.customer_id == field["hospital"]
        assert complaint.item_id == field["pump"] and complaint.patient_involved
        assert service.get_visit_or_raise(uow, number).status == "done"


def test_a_refused_complaint_leaves_the_visit_scheduled(db, field):
    install(db)
    with UnitOfWork(db) as uow:
        number = uow.session.scalar(select(FollowUpVisit)).number
    no_complaints = tech(db)
    no_complaints = type(no_complaints)(no_complaints.kind, no_complaints.id,
                                        no_complaints.name,
                                        permissions=frozenset({"service.visit.record"}))
    with pytest.raises(Forbidden), UnitOfWork(db) as uow:  # no complaint permission
        service.record_visit(uow, number=number, actor=no_complaints, data=VisitRecord(
            outcome="complaint", complaint="漏液 / leaks"))
    with UnitOfWork(db, write=False) as uow:
        assert service.get_visit_or_raise(uow, number).status == "scheduled"
        assert uow.session.scalar(select(Complaint)) is None


def test_a_distributors_unit_installed_at_the_hospital_that_uses_it(db, field):
    """Shipped to HSP-1 (say, a distributor), installed at HSP-2: the customer stays the one it
    was sold to, the holder (in whose hands it is) becomes the hospital; a recall reaches
    both."""
    install(db, customer="HSP-2", site="第二医院")
    with UnitOfWork(db, write=False) as uow:
        scope = traceability.forward(uow, traceability.get_object_or_raise(
            uow, field["pcb_lot"]))
        rows, _ = queries.installed_base(uow, customer="HSP-2")
    unit = scope["units"][0]
    assert (unit["serial"], unit["customer"], unit["holder"]) == ("SN-1", "HSP-1", "HSP-2")
    assert [r["serial"] for r in rows] == ["SN-1"]
