"""Custom fields on items: definition by an administrator, validation on every write,
indexed filters, audited definitions."""

from __future__ import annotations

from medtrace.modules.catalog.permissions import ITEM_EDIT, ITEM_VIEW
from medtrace.platform.audit import list_entries
from medtrace.platform.customfields.api import ADMIN_CUSTOM_FIELDS
from medtrace.platform.db.uow import UnitOfWork
from tests.api.catalog.test_items_api import PUMP
from tests.factories.auth import api_token, make_user


def _setup(client, db):
    make_user(db, "cf.admin", permissions=[ADMIN_CUSTOM_FIELDS, ITEM_VIEW, ITEM_EDIT])
    headers = {"Authorization": f"Bearer {api_token(client, 'cf.admin')}"}
    for field in (
        {"entity": "catalog.item", "name": "sterilisation", "label_zh": "灭菌方式",
         "label_en": "Sterilisation", "kind": "choice", "required": True,
         "choices": [{"value": "EO"}, {"value": "gamma"}, {"value": "none"}]},
        {"entity": "catalog.item", "name": "weight", "label_zh": "重量", "label_en": "Weight",
         "kind": "number", "unit": "kg", "min_value": "0", "max_value": "50"},
        {"entity": "catalog.item", "name": "udi_db_id", "label_zh": "UDI数据库编号",
         "label_en": "UDI database id", "kind": "text", "pattern": "[A-Z]{2}[0-9]{6}"},
        {"entity": "catalog.item", "name": "implantable", "label_zh": "植入", "kind": "boolean",
         "label_en": "Implantable"},
    ):
        response = client.post("/api/v1/admin/custom-fields", json=field, headers=headers)
        assert response.status_code == 200, response.text
    return headers


def test_values_are_validated_stored_and_filterable(client, db):
    headers = _setup(client, db)
    good = {**PUMP, "custom_fields": {"sterilisation": "EO", "weight": "2.35",
                                      "udi_db_id": "CN123456", "implantable": False}}
    created = client.post("/api/v1/items", json=good, headers=headers)
    assert created.status_code == 201, created.text
    assert created.json()["custom_fields"] == {"sterilisation": "EO", "weight": "2.35",
                                               "udi_db_id": "CN123456", "implantable": False}
    found = client.get("/api/v1/items?custom=sterilisation:EO", headers=headers).json()
    assert found["total"] == 1
    assert client.get("/api/v1/items?custom=sterilisation:gamma",
                      headers=headers).json()["total"] == 0
    assert client.get("/api/v1/items?custom=weight:2.350",
                      headers=headers).json()["total"] == 1


def test_wrong_values_are_refused_per_field(client, db):
    headers = _setup(client, db)
    bad = {**PUMP, "custom_fields": {"weight": "heavy", "udi_db_id": "x1",
                                     "implantable": "yes", "colour": "red"}}
    response = client.post("/api/v1/items", json=bad, headers=headers)
    assert response.status_code == 422 and response.json()["code"] == "MT-CUSTOMFIELD-INVALID"
    fields = {e["field"] for e in response.json()["errors"]}
    assert fields == {"custom_fields.weight", "custom_fields.udi_db_id",
                      "custom_fields.implantable", "custom_fields.colour",
                      "custom_fields.sterilisation"}
    too_heavy = client.post("/api/v1/items", headers=headers, json={
        **PUMP, "custom_fields": {"sterilisation": "EO", "weight": "51"}})
    assert too_heavy.status_code == 422
    float_weight = client.post("/api/v1/items", headers=headers, json={
        **PUMP, "custom_fields": {"sterilisation": "EO", "weight": 2.5}})
    assert float_weight.status_code == 422


def test_definitions_are_checked_and_audited(client, db):
    headers = _setup(client, db)
    wrong = client.post("/api/v1/admin/custom-fields", headers=headers, json={
        "entity": "nothing.here", "name": "Bad Name", "label_zh": "x", "label_en": "x",
        "kind": "colour"})
    assert wrong.status_code == 422 and wrong.json()["code"] == "MT-CUSTOMFIELD-DEFINITION"
    with UnitOfWork(db, write=False) as uow:
        entries = list_entries(uow, entity_type="customfields_field")
    assert {e.entity_ref for e in entries} >= {"sterilisation", "weight"}
