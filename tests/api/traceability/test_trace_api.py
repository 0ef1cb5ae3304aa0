"""Traceability through real HTTP: lots and units, the status rules with QA's signature, links
with cycles refused, traces by raw UDI scan, GTIN + lot, item + serial, SSCC, and the errors."""

from __future__ import annotations

import pytest

from medtrace.modules.catalog.permissions import ITEM_VIEW
from medtrace.modules.traceability.permissions import (
    LOT_HOLD,
    LOT_RECALL,
    LOT_RELEASE,
    TRACE_RECORD,
    TRACE_VIEW,
)
from medtrace.modules.traceability.schemas import TraceBackward, TraceForward, TraceTimeline
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.auth import PASSWORD, api_token, make_user
from tests.factories.trace import gtin, make_item, make_partner, sscc


def _as(client, db, name, permissions):  # type: ignore[no-untyped-def]
    make_user(db, name, permissions=permissions)
    return {"Authorization": f"Bearer {api_token(client, name)}"}


@pytest.fixture
def setup(client, db):  # type: ignore[no-untyped-def]
    clerk = _as(client, db, "clerk", [TRACE_VIEW, TRACE_RECORD, ITEM_VIEW])
    qa = _as(client, db, "qa.lead", [TRACE_VIEW, LOT_RELEASE, LOT_HOLD, LOT_RECALL])
    items = {"cath": make_item(db, "CATH", kind="finished", tracking="lot"),
             "pump": make_item(db, "PUMP", kind="finished", tracking="serial"),
             "tube": make_item(db, "TUBE", kind="component", tracking="lot"),
             "sup": make_partner(db, "SUP-1", supplier=True)}
    with UnitOfWork(db, write=False) as uow:
        from medtrace.modules.catalog.service import get_item_or_raise

        items["cath_gtin"] = get_item_or_raise(uow, items["cath"]).packaging[0].gtin
        items["pump_gtin"] = get_item_or_raise(uow, items["pump"]).packaging[0].gtin
    return clerk, qa, items


def test_release_needs_qa_and_a_signature_and_status_moves_follow_the_rules(client, setup):
    clerk, qa, items = setup
    lot = client.post("/api/v1/lots", headers=clerk, json={
        "item_id": items["cath"], "number": "C2611-01", "expiry_date": "2029-11-30"})
    assert lot.status_code == 201 and lot.json()["status"] == "quarantine"
    lot_id = lot.json()["id"]
    url = f"/api/v1/trace/objects/{lot_id}/status"
    refused = client.post(url, headers=clerk, json={"status": "released", "reason": "IQC ok",
                                                     "password": PASSWORD})
    assert refused.status_code == 409 and refused.json()["code"] == "MT-TRACE-STATUS-REFUSED"
    unsigned = client.post(url, headers=qa, json={"status": "released", "reason": "IQC ok",
                                                  "password": "wrong"})
    assert unsigned.status_code in (401, 403, 422) and unsigned.json()["code"].startswith("MT-")
    released = client.post(url, headers=qa, json={"status": "released", "reason": "IQC ok",
                                                   "password": PASSWORD})
    assert released.status_code == 200 and released.json()["status"] == "released"
    held = client.post(url, headers=qa, json={"status": "on_hold", "reason": "complaint"})
    assert held.json()["status"] == "on_hold"
    again = client.post(url, headers=qa, json={"status": "released", "reason": "cleared",
                                               "password": PASSWORD})
    assert again.json()["status"] == "released"
    recalled = client.post(url, headers=qa, json={"status": "recalled", "reason": "FSCA-1"})
    assert recalled.json()["status"] == "recalled"
    back = client.post(url, headers=qa, json={"status": "released", "reason": "no",
                                              "password": PASSWORD})
    assert back.status_code == 409
    timeline = client.get("/api/v1/trace/timeline", headers=clerk,
                          params={"code": "C2611-01"}).json()
    assert [e["step"] for e in timeline["events"]] == ["released", "held", "released",
                                                       "recalled"]
    assert timeline["events"][0]["details"]["reason"] == "IQC ok"
    TraceTimeline.model_validate(timeline)  # the answer is what the OpenAPI document says


def test_a_status_change_without_a_reason_is_refused(client, setup):
    clerk, qa, items = setup
    lot_id = client.post("/api/v1/lots", headers=clerk, json={
        "item_id": items["cath"], "number": "C-2"}).json()["id"]
    answer = client.post(f"/api/v1/trace/objects/{lot_id}/status", headers=qa,
                         json={"status": "on_hold", "reason": " "})
    assert answer.status_code == 422


