"""Partner create and edit pages with custom fields: every refusal is shown next to its field in
the user's language, what was typed stays in the form, the detail page shows the values."""

from __future__ import annotations

import re

from medtrace.modules.partners.permissions import PARTNER_VIEW
from tests.factories.auth import csrf_from, make_user, web_login
from tests.factories.customfields import partner_fields

FORM = {"code": "SUP-WEB", "name_zh": "苏州精密医疗", "name_en": "Suzhou Precision",
        "is_supplier": "on", "country": "CN", "active": "on",
        "cf_tax_id": "91320500MA1XYZ0012", "cf_credit_limit": "5000", "cf_grade": "A",
        "cf_audited_on": "2026-02-03", "cf_cold_chain": "on"}


def _field_error(html: str, name: str) -> str:
    label = html.split(f'data-custom-field="{name}"')[1].split("</label>")[0]
    found = re.search(r'class="field-error"[^>]*>([^<]*)<', label)
    return found.group(1) if found else ""


def test_new_partner_form_refuses_bad_custom_values_in_the_users_language(admin_client, db):
    partner_fields(db)
    client = admin_client
    page = client.get("/partners/new")
    assert page.status_code == 200 and 'name="cf_grade"' in page.text
    assert "甲级" in page.text and 'type="date" name="cf_audited_on"' in page.text
    token = csrf_from(page.text)
    bad = client.post("/partners/new", data={
        **FORM, "csrf_token": token, "cf_tax_id": "bad", "cf_credit_limit": "lots",
        "cf_grade": "", "cf_audited_on": "2026-13-45"})
    assert bad.status_code == 422
    assert "自定义字段的值无效。" in bad.text and "MT-CUSTOMFIELD-INVALID" in bad.text
    assert _field_error(bad.text, "tax_id") == "不符合要求的格式"
    assert _field_error(bad.text, "credit_limit") == "应为数字"
    assert _field_error(bad.text, "grade") == "必填"
    assert _field_error(bad.text, "audited_on") == "应为日期 YYYY-MM-DD"
    assert 'value="lots"' in bad.text and 'value="SUP-WEB"' in bad.text  # typed, kept

    client.get("/lang/en")
    too_high = client.post("/partners/new", data={**FORM, "csrf_token": token,
                                                  "cf_credit_limit": "1000001"})
    assert too_high.status_code == 422
    assert "A custom field value is not valid." in too_high.text
    assert _field_error(too_high.text, "credit_limit") == "at most 1000000"
    no_role = client.post("/partners/new", data={
        **{k: v for k, v in FORM.items() if k != "is_supplier"}, "csrf_token": token,
        "name_zh": ""})
    assert no_role.status_code == 422 and "Some fields are not valid." in no_role.text
    client.get("/lang/zh_CN")
    no_role_zh = client.post("/partners/new", data={
        **{k: v for k, v in FORM.items() if k != "is_supplier"}, "csrf_token": token})
    assert no_role_zh.status_code == 422 and "须为供应商、客户或生产企业" in no_role_zh.text

    created = client.post("/partners/new", data={**FORM, "csrf_token": token},
                          follow_redirects=False)
    assert created.status_code == 303, created.text
    detail = client.get(created.headers["location"])
    facts = detail.text.split('data-testid="partner-facts"')[1].split("</table>")[0]
    for shown in ("统一社会信用代码", "91320500MA1XYZ0012", "5000 CNY", "甲级", "2026-02-03",
                  "冷链", "是"):
        assert shown in facts, shown


def test_edit_page_shows_and_changes_custom_values(admin_client, db):
    partner_fields(db)
    client = admin_client
    token = csrf_from(client.get("/partners/new").text)
    created = client.post("/partners/new", data={**FORM, "csrf_token": token},
                          follow_redirects=False)
    partner_url = created.headers["location"].split("?")[0]
    edit = client.get(f"{partner_url}/edit")
    assert edit.status_code == 200 and 'value="91320500MA1XYZ0012"' in edit.text
    assert 'name="code"' not in edit.text  # the code does not change
    assert re.search(r'<option value="A" selected>', edit.text)
    assert re.search(r'name="cf_cold_chain" checked', edit.text)
    change = {k: v for k, v in FORM.items() if k != "code"} | {"csrf_token": token}
    refused = client.post(f"{partner_url}/edit", data={**change, "cf_credit_limit": "-5"})
    assert refused.status_code == 422 and _field_error(refused.text, "credit_limit") == "不小于 0"
    assert 'value="-5"' in refused.text
    changed = client.post(f"{partner_url}/edit", data={
        **{k: v for k, v in change.items() if k != "cf_cold_chain"}, "cf_grade": "B",
        "phone": "0512-888", "reason": "年度复评"}, follow_redirects=False)
    assert changed.status_code == 303, changed.text
    detail = client.get(partner_url)
    facts = detail.text.split('data-testid="partner-facts"')[1].split("</table>")[0]
    assert "乙级" in facts and "0512-888" in facts and "否" in facts
    history = detail.text.split('data-testid="history"')[1]
    assert "年度复评" in history


def test_partner_forms_need_the_edit_permission(client, db):
    make_user(db, "partner.viewer", permissions=[PARTNER_VIEW])
    web_login(client, "partner.viewer")
    assert client.get("/partners/new").status_code == 403
    token = csrf_from(client.get("/partners").text)
    refused = client.post("/partners/new", data={**FORM, "csrf_token": token})
    assert refused.status_code == 403
