"""Picking by scan against the allocation, SSCC packing, shipping with its journal events, the
forward trace of a lot shipped in part to two customers, delivery, and customer returns, on
both databases."""

from __future__ import annotations

from decimal import Decimal

import pytest

from medtrace.modules import inventory, sales, traceability
from medtrace.modules.sales import queries as sales_queries
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.auth import PASSWORD
from tests.factories.epcis import assert_valid
from tests.factories.sales import lot_scan, make_distributor, order, unit_scan, who


def _allocate(db, number):  # type: ignore[no-untyped-def]
    with UnitOfWork(db) as uow:
        sales.allocate_order(uow, ref=number, actor=who(db, "sal.picker"))


def _pick(db, number, scan, quantity=None, **extra):  # type: ignore[no-untyped-def]
    with UnitOfWork(db) as uow:
        row = sales.pick_scan(uow, ref=number, data=sales.PickIn(
            scan=scan, quantity=None if quantity is None else Decimal(quantity), **extra),
            actor=who(db, "sal.picker"))
        return row.id


def _ship(db, number, lines=()):  # type: ignore[no-untyped-def]
    with UnitOfWork(db) as uow:
        shipment = sales.ship(uow, data=sales.ShipmentCreate(sales_order=number,
                                                             lines=list(lines)),
                              actor=who(db, "sal.picker"))
        return sales.shipment_view(uow, shipment)


def _view(db, number):  # type: ignore[no-untyped-def]
    with UnitOfWork(db, write=False) as uow:
        return sales.order_view(uow, sales.get_order_or_raise(uow, number))


def test_picking_follows_the_allocation_and_a_wrong_scan_is_refused(db):
    ids = make_distributor(db)
    number = order(db, "HOSP", [("S-CATH", "30", "20")])
    _allocate(db, number)
    refusals = [
        (lot_scan(ids["cath_gtin"], "C-SHORT"), "shelf_life"),  # 30 days; HOSP wants 365
        (lot_scan(ids["cath_gtin"], "C-QZ"), "quarantine"),
        (lot_scan(ids["cath_gtin"], "C-HOLD"), "on_hold"),
        (lot_scan(ids["cath_gtin"], "C-OLD"), "expired"),
    ]
    for scan, reason in refusals:
        with pytest.raises(sales.ScanRefused) as caught:
            _pick(db, number, scan, "5")
        assert caught.value.errors[0].get("reason") == reason, scan
    with pytest.raises(sales.ScanRefused) as caught:
        _pick(db, number, unit_scan(ids["pump_gtin"], "PU-1"))
    assert caught.value.errors[0]["field"] == "scan"  # not on the order
    _pick(db, number, lot_scan(ids["cath_gtin"], "C-LATE"))  # the allocated quantity
    view = _view(db, number)["allocation"][0]
    assert view["picked"] == "30" and view["allocations"] == [] and view["missing"] == "0"
    with pytest.raises(sales.ScanRefused):
        _pick(db, number, lot_scan(ids["cath_gtin"], "C-LATE"), "1")  # nothing more needed


def test_a_lot_other_than_the_allocated_one_is_taken_when_it_passes_the_rules(db):
    ids = make_distributor(db)
    number = order(db, "DIST", [("S-CATH", "40", "20")])
    _allocate(db, number)
    assert [a["lot"] for a in _view(db, number)["allocation"][0]["allocations"]] == ["C-SHORT"]
    _pick(db, number, lot_scan(ids["cath_gtin"], "C-EARLY"), "15")
    view = _view(db, number)["allocation"][0]
    assert [(a["lot"], a["quantity"]) for a in view["allocations"]] == [("C-SHORT", "25")]
    assert [(p["lot"], p["quantity"]) for p in view["picks"]] == [("C-EARLY", "15")]


