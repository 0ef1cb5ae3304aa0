"""Purchase orders on a real database: the qualification gate (every reason, of every line),
approval through the published workflow (above 50,000 CNY the finance approver too), amendments
and cancellations with reasons."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import select

from medtrace.modules import procurement
from medtrace.modules.procurement import OrderCreate
from medtrace.modules.procurement.models import Amendment, PurchaseOrder
from medtrace.platform import workflows
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.workflows.models import WorkflowInstance, WorkflowTask
from tests.factories.auth import PASSWORD
from tests.factories.clock import plant_today
from tests.factories.purchasing import actor, make_plant, make_supplier

pytestmark = pytest.mark.usefixtures("db")


@pytest.fixture
def plant(db):  # type: ignore[no-untyped-def]
    return make_plant(db)


def _order(db, supplier="P-SUP-1", *, price="12.50", quantity="100", currency="CNY",  # type: ignore[no-untyped-def]
           rate=None, items=("P-CATH",)):
    with UnitOfWork(db) as uow:
        order = procurement.create_order(uow, actor=actor(db, "pur.buyer"), data=OrderCreate(
            supplier=supplier, currency=currency, exchange_rate=rate, lines=[
                {"item": item, "quantity": quantity, "uom": "EA", "unit_price": price,
                 "requested_date": plant_today() + dt.timedelta(days=10)} for item in items]))
        return order.number


def _refused(db, supplier, items=("P-CATH",)):  # type: ignore[no-untyped-def]
    with pytest.raises(procurement.SupplierNotQualified) as caught:
        _order(db, supplier, items=items)
    return caught.value


def test_an_unqualified_supplier_is_refused_with_every_reason(db, plant):
    from tests.factories.trace import make_partner
    make_partner(db, "NOBODY", supplier=True)
    refused = _refused(db, "NOBODY", items=("P-CATH", "P-PUMP"))
    codes = {(e["field"], e["code"]) for e in refused.errors}
    for line in ("lines.0.item", "lines.1.item"):
        assert {(line, "FIRST-APPROVAL"), (line, "FIRST-APPROVAL-ITEM"), (line, "ASL"),
                (line, "MISSING")} <= codes
    with UnitOfWork(db, write=False) as uow:
        assert uow.session.scalar(select(PurchaseOrder.id)) is None


def test_an_expired_licence_is_refused(db, plant):
    make_supplier(db, "EXPIRED", [plant["cath"]], licence_days=-1)
    refused = _refused(db, "EXPIRED")
    assert "EXPIRED" in {e["code"] for e in refused.errors}, refused.errors


def test_a_missing_first_operation_approval_of_the_item_is_refused(db, plant):
    make_supplier(db, "NO-FA", [plant["cath"]], item_approvals=False)
    refused = _refused(db, "NO-FA")
    assert {e["code"] for e in refused.errors} >= {"FIRST-APPROVAL-ITEM"}


def _submit(db, number):  # type: ignore[no-untyped-def]
    with UnitOfWork(db) as uow:
        procurement.submit_order(uow, order_ref=number, actor=actor(db, "pur.buyer"))


def _tasks(db, number):  # type: ignore[no-untyped-def]
    with UnitOfWork(db, write=False) as uow:
        order = procurement.get_order_or_raise(uow, number)
        instance = uow.session.scalar(select(WorkflowInstance).where(
            WorkflowInstance.record_type == "procurement.order",
            WorkflowInstance.record_id == str(order.id)))
        return {t.element_id: t.id for t in uow.session.scalars(select(WorkflowTask).where(
            WorkflowTask.instance_id == instance.id, WorkflowTask.status == "open"))}


def _decide(db, task_id, who, decision="approve"):  # type: ignore[no-untyped-def]
    with UnitOfWork(db) as uow:
        workflows.complete_task(uow, task_id=task_id, decision=decision, actor=actor(db, who),
                                password=PASSWORD)


def _status(db, number):  # type: ignore[no-untyped-def]
    with UnitOfWork(db, write=False) as uow:
        return procurement.get_order_or_raise(uow, number).status


def test_above_50000_cny_goes_to_finance_and_below_does_not(db, plant):
    small = _order(db, price="12.50")  # 1,250 CNY
    big = _order(db, price="600")  # 60,000 CNY
    foreign = _order(db, price="80", currency="USD", rate=Decimal("7.2"))  # 57,600 CNY
    for number in (small, big, foreign):
        _submit(db, number)
        assert _status(db, number) == "submitted"
        _decide(db, _tasks(db, number)["purchasing_approval"], "pur.manager")
    assert _status(db, small) == "approved" and _tasks(db, small) == {}
    for number in (big, foreign):
        assert list(_tasks(db, number)) == ["finance_approval"]
        _decide(db, _tasks(db, number)["finance_approval"], "pur.finance")
        assert _status(db, number) == "approved"


def test_a_rejected_approval_rejects_the_order(db, plant):
    number = _order(db)
    _submit(db, number)
    _decide(db, _tasks(db, number)["purchasing_approval"], "pur.manager", "reject")
    assert _status(db, number) == "rejected"


def test_submitting_without_a_published_process_is_refused(db):
    make_plant(db, publish=False)
    number = _order(db)
    with pytest.raises(procurement.NoApprovalProcess):
        _submit(db, number)
    assert _status(db, number) == "draft"


def test_a_foreign_currency_needs_its_rate(db, plant):
    with pytest.raises(procurement.OrderInvalid) as caught:
        _order(db, currency="USD")
    assert caught.value.errors[0]["field"] == "exchange_rate"


def test_amendments_and_cancellation_need_a_reason_and_are_recorded(db, plant):
    number = _order(db)
    with UnitOfWork(db) as uow:
        procurement.amend_order(uow, order_ref=number, actor=actor(db, "pur.buyer"),
                                data=procurement.OrderAmend(reason="价格调整", lines=[
                                    {"line_no": 1, "unit_price": "11"}]))
    with pytest.raises(procurement.ReasonRequired), UnitOfWork(db) as uow:
        procurement.cancel_order(uow, order_ref=number, reason=" ", actor=actor(db, "pur.buyer"))
    with UnitOfWork(db) as uow:
        procurement.cancel_order(uow, order_ref=number, reason="需求取消",
                                 actor=actor(db, "pur.buyer"))
    with UnitOfWork(db, write=False) as uow:
        order = procurement.get_order_or_raise(uow, number)
        assert order.status == "cancelled" and order.total == Decimal("1100")
        kinds = [a.kind for a in uow.session.scalars(select(Amendment).order_by(Amendment.id))]
        assert kinds == ["change", "cancel"]


def test_a_requisition_becomes_one_order_per_supplier(db, plant):
    make_supplier(db, "SECOND", [plant["pump"]])
    with UnitOfWork(db) as uow:
        requisition = procurement.create_requisition(
            uow, actor=actor(db, "pur.buyer"), data=procurement.RequisitionCreate(lines=[
                {"item": "P-CATH", "quantity": "3", "uom": "CS", "supplier": "P-SUP-1",
                 "unit_price": "100"},
                {"item": "P-PUMP", "quantity": "2", "supplier": "SECOND", "unit_price": "900"},
                {"item": "P-PUMP", "quantity": "1", "unit_price": "950"}]))
        number = requisition.number
    with UnitOfWork(db) as uow:
        orders = procurement.order_requisition(
            uow, requisition_ref=number, actor=actor(db, "pur.buyer"),
            data=procurement.RequisitionToOrders(supplier="P-SUP-1"))
        made = sorted((o.number, o.total) for o in orders)
    assert [total for _n, total in made] == [Decimal("1250"), Decimal("1800")]
    with UnitOfWork(db, write=False) as uow:
        lines = procurement.get_order_or_raise(uow, made[0][0])
        assert lines.requisition_id is not None
