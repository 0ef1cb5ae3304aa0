"""Partners through real HTTP: documents with files, qualification status, the trade check
with its reasons, first-operation approval signed by QA, the approved-supplier list."""

from __future__ import annotations

import datetime as dt
import json

from medtrace.modules.catalog.permissions import ITEM_EDIT, ITEM_VIEW
from medtrace.modules.partners.permissions import (
    APPROVAL_DECIDE,
    APPROVAL_REQUEST,
    PARTNER_EDIT,
    PARTNER_VIEW,
)
from tests.factories.auth import PASSWORD, api_token, make_user
from tests.factories.clock import plant_today

PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CATHETER = {
    "code": "CV-7F", "name_zh": "中心静脉导管", "name_en": "Central venous catheter",
    "class_cn": "III", "tracking": "lot",
    "registration_expiry": str(plant_today() + dt.timedelta(days=3 * 365)),
    "packaging": [{"level": 0, "name": "unit", "gtin": "06971234560025", "quantity": "1"}],
}


def _as(client, db, name, permissions):
    make_user(db, name, permissions=permissions)
    return {"Authorization": f"Bearer {api_token(client, name)}"}


def _doc(client, headers, partner_id, **fields):
    data = {"doc_type": "business_licence", "number": "91310000MA1", "scope_classes": [],
            "valid_from": str(plant_today() - dt.timedelta(days=365)),
            "valid_to": str(plant_today() + dt.timedelta(days=700))} | fields
    return client.post(f"/api/v1/partners/{partner_id}/documents",
                       data={"data": json.dumps(data)}, headers=headers)


def _reasons(client, headers, partner_id, item_id, direction):
    body = client.get(f"/api/v1/partners/{partner_id}/may-trade?item_id={item_id}"
                      f"&direction={direction}", headers=headers).json()
    return body["allowed"], {r["code"] for r in body["reasons"]}


def test_supplier_qualification_end_to_end(client, db):
    clerk = _as(client, db, "buyer.clerk", [PARTNER_VIEW, PARTNER_EDIT, APPROVAL_REQUEST,
                                            ITEM_VIEW, ITEM_EDIT])
    qa = _as(client, db, "qa.head", [PARTNER_VIEW, APPROVAL_DECIDE])
    item_id = client.post("/api/v1/items", json=CATHETER, headers=clerk).json()["id"]
    supplier = client.post("/api/v1/partners", headers=clerk, json={
        "code": "SUP-001", "name_zh": "上海康达医疗器械有限公司", "name_en": "Kangda",
        "is_supplier": True}).json()
    assert supplier["qualification"] == "missing"
    allowed, codes = _reasons(client, clerk, supplier["id"], item_id, "buy")
    assert not allowed and {"FIRST-APPROVAL", "ASL", "MISSING"} <= codes

    assert _doc(client, clerk, supplier["id"]).status_code == 201
    upload = client.post(f"/api/v1/partners/{supplier['id']}/documents", headers=clerk, data={
        "data": json.dumps({"doc_type": "quality_agreement", "number": "QA-2026-01"})},
        files={"file": ("agreement.pdf", PDF, "application/pdf")})
    assert upload.status_code == 201, upload.text
    assert upload.json()["file_size"] == len(PDF) and len(upload.json()["file_sha256"]) == 64
    licence = _doc(client, clerk, supplier["id"], doc_type="distribution_licence",
                   number="沪食药监械经营许20230001", scope_classes=["II"])
    assert licence.status_code == 201
    _, codes = _reasons(client, clerk, supplier["id"], item_id, "buy")
    assert "SCOPE" in codes  # a class II licence does not cover a class III catheter
    _doc(client, clerk, supplier["id"], doc_type="distribution_licence",
         number="沪食药监械经营许20230002", scope_classes=["II", "III"])

    for kind, extra in (("supplier", {}), ("supplier_item", {"item_id": item_id})):
        requested = client.post("/api/v1/first-approvals", headers=clerk, json={
            "kind": kind, "partner_id": supplier["id"], **extra})
        assert requested.status_code == 201, requested.text
        approval_id = requested.json()["id"]
        wrong = client.post(f"/api/v1/first-approvals/{approval_id}/approve", headers=qa,
                            json={"password": "not-it"})
        assert wrong.status_code == 401 and wrong.json()["code"] == "MT-ESIGN-PASSWORD-WRONG"
        done = client.post(f"/api/v1/first-approvals/{approval_id}/approve", headers=qa,
                           json={"password": PASSWORD, "comment": "资质齐全"})
        assert done.status_code == 200 and done.json()["status"] == "approved", done.text

    allowed, codes = _reasons(client, clerk, supplier["id"], item_id, "buy")
    assert allowed and codes == set()
    assert client.get(f"/api/v1/partners/{supplier['id']}", headers=clerk).json()[
        "qualification"] == "qualified"


