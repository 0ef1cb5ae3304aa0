"""The approved-supplier list of an item: put on only after an approved first-operation review,
taken off only with a reason (kept in the audit trail); through the API and the pages."""

from __future__ import annotations

from urllib.parse import quote

from medtrace.modules.catalog.permissions import ITEM_EDIT, ITEM_VIEW
from medtrace.modules.partners.permissions import (
    APPROVAL_DECIDE,
    APPROVAL_REQUEST,
    ASL_EDIT,
    PARTNER_EDIT,
    PARTNER_VIEW,
)
from medtrace.platform.audit import list_entries
from medtrace.platform.db.uow import UnitOfWork
from tests.api.partners.test_partners_api import CATHETER
from tests.factories.auth import PASSWORD, api_token, csrf_from, make_user, web_login


def _as(client, db, name, permissions):
    make_user(db, name, permissions=permissions)
    return {"Authorization": f"Bearer {api_token(client, name)}"}


def _supplier_with_approval(client, db):
    clerk = _as(client, db, "asl.clerk", [PARTNER_VIEW, PARTNER_EDIT, APPROVAL_REQUEST,
                                          ITEM_VIEW, ITEM_EDIT])
    qa = _as(client, db, "asl.qa", [PARTNER_VIEW, APPROVAL_DECIDE, ASL_EDIT])
    item_id = client.post("/api/v1/items", json=CATHETER, headers=clerk).json()["id"]
    supplier = client.post("/api/v1/partners", headers=clerk, json={
        "code": "SUP-ASL", "name_zh": "康达医疗", "name_en": "Kangda", "is_supplier": True,
    }).json()
    return clerk, qa, item_id, supplier["id"]


def _approve_supplier(client, clerk, qa, partner_id):
    approval = client.post("/api/v1/first-approvals", headers=clerk, json={
        "kind": "supplier", "partner_id": partner_id}).json()
    done = client.post(f"/api/v1/first-approvals/{approval['id']}/approve", headers=qa,
                       json={"password": PASSWORD})
    assert done.status_code == 200, done.text


def _trade_codes(client, headers, partner_id, item_id):
    body = client.get(f"/api/v1/partners/{partner_id}/may-trade?item_id={item_id}"
                      "&direction=buy", headers=headers).json()
    return {r["code"] for r in body["reasons"]}


def test_approved_supplier_list_through_the_api(client, db):
    clerk, qa, item_id, partner_id = _supplier_with_approval(client, db)
    body = {"item_id": item_id, "partner_id": partner_id}
    unapproved = client.post("/api/v1/approved-suppliers", headers=qa, json=body)
    assert unapproved.status_code == 422
    assert unapproved.json()["code"] == "MT-PARTNER-ASL-REFUSED"
    assert client.post("/api/v1/approved-suppliers", headers=clerk,
                       json=body).status_code == 403  # putting on the list is QA's
    _approve_supplier(client, clerk, qa, partner_id)
    added = client.post("/api/v1/approved-suppliers", headers=qa, json=body)
    assert added.status_code == 201, added.text
    entry = added.json()
    assert entry["item_code"] == "CV-7F" and entry["partner_code"] == "SUP-ASL"
    assert entry["active"] and entry["approval_id"]
    twice = client.post("/api/v1/approved-suppliers", headers=qa, json=body)
    assert twice.status_code == 422
    listed = client.get(f"/api/v1/approved-suppliers?item_id={item_id}", headers=clerk).json()
    assert (listed["total"], listed["limit"], listed["offset"]) == (1, 50, 0)
    assert "ASL" not in _trade_codes(client, clerk, partner_id, item_id)

    no_reason = client.delete(f"/api/v1/approved-suppliers/{entry['id']}", headers=qa)
    assert no_reason.status_code == 422
    assert no_reason.json()["code"] == "MT-AUDIT-REASON-REQUIRED"
    reason = "供应商审核不合格"
    removed = client.delete(f"/api/v1/approved-suppliers/{entry['id']}",
                            headers={**qa, "X-Change-Reason": quote(reason)})
    assert removed.status_code == 200 and removed.json()["active"] is False
    with UnitOfWork(db, write=False) as uow:
        entries = list_entries(uow, entity_type="partners_approved_supplier")
    change = next(e for e in entries if e.action.endswith(".update"))
    assert change.reason == reason and change.changes["active"] == {"old": True, "new": False}
    assert client.get(f"/api/v1/approved-suppliers?item_id={item_id}",
                      headers=clerk).json()["total"] == 0
    gone = client.get(f"/api/v1/approved-suppliers?partner_id={partner_id}&active=false",
                      headers=clerk).json()
    assert [e["id"] for e in gone["items"]] == [entry["id"]]
    assert "ASL" in _trade_codes(client, clerk, partner_id, item_id)
    again = client.delete(f"/api/v1/approved-suppliers/{entry['id']}",
                          headers={**qa, "X-Change-Reason": "x"})
    assert again.status_code == 422 and again.json()["code"] == "MT-PARTNER-ASL-REFUSED"
    back = client.post("/api/v1/approved-suppliers", headers=qa, json=body)
    assert back.status_code == 201 and back.json()["id"] == entry["id"]

    customer = client.post("/api/v1/partners", headers=clerk, json={
        "code": "CUS-ASL", "name_zh": "医院", "name_en": "Hospital", "is_customer": True,
        "customer_type": "hospital"}).json()
    not_supplier = client.post("/api/v1/approved-suppliers", headers=qa, json={
        "item_id": item_id, "partner_id": customer["id"]})
    assert not_supplier.status_code == 422
    no_item = client.post("/api/v1/approved-suppliers", headers=qa, json={
        "item_id": 99999, "partner_id": partner_id})
    assert no_item.status_code == 404