def test_packing_into_nested_ssccs_then_a_trace_by_the_pallet(db):
    ids = make_distributor(db)
    number = order(db, "DIST", [("S-CATH", "20", "20"), ("S-PUMP", "2", "30000")])
    _allocate(db, number)
    first = _pick(db, number, lot_scan(ids["cath_gtin"], "C-SHORT"), "2", uom="CS")
    units = [_pick(db, number, unit_scan(ids["pump_gtin"], s)) for s in ("PU-1", "PU-2")]
    picker = who(db, "sal.picker")
    with UnitOfWork(db) as uow:
        case_a = sales.pack(uow, ref=number, data=sales.PackIn(picks=[first]), actor=picker)
        case_b = sales.pack(uow, ref=number, data=sales.PackIn(picks=units), actor=picker)
        pallet = sales.pack(uow, ref=number, data=sales.PackIn(
            kind="pallet", packages=[case_a.sscc, case_b.sscc]), actor=picker)
        codes = (case_a.sscc, case_b.sscc, pallet.sscc)
    assert all(len(c) == 18 and c.isdigit() for c in codes)
    with UnitOfWork(db, write=False) as uow:
        box = traceability.resolve(uow, f"(00){codes[2]}")
        assert box.kind == "container"
        inside = {traceability.get_object(uow, i).code
                  for i in traceability.contents_of(uow, box.id)}
        assert {codes[0], codes[1], "C-SHORT", "PU-1", "PU-2"} <= inside
        contents = traceability.backward(uow, box)
        assert {u["serial"] for u in contents["units"]} >= {"PU-1", "PU-2"}
        assert "C-SHORT" in {x["lot"] for x in contents["lots"]}
    shipped = _ship(db, number, [{"scan": f"00{codes[2]}"}])
    assert {c["sscc"] for c in shipped["containers"]} == set(codes)
    assert {(line["lot"], line["serial"], line["quantity"]) for line in shipped["lines"]} == {
        ("C-SHORT", None, "20"), (None, "PU-1", "1"), (None, "PU-2", "1")}
    with UnitOfWork(db, write=False) as uow:
        unit = traceability.resolve(uow, unit_scan(ids["pump_gtin"], "PU-1"))
        assert unit.state == "shipped"
        asn = sales.advance_ship_notice(uow, sales.get_shipment_or_raise(uow,
                                                                         shipped["number"]))
    assert_valid(asn)
    steps = [e.get("bizStep") for e in asn["epcisBody"]["eventList"]]
    assert steps.count("packing") == 3 and "shipping" in steps


def test_a_lot_shipped_in_part_to_two_customers_traces_to_both_with_the_rest_in_stock(db):
    ids = make_distributor(db)
    first = order(db, "DIST", [("S-CATH", "30", "20")])
    second = order(db, "DIST-B", [("S-CATH", "45", "20")])
    gtin = ids["cath_gtin"]
    _ship(db, first, [{"scan": lot_scan(gtin, "C-EARLY"), "quantity": "30"}])
    _ship(db, second, [{"scan": lot_scan(gtin, "C-EARLY"), "quantity": "45"}])
    with UnitOfWork(db, write=False) as uow:
        lot = traceability.resolve(uow, "C-EARLY")
        answer = traceability.forward(uow, lot)
        root = answer["root"]
        assert root["customers"] == [
            {"customer": "DIST", "quantity": "30", "uom": "EA"},
            {"customer": "DIST-B", "quantity": "45", "uom": "EA"}]
        quantities = root["quantities"]
        assert quantities["in_stock"] == [{"location": "S-A01", "quantity": "25"}]
        assert {(s["customer"], s["ship_to"], s["quantity"]) for s in quantities["shipped"]} \
            == {("DIST", "MAIN", "30"), ("DIST-B", "MAIN", "45")}
        totals = {t["customer"]: t["lots"] for t in answer["totals"]["customers"]}
        assert totals["DIST-B"] == [{"item": "S-CATH", "lot": "C-EARLY", "quantity": "45",
                                     "uom": "EA"}]
        balance, _ = inventory.balances(uow, inventory.BalanceFilter(lot_id=lot.id))
        assert [(b["location"], b["quantity"]) for b in balance] == [("S-A01", "25.000000")] \
            or [(b["location"], Decimal(b["quantity"])) for b in balance] == [
                ("S-A01", Decimal(25))]


