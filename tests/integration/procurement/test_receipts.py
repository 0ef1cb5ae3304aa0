"""Receiving on a real database: scans checked against the order (GTIN and packaging level,
over-receipt, expiry and remaining shelf life), partial receipts moving the order's status, a
serialized case in one scan, everything of a receipt in one transaction (lots, units, moves,
the received event naming the order and the receipt), and the return of rejected goods."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from medtrace.modules import procurement, quality, traceability
from medtrace.modules.inventory.models import Balance, Location, StockMove
from medtrace.modules.procurement import ReceiptCreate, ReturnCreate
from medtrace.modules.procurement.models import Receipt, ReceiptLine
from medtrace.modules.traceability.models import Event, EventObject, TraceObject
from medtrace.platform.actor import SYSTEM
from medtrace.platform.audit.models import AuditEntry
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.clock import plant_today
from tests.factories.purchasing import actor, approved_order, make_plant, scan

TODAY = plant_today()
GOOD = TODAY + dt.timedelta(days=700)


@pytest.fixture
def plant(db):  # type: ignore[no-untyped-def]
    ids = make_plant(db)
    ids["order"] = approved_order(db, [
        {"item": "P-CATH", "quantity": "100", "uom": "EA", "unit_price": "12.50",
         "requested_date": str(TODAY + dt.timedelta(days=5))},
        {"item": "P-PUMP", "quantity": "20", "uom": "EA", "unit_price": "800",
         "requested_date": str(TODAY - dt.timedelta(days=1))}])
    return ids


def _receive(db, order, lines):  # type: ignore[no-untyped-def]
    with UnitOfWork(db) as uow:
        result = procurement.receive_goods(uow, actor=actor(db, "pur.buyer"), data=ReceiptCreate(
            purchase_order=order, lines=lines))
        return result.receipt.number, result.lots, result.order.status


def _refused(db, order, lines):  # type: ignore[no-untyped-def]
    with pytest.raises(procurement.ReceiptRefused) as caught:
        _receive(db, order, lines)
    with UnitOfWork(db, write=False) as uow:  # nothing left behind
        assert uow.session.scalar(select(func.count(Receipt.id))) == 0
        assert uow.session.scalar(select(func.count(TraceObject.id))) == 0
    return [(e["field"], e["message"]) for e in caught.value.errors]


def test_a_lot_received_in_two_deliveries(db, plant):
    code = scan(plant["cath_gtin"], lot="L2601", expiry=GOOD)
    number, lots, status = _receive(db, plant["order"], [
        {"scan": code, "quantity": "60", "uom": "EA"}])
    assert status == "partly_received"
    assert lots[0]["inspection"]  # quality's incoming inspection, opened by the receipt
    assert lots[0] | {"inspection": None} == {
        "item": "P-CATH", "lot": "L2601", "status": "quarantine", "quantity": "60",
        "uom": "EA", "serials": 0, "inspection": None}
    with UnitOfWork(db, write=False) as uow:
        lot = traceability.find(uow, "lot", "L2601")
        assert (lot.status, lot.expiry_date, lot.supplier_id) == ("quarantine", GOOD,
                                                                 plant["supplier"])
        balance = uow.session.scalar(select(Balance).where(Balance.thing_key == lot.id))
        assert balance.quantity == Decimal(60)
        event = uow.session.scalar(select(Event).where(Event.step == "received"))
        assert event.doc == number
        assert event.biz_transactions == [{"type": "po", "id": plant["order"]},
                                          {"type": "recadv", "id": number}]
        assert event.sources[0]["partner_id"] == str(plant["supplier"])
        assert uow.session.scalar(select(func.count(StockMove.id))) == 1
        assert uow.session.scalar(select(func.count(Event.id))) == 1  # not journalled twice
        audited = set(uow.session.scalars(select(AuditEntry.entity_type)))
        assert {"procurement_receipt", "procurement_receipt_line"} <= audited
    # the second delivery of the same lot: 4 cases of 10, scanned at the case level
    case = scan(plant["case_gtin"], lot="L2601", expiry=GOOD, prefix="]C1")
    _number, _lots, status = _receive(db, plant["order"], [
        {"scan": case, "quantity": "4", "uom": "CS"}])
    assert status == "partly_received"  # the pumps are still to come


def test_a_wrong_gtin_is_refused(db, plant):
    from tests.factories.trace import make_item
    other = make_item(db, "P-OTHER", tracking="lot")
    with UnitOfWork(db, write=False) as uow:
        from medtrace.modules import catalog
        other_gtin = catalog.get_item_or_raise(uow, other).packaging[0].gtin
    errors = _refused(db, plant["order"], [
        {"scan": scan(other_gtin, lot="X1", expiry=GOOD), "quantity": "1"},
        {"scan": scan("09506000134352", lot="X1", expiry=GOOD), "quantity": "1"},
        # the case GTIN with the unit's unit of measure: another packaging level
        {"scan": scan(plant["case_gtin"], lot="X1", expiry=GOOD), "quantity": "1",
         "uom": "EA"}])
    assert errors == [("lines.0.scan", "not on the order"), ("lines.1.scan", "unknown GTIN"),
                      ("lines.2.scan", "other packaging level")]


def test_too_short_a_shelf_life_and_an_expired_lot_are_refused(db, plant):
    errors = _refused(db, plant["order"], [
        {"scan": scan(plant["cath_gtin"], lot="S1", expiry=TODAY + dt.timedelta(days=90)),
         "quantity": "10"},
        {"scan": scan(plant["cath_gtin"], lot="S2", expiry=TODAY - dt.timedelta(days=1)),
         "quantity": "10"}])
    assert errors == [("lines.0.scan", "short shelf life"), ("lines.1.scan", "expired")]


def test_an_over_receipt_is_refused(db, plant):
    errors = _refused(db, plant["order"], [
        {"scan": scan(plant["case_gtin"], lot="O1", expiry=GOOD), "quantity": "11",
         "uom": "CS"}])
    assert errors == [("lines.0.quantity", "over receipt")]


def test_a_case_of_serials_in_one_scan_and_the_order_received(db, plant):
    serials = [f"PS{n:04d}" for n in range(20)]
    number, lots, _status = _receive(db, plant["order"], [
        {"scan": scan(plant["cath_gtin"], lot="L9", expiry=GOOD), "quantity": "100"},
        {"scan": scan(plant["pump_gtin"]), "quantity": "20", "serials": serials}])
    assert lots[1]["serials"] == 20 and lots[1]["lot"] == f"{number}-2"
    with UnitOfWork(db, write=False) as uow:
        order = procurement.get_order_or_raise(uow, plant["order"])
        assert order.status == "received"
        units = uow.session.scalars(select(TraceObject).where(TraceObject.kind == "unit")).all()
        assert sorted(u.code for u in units) == serials
        assert {(u.status, u.state, u.location) for u in units} == {
            ("quarantine", "in_stock", "P-QZ")}
        assert uow.session.scalar(select(func.count(StockMove.id)).where(
            StockMove.purpose == "receipt")) == 21
        received = uow.session.scalar(select(Event).where(Event.doc == number)
                                      .order_by(Event.id.desc()).limit(1))
        assert uow.session.scalar(select(func.count()).select_from(EventObject).where(
            EventObject.event_id == received.id)) == 21  # the lot and its 20 units
        lines = uow.session.scalars(select(ReceiptLine).order_by(ReceiptLine.id)).all()
        assert [line.on_time for line in lines] == [True, False]  # the pumps came late
    # the order is received in full: more is an over receipt
    with pytest.raises(procurement.ReceiptRefused) as caught, UnitOfWork(db) as uow:
        procurement.receive_goods(uow, actor=actor(db, "pur.buyer"), data=ReceiptCreate(
            purchase_order=plant["order"], lines=[{"scan": scan(plant["pump_gtin"]),
                                                  "quantity": "1", "serials": ["PS0001"]}]))
    assert caught.value.errors == [{"field": "lines.0.quantity", "message": "over receipt"}]


def test_rejected_goods_go_back_to_the_supplier(db, plant):
    _receive(db, plant["order"], [
        {"scan": scan(plant["cath_gtin"], lot="R1", expiry=GOOD), "quantity": "30"},
        {"scan": scan(plant["pump_gtin"]), "quantity": "2", "serials": ["RS1", "RS2"]}])
    with UnitOfWork(db) as uow:
        from medtrace.modules import inventory
        lot = traceability.find(uow, "lot", "R1")
        inventory.post_move(uow, actor=SYSTEM, move=inventory.MoveCreate(
            item_id=plant["cath"], quantity=Decimal(30), from_location="P-QZ",
            to_location="P-RZ", purpose="quarantine", lot_id=lot.id))
    # not from quarantine: only rejected stock goes back
    with pytest.raises(procurement.ReturnRefused), UnitOfWork(db) as uow:
        procurement.return_to_supplier(uow, actor=actor(db, "pur.buyer"), data=ReturnCreate(
            item="P-PUMP", serials=["RS1"], from_location="P-QZ", reason="不合格"))
    with pytest.raises(procurement.ReturnRefused), UnitOfWork(db) as uow:
        procurement.return_to_supplier(uow, actor=actor(db, "pur.buyer"), data=ReturnCreate(
            item="P-CATH", lot="R1", quantity="10", from_location="P-RZ", reason=" "))
    with UnitOfWork(db) as uow:
        row = procurement.return_to_supplier(uow, actor=actor(db, "pur.buyer"),
                                             data=ReturnCreate(
            item="P-CATH", lot="R1", quantity="10", from_location="P-RZ",
            reason="外观不合格，退回供应商"))
        number = row.number
    with UnitOfWork(db, write=False) as uow:
        lot = traceability.find(uow, "lot", "R1")
        held = {uow.session.get(Location, row.location_id).code: row.quantity
                for row in uow.session.scalars(select(Balance).where(
                    Balance.thing_key == lot.id))}
        assert held == {"P-QZ": Decimal(0), "P-RZ": Decimal(20)}
        move = uow.session.scalar(select(StockMove).where(StockMove.doc == number))
        assert move.purpose == "return_to_supplier"
        event = uow.session.scalar(select(Event).where(Event.doc == number))
        assert event.step == "shipped"
        assert event.destinations[0]["partner_id"] == str(plant["supplier"])
        assert {"type": "desadv", "id": number} in event.biz_transactions
        audited = {(e.entity_type, e.reason) for e in uow.session.scalars(select(AuditEntry))}
        assert ("procurement_return", "外观不合格，退回供应商") in audited


def test_units_scanned_one_by_one_and_cases_of_one_lot_are_one_inspection_lot(db, plant):
    """Five pumps scanned on five lines without a lot join one receiving lot and one
    inspection; two lines of the same catheter lot are one inspection, sized by their total."""
    number = approved_order(db, [
        {"item": "P-PUMP", "quantity": "5", "uom": "EA", "unit_price": "900"},
        {"item": "P-CATH", "quantity": "40", "uom": "EA", "unit_price": "1"}])
    good = plant_today() + dt.timedelta(days=700)
    with UnitOfWork(db) as uow:
        result = procurement.receive_goods(uow, actor=actor(db, "pur.buyer"), data=ReceiptCreate(
            purchase_order=number, lines=[
                *({"scan": scan(plant["pump_gtin"], serial=f"ONE{n}"), "quantity": "1"}
                  for n in range(5)),
                {"scan": scan(plant["cath_gtin"], lot="TWICE", expiry=good), "quantity": "20"},
                {"scan": scan(plant["cath_gtin"], lot="TWICE", expiry=good), "quantity": "20"}]))
        answer = result.lots
        assert len(result.inspections) == 2
        pumps = [one for one in answer if one["item"] == "P-PUMP"]
        assert len({one["lot"] for one in pumps}) == 1 and pumps[0]["lot"].endswith("-1")
        assert len({one["inspection"] for one in answer if one["item"] == "P-CATH"}) == 1
        opened = quality.get_inspection_or_raise(uow, result.inspections[0])
        assert opened.unit_count == 5 and opened.lot_size == 5
        catheters = quality.get_inspection_or_raise(uow, result.inspections[1])
        assert catheters.lot_size == 40
