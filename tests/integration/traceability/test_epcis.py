"""EPCIS 2.0 export and capture on a real database: every official GS1 example is captured and
exported back with the same meaning, exports validate against the official schema, refused
captures leave nothing behind, captures are idempotent, captured events build genealogy."""

from __future__ import annotations

import copy
import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from medtrace.modules import traceability as tr
from medtrace.modules.traceability import Part, Party
from medtrace.modules.traceability.epcis import queries as epcis
from medtrace.modules.traceability.epcis import rules as ids
from medtrace.modules.traceability.epcis import service as epcis_capture
from medtrace.modules.traceability.errors import EpcisSchemaUnavailable, EventInvalid
from medtrace.modules.traceability.models import Edge, Event, TraceObject
from medtrace.platform.db.uow import UnitOfWork
from tests.factories import epcis as ex
from tests.factories.trace import lot, make_item, make_partner, sscc, unit

SH = ZoneInfo("Asia/Shanghai")
EVER = {"start": dt.datetime(1990, 1, 1, tzinfo=dt.UTC), "end": dt.datetime(2100, 1, 1,
                                                                          tzinfo=dt.UTC)}


def capture(db, document):  # type: ignore[no-untyped-def]
    with UnitOfWork(db) as uow:
        return epcis_capture.capture(uow, copy.deepcopy(document), schema_path=ex.schema_path())


def export(db, **kw):  # type: ignore[no-untyped-def]
    with UnitOfWork(db, write=False) as uow:
        return epcis.export_events(uow, **(kw or EVER))


def count(db, model) -> int:  # type: ignore[no-untyped-def]
    with UnitOfWork(db, write=False) as uow:
        return uow.session.scalar(select(func.count()).select_from(model)) or 0


@pytest.mark.parametrize("path", ex.EXAMPLES, ids=lambda p: p.stem)
def test_every_official_example_is_captured_and_exported_back_with_the_same_meaning(db, path):
    document = ex.load(path)
    ex.make_items_for(db, document)
    result = capture(db, document)
    assert len(result.captured) == len(ex.events_of(document)) and not result.skipped
    page = export(db)
    ex.assert_valid(page.document)
    assert page.document["@context"][0] == ids.CONTEXT_URL
    assert page.document["schemaVersion"] == "2.0"
    ex.assert_same_events(document, page.document)
    # Things come back in the Digital Link form.
    for event in ex.events_of(page.document):
        for key in ex.EPC_KEYS:
            assert all(u.startswith("https://id.gs1.org/") for u in event.get(key, []))


def test_all_examples_in_one_database_share_their_things(db):
    documents = [ex.load(p) for p in ex.EXAMPLES]
    if not documents:
        pytest.skip("no official examples beside the repository")
    for document in documents:
        ex.make_items_for(db, document)
    for document in documents:
        capture(db, document)
    with UnitOfWork(db, write=False) as uow:
        units = uow.session.scalars(select(TraceObject).where(
            TraceObject.kind == "unit", TraceObject.code == "2018")).all()
        assert len(units) == 1  # named by four events of three documents: one unit
        timeline = tr.timeline(uow, units[0])
        assert [e["biz_step"] for e in timeline["events"]][:2] == ["shipping", "receiving"]
        assert {e["origin"] for e in timeline["events"]} == {"capture"}
    page = export(db)
    ex.assert_valid(page.document)
    for document in documents:
        ex.assert_same_events(document, page.document)


def test_the_original_is_kept_and_class_quantities_come_back(db):
    document = ex.example("Example_9.6.4")
    ex.make_items_for(db, document)
    capture(db, document)
    with UnitOfWork(db, write=False) as uow:
        event = uow.session.scalars(select(Event)).one()
        assert event.extra["epcis"]["ilmd"] == {"example:bestBeforeDate": "2014-12-10",
                                                "example:batch": "XYZ"}
        assert event.extra["epcis_context"] == [{"example": "http://ns.example.com/epcis/"}]
        assert (event.type, event.step, event.origin) == ("TransformationEvent", "produced",
                                                          "capture")
    exported = ex.events_of(export(db).document)[0]
    assert {"epcClass": "https://id.gs1.org/01/04012345666663", "quantity": 220} in \
        exported["inputQuantityList"]
    assert {"epcClass": ids.lgtin_dl("04012345111118", "4444"), "quantity": 10,
            "uom": "KGM"} in exported["inputQuantityList"]
    assert export(db).document["@context"][1] == {"example": "http://ns.example.com/epcis/"}


