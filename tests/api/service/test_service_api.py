"""Service through real HTTP, in the shapes a CRM or field-service app codes against: the
installed base by customer, a service order opened, a part replaced by two raw scans, the order
completed with the technician's signature; each write retried under the same Idempotency-Key
answers the same and writes once; refusals are problem+json with a stable code."""

from __future__ import annotations

import datetime as dt

import pytest

from medtrace.modules import catalog
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.auth import PASSWORD, api_token
from tests.factories.clock import plant_today
from tests.factories.service import make_field


@pytest.fixture
def field(db):  # type: ignore[no-untyped-def]
    return make_field(db)


def _headers(client, key=None):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {api_token(client, 'svc.tech')}"}
    if key:
        headers["Idempotency-Key"] = key
    return headers


def _scan(db, item_id: int, *, lot: str | None = None, serial: str | None = None,  # type: ignore[no-untyped-def]
          raw: bool = False) -> str:
    """What a scanner sends: the printed text (HRI), or the symbol's data with its ]d2
    symbology identifier and GS separators."""
    with UnitOfWork(db, write=False) as uow:
        label = catalog.label_for(uow, item_id, lot=lot, serial=serial)
        return "]d2" + label.element_string if raw else label.hri


def test_install_open_replace_complete_with_retries(client, db, field):
    headers = _headers(client)
    today = plant_today().isoformat()
    install = {"unit": _scan(db, field["pump"], serial="SN-1"), "site": "第一医院",
               "department": "ICU", "installed_on": today, "accepted_by": "张护士长",
               "accepted_on": today, "versions": [{"kind": "software", "version": "2.1.0"}]}
    made = client.post("/api/v1/installations", json=install,
                       headers={**headers, "Idempotency-Key": "ins-1"})
    assert made.status_code == 201, made.text
    again = client.post("/api/v1/installations", json=install,
                        headers={**headers, "Idempotency-Key": "ins-1"})
    assert again.json() == made.json() and made.json()["follow_up"]
    base = client.get("/api/v1/installed-base?customer=HSP-1", headers=headers).json()
    assert base["total"] == 1 and base["items"][0]["serial"] == "SN-1"
    assert base["items"][0]["software"] == "2.1.0"
    assert client.get("/api/v1/installed-base?customer=HSP-2",
                      headers=headers).json()["total"] == 0

    body = {"type": "corrective", "unit": "SN-1", "problem": "无法开机 / won't start",
            "parts_location": "VAN-1"}
    opened = client.post("/api/v1/service-orders", json=body,
                         headers={**headers, "Idempotency-Key": "so-1"})
    assert opened.status_code == 201, opened.text
    number = opened.json()["number"]
    assert client.post("/api/v1/service-orders", json=body, headers={
        **headers, "Idempotency-Key": "so-1"}).json()["number"] == number

    swap = {"removed": _scan(db, field["bat"], lot="BAT-1"),
            "fitted": _scan(db, field["bat"], lot="BAT-SP", raw=True)}
    replaced = client.post(f"/api/v1/service-orders/{number}/replacements", json=swap,
                           headers={**headers, "Idempotency-Key": "rp-1"})
    assert replaced.status_code == 201, replaced.text
    assert replaced.json()["removed"]["code"] == "BAT-1"
    assert replaced.json()["fitted"]["code"] == "BAT-SP"
    retried = client.post(f"/api/v1/service-orders/{number}/replacements", json=swap,
                          headers={**headers, "Idempotency-Key": "rp-1"})
    assert retried.status_code == 201 and retried.json()["id"] == replaced.json()["id"]
    order = client.get(f"/api/v1/service-orders/{number}", headers=headers).json()
    assert len(order["replacements"]) == 1 and order["status"] == "in_progress"

    done = {"report": "更换电池 / battery replaced", "minutes": 50, "ack_name": "张护士长",
            "signature": {"password": PASSWORD}}
    wrong = client.post(f"/api/v1/service-orders/{number}/complete",
                        json={**done, "signature": {"password": "not-it"}}, headers=headers)
    assert wrong.status_code in (401, 403, 422) and wrong.json()["code"].startswith("MT-")
    completed = client.post(f"/api/v1/service-orders/{number}/complete", json=done,
                            headers={**headers, "Idempotency-Key": "cp-1"})
    assert completed.status_code == 200, completed.text
    assert completed.json()["status"] == "done"
    assert completed.json()["signature"]["signer"] == "Tech One"
    assert completed.json()["signature"]["valid"] is True
    repeat = client.post(f"/api/v1/service-orders/{number}/complete", json=done,
                         headers={**headers, "Idempotency-Key": "cp-1"})
    assert repeat.json() == completed.json()
    visits = client.get("/api/v1/service-visits?status=scheduled", headers=headers).json()
    assert {v["after"] for v in visits["items"]} == {made.json()["number"], number}


