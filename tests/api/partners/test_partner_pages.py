"""Partner pages: list with badges, document upload form, approval request and QA signing."""

from __future__ import annotations

from medtrace.modules.partners.permissions import APPROVAL_DECIDE, PARTNER_VIEW
from tests.factories.auth import PASSWORD, csrf_from, make_user, web_login

PDF = b"%PDF-1.4\n%%EOF\n"


def test_partner_pages_from_upload_to_signed_approval(admin_client, client, db):
    created = admin_client.post("/api/v1/partners", json={
        "code": "SUP-7", "name_zh": "苏州精密医疗", "name_en": "Suzhou Precision Medical",
        "is_supplier": True})
    partner_id = created.json()["id"]
    listed = admin_client.get("/partners")
    assert 'data-testid="qualification-SUP-7"' in listed.text
    page = admin_client.get(f"/partners/{partner_id}")
    token = csrf_from(page.text)
    uploaded = admin_client.post(f"/partners/{partner_id}/documents", data={
        "csrf_token": token, "doc_type": "business_licence", "number": "91320500X",
        "valid_from": "2024-01-01", "valid_to": ""},
        files={"file": ("licence.pdf", PDF, "application/pdf")}, follow_redirects=False)
    assert uploaded.status_code == 303, uploaded.text
    refused = admin_client.post(f"/partners/{partner_id}/documents", data={
        "csrf_token": token, "doc_type": "business_licence", "number": "X"},
        files={"file": ("licence.exe", b"MZ", "application/pdf")})
    assert refused.status_code == 422 and "MT-PARTNER-DOCUMENT-INVALID" in refused.text
    requested = admin_client.post(f"/partners/{partner_id}/approvals", data={
        "csrf_token": token, "kind": "supplier"}, follow_redirects=False)
    assert requested.status_code == 303
    detail = admin_client.get(f"/partners/{partner_id}")
    assert "91320500X" in detail.text and "FA-" in detail.text

    make_user(db, "qa.page", permissions=[PARTNER_VIEW, APPROVAL_DECIDE])
    admin_client.cookies.clear()
    web_login(client, "qa.page")
    queue = client.get("/partners/approvals")
    approval_id = queue.text.split('action="/partners/approvals/')[1].split('"')[0]
    signed = client.post(f"/partners/approvals/{approval_id}", data={
        "csrf_token": csrf_from(queue.text), "decision": "approve", "password": PASSWORD,
        "comment": "OK"}, follow_redirects=False)
    assert signed.status_code == 303, signed.text
    assert "badge-approved" in client.get("/partners/approvals").text