def test_a_recapture_is_idempotent(db):
    document = ex.example("Example_9.6.1")
    ex.make_items_for(db, document)
    first = capture(db, document)
    before = (count(db, Event), count(db, TraceObject))
    second = capture(db, document)
    assert second.captured == [] and second.skipped == first.captured
    assert (count(db, Event), count(db, TraceObject)) == before
    assert first.created == {"lots": 0, "units": 2, "containers": 0}
    # An event named twice in one document is recorded once.
    new = "urn:uuid:6d7cbd1b-1c41-4b11-9a53-52e9f8a4d0e1"
    twice = copy.deepcopy(document)
    twice["epcisBody"]["eventList"][0]["eventID"] = new
    twice["epcisBody"]["eventList"].append(copy.deepcopy(twice["epcisBody"]["eventList"][0]))
    third = capture(db, twice)
    assert third.captured == [new]
    assert third.skipped == [first.captured[1], new]


def test_an_event_without_id_is_found_again_by_its_content(db):
    document = ex.example("Example_9.6.1")
    ex.make_items_for(db, document)
    for event in ex.events_of(document):
        del event["eventID"]
    first = capture(db, document)
    assert all(u.startswith("urn:medtrace:event:sha-256:") for u in first.captured)
    assert capture(db, document).skipped == first.captured


def test_a_schema_error_is_refused_with_every_problem_and_leaves_nothing(db):
    document = ex.example("Example_9.6.1")
    ex.make_items_for(db, document)
    broken = copy.deepcopy(document)
    broken["epcisBody"]["eventList"][0]["eventTime"] = "yesterday"
    del broken["epcisBody"]["eventList"][1]["action"]
    broken["epcisBody"]["eventList"][1]["bizStep"] = "not_a_cbv_step"
    before = (count(db, Event), count(db, TraceObject))
    with pytest.raises(EventInvalid) as refused:
        capture(db, broken)
    fields = {e["field"] for e in refused.value.errors or []}
    assert "epcisBody.eventList.0.eventTime" in fields
    assert "epcisBody.eventList.1" in fields  # action is required
    assert "epcisBody.eventList.1.bizStep" in fields
    assert (count(db, Event), count(db, TraceObject)) == before


def test_an_unknown_item_refuses_the_whole_document(db):
    document = ex.example("Example_9.6.1")
    ex.make_items_for(db, document)
    document["epcisBody"]["eventList"][1]["epcList"] = ["urn:epc:id:sgtin:4012345.099999.1"]
    with pytest.raises(EventInvalid) as refused:
        capture(db, document)
    assert refused.value.errors[0]["field"] == "epcisBody.eventList.1.epcList.0"
    assert "no item has the GTIN" in refused.value.errors[0]["message"]
    assert count(db, Event) == 0 and count(db, TraceObject) == 0  # event 0 went too


def test_things_that_are_no_gs1_keys_are_refused(db):
    document = ex.example("Example_9.6.1")
    ex.make_items_for(db, document)
    document["epcisBody"]["eventList"][0]["epcList"] = ["urn:epc:id:giai:4000001.111"]
    with pytest.raises(EventInvalid, match="not an identifier MedTrace traces"):
        capture(db, document)


def test_capture_without_schema_answers_not_configured(db):
    with UnitOfWork(db) as uow, pytest.raises(EpcisSchemaUnavailable):
        epcis_capture.capture(uow, ex.example("Example_9.6.1"), schema_path=None)


def test_a_single_event_is_captured(db):
    document = ex.example("Example_9.6.2")
    ex.make_items_for(db, document)
    event = {"@context": document["@context"], **ex.events_of(document)[0]}
    result = capture(db, event)
    assert len(result.captured) == 1
    with UnitOfWork(db, write=False) as uow:
        lot_ = uow.session.scalars(select(TraceObject).where(TraceObject.kind == "lot")).one()
        assert (lot_.code, lot_.origin) == ("998877", "captured")
        assert lot_.location == "urn:epc:id:sgln:0614141.00888.0"
    exported = export(db).document
    ex.assert_valid(exported)
    assert ex.events_of(exported)[0]["quantityList"] == [
        {"epcClass": "https://id.gs1.org/01/70614141123451/10/998877", "quantity": 200,
         "uom": "KGM"}]