def test_approved_supplier_pages(client, db):
    clerk, qa, _item_id, partner_id = _supplier_with_approval(client, db)
    _approve_supplier(client, clerk, qa, partner_id)
    web_login(client, "asl.qa")
    page = client.get("/partners/approved-suppliers?item=CV-7F")
    assert page.status_code == 200 and 'data-testid="add-approved-supplier"' in page.text
    token = csrf_from(page.text)
    unknown = client.post("/partners/approved-suppliers", data={
        "csrf_token": token, "item": "NO-SUCH", "partner_id": str(partner_id)})
    assert unknown.status_code == 422 and "未找到该产品。" in unknown.text
    added = client.post("/partners/approved-suppliers", data={
        "csrf_token": token, "item": "06971234560025", "partner_id": str(partner_id),
        "next": "/partners/approved-suppliers?item=CV-7F"}, follow_redirects=False)
    assert added.status_code == 303
    assert added.headers["location"] == "/partners/approved-suppliers?item=CV-7F&saved=1"
    listed = client.get(added.headers["location"])
    table = listed.text.split('data-testid="approved-suppliers"')[1].split("</table>")[0]
    assert "SUP-ASL" in table and "FA-" in table
    entry_id = table.split('action="/partners/approved-suppliers/')[1].split("/")[0]
    detail = client.get(f"/partners/{partner_id}")
    assert "CV-7F" in detail.text.split('data-testid="approved-items"')[1]

    no_reason = client.post(f"/partners/approved-suppliers/{entry_id}/remove", data={
        "csrf_token": token, "next": f"/partners/{partner_id}"})
    assert no_reason.status_code == 422
    assert "MT-AUDIT-REASON-REQUIRED" in no_reason.text
    assert "修改此记录需要填写原因。" in no_reason.text
    removed = client.post(f"/partners/approved-suppliers/{entry_id}/remove", data={
        "csrf_token": token, "next": f"/partners/{partner_id}", "reason": "停止合作"},
        follow_redirects=False)
    assert removed.status_code == 303
    assert removed.headers["location"] == f"/partners/{partner_id}?saved=1"
    table = client.get("/partners/approved-suppliers?item=CV-7F").text.split(
        'data-testid="approved-suppliers"')[1].split("</table>")[0]
    assert "SUP-ASL" not in table
    twice = client.post(f"/partners/approved-suppliers/{entry_id}/remove", data={
        "csrf_token": token, "reason": "x"})
    assert twice.status_code == 422 and "MT-PARTNER-ASL-REFUSED" in twice.text
    back = client.post("/partners/approved-suppliers", data={
        "csrf_token": token, "item": "CV-7F", "partner_id": str(partner_id),
        "next": "https://evil.example/"}, follow_redirects=False)
    assert back.headers["location"] == "/partners/approved-suppliers?saved=1"  # never off-site

    client.cookies.clear()
    web_login(client, "asl.clerk")
    viewer = client.get("/partners/approved-suppliers")
    assert viewer.status_code == 200 and "add-approved-supplier" not in viewer.text
    refused = client.post("/partners/approved-suppliers", data={
        "csrf_token": csrf_from(viewer.text), "item": "CV-7F", "partner_id": str(partner_id)})
    assert refused.status_code == 403