def test_shipping_confirms_the_order_status_documents_and_delivery(db):
    ids = make_distributor(db)
    number = order(db, "DIST", [("S-CATH", "20", "20")], customer_reference="PO-HX-77")
    shipped = _ship(db, number, [{"scan": lot_scan(ids["cath_gtin"], "C-EARLY"),
                                  "quantity": "1", "uom": "CS"}])
    assert _view(db, number)["status"] == "partly_shipped"
    assert [c["lot"] for c in shipped["certificates"]] == ["C-EARLY"]
    assert shipped["documents"]["delivery_note"].endswith("/delivery-note.pdf")
    with UnitOfWork(db) as uow:
        done = sales.confirm_delivery(uow, number=shipped["number"], data=sales.DeliveryIn(
            received_by="张护士长"), actor=who(db, "sal.picker"))
        assert done.status == "delivered"
    with pytest.raises(sales.ShipmentStateConflict), UnitOfWork(db) as uow:
        sales.confirm_delivery(uow, number=shipped["number"], data=sales.DeliveryIn(
            received_by="again"), actor=who(db, "sal.picker"))
    with UnitOfWork(db, write=False) as uow:
        events = traceability.timeline(uow, traceability.resolve(uow, "C-EARLY"))["events"]
        delivered = [e for e in events if e["step"] == "delivered"]
        assert delivered and delivered[0]["details"]["received_by"] == "张护士长"
    _ship(db, number, [{"scan": lot_scan(ids["cath_gtin"], "C-EARLY"), "quantity": "10"}])
    assert _view(db, number)["status"] == "shipped"


def test_a_return_of_something_never_shipped_to_that_customer_is_refused(db):
    ids = make_distributor(db)
    number = order(db, "DIST", [("S-CATH", "10", "20")])
    gtin = ids["cath_gtin"]
    _ship(db, number, [{"scan": lot_scan(gtin, "C-EARLY"), "quantity": "10"}])
    cases = [("DIST-B", lot_scan(gtin, "C-EARLY"), "2"),  # shipped, but to another customer
             ("DIST", lot_scan(gtin, "C-LATE"), "2"),  # never shipped at all
             ("DIST", lot_scan(gtin, "C-EARLY"), "11")]  # more than was shipped
    for customer, scan, quantity in cases:
        with pytest.raises(sales.ReturnRefused), UnitOfWork(db) as uow:
            sales.receive_return(uow, data=sales.ReturnCreate(
                customer=customer, reason="damaged in transit", lines=[
                    {"scan": scan, "quantity": quantity}]), actor=who(db, "sal.picker"))


def test_a_return_waits_in_quarantine_until_qa_releases_or_scraps_it(db):
    ids = make_distributor(db)
    number = order(db, "DIST", [("S-CATH", "10", "20"), ("S-PUMP", "1", "30000")])
    gtin = ids["cath_gtin"]
    shipped = _ship(db, number, [{"scan": lot_scan(gtin, "C-EARLY"), "quantity": "10"},
                                 {"scan": unit_scan(ids["pump_gtin"], "PU-3")}])
    with UnitOfWork(db) as uow:
        record = sales.receive_return(uow, data=sales.ReturnCreate(
            customer="DIST", shipment=shipped["number"], reason="wrong size ordered", lines=[
                {"scan": lot_scan(gtin, "C-EARLY"), "quantity": "4"},
                {"scan": unit_scan(ids["pump_gtin"], "PU-3")}]), actor=who(db, "sal.picker"))
        view = sales_queries.return_view(uow, record)
    assert view["location"] == "S-RZ"
    assert [(x["lot"], x["serial"], x["quantity"], x["disposition"]) for x in view["lines"]] \
        == [("C-EARLY", None, "4", "pending"), ("C-EARLY", "PU-3", "1", "pending")] or \
        [(x["serial"], x["quantity"]) for x in view["lines"]] == [(None, "4"), ("PU-3", "1")]
    with UnitOfWork(db, write=False) as uow:
        lot = traceability.resolve(uow, "C-EARLY")
        rows, _ = inventory.balances(uow, inventory.BalanceFilter(lot_id=lot.id))
        assert any(r["location"] == "S-RZ" and not r["issuable"] for r in rows)
    lot_line, unit_line = view["lines"][0]["id"], view["lines"][1]["id"]
    with pytest.raises(sales.DispositionRefused), UnitOfWork(db) as uow:  # not the receiver
        sales.decide_return_line(uow, number=view["number"], line_id=lot_line,
                                 data=_disposition("released"),
                                 actor=_receiver_with_qa(db))
    with UnitOfWork(db) as uow:
        sales.decide_return_line(uow, number=view["number"], line_id=lot_line,
                                 data=_disposition("released", "S-A01"),
                                 actor=who(db, "sal.qa"))
        sales.decide_return_line(uow, number=view["number"], line_id=unit_line,
                                 data=_disposition("scrapped"), actor=who(db, "sal.qa"))
    with UnitOfWork(db, write=False) as uow:
        done = sales_queries.return_view(uow, sales.service.returns.get_return_or_raise(
            uow, view["number"]))
        assert done["status"] == "closed"
        unit = traceability.resolve(uow, unit_scan(ids["pump_gtin"], "PU-3"))
        assert unit.state == "scrapped"
        forward = traceability.forward(uow, traceability.resolve(uow, "C-EARLY"))
        assert forward["root"]["quantities"]["returned_total"] == "4"


