"""The quality API over real HTTP: the sampling-plan contract, the inspections list and its
filters, results, signed release and rejection, refusals as problem+json with stable codes."""

from __future__ import annotations

import pytest

from tests.factories.auth import PASSWORD, api_token
from tests.factories.quality import Plant, make_plant


@pytest.fixture
def plant(db) -> Plant:  # type: ignore[no-untyped-def]
    return make_plant(db)


def _auth(client, username: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"Authorization": f"Bearer {api_token(client, username)}"}


def test_the_sampling_plan_contract(client, plant: Plant) -> None:  # type: ignore[no-untyped-def]
    headers = _auth(client, "viewer")
    answer = client.get("/api/v1/quality/sampling-plan", headers=headers, params={
        "lot_size": 2000, "inspection_level": "II", "aql": "1.0", "severity": "normal"})
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"code_letter": "K", "sample_size": 125, "accept": 3, "reject": 4}
    arrow = client.get("/api/v1/quality/sampling-plan", headers=headers, params={
        "lot_size": 400, "inspection_level": "II", "aql": "0.65", "severity": "normal"})
    assert arrow.json() == {"code_letter": "H", "plan_letter": "J", "sample_size": 80,
                            "accept": 1, "reject": 2}
    wrong = client.get("/api/v1/quality/sampling-plan", headers=headers, params={
        "lot_size": 400, "inspection_level": "II", "aql": "1.1"})
    assert wrong.status_code == 422
    assert wrong.headers["content-type"].startswith("application/problem+json")
    assert wrong.json()["code"] == "MT-QUALITY-SAMPLING-INVALID"


def test_list_filters_results_and_signed_release(client, plant: Plant) -> None:  # type: ignore[no-untyped-def]
    first = plant.receive(500, number="L-1")
    plant.receive(300, number="L-2")
    headers = _auth(client, "qa.one")
    listed = client.get("/api/v1/inspections", headers=headers,
                        params={"lot": "L-1", "item": "CATH"}).json()
    assert listed["total"] == 1 and listed["items"][0]["number"] == first
    assert client.get("/api/v1/inspections", headers=headers,
                      params={"item": "CATH"}).json()["total"] == 2
    assert client.get("/api/v1/inspections", headers=headers,
                      params={"lot": "NOPE"}).json()["total"] == 0
    one = client.get(f"/api/v1/inspections/{first}", headers=headers).json()
    (plan,) = one["characteristics"]
    assert (plan["code_letter"], plan["sample_size"], plan["accept"]) == ("H", 50, 1)
    results = [{"characteristic": 1, "sample": n, "passed": True} for n in range(1, 51)]
    entered = client.post(f"/api/v1/inspections/{first}/results", headers=headers,
                          json={"results": results})
    assert entered.status_code == 200, entered.text
    assert entered.json()["verdict"] == "accepted"
    unsigned = client.post(f"/api/v1/inspections/{first}/release", headers=headers, json={})
    assert unsigned.status_code == 422
    by_receiver = client.post(f"/api/v1/inspections/{first}/release",
                              headers=_auth(client, "receiver"), json={"signature": {
                                  "username": "receiver", "password": PASSWORD,
                                  "meaning": "released"}})
    assert by_receiver.status_code == 422
    assert by_receiver.json()["code"] == "MT-QUALITY-RECEIVER-SIGNS"
    released = client.post(f"/api/v1/inspections/{first}/release", headers=headers, json={
        "signature": {"username": "qa.one", "password": PASSWORD, "meaning": "released"}})
    assert released.status_code == 200, released.text
    assert released.json()["status"] == "released"
    again = client.post(f"/api/v1/inspections/{first}/release", headers=headers, json={
        "signature": {"username": "qa.one", "password": PASSWORD, "meaning": "released"}})
    assert again.status_code == 409 and again.json()["code"] == "MT-QUALITY-INSPECTION-STATE"


def test_reject_over_http_opens_a_nonconformance(client, plant: Plant) -> None:  # type: ignore[no-untyped-def]
    number = plant.receive(500)
    plant.results(number, fail={1: 2})
    headers = _auth(client, "qa.two")
    answer = client.post(f"/api/v1/inspections/{number}/reject", headers=headers, json={
        "signature": {"username": "qa.two", "password": PASSWORD, "meaning": "rejected"}})
    assert answer.status_code == 200, answer.text
    assert answer.json()["nonconformance"]
    ncs = client.get("/api/v1/quality/nonconformances", headers=headers).json()
    assert ncs["total"] == 1 and ncs["items"][0]["inspection"] == number


def test_plans_are_read_and_written_by_item_code(client, plant: Plant) -> None:  # type: ignore[no-untyped-def]
    headers = _auth(client, "qa.one")
    assert client.get("/api/v1/quality/plans/CATH", headers=headers).json()["version"] == 0
    body = {"characteristics": [
        {"kind": "dimensional", "name_zh": "长度", "name_en": "Length", "aql": "0.65",
         "lower": "9.5", "upper": "10.5", "unit": "mm"}]}
    saved = client.put("/api/v1/quality/plans/CATH", headers=headers, json=body)
    assert saved.status_code == 200, saved.text
    assert saved.json()["version"] == 1
    bad = client.put("/api/v1/quality/plans/CATH", headers=headers, json={"characteristics": [
        {"kind": "dimensional", "name_zh": "长度", "name_en": "Length", "aql": "0.65"}]})
    assert bad.status_code == 422 and bad.json()["code"] == "MT-QUALITY-PLAN-INVALID"
    viewer = client.put("/api/v1/quality/plans/CATH", headers=_auth(client, "viewer"),
                        json=body)
    assert viewer.status_code == 403


def test_reduced_inspection_approval_per_supplier_item(client, plant: Plant) -> None:  # type: ignore[no-untyped-def]
    headers = _auth(client, "qa.one")
    path = f"/api/v1/quality/switching/{plant.ids['supplier']}/CATH"
    answer = client.put(path, headers=headers, json={
        "reduced_approved": False, "reason": "New supplier: no reduced inspection yet"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["reduced_approved"] is False and answer.json()["severity"] == "normal"
    refused = client.put(path, headers=headers, json={"resume": True, "reason": "x"})
    assert refused.status_code == 409
    assert refused.json()["code"] == "MT-QUALITY-INSPECTION-STATE"
    assert client.put(path, headers=_auth(client, "viewer"), json={
        "resume": True, "reason": "x"}).status_code == 403
