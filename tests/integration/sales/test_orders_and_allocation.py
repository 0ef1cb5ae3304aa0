"""Sales orders behind the licence gate, approvals of price and credit exceptions, and FEFO
allocation over issuable stock with the customer's shelf-life minimum, on both databases."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from medtrace.modules import sales
from medtrace.modules.partners.models import QualificationDocument
from medtrace.modules.sales import queries as sales_queries
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.clock import plant_today
from tests.factories.sales import make_distributor, order, publish_sales_process, who


def _allocate(db, number):  # type: ignore[no-untyped-def]
    with UnitOfWork(db) as uow:
        row = sales.allocate_order(uow, ref=number, actor=who(db, "sal.picker"))
        return sales_queries.allocation_view(uow, row)


def test_an_unlicensed_customer_is_refused_with_every_reason(db):
    make_distributor(db)
    with pytest.raises(sales.CustomerNotLicensed) as caught:
        order(db, "NOLIC", [("S-CATH", "10", "20"), ("S-PUMP", "1", "30000")])
    fields = [e["field"] for e in caught.value.errors]
    assert "lines.0.item" in fields and "lines.1.item" in fields
    codes = {e["code"] for e in caught.value.errors}
    assert {"FIRST-APPROVAL", "MISSING"} <= codes
    with UnitOfWork(db, write=False) as uow:
        assert sales.list_orders(uow)[1] == 0  # nothing half-written


def test_a_licence_that_does_not_cover_the_device_class_is_refused(db):
    make_distributor(db)
    order(db, "DIST2", [("S-CATH", "10", "20")])  # class II: covered
    with pytest.raises(sales.CustomerNotLicensed) as caught:
        order(db, "DIST2", [("S-CATH", "10", "20"), ("S-PUMP", "1", "30000")])
    assert [(e["field"], e["code"]) for e in caught.value.errors] == [("lines.1.item", "SCOPE")]


def test_a_licence_that_expired_after_the_order_stops_the_shipment(db):
    ids = make_distributor(db)
    number = order(db, "DIST", [("S-CATH", "10", "20")])
    with UnitOfWork(db) as uow:
        licence = uow.session.scalars(select(QualificationDocument).where(
            QualificationDocument.partner_id == ids["DIST"],
            QualificationDocument.doc_type == "distribution_licence")).one()
        licence.valid_to = plant_today() - dt.timedelta(days=1)
    _allocate(db, number)
    with pytest.raises(sales.CustomerNotLicensed) as caught, UnitOfWork(db) as uow:
        sales.pick_scan(uow, ref=number, data=sales.PickIn(scan="C-SHORT",
                                                           quantity=Decimal(10)),
                        actor=who(db, "sal.picker"))
        sales.ship(uow, data=sales.ShipmentCreate(sales_order=number),
                   actor=who(db, "sal.picker"))
    assert caught.value.errors[0]["code"] == "EXPIRED"
    with UnitOfWork(db, write=False) as uow:
        assert sales.list_shipments(uow)[1] == 0


def test_an_order_at_list_price_within_credit_is_confirmed_at_once(db):
    make_distributor(db)
    number = order(db, "DIST", [("S-CATH", "10", "20")])
    with UnitOfWork(db, write=False) as uow:
        view = sales.order_view(uow, sales.get_order_or_raise(uow, number))
    assert view["status"] == "confirmed" and view["total"] == "200"
    assert view["exceptions"] == []


def test_a_price_below_the_floor_or_over_credit_needs_an_approval(db):
    make_distributor(db)
    with pytest.raises(sales.NoApprovalProcess):
        order(db, "DIST", [("S-CATH", "10", "15")])
    publish_sales_process(db)
    number = order(db, "DIST", [("S-CATH", "10", "15"), ("S-PUMP", "7", "30000")])
    with UnitOfWork(db, write=False) as uow:
        view = sales.order_view(uow, sales.get_order_or_raise(uow, number))
    assert view["status"] == "in_approval"
    assert {e["code"] for e in view["exceptions"]} == {"PRICE-BELOW-FLOOR", "CREDIT"}


def test_fefo_allocation_takes_the_earliest_expiry_first(db):
    make_distributor(db)
    number = order(db, "DIST", [("S-CATH", "120", "20")])
    view = _allocate(db, number)
    rows = [(a["lot"], a["quantity"], a["location"]) for a in view[0]["allocations"]]
    assert rows == [("C-SHORT", "50", "S-A01"), ("C-EARLY", "70", "S-A01")]
    assert view[0]["missing"] == "0" and view[0]["shortage"] == []


def test_the_customers_shelf_life_minimum_is_respected_and_shown(db):
    make_distributor(db)
    number = order(db, "HOSP", [("S-CATH", "120", "20")])
    view = _allocate(db, number)
    assert [(a["lot"], a["quantity"]) for a in view[0]["allocations"]] == [("C-LATE", "100")]
    assert view[0]["missing"] == "20"
    shortage = view[0]["shortage"][0]
    assert shortage["min_remaining_days"] == 365
    reasons = {r["reason"]: r["quantity"] for r in shortage["reasons"]}
    assert reasons["shelf_life"] == "150"


def test_quarantined_held_and_expired_stock_is_never_allocated(db):
    make_distributor(db)
    number = order(db, "DIST", [("S-CATH", "400", "20")])
    view = _allocate(db, number)
    lots = {a["lot"] for a in view[0]["allocations"]}
    assert lots == {"C-SHORT", "C-EARLY", "C-LATE"}
    reasons = {r["reason"]: r["quantity"] for r in view[0]["shortage"][0]["reasons"]}
    assert reasons == {"quarantine": "50", "on_hold": "40", "expired": "20"}
    assert view[0]["missing"] == "150"


def test_another_orders_allocation_is_not_allocated_again(db):
    make_distributor(db)
    first = order(db, "DIST", [("S-CATH", "140", "20")])
    _allocate(db, first)
    second = order(db, "DIST-B", [("S-CATH", "100", "20")])
    view = _allocate(db, second)
    assert [(a["lot"], a["quantity"]) for a in view[0]["allocations"]] == [
        ("C-EARLY", "10"), ("C-LATE", "90")]
    third = order(db, "DIST-B", [("S-CATH", "200", "20")])
    view = _allocate(db, third)
    assert view[0]["missing"] == "190"
    reasons = {r["reason"]: r["quantity"] for r in view[0]["shortage"][0]["reasons"]}
    assert reasons["allocated"] == "240"  # 140 to the first order, 100 to the second


def _decide(db, number, username, decision):  # type: ignore[no-untyped-def]
    from medtrace.modules.sales.models import SalesOrder
    from medtrace.platform import workflows
    from medtrace.platform.workflows.models import WorkflowInstance, WorkflowTask
    from tests.factories.auth import PASSWORD

    with UnitOfWork(db) as uow:
        order_id = uow.session.scalar(select(SalesOrder.id).where(SalesOrder.number == number))
        instance = uow.session.scalar(select(WorkflowInstance).where(
            WorkflowInstance.record_id == str(order_id),
            WorkflowInstance.record_type == "sales.order"))
        task = uow.session.scalar(select(WorkflowTask).where(
            WorkflowTask.instance_id == instance.id, WorkflowTask.status == "open"))
        workflows.complete_task(uow, task_id=task.id, decision=decision,
                                actor=who(db, username), password=PASSWORD)
        return task.element_id


def test_management_approves_a_price_exception_and_finance_a_credit_one(db):
    from tests.factories.auth import make_role, make_user

    make_distributor(db)
    publish_sales_process(db)
    for role in ("management", "finance"):
        make_role(db, role, ["sales.order.view"])
        make_user(db, f"sal.{role}", roles=[role])
    cheap = order(db, "DIST", [("S-CATH", "10", "15")])
    assert _decide(db, cheap, "sal.management", "approve") == "management_approval"
    over = order(db, "DIST", [("S-PUMP", "7", "30000")])  # 210,000 CNY over a 200,000 limit
    assert _decide(db, over, "sal.management", "approve") == "management_approval"
    assert _decide(db, over, "sal.finance", "reject") == "finance_approval"
    with UnitOfWork(db, write=False) as uow:
        assert sales.get_order_or_raise(uow, cheap).status == "confirmed"
        assert sales.get_order_or_raise(uow, over).status == "rejected"