def test_traces_accept_scans_numbers_and_sscc_and_explain_errors(client, setup):
    clerk, _qa, items = setup
    tube = client.post("/api/v1/lots", headers=clerk, json={
        "item_id": items["tube"], "number": "T-1", "quantity": "100"}).json()
    cath = client.post("/api/v1/lots", headers=clerk, json={
        "item_id": items["cath"], "number": "C-9", "expiry_date": "2029-11-30"}).json()
    pump = client.post("/api/v1/units", headers=clerk, json={
        "item_id": items["pump"], "serial": "SN-77"}).json()
    box = client.post("/api/v1/containers", headers=clerk, json={"sscc": sscc(5)}).json()
    for child, parent, kind in ((tube, cath, "production"), (tube, pump, "production"),
                                (pump, box, "packing")):
        made = client.post("/api/v1/trace/links", headers=clerk, json={
            "child_id": child["id"], "parent_id": parent["id"], "kind": kind, "doc": "WO-1"})
        assert made.status_code == 201, made.text
    cycle = client.post("/api/v1/trace/links", headers=clerk, json={
        "child_id": cath["id"], "parent_id": tube["id"], "kind": "production"})
    assert cycle.status_code == 422 and cycle.json()["code"] == "MT-TRACE-CYCLE"

    scan = f"]d201{items['cath_gtin']}17291130\x1d10C-9"
    back = client.get("/api/v1/trace/backward", headers=clerk, params={"code": scan}).json()
    assert back["root"]["lot"] == "C-9" and [x["lot"] for x in back["lots"]] == ["T-1"]
    by_gtin = client.get("/api/v1/trace/backward", headers=clerk,
                         params={"code": "C-9", "item": items["cath_gtin"]}).json()
    assert by_gtin["root"]["id"] == cath["id"]
    hri = f"(01){items['pump_gtin']}(21)SN-77"
    assert client.get("/api/v1/trace/backward", headers=clerk,
                      params={"code": hri}).json()["root"]["serial"] == "SN-77"
    fwd = client.get("/api/v1/trace/forward", headers=clerk,
                     params={"code": "T-1", "limit": 1}).json()
    assert fwd["totals"]["units"] == 1 and [u["serial"] for u in fwd["units"]] == ["SN-77"]
    assert [x["lot"] for x in fwd["lots"]] == ["C-9"]
    by_sscc = client.get("/api/v1/trace/backward", headers=clerk,
                         params={"code": f"(00){sscc(5)}"}).json()
    assert by_sscc["root"]["sscc"] == sscc(5) and by_sscc["units"][0]["serial"] == "SN-77"
    for answer in (back, by_sscc):  # the answers are what the OpenAPI document says
        TraceBackward.model_validate(answer)
    TraceForward.model_validate(fwd)

    missing = client.get("/api/v1/trace/forward", headers=clerk, params={"code": "NOPE-1"})
    assert missing.status_code == 404 and missing.json()["code"] == "MT-TRACE-NOT-FOUND"
    assert missing.headers["content-type"].startswith("application/problem+json")
    client.post("/api/v1/lots", headers=clerk, json={"item_id": items["tube"], "number": "C-9"})
    ambiguous = client.get("/api/v1/trace/backward", headers=clerk, params={"code": "C-9"})
    assert ambiguous.status_code == 409 and ambiguous.json()["code"] == "MT-TRACE-AMBIGUOUS"
    bad = client.get("/api/v1/trace/backward", headers=clerk,
                     params={"code": "]d20106971234567890"})
    assert bad.status_code in (404, 422)
    denied = client.get("/api/v1/trace/backward", params={"code": "T-1"}, headers={
        "Authorization": f"Bearer {api_token(client, 'clerk')}X"})
    assert denied.status_code == 401


def test_a_number_outside_gs1_rules_or_a_taken_number_is_refused(client, setup):
    clerk, _qa, items = setup
    bad = client.post("/api/v1/lots", headers=clerk, json={"item_id": items["cath"],
                                                            "number": "LOT 1"})
    assert bad.status_code == 422 and bad.json()["code"] == "MT-TRACE-INVALID"
    client.post("/api/v1/units", headers=clerk, json={"item_id": items["pump"], "serial": "S1"})
    taken = client.post("/api/v1/units", headers=clerk, json={"item_id": items["pump"],
                                                               "serial": "S1"})
    assert taken.status_code == 409 and taken.json()["code"] == "MT-TRACE-NUMBER-TAKEN"
    wrong = client.post("/api/v1/units", headers=clerk, json={"item_id": items["cath"],
                                                               "serial": "S2"})
    assert wrong.status_code == 422
    assert gtin()  # the factory keeps issuing valid GTINs