def test_an_observed_aggregation_packs_loose_children_and_a_delete_unpacks(db):
    document = ex.example("Example_9.6.3")
    ex.make_items_for(db, document)
    capture(db, document)
    with UnitOfWork(db, write=False) as uow:
        box = uow.session.scalars(select(TraceObject).where(
            TraceObject.kind == "container")).one()
        assert box.code == "106141412345678908"
        assert len(tr.contents_of(uow, box.id)) == 3  # two units and the LGTIN lot
    unpack = copy.deepcopy(document)
    event = ex.events_of(unpack)[0]
    event |= {"eventID": "urn:uuid:0b6c1a52-4d44-4a43-9d4a-45d0e1f3a001", "action": "DELETE",
              "bizStep": "unpacking", "eventTime": "2013-06-09T14:58:56.591Z"}
    for key in ("childEPCs", "childQuantityList"):
        event.pop(key)
    capture(db, unpack)
    with UnitOfWork(db, write=False) as uow:
        assert tr.contents_of(uow, box.id) == []


def test_a_captured_transformation_builds_genealogy(db):
    document = ex.example("Example_9.6.4")
    ex.make_items_for(db, document)
    capture(db, document)
    with UnitOfWork(db, write=False) as uow:
        output = tr.resolve(uow, ids.sgtin_dl("04012345778892", "25"))
        back = tr.backward(uow, output)
        assert {u["serial"] for u in back["units"]} == {"25", "99886655"}
        assert {x["lot"] for x in back["lots"]} == {"4444", "987"}
        assert uow.session.scalar(select(func.count()).select_from(Edge)) == 16


def test_lot_and_serial_items_take_the_lot_from_the_ilmd(db):
    document = ex.example("Example_9.6.1")
    ex.make_items_for(db, document)
    with UnitOfWork(db) as uow:
        item = tr_item(uow, "10614141073464")
        item.tracking = "lot_serial"
    event = ex.events_of(document)[0]
    event |= {"action": "ADD", "bizStep": "commissioning", "ilmd": {"cbvmda:lotNumber": "L7"}}
    document["epcisBody"]["eventList"] = [event]
    capture(db, document)
    with UnitOfWork(db, write=False) as uow:
        found = tr.resolve(uow, ids.sgtin_dl("10614141073464", "2017"))
        assert tr.get_object(uow, found.lot_id).code == "L7"


def tr_item(uow, gtin):  # type: ignore[no-untyped-def]
    from medtrace.modules import catalog

    return catalog.find_by_gtin(uow, gtin)[0]


# --- export of what MedTrace itself recorded ---------------------------------------------------
@pytest.fixture
def journal(db):
    ids_ = {"pump": make_item(db, "PUMP", tracking="serial"),
            "pcb": make_item(db, "PCB", kind="component", tracking="lot", uom="KG"),
            "supplier": make_partner(db, "SUP-1", supplier=True),
            "hospital": make_partner(db, "HSP-1", customer=True)}
    at = dt.datetime(2026, 3, 1, 9, 30, 15, 250000, tzinfo=SH)
    with UnitOfWork(db) as uow:
        pcb = lot(uow, ids_["pcb"], "P/1", origin="received", supplier_id=ids_["supplier"])
        tr.record_event(uow, step="received", what=[Part(pcb, Decimal("12.5"), "KG")], at=at,
                        doc="RC-1", biz_transactions=[{"type": "recadv", "id": "RC-1"}],
                        sources=[Party("owning_party", partner_id=ids_["supplier"])],
                        biz_location="仓库 WH-1", extra={"inspection": "pending"})
        pump = unit(uow, ids_["pump"], "SN-1")
        tr.record_event(uow, step="produced", inputs=[Part(pcb, Decimal("0.5"), "KG")],
                        outputs=[pump], at=at + dt.timedelta(days=1), doc="WO-1",
                        edge_kind="production", read_point="LINE-1")
        tr.record_event(uow, step="consumed", inputs=[Part(pcb, Decimal("1"), "KG")],
                        at=at + dt.timedelta(days=1), doc="WO-2")
        case = tr.create_container(uow, sscc=sscc(7))
        tr.record_event(uow, step="packed", parent=case, what=[pump],
                        at=at + dt.timedelta(days=2), doc="PK-1")
        tr.record_event(uow, step="shipped", what=[case], at=at + dt.timedelta(days=3),
                        destinations=[Party("owning_party", partner_id=ids_["hospital"])])
        tr.record_event(uow, step="inspected", what=[pcb], disposition="accepted on deviation",
                        at=at + dt.timedelta(days=4))
        ids_ |= {"lot": pcb.id, "unit": pump.id, "case": case.id}
    return ids_


