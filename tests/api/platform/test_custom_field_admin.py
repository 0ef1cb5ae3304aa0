"""Custom-field administration: the pages (CSRF, permission, every attribute, refusals in the
user's language, audited changes) and the paginated API with filters."""

from __future__ import annotations

from medtrace.modules.partners.permissions import PARTNER_EDIT, PARTNER_VIEW
from medtrace.platform.audit import list_entries
from medtrace.platform.customfields.api import ADMIN_CUSTOM_FIELDS
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.auth import api_token, csrf_from, make_user, web_login
from tests.factories.customfields import make_field

NEW = {"entity": "partners.partner", "name": "tax_id", "kind": "text",
       "label_zh": "统一社会信用代码", "label_en": "Tax id", "pattern": "[0-9A-Z]{18}",
       "required": "on", "active": "on", "position": "1"}


def test_admin_defines_and_changes_fields_through_the_pages(admin_client, db):
    client = admin_client
    listed = client.get("/admin/custom-fields")
    assert listed.status_code == 200 and 'href="/admin/custom-fields/new"' in listed.text
    assert 'href="/admin/custom-fields"' in listed.text.split('class="sidenav"')[1]  # in the nav
    form = client.get("/admin/custom-fields/new?entity=partners.partner")
    token = csrf_from(form.text)
    assert '<option value="partners.partner" selected>' in form.text
    bad = client.post("/admin/custom-fields/new", data={
        **NEW, "csrf_token": token, "name": "Tax ID", "pattern": "([", "label_en": ""})
    assert bad.status_code == 422 and "MT-CUSTOMFIELD-DEFINITION" in bad.text
    assert "自定义字段的定义无效。" in bad.text
    assert "须以字母开头" in bad.text and "不是有效的正则表达式" in bad.text
    assert "标签须为 1 至 100 个字符" in bad.text and 'value="Tax ID"' in bad.text
    limits = client.post("/admin/custom-fields/new", data={
        **NEW, "csrf_token": token, "name": "credit", "kind": "number", "min_value": "10",
        "max_value": "x"})
    assert limits.status_code == 422 and "MT-COMMON-VALIDATION" in limits.text
    reversed_limits = client.post("/admin/custom-fields/new", data={
        **NEW, "csrf_token": token, "name": "credit", "kind": "number", "min_value": "10",
        "max_value": "1"})
    assert reversed_limits.status_code == 422 and "最大值小于最小值" in reversed_limits.text
    no_choices = client.post("/admin/custom-fields/new", data={
        **NEW, "csrf_token": token, "name": "grade", "kind": "choice", "choices": ""})
    assert no_choices.status_code == 422 and "选项字段需要设置选项" in no_choices.text

    created = client.post("/admin/custom-fields/new", data={**NEW, "csrf_token": token},
                          follow_redirects=False)
    assert created.status_code == 303, created.text
    field_url = created.headers["location"].split("?")[0]
    again = client.post("/admin/custom-fields/new", data={**NEW, "csrf_token": token})
    assert again.status_code == 422 and "该对象类型已有同名字段" in again.text
    for field in ({"name": "credit", "kind": "number", "unit": "CNY", "min_value": "0",
                   "max_value": "1000000.5"},
                  {"name": "grade", "kind": "choice",
                   "choices": "A | 甲级 | Grade A\nB | 乙级 | Grade B\nC"},
                  {"name": "audited_on", "kind": "date"},
                  {"name": "cold_chain", "kind": "boolean", "required": ""},
                  {"name": "parent", "kind": "reference", "reference_entity": "partners.partner",
                   "pattern": ""}):
        response = client.post("/admin/custom-fields/new", data={
            **NEW, "csrf_token": token, **field}, follow_redirects=False)
        assert response.status_code == 303, (field, response.text)
    page = client.get("/admin/custom-fields?entity=partners.partner")
    for shown in ("tax_id", "credit", "CNY", "A, B, C", "cold_chain", "<code>[0-9A-Z]{18}</code>"):
        assert shown in page.text, shown

    edit = client.get(field_url)
    assert 'value="[0-9A-Z]{18}"' in edit.text and 'name="kind"' not in edit.text
    changed = client.post(field_url, data={
        "csrf_token": token, "label_zh": "税号", "label_en": "Tax number",
        "pattern": "[0-9A-Z]{15,18}", "position": "2", "reason": "接受旧版15位税号"},
        follow_redirects=False)
    assert changed.status_code == 303, changed.text
    after = client.get(field_url)
    assert 'value="税号"' in after.text and "接受旧版15位税号" in after.text  # history
    assert 'name="required" checked' not in after.text and 'name="active" checked' not in after.text
    refused = client.post(field_url, data={"csrf_token": token, "label_zh": "", "label_en": "x",
                                           "pattern": "(", "position": "zwei"})
    assert refused.status_code == 422 and "应为整数" in refused.text
    refused = client.post(field_url, data={"csrf_token": token, "label_zh": "", "label_en": "x",
                                           "pattern": "("})
    assert refused.status_code == 422 and "不是有效的正则表达式" in refused.text
    with UnitOfWork(db, write=False) as uow:
        entries = list_entries(uow, entity_type="customfields_field")
    updates = [e for e in entries if e.action.endswith(".update")]
    assert updates and updates[0].reason == "接受旧版15位税号"
    assert updates[0].changes["label_zh"] == {"old": "统一社会信用代码", "new": "税号"}
    assert len([e for e in entries if e.action.endswith(".create")]) == 6