def test_the_requester_cannot_approve_their_own_request(client, db):
    both = _as(client, db, "one.person", [PARTNER_VIEW, PARTNER_EDIT, APPROVAL_REQUEST,
                                          APPROVAL_DECIDE])
    partner = client.post("/api/v1/partners", headers=both, json={
        "code": "CUS-9", "name_zh": "市第一医院", "name_en": "First Hospital",
        "is_customer": True, "customer_type": "hospital"}).json()
    approval = client.post("/api/v1/first-approvals", headers=both, json={
        "kind": "customer", "partner_id": partner["id"]}).json()
    refused = client.post(f"/api/v1/first-approvals/{approval['id']}/approve", headers=both,
                          json={"password": PASSWORD})
    assert refused.status_code == 422 and refused.json()["code"] == "MT-ESIGN-SAME-PERSON"


def test_expired_licence_and_refused_files(client, db):
    clerk = _as(client, db, "doc.clerk", [PARTNER_VIEW, PARTNER_EDIT, ITEM_VIEW, ITEM_EDIT])
    item_id = client.post("/api/v1/items", json=CATHETER, headers=clerk).json()["id"]
    customer = client.post("/api/v1/partners", headers=clerk, json={
        "code": "CUS-1", "name_zh": "华东医疗器械经销", "name_en": "East China Distribution",
        "is_customer": True, "customer_type": "distributor"}).json()
    _doc(client, clerk, customer["id"])
    _doc(client, clerk, customer["id"], doc_type="distribution_licence", number="EXP-1",
         scope_classes=["III"], valid_from=str(plant_today() - dt.timedelta(days=800)),
         valid_to=str(plant_today() - dt.timedelta(days=1)))
    allowed, codes = _reasons(client, clerk, customer["id"], item_id, "sell")
    assert not allowed and "EXPIRED" in codes
    assert client.get(f"/api/v1/partners/{customer['id']}", headers=clerk).json()[
        "qualification"] == "expired"
    expiring = client.get("/api/v1/partner-documents/expiring?days=30", headers=clerk).json()
    assert expiring["total"] == 1
    assert [e["number"] for e in expiring["items"]] == ["EXP-1"]
    assert expiring["items"][0]["days_left"] == -1
    fake = client.post(f"/api/v1/partners/{customer['id']}/documents", headers=clerk, data={
        "data": json.dumps({"doc_type": "other", "number": "X"})},
        files={"file": ("virus.pdf", b"MZ\x90\x00", "application/pdf")})
    assert fake.status_code == 422 and fake.json()["code"] == "MT-PARTNER-DOCUMENT-INVALID"
    reversed_dates = _doc(client, clerk, customer["id"], valid_from="2030-01-01",
                          valid_to="2029-01-01")
    assert reversed_dates.status_code == 422
    bad_json = client.post(f"/api/v1/partners/{customer['id']}/documents", headers=clerk,
                           data={"data": "{not json"})
    assert bad_json.status_code == 422 and bad_json.json()["code"] == "MT-COMMON-VALIDATION"