def test_exports_of_our_own_events_validate_and_name_things_by_gs1_keys(db, journal):
    page = export(db)
    ex.assert_valid(page.document)
    events = ex.events_of(page.document)
    assert [e["medtrace:step"] for e in events] == ["received", "produced", "consumed",
                                                    "packed", "shipped", "inspected"]
    received, produced, consumed, packed, shipped, inspected = events
    assert received["eventTime"] == "2026-03-01T09:30:15.250+08:00"
    assert received["eventTimeZoneOffset"] == "+08:00"
    assert received["action"] == "ADD" and received["bizStep"] == "receiving"
    gtin_pcb = ex.gtin_of(db, journal["pcb"])
    assert received["quantityList"] == [{"epcClass": ids.lgtin_dl(gtin_pcb, "P/1"),
                                         "quantity": 12.5, "uom": "KGM"}]
    assert "/10/P%2F1" in received["quantityList"][0]["epcClass"]
    assert received["sourceList"] == [{"type": "owning_party",
                                       "source": "urn:medtrace:partner:SUP-1"}]
    assert received["bizLocation"] == {
        "id": "urn:medtrace:location:%E4%BB%93%E5%BA%93%20WH-1"}
    assert received["bizTransactionList"] == [{"type": "recadv",
                                               "bizTransaction": "urn:medtrace:doc:RC-1"}]
    assert received["medtrace:details"] == {"inspection": "pending"}
    assert produced["outputEPCList"] == [ids.sgtin_dl(ex.gtin_of(db, journal["pump"]), "SN-1")]
    assert "transformationID" not in produced
    assert consumed["transformationID"] == "urn:medtrace:transformation:WO-2"
    assert packed["parentID"] == ids.sscc_dl(sscc(7)) and packed["action"] == "ADD"
    assert shipped["destinationList"][0]["destination"] == "urn:medtrace:partner:HSP-1"
    assert inspected["disposition"] == "urn:medtrace:disposition:accepted%20on%20deviation"
    assert page.document["@context"] == [ids.CONTEXT_URL, {"medtrace": ids.MEDTRACE_NS}]


def test_trace_exports_follow_the_genealogy(db, journal):
    def steps(**kw):  # type: ignore[no-untyped-def]
        page = export(db, **kw)
        ex.assert_valid(page.document)
        return [e["medtrace:step"] for e in ex.events_of(page.document)]

    pump_code = "SN-1"
    assert steps(code=pump_code, direction="timeline") == ["produced", "packed", "shipped"]
    assert steps(code=pump_code, direction="backward") == ["received", "produced", "consumed",
                                                           "packed", "inspected"]
    assert steps(code="P/1", direction="forward") == ["received", "produced", "consumed",
                                                      "packed", "shipped", "inspected"]
    first = export(db, code="P/1", direction="forward", limit=2)
    assert first.next_offset == 2 and len(ex.events_of(first.document)) == 2
    last = export(db, code="P/1", direction="forward", limit=2, offset=4)
    assert last.next_offset is None and len(ex.events_of(last.document)) == 2


def test_time_windows_and_business_steps_select_events(db, journal):
    window = export(db, start=dt.datetime(2026, 3, 2, tzinfo=SH),
                    end=dt.datetime(2026, 3, 4, tzinfo=SH))
    assert [e["medtrace:step"] for e in ex.events_of(window.document)] == [
        "produced", "consumed", "packed"]
    shipping = export(db, start=dt.datetime(2026, 1, 1, tzinfo=SH), biz_step="shipping")
    assert [e["medtrace:step"] for e in ex.events_of(shipping.document)] == ["shipped"]
    with pytest.raises(tr.TraceInvalid):
        export(db, start=dt.datetime(2026, 1, 1))  # no zone


def test_our_own_export_captured_again_is_all_skipped(db, journal):
    document = export(db).document
    result = capture(db, document)
    assert result.captured == [] and len(result.skipped) == 6
