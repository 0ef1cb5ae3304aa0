"""The traceability spine on a real database: branching genealogies, splits, packing and
shipping, service replacement, cycles, whereabouts, timelines, the append-only journal."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from medtrace.modules import traceability as tr
from medtrace.modules.traceability import Part, Party
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.trace import lot, make_item, make_partner, sscc, unit

SH = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, tzinfo=SH)


@pytest.fixture
def plant(db):
    """A pump (finished, serial) built from a serialized board (subassembly) made of a PCB lot,
    plus a housing lot split into two sublots; a spare-part lot for service."""
    ids = {
        "pump": make_item(db, "PUMP", kind="finished", tracking="serial"),
        "board": make_item(db, "BOARD", kind="subassembly", tracking="serial"),
        "pcb": make_item(db, "PCB", kind="component", tracking="lot"),
        "housing": make_item(db, "HOUSING", kind="component", tracking="lot"),
        "sup_pcb": make_partner(db, "SUP-PCB", supplier=True),
        "sup_house": make_partner(db, "SUP-HOUSE", supplier=True),
        "hospital": make_partner(db, "HSP-1", customer=True),
    }
    with UnitOfWork(db) as uow:
        pcb = lot(uow, ids["pcb"], "P-1", supplier_id=ids["sup_pcb"], quantity="100",
                  origin="received")
        tr.record_event(uow, step="received", what=[Part(pcb, tr_q("100"))], at=at(1),
                        doc="RC-1", sources=[Party("owning_party", ids["sup_pcb"])],
                        biz_location="WH-1", extra={"inspection": "accepted"})
        housing = lot(uow, ids["housing"], "H-1", supplier_id=ids["sup_house"], quantity="10",
                      origin="received")
        tr.record_event(uow, step="received", what=[housing], at=at(1), doc="RC-2",
                        sources=[Party("owning_party", ids["sup_house"])])
        h1a = lot(uow, ids["housing"], "H-1A", origin="split")
        h1b = lot(uow, ids["housing"], "H-1B", origin="split")
        tr.record_event(uow, step="split", inputs=[housing], outputs=[h1a, h1b], at=at(2),
                        doc="SP-1", edge_kind="split")
        spare = lot(uow, ids["pcb"], "P-SPARE", supplier_id=ids["sup_pcb"], origin="received")
        boards, pumps = [], []
        for n in (1, 2):
            board = unit(uow, ids["board"], f"SA-{n}")
            tr.record_event(uow, step="produced", inputs=[Part(pcb, tr_q("2"))],
                            outputs=[board], at=at(3), doc="WO-B", edge_kind="production",
                            biz_location="LINE-1")
            pump = unit(uow, ids["pump"], f"SN-{n}")
            tr.record_event(uow, step="produced", inputs=[board, h1a if n == 1 else h1b],
                            outputs=[pump], at=at(4), doc="WO-P", edge_kind="production",
                            biz_location="FG-1")
            boards.append(board.id)
            pumps.append(pump.id)
        case = tr.create_container(uow, sscc=sscc(1))
        tr.record_event(uow, step="packed", parent=case,
                        what=[uow.session.get(type(case), p) for p in pumps], at=at(5),
                        doc="PK-1")
        ids |= {"pcb_lot": pcb.id, "housing_lot": housing.id, "h1a": h1a.id, "h1b": h1b.id,
                "spare": spare.id, "boards": boards, "pumps": pumps, "case": case.id}
    return ids


def tr_q(value: str):  # type: ignore[no-untyped-def]
    from decimal import Decimal

    return Decimal(value)


def _get(uow, object_id):  # type: ignore[no-untyped-def]
    return tr.get_object_or_raise(uow, object_id)


def test_backward_trace_reaches_the_supplier_receipts_through_subassemblies(db, plant):
    with UnitOfWork(db, write=False) as uow:
        answer = tr.backward(uow, _get(uow, plant["pumps"][0]))
    assert answer["root"]["serial"] == "SN-1" and answer["root"]["item"] == "PUMP"
    assert [(x["item"], x["lot"]) for x in answer["lots"]] == [
        ("HOUSING", "H-1"), ("HOUSING", "H-1A"), ("PCB", "P-1")]
    assert [u["serial"] for u in answer["units"]] == ["SA-1"]
    assert answer["suppliers"] == ["SUP-HOUSE", "SUP-PCB"]
    pcb = next(x for x in answer["lots"] if x["lot"] == "P-1")
    assert pcb["receipt"]["doc"] == "RC-1" and pcb["receipt"]["supplier"] == "SUP-PCB"
    assert pcb["receipt"]["inspection"] == "accepted" and pcb["receipt"]["quantity"] == "100"


def test_forward_trace_of_a_split_lot_and_of_a_component_lot(db, plant):
    with UnitOfWork(db, write=False) as uow:
        housing = tr.forward(uow, _get(uow, plant["housing_lot"]))
        pcb = tr.forward(uow, _get(uow, plant["pcb_lot"]))
        sub_a = tr.forward(uow, _get(uow, plant["h1a"]))
    assert [u["serial"] for u in housing["units"]] == ["SN-1", "SN-2"]
    assert [x["lot"] for x in housing["lots"]] == ["H-1A", "H-1B"]
    assert [u["serial"] for u in sub_a["units"]] == ["SN-1"]
    assert [u["serial"] for u in pcb["units"]] == ["SN-1", "SN-2"]
    assert [u["serial"] for u in pcb["subassemblies"]] == ["SA-1", "SA-2"]
    assert pcb["totals"]["units"] == 2
    assert pcb["totals"]["by_status"] == {"in_stock": 2, "shipped": 0, "installed": 0,
                                          "returned": 0, "scrapped": 0}
    assert [c["sscc"] for c in pcb["containers"]] == [sscc(1)]


def test_shipping_a_container_moves_what_is_packed_in_it(db, plant):
    with UnitOfWork(db) as uow:
        case = _get(uow, plant["case"])
        tr.record_event(uow, step="shipped", what=[case], at=at(6), doc="SH-1",
                        destinations=[Party("owning_party", plant["hospital"])],
                        location="HSP-1 dock")
    with UnitOfWork(db) as uow:
        tr.record_event(uow, step="installed", what=[_get(uow, plant["pumps"][1])], at=at(8),
                        biz_location="HSP-1 ICU")
    with UnitOfWork(db, write=False) as uow:
        scope = tr.forward(uow, _get(uow, plant["pcb_lot"]))
        units = {u["serial"]: u for u in scope["units"]}
    assert units["SN-1"]["status"] == "shipped" and units["SN-1"]["customer"] == "HSP-1"
    assert units["SN-1"]["location"] == "HSP-1 dock"
    assert units["SN-2"]["status"] == "installed" and units["SN-2"]["customer"] == "HSP-1"
    assert scope["totals"]["by_customer"] == {"HSP-1": 2}
    assert scope["totals"]["by_status"]["installed"] == 1


def test_an_older_event_recorded_late_does_not_overwrite_the_whereabouts(db, plant):
    with UnitOfWork(db) as uow:
        pump = _get(uow, plant["pumps"][0])
        tr.record_event(uow, step="scrapped", what=[pump], at=at(20))
        tr.record_event(uow, step="moved", what=[pump], at=at(10), biz_location="WH-2")
    with UnitOfWork(db, write=False) as uow:
        assert _get(uow, plant["pumps"][0]).state == "scrapped"


def test_a_component_replaced_in_service_joins_both_traces(db, plant):
    with UnitOfWork(db) as uow:
        spare, pump = _get(uow, plant["spare"]), _get(uow, plant["pumps"][0])
        tr.record_event(uow, step="replaced", inputs=[Part(spare, tr_q("1"))], outputs=[pump],
                        at=at(15), doc="SV-1", edge_kind="replacement")
    with UnitOfWork(db, write=False) as uow:
        back = tr.backward(uow, _get(uow, plant["pumps"][0]))
        fwd = tr.forward(uow, _get(uow, plant["spare"]))
        line = tr.timeline(uow, _get(uow, plant["pumps"][0]))
    assert "P-SPARE" in [x["lot"] for x in back["lots"]]
    assert [u["serial"] for u in fwd["units"]] == ["SN-1"]
    assert [e["step"] for e in line["events"]] == ["produced", "packed", "replaced"]
    assert line["events"][0]["time"].endswith("+08:00")


def test_timeline_includes_the_events_of_the_containers_a_unit_was_in(db, plant):
    with UnitOfWork(db) as uow:
        tr.record_event(uow, step="shipped", what=[_get(uow, plant["case"])], at=at(6),
                        doc="SH-1", destinations=[Party("owning_party", plant["hospital"])])
    with UnitOfWork(db, write=False) as uow:
        line = tr.timeline(uow, _get(uow, plant["pumps"][1]))
    assert [(e["step"], e["via"]) for e in line["events"]] == [
        ("produced", None), ("packed", None), ("shipped", sscc(1))]


def test_cycles_and_self_links_are_refused(db, plant):
    with UnitOfWork(db) as uow, pytest.raises(tr.TraceCycleRefused):
        tr.link(uow, child=plant["pumps"][0], parent=plant["boards"][0], kind="production")
    with UnitOfWork(db) as uow, pytest.raises(tr.TraceCycleRefused):
        tr.link(uow, child=plant["pcb_lot"], parent=plant["pcb_lot"], kind="split")
    with UnitOfWork(db) as uow, pytest.raises(tr.TraceCycleRefused):
        # the housing lot became H-1A which went into SN-1: SN-1 cannot feed the housing lot
        tr.link(uow, child=plant["pumps"][0], parent=plant["housing_lot"], kind="production")


def test_link_shapes_and_numbers_are_checked(db, plant):
    with UnitOfWork(db) as uow, pytest.raises(tr.TraceInvalid):
        tr.link(uow, child=plant["case"], parent=plant["pumps"][0], kind="production")
    with UnitOfWork(db) as uow, pytest.raises(tr.TraceNumberTaken):
        unit(uow, _get(uow, plant["pumps"][0]).item_id, "SN-1")
    with UnitOfWork(db) as uow, pytest.raises(tr.TraceInvalid):
        tr.create_container(uow, sscc="006901234000000019")  # wrong check digit
    with UnitOfWork(db) as uow, pytest.raises(tr.TraceInvalid):
        unit(uow, _get(uow, plant["pcb_lot"]).item_id, "X-1")  # a lot-tracked item
    with UnitOfWork(db) as uow, pytest.raises(tr.TraceInvalid):
        lot(uow, _get(uow, plant["pcb_lot"]).item_id, "BAD LOT")  # a space
    with UnitOfWork(db) as uow, pytest.raises(tr.TraceInvalid):
        lot(uow, _get(uow, plant["pcb_lot"]).item_id, "X-2", manufacture_date=dt.date(2026, 5, 1),
            expiry_date=dt.date(2026, 4, 1))


def test_unpacking_reverses_the_packing_link(db, plant):
    with UnitOfWork(db) as uow:
        case, pump = _get(uow, plant["case"]), _get(uow, plant["pumps"][0])
        tr.record_event(uow, step="unpacked", parent=case, what=[pump], at=at(7), doc="UP-1")
        assert tr.contents_of(uow, case.id) == [plant["pumps"][1]]
        tr.record_event(uow, step="shipped", what=[case], at=at(8),
                        destinations=[Party("owning_party", plant["hospital"])])
    with UnitOfWork(db, write=False) as uow:
        assert _get(uow, plant["pumps"][0]).state == "in_stock"
        assert _get(uow, plant["pumps"][1]).state == "shipped"


def test_the_journal_and_the_genealogy_are_append_only(db, plant):
    with pytest.raises(DBAPIError), db.bind.begin_nested():
        db.bind.execute(text("UPDATE traceability_event SET doc = 'X'"))
    with pytest.raises(DBAPIError), db.bind.begin_nested():
        db.bind.execute(text("DELETE FROM traceability_edge"))
    with pytest.raises(DBAPIError), db.bind.begin_nested():
        db.bind.execute(text("UPDATE traceability_edge SET parent_id = child_id"))


def test_backward_names_each_received_lots_order_receipt_and_inspection(db, plant):
    """The contract of issue 13: ``lots[].receipt`` carries the receipt document, the purchase
    order, the date, the supplier and the latest inspection decision journalled on the lot."""
    with UnitOfWork(db) as uow:
        valve = tr.create_lot(uow, item_id=plant["pcb"], number="P-9", supplier_id=plant["sup_pcb"],
                              origin="received")
        tr.record_event(uow, step="received", what=[Part(valve, tr_q("5"))], at=at(1, 23),
                        doc="GR-7", sources=[Party("owning_party", plant["sup_pcb"])],
                        biz_transactions=[{"type": "po", "id": "PO-3"},
                                          {"type": "recadv", "id": "GR-7"}])
        for verdict in ("rejected", "accepted"):  # re-inspected: the latest decision counts
            tr.record_event(uow, step="released" if verdict == "accepted" else "rejected",
                            what=[valve], at=at(2 if verdict == "rejected" else 3), doc="IN-1",
                            extra={"inspection": {"number": "IN-1", "verdict": verdict,
                                                  "signed_by": "qa", "signed_at": "x"}})
        pump = unit(uow, plant["pump"], "SN-9")
        tr.record_event(uow, step="produced", inputs=[Part(valve, tr_q("1"))], outputs=[pump],
                        at=at(4), doc="WO-9", edge_kind="production")
        answer = tr.backward(uow, pump)
    receipt = next(lot_ for lot_ in answer["lots"] if lot_["lot"] == "P-9")["receipt"]
    assert receipt["document"] == "GR-7" and receipt["purchase_order"] == "PO-3"
    assert receipt["date"] == "2026-03-01"  # the plant's date (23:00 in Shanghai)
    assert receipt["supplier"] == "SUP-PCB"
    assert receipt["inspection"] == {"number": "IN-1", "verdict": "accepted",
                                     "signed_by": "qa", "signed_at": "x"}
