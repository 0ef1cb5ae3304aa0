"""Items through real HTTP: create with packaging levels and conversions, validation, GTIN
uniqueness, status rules, filters."""

from __future__ import annotations

from decimal import Decimal

from medtrace.modules.catalog import find_by_gtin, to_base_quantity
from medtrace.modules.catalog.permissions import ITEM_EDIT, ITEM_STATUS, ITEM_VIEW
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.auth import api_token, make_user

PUMP = {
    "code": "IP-200", "name_zh": "输液泵", "name_en": "Infusion pump", "base_uom": "EA",
    "class_cn": "II", "class_eu": "IIb", "tracking": "serial", "shelf_life_days": None,
    "registration_number": "国械注准20233140001", "registration_expiry": "2028-06-30",
    "storage_min_c": "5", "storage_max_c": "40",
    "conversions": [{"uom": "CS", "factor": "4"}],
    "packaging": [
        {"level": 0, "name": "unit", "gtin": "06971234560018", "quantity": "1"},
        {"level": 1, "name": "case", "gtin": "16971234560015", "quantity": "4", "uom": "CS"},
    ],
}


def _headers(client, db, name="cat.editor", permissions=(ITEM_VIEW, ITEM_EDIT, ITEM_STATUS)):
    make_user(db, name, permissions=list(permissions))
    return {"Authorization": f"Bearer {api_token(client, name)}"}


def test_create_an_item_with_packaging_levels_and_read_it_back(client, db):
    headers = _headers(client, db)
    created = client.post("/api/v1/items", json=PUMP, headers=headers)
    assert created.status_code == 201, created.text
    item = created.json()
    assert item["status"] == "draft" and item["tracking"] == "serial"
    assert [p["gtin"] for p in item["packaging"]] == ["06971234560018", "16971234560015"]
    assert item["conversions"] == [{"uom": "CS", "factor": "4"}]
    assert item["storage_max_c"] == "40"
    with UnitOfWork(db, write=False) as uow:
        found = find_by_gtin(uow, "6971234560018")  # GTIN-13 form of the same DI
        assert found is not None and found[0].code == "IP-200" and found[1].level == 0
        assert to_base_quantity(uow, item["id"], Decimal("2.5"), "CS") == Decimal("10")
    listed = client.get("/api/v1/items?q=16971234560015", headers=headers).json()
    assert listed["total"] == 1 and listed["items"][0]["code"] == "IP-200"


def test_bad_gtin_and_gtin_of_another_item_are_refused(client, db):
    headers = _headers(client, db)
    wrong = {**PUMP, "packaging": [{**PUMP["packaging"][0], "gtin": "06971234560019"}]}
    response = client.post("/api/v1/items", json=wrong, headers=headers)
    assert response.status_code == 422 and response.json()["code"] == "MT-CAT-GTIN-INVALID"
    assert client.post("/api/v1/items", json=PUMP, headers=headers).status_code == 201
    other = {**PUMP, "code": "IP-300"}
    response = client.post("/api/v1/items", json=other, headers=headers)
    assert response.status_code == 409 and response.json()["code"] == "MT-CAT-GTIN-TAKEN"
    again = client.post("/api/v1/items", json=PUMP, headers=headers)
    assert again.status_code == 409 and again.json()["code"] == "MT-CAT-ITEM-EXISTS"


def test_field_rules_are_reported_per_field(client, db):
    headers = _headers(client, db)
    bad = {**PUMP, "class_cn": "IV", "tracking": "sometimes", "base_uom": "XX",
           "storage_min_c": "50", "packaging": []}
    response = client.post("/api/v1/items", json=bad, headers=headers)
    assert response.status_code == 422 and response.json()["code"] == "MT-CAT-ITEM-INVALID"
    fields = {e["field"] for e in response.json()["errors"]}
    assert {"class_cn", "tracking", "base_uom", "storage_max_c"} <= fields
    floaty = client.post("/api/v1/items", json={**PUMP, "code": "F1",
                                                "conversions": [{"uom": "CS", "factor": 0}]},
                         headers=headers)
    assert floaty.status_code == 422


def test_status_rules_and_reason_once_active(client, db):
    headers = _headers(client, db)
    item_id = client.post("/api/v1/items", json=PUMP, headers=headers).json()["id"]
    active = client.post(f"/api/v1/items/{item_id}/status", json={"status": "active"},
                         headers=headers)
    assert active.status_code == 200 and active.json()["status"] == "active"
    back = client.post(f"/api/v1/items/{item_id}/status", json={"status": "draft"},
                       headers=headers)
    assert back.status_code == 422 and back.json()["code"] == "MT-CAT-STATUS-CHANGE"
    no_reason = client.put(f"/api/v1/items/{item_id}", headers=headers,
                           json={k: v for k, v in PUMP.items() if k != "code"} | {
                               "name_en": "Volumetric infusion pump"})
    assert no_reason.status_code == 422
    assert no_reason.json()["code"] == "MT-AUDIT-REASON-REQUIRED"
    with_reason = client.put(f"/api/v1/items/{item_id}", headers={
        **headers, "X-Change-Reason": "name per IFU rev B"},
        json={k: v for k, v in PUMP.items() if k != "code"} | {
            "name_en": "Volumetric infusion pump"})
    assert with_reason.status_code == 200, with_reason.text


def test_reading_needs_view_permission(client, db):
    headers = _headers(client, db, "no.catalog", permissions=())
    assert client.get("/api/v1/items", headers=headers).status_code == 403