def test_admin_pages_check_csrf_and_permission(admin_client, client, db):
    token = csrf_from(admin_client.get("/admin/custom-fields/new").text)
    no_token = admin_client.post("/admin/custom-fields/new", data=NEW)
    assert no_token.status_code == 403 and "MT-AUTH-CSRF" in no_token.text
    wrong_token = admin_client.post("/admin/custom-fields/new",
                                    data={**NEW, "csrf_token": "x" * 40})
    assert wrong_token.status_code == 403
    cross_site = admin_client.post("/admin/custom-fields/new", data={**NEW, "csrf_token": token},
                                   headers={"Origin": "https://evil.example"})
    assert cross_site.status_code == 403
    field_id = make_field(db, "partners.partner", "grade", "choice", choices=[{"value": "A"}])
    admin_client.cookies.clear()

    make_user(db, "not.admin", permissions=[PARTNER_VIEW, PARTNER_EDIT])
    web_login(client, "not.admin")
    home = client.get("/")
    assert "/admin/custom-fields" not in home.text  # not in their navigation
    for path in ("/admin/custom-fields", "/admin/custom-fields/new",
                 f"/admin/custom-fields/{field_id}"):
        assert client.get(path).status_code == 403, path
    token = csrf_from(home.text)
    assert client.post("/admin/custom-fields/new",
                       data={**NEW, "csrf_token": token}).status_code == 403
    refused = client.post(f"/admin/custom-fields/{field_id}", data={
        "csrf_token": token, "label_zh": "x", "label_en": "x"})
    assert refused.status_code == 403 and "MT-AUTH-FORBIDDEN" in refused.text
    headers = {"Authorization": f"Bearer {api_token(client, 'not.admin')}"}
    assert client.get("/api/v1/admin/custom-fields", headers=headers).status_code == 403


def test_custom_field_api_is_paginated_with_filters(client, db):
    make_user(db, "cf.api", permissions=[ADMIN_CUSTOM_FIELDS])
    headers = {"Authorization": f"Bearer {api_token(client, 'cf.api')}"}
    for number in range(4):
        make_field(db, "partners.partner", f"field_{number}", "text", active=number != 3)
    make_field(db, "catalog.item", "weight", "number", label_zh="重量")
    page = client.get("/api/v1/admin/custom-fields?limit=2&offset=1", headers=headers).json()
    assert (page["total"], page["limit"], page["offset"]) == (5, 2, 1)
    assert [f["name"] for f in page["items"]] == ["field_0", "field_1"]  # by entity, then name
    partners = client.get("/api/v1/admin/custom-fields?entity=partners.partner&active=true",
                          headers=headers).json()
    assert [f["name"] for f in partners["items"]] == ["field_0", "field_1", "field_2"]
    numbers = client.get("/api/v1/admin/custom-fields?kind=number&q=重", headers=headers).json()
    assert [f["name"] for f in numbers["items"]] == ["weight"]
    one = client.get(f"/api/v1/admin/custom-fields/{numbers['items'][0]['id']}", headers=headers)
    assert one.json()["entity"] == "catalog.item"
    changed = client.put(f"/api/v1/admin/custom-fields/{one.json()['id']}", headers=headers,
                         json={"label_zh": "毛重", "label_en": "Gross weight", "unit": "kg",
                               "min_value": "0", "max_value": "5.5"})
    assert changed.status_code == 200 and changed.json()["max_value"] == "5.5"
    assert changed.json()["kind"] == "number" and changed.json()["name"] == "weight"
    reversed_limits = client.put(f"/api/v1/admin/custom-fields/{one.json()['id']}",
                                 headers=headers, json={"label_zh": "毛重", "label_en": "x",
                                                        "min_value": "9", "max_value": "1"})
    assert reversed_limits.status_code == 422
    assert {e["field"] for e in reversed_limits.json()["errors"]} == {"max_value"}
    missing = client.get("/api/v1/admin/custom-fields/99999", headers=headers)
    assert missing.status_code == 404 and missing.json()["code"] == "MT-CUSTOMFIELD-NOT-FOUND"
    entities = client.get("/api/v1/admin/custom-field-entities", headers=headers).json()
    assert {"catalog.item", "partners.partner"} <= set(entities)
