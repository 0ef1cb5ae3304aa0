"""Custom fields on partners through the API: every rule refuses bad input per field, values
are kept on a change that does not mention them, lists filter on them (indexed lookup) and
are paginated."""

from __future__ import annotations

from medtrace.modules.partners.permissions import PARTNER_EDIT, PARTNER_VIEW
from tests.factories.auth import api_token, make_user
from tests.factories.customfields import partner_fields

SUPPLIER = {"code": "SUP-CF", "name_zh": "康达医疗", "name_en": "Kangda Medical",
            "is_supplier": True}
GOOD = {"tax_id": "91310115MA1K4ABC12", "credit_limit": "250000.50", "grade": "A",
        "audited_on": "2026-03-01", "cold_chain": True}


def _headers(client, db):
    make_user(db, "partner.clerk", permissions=[PARTNER_VIEW, PARTNER_EDIT])
    return {"Authorization": f"Bearer {api_token(client, 'partner.clerk')}"}


def _refused(response) -> dict[str, str]:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "MT-CUSTOMFIELD-INVALID"
    return {e["field"]: e["message"] for e in body["errors"]}


def test_values_are_validated_on_create_and_change(client, db):
    partner_fields(db)
    headers = _headers(client, db)
    wrong_type = client.post("/api/v1/partners", headers=headers, json={
        **SUPPLIER, "custom_fields": {**GOOD, "credit_limit": "a lot", "cold_chain": "yes",
                                      "audited_on": "01/03/2026"}})
    assert set(_refused(wrong_type)) == {"custom_fields.credit_limit",
                                         "custom_fields.cold_chain", "custom_fields.audited_on"}
    float_number = client.post("/api/v1/partners", headers=headers, json={
        **SUPPLIER, "custom_fields": {**GOOD, "credit_limit": 1.5}})
    assert set(_refused(float_number)) == {"custom_fields.credit_limit"}
    pattern = client.post("/api/v1/partners", headers=headers, json={
        **SUPPLIER, "custom_fields": {**GOOD, "tax_id": "123"}})
    assert set(_refused(pattern)) == {"custom_fields.tax_id"}
    too_high = client.post("/api/v1/partners", headers=headers, json={
        **SUPPLIER, "custom_fields": {**GOOD, "credit_limit": "1000000.01"}})
    assert set(_refused(too_high)) == {"custom_fields.credit_limit"}
    below = client.post("/api/v1/partners", headers=headers, json={
        **SUPPLIER, "custom_fields": {**GOOD, "credit_limit": "-1"}})
    assert set(_refused(below)) == {"custom_fields.credit_limit"}
    too_precise = client.post("/api/v1/partners", headers=headers, json={
        **SUPPLIER, "custom_fields": {**GOOD, "credit_limit": "1.0000001"}})
    assert set(_refused(too_precise)) == {"custom_fields.credit_limit"}
    missing = client.post("/api/v1/partners", headers=headers, json={
        **SUPPLIER, "custom_fields": {"tax_id": GOOD["tax_id"]}})
    assert set(_refused(missing)) == {"custom_fields.grade"}
    no_custom_at_all = client.post("/api/v1/partners", headers=headers, json=SUPPLIER)
    assert set(_refused(no_custom_at_all)) == {"custom_fields.grade"}
    bad_choice = client.post("/api/v1/partners", headers=headers, json={
        **SUPPLIER, "custom_fields": {**GOOD, "grade": "C", "colour": "red"}})
    assert set(_refused(bad_choice)) == {"custom_fields.grade", "custom_fields.colour"}
    dangling = client.post("/api/v1/partners", headers=headers, json={
        **SUPPLIER, "custom_fields": {**GOOD, "parent": "NO-SUCH-CODE"}})
    assert set(_refused(dangling)) == {"custom_fields.parent"}
    assert client.get("/api/v1/partners", headers=headers).json()["total"] == 0  # nothing kept

    created = client.post("/api/v1/partners", headers=headers,
                          json={**SUPPLIER, "custom_fields": GOOD})
    assert created.status_code == 201, created.text
    partner = created.json()
    assert partner["custom_fields"] == {**GOOD, "credit_limit": "250000.5"}
    child = client.post("/api/v1/partners", headers=headers, json={
        **SUPPLIER, "code": "SUP-CF-2", "custom_fields": {"grade": "B",
                                                          "parent": str(partner["id"])}})
    assert child.status_code == 201, child.text
    assert child.json()["custom_fields"]["parent"] == "SUP-CF"  # stored by code

    change = {k: v for k, v in SUPPLIER.items() if k != "code"} | {"phone": "021-5555"}
    kept = client.put(f"/api/v1/partners/{partner['id']}", headers=headers, json=change)
    assert kept.status_code == 200 and kept.json()["custom_fields"]["grade"] == "A"
    refused = client.put(f"/api/v1/partners/{partner['id']}", headers=headers,
                         json={**change, "custom_fields": {"grade": ""}})
    assert set(_refused(refused)) == {"custom_fields.grade"}
    replaced = client.put(f"/api/v1/partners/{partner['id']}", headers=headers,
                          json={**change, "custom_fields": {"grade": "B"}})
    assert replaced.json()["custom_fields"] == {"grade": "B"}  # the values given, no others


def test_partner_list_is_paginated_and_filters_on_custom_fields(client, db):
    partner_fields(db)
    headers = _headers(client, db)
    for number in range(5):
        response = client.post("/api/v1/partners", headers=headers, json={
            **SUPPLIER, "code": f"SUP-{number}", "is_customer": number == 4,
            "customer_type": "hospital" if number == 4 else None,
            "custom_fields": {"grade": "A" if number % 2 else "B",
                              "credit_limit": str(number * 100),
                              "cold_chain": number == 3}})
        assert response.status_code == 201, response.text
    page = client.get("/api/v1/partners?limit=2&offset=2", headers=headers).json()
    assert (page["total"], page["limit"], page["offset"]) == (5, 2, 2)
    assert [p["code"] for p in page["items"]] == ["SUP-2", "SUP-3"]
    grade_a = client.get("/api/v1/partners?custom=grade:A", headers=headers).json()
    assert [p["code"] for p in grade_a["items"]] == ["SUP-1", "SUP-3"]
    both = client.get("/api/v1/partners?custom=grade:A&custom=credit_limit:300.00",
                      headers=headers).json()
    assert [p["code"] for p in both["items"]] == ["SUP-3"]
    cold = client.get("/api/v1/partners?custom=cold_chain:true", headers=headers).json()
    assert [p["code"] for p in cold["items"]] == ["SUP-3"]
    customers = client.get("/api/v1/partners?role=customer&q=sup-4", headers=headers).json()
    assert [p["code"] for p in customers["items"]] == ["SUP-4"]
    wrong_type = client.get("/api/v1/partners?custom=credit_limit:many", headers=headers)
    assert wrong_type.status_code == 422
    assert wrong_type.json()["code"] == "MT-CUSTOMFIELD-INVALID"
    unknown = client.get("/api/v1/partners?custom=colour:red", headers=headers)
    assert unknown.status_code == 422
    malformed = client.get("/api/v1/partners?custom=grade", headers=headers)
    assert malformed.status_code == 422 and malformed.json()["code"] == "MT-COMMON-VALIDATION"