def test_refusals_are_problem_json(client, db, field):
    headers = _headers(client)
    stocked = client.post("/api/v1/installations", headers=headers, json={
        "unit": "SN-2", "site": "x", "installed_on": plant_today().isoformat(),
        "accepted_by": "x", "accepted_on": plant_today().isoformat()})
    assert stocked.status_code == 422
    assert stocked.headers["content-type"].startswith("application/problem+json")
    assert stocked.json()["code"] == "MT-SERVICE-INSTALLATION-REFUSED"
    future = (plant_today() + dt.timedelta(days=2)).isoformat()
    early = client.post("/api/v1/installations", headers=headers, json={
        "unit": "SN-1", "site": "x", "installed_on": future, "accepted_by": "x",
        "accepted_on": future})
    assert {e["field"] for e in early.json()["errors"]} >= {"installed_on"}
    order = client.post("/api/v1/service-orders", headers=headers, json={
        "type": "corrective", "unit": "SN-1"}).json()["number"]
    held = client.post(f"/api/v1/service-orders/{order}/replacements", headers=headers,
                       json={"removed": "BAT-1", "fitted": "BAT-QH"})
    assert held.status_code == 422 and held.json()["code"] == "MT-SERVICE-REPLACEMENT-REFUSED"
    assert held.json()["errors"][0]["field"] == "fitted"
    absent = client.post(f"/api/v1/service-orders/{order}/replacements", headers=headers,
                         json={"removed": "SA-9", "fitted": "BAT-SP"})
    assert absent.json()["errors"][0]["field"] == "removed"
    long = client.post(f"/api/v1/service-orders/{order}/replacements", headers=headers,
                       json={"removed": "x" * 401, "fitted": "BAT-SP"})
    assert long.status_code == 422
    missing = client.get("/api/v1/service-orders/SV00-99999", headers=headers)
    assert missing.status_code == 404 and missing.json()["code"] == "MT-SERVICE-ORDER-NOT-FOUND"
    wrong_type = client.post("/api/v1/service-orders", headers=headers, json={
        "type": "teleport", "unit": "SN-1"})
    assert wrong_type.status_code == 422


def test_the_trace_pages_and_exports_show_what_was_replaced(client, db, field):
    from tests.factories.auth import web_login

    headers = _headers(client)
    order = client.post("/api/v1/service-orders", headers=headers, json={
        "type": "corrective", "unit": "SN-1", "parts_location": "VAN-1"}).json()["number"]
    done = client.post(f"/api/v1/service-orders/{order}/replacements", headers=headers,
                       json={"removed": "SA-1", "fitted": "SA-9"})
    assert done.status_code == 201, done.text
    assert web_login(client, "svc.tech").status_code in (302, 303)
    back = client.get("/trace", params={"code": "SN-1", "direction": "backward"})
    assert back.status_code == 200 and 'data-testid="backward-replaced"' in back.text
    assert order in back.text and "在维修中更换" in back.text
    assert "未完成的服务工单" in back.text  # the service panel on the unit's trace page
    forward = client.get("/trace", params={"code": "PCB-1", "direction": "forward"})
    assert 'data-testid="forward-replaced"' in forward.text and "SN-1" in forward.text
    rows = client.get("/trace/export.csv", params={"code": "PCB-1", "direction": "forward"})
    text = rows.content.decode("utf-8-sig")
    assert f"维修中更换 {order}" in text and "SN-1" in text
    api = client.get("/api/v1/trace/forward", params={"code": "PCB-1"}, headers=headers).json()
    assert api["totals"]["units"] == 0 and api["totals"]["replaced"] == 1
    assert api["replaced"][0]["serial"] == "SN-1" and api["replaced"][0]["removed_doc"] == order