def _disposition(kind, location=None):  # type: ignore[no-untyped-def]
    return sales.DispositionIn(disposition=kind, findings="packaging intact, seals unbroken",
                               to_location=location, signature={"password": PASSWORD})


def _receiver_with_qa(db):  # type: ignore[no-untyped-def]
    actor = who(db, "sal.picker")
    return type(actor)(actor.kind, actor.id, actor.name,
                       permissions=frozenset({*actor.permissions, "sales.return.disposition"}))


def test_no_sscc_is_issued_before_the_plant_sets_its_company_prefix(db):
    from medtrace.platform import numbering

    ids = make_distributor(db)
    number = order(db, "DIST", [("S-PUMP", "1", "30000")])
    pick = _pick(db, number, unit_scan(ids["pump_gtin"], "PU-1"))
    with UnitOfWork(db) as uow:
        numbering.save_rule(uow, scope="sales.sscc", pattern="0697123459{SEQ:7}",
                            check="gs1_mod10", active=False)
    with pytest.raises(sales.PackingInvalid), UnitOfWork(db) as uow:
        sales.pack(uow, ref=number, data=sales.PackIn(picks=[pick]), actor=who(db, "sal.picker"))
    with UnitOfWork(db) as uow:  # a pre-printed label's SSCC still packs
        case = sales.pack(uow, ref=number, data=sales.PackIn(
            picks=[pick], sscc="(00)069712345000000014"), actor=who(db, "sal.picker"))
        assert case.sscc == "069712345000000014"


def test_a_shipment_keeps_the_address_and_registration_it_left_with(db):
    from medtrace.modules import catalog

    ids = make_distributor(db)
    number = order(db, "DIST", [("S-CATH", "10", "20")])
    shipped = _ship(db, number, [{"scan": lot_scan(ids["cath_gtin"], "C-EARLY"),
                                  "quantity": "10"}])
    with UnitOfWork(db, context={"reason": "registration renewed"}) as uow:
        sales.save_ship_to(uow, customer="DIST", data=sales.ShipToWrite(
            code="MAIN", name="moved store", address="new address 9"), actor=who(db, "sal.rep"))
        item = catalog.get_item_or_raise(uow, ids["cath"])
        registered = item.registration_number
        item.registration_number = "国械注准20999999999"
    with UnitOfWork(db, write=False) as uow:
        again = sales.shipment_view(uow, sales.get_shipment_or_raise(uow, shipped["number"]))
        certificate = sales_queries.shipment_view(
            uow, sales.get_shipment_or_raise(uow, shipped["number"]))["certificates"][0]
        from medtrace.modules.sales.documents import queries as documents

        printed = documents.certificate(uow, shipped["number"], certificate["number"])
    assert again["ship_to_address"] == shipped["ship_to_address"] == "上海市浦东新区张江路 1 号"
    assert printed["registration_number"] == registered


def test_serial_units_without_a_lot_get_a_certificate_naming_them(db):
    from medtrace.modules import catalog

    ids = make_distributor(db)
    with UnitOfWork(db, context={"reason": "pumps ship with a certificate"}) as uow:
        catalog.get_item_or_raise(uow, ids["pump"]).certificate_required = True
    number = order(db, "DIST", [("S-PUMP", "2", "30000")])
    shipped = _ship(db, number, [{"scan": unit_scan(ids["pump_gtin"], "PU-2")},
                                 {"scan": unit_scan(ids["pump_gtin"], "PU-1")}])
    [certificate] = shipped["certificates"]
    assert (certificate["lot"], certificate["serials"], certificate["quantity"]) == (
        None, ["PU-1", "PU-2"], "2")
