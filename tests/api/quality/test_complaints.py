"""Complaints through real HTTP: recorded by a lot number and by a serial's UDI scan, listed
with filters and read back; refusals (an unknown serial, a date in the future, no device at
all) as 422 problems naming each field; a user without the permission refused; the list,
the detail with its trace and source links, and the form on the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from medtrace.modules import catalog
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.auth import api_token, csrf_from, make_user, web_login
from tests.factories.clock import plant_today
from tests.factories.service import make_field

PROBLEM = "application/problem+json"
VIEW_AND_CREATE = ["quality.complaint.view", "quality.complaint.create"]


@pytest.fixture
def field(db) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    ids = make_field(db)
    make_user(db, "cmp.user", permissions=VIEW_AND_CREATE, printed_name="Complaint Clerk")
    make_user(db, "cmp.viewer", permissions=["quality.complaint.view"])
    make_user(db, "cmp.none", permissions=["quality.inspection.view"])
    with UnitOfWork(db, write=False) as uow:
        ids["pump_gtin"] = catalog.gtins_by_item(uow, [ids["pump"]])[ids["pump"]]
    return ids


def _auth(client, name: str = "cmp.user") -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"Authorization": f"Bearer {api_token(client, name)}"}


def _open(client, headers: dict[str, str], **body: Any):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/complaints", json={"description": "漏液 / leaks", **body},
                       headers=headers)


def test_complaints_by_lot_and_by_serial_are_listed_and_read(client, field):
    headers = _auth(client)
    by_lot = _open(client, headers, scan="PCB-1", customer="HSP-1", contact="王医生",
                   source="customer")
    assert by_lot.status_code == 201, by_lot.text
    lot = by_lot.json()
    assert lot["lot"] == "PCB-1" and lot["item"] == "PCB" and lot["serial"] is None
    assert lot["customer"] == "HSP-1" and lot["customer_name_en"] == "First Hospital"
    assert lot["received_on"] == plant_today().isoformat() and lot["status"] == "open"
    assert lot["opened_by"] == "cmp.user"
    by_serial = _open(client, headers, scan=f"(01){field['pump_gtin']}(21)SN-1",
                      source="service_visit", source_ref="FV26-00001", patient_involved=True,
                      description="输液时偶发堵塞报警 / occasional occlusion alarm")
    assert by_serial.status_code == 201, by_serial.text
    unit = by_serial.json()
    assert unit["serial"] == "SN-1" and unit["item"] == "PUMP" and unit["patient_involved"]
    assert unit["source_link"] == "/service/visits/FV26-00001"
    assert unit["number"] != lot["number"]

    listing = client.get("/api/v1/complaints", headers=_auth(client, "cmp.viewer"))
    assert listing.status_code == 200, listing.text
    page = listing.json()
    assert page["total"] == 2 and {r["number"] for r in page["items"]} == {
        lot["number"], unit["number"]}
    filtered = client.get("/api/v1/complaints", params={"source": "service_visit"},
                          headers=headers).json()
    assert [r["number"] for r in filtered["items"]] == [unit["number"]]
    by_customer = client.get("/api/v1/complaints", params={"customer": "HSP-1"},
                             headers=headers).json()
    assert [r["number"] for r in by_customer["items"]] == [lot["number"]]
    assert client.get("/api/v1/complaints", params={"customer": "HSP-2"},
                      headers=headers).json()["total"] == 0
    one = client.get(f"/api/v1/complaints/{unit['number']}", headers=headers)
    assert one.status_code == 200 and one.json()["description"].startswith("输液")
    missing = client.get("/api/v1/complaints/CMP-NONE", headers=headers)
    assert missing.status_code == 404
    assert missing.json()["code"] == "MT-QUALITY-COMPLAINT-NOT-FOUND"


@pytest.mark.parametrize(("body", "fields"), [
    ({"scan": "SN-404"}, {"scan"}),
    ({"scan": "SN-1", "received_on": "FUTURE"}, {"received_on"}),
    ({}, {"scan"}),
    ({"item": "NOPE"}, {"item"}),
    ({"scan": "SN-1", "customer": "NOBODY"}, {"customer"}),
])
def test_bad_complaints_are_422_problems_naming_the_field(client, field, body, fields):
    if body.get("received_on") == "FUTURE":
        body = {**body, "received_on": (plant_today() + dt.timedelta(days=1)).isoformat()}
    answer = _open(client, _auth(client), **body)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith(PROBLEM)
    problem = answer.json()
    assert problem["code"] == "MT-QUALITY-COMPLAINT-INVALID"
    assert {e["field"] for e in problem["errors"]} == fields
    assert client.get("/api/v1/complaints", headers=_auth(client)).json()["total"] == 0


def test_without_the_permission_the_api_refuses(client, field):
    none = _auth(client, "cmp.none")
    assert client.get("/api/v1/complaints", headers=none).status_code == 403
    refused = _open(client, none, scan="PCB-1")
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith(PROBLEM)
    assert _open(client, _auth(client, "cmp.viewer"), scan="PCB-1").status_code == 403


def _signed_in(client, username: str):  # type: ignore[no-untyped-def]
    assert web_login(client, username).status_code == 303
    client.headers["origin"] = "http://testserver"
    return client


def test_the_pages_list_show_and_record_complaints(client, field):
    headers = _auth(client)
    visit = _open(client, headers, scan="SN-1", source="service_visit",
                  source_ref="FV26-00001", customer="HSP-1").json()
    web = _signed_in(client, "cmp.user")
    listing = web.get("/quality/complaints")
    assert listing.status_code == 200 and visit["number"] in listing.text
    assert 'href="/quality/complaints"' in listing.text  # the menu entry
    assert 'data-testid="new-complaint"' in listing.text
    filtered = web.get("/quality/complaints", params={"source": "customer"})
    assert filtered.status_code == 200 and visit["number"] not in filtered.text
    detail = web.get(f"/quality/complaints/{visit['number']}")
    assert detail.status_code == 200
    assert 'href="/trace?code=SN-1"' in detail.text
    assert 'href="/service/visits/FV26-00001"' in detail.text
    assert "PUMP" in detail.text and "漏液" in detail.text

    form = web.get("/quality/complaints/new", params={"scan": "PCB-1"})
    assert form.status_code == 200 and 'name="scan"' in form.text and "PCB-1" in form.text
    token = csrf_from(form.text)
    refused = web.post("/quality/complaints/new", data={
        "csrf_token": token, "scan": "SN-404", "source": "customer",
        "description": "破损 / broken"})
    assert refused.status_code == 422 and 'data-field-error="scan"' in refused.text
    assert "MT-QUALITY-COMPLAINT-INVALID" in refused.text
    empty = web.post("/quality/complaints/new", data={
        "csrf_token": token, "scan": "PCB-1", "source": "customer", "description": ""})
    assert empty.status_code == 422 and 'data-field-error="description"' in empty.text
    saved = web.post("/quality/complaints/new", data={
        "csrf_token": token, "scan": "PCB-1", "source": "customer", "customer": "HSP-1",
        "description": "破损 / broken", "injury": "on"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    page = web.get(saved.headers["location"])
    assert page.status_code == 200 and 'href="/trace?code=PCB-1"' in page.text
    assert 'data-testid="patient"' in page.text
    number = saved.headers["location"].split("/")[-1].split("?")[0]
    listing = web.get("/quality/complaints").text
    assert f'data-testid="complaint-{number}"' in listing
    assert f'data-testid="complaint-{visit["number"]}"' in listing


def test_the_pages_need_the_permissions(client, field):
    web = _signed_in(client, "cmp.viewer")
    assert web.get("/quality/complaints").status_code == 200
    assert 'data-testid="new-complaint"' not in web.get("/quality/complaints").text
    assert web.get("/quality/complaints/new").status_code == 403
