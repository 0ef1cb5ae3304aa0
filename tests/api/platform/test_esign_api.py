"""Signatures over HTTP: meanings list and a record's signatures with their validity."""

from __future__ import annotations

from medtrace.platform import esign
from medtrace.platform.auth import service as auth_service
from medtrace.platform.auth.models import Role
from medtrace.platform.auth.permissions import ADMIN_ROLES, AUDIT_VIEW
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.auth import PASSWORD, api_token, make_role, make_user


def test_signatures_of_a_record_show_validity_and_manifestation(client, db):
    role_id = make_role(db, "signed-role", [AUDIT_VIEW])
    signer_id = make_user(db, "qa.signer", permissions=[AUDIT_VIEW], printed_name="李娜")
    with UnitOfWork(db) as uow:
        actor = auth_service.actor_for_user(auth_service.get_user_or_raise(uow, signer_id))
        esign.sign(uow, record=uow.session.get(Role, role_id), meaning="approved",
                   password=PASSWORD, actor=actor, comment="权限审批")
    headers = {"Authorization": f"Bearer {api_token(client, 'qa.signer')}",
               "Accept-Language": "zh-CN"}
    url = f"/api/v1/esign/signatures?entity=auth_role&id={role_id}"
    body = client.get(url, headers=headers).json()
    assert len(body) == 1 and body[0]["valid"] is True
    assert body[0]["manifestation"].startswith("李娜 — 批准 — ")
    assert body[0]["manifestation"].endswith("(Asia/Shanghai)")
    with UnitOfWork(db) as uow:
        uow.session.get(Role, role_id).name_en = "Changed after signing"
    assert client.get(url, headers=headers).json()[0]["valid"] is False


def test_meanings_are_configurable(client, db):
    make_user(db, "meaning.admin", permissions=[ADMIN_ROLES, AUDIT_VIEW])
    headers = {"Authorization": f"Bearer {api_token(client, 'meaning.admin')}"}
    codes = [m["code"] for m in client.get("/api/v1/esign/meanings", headers=headers).json()]
    assert {"authored", "reviewed", "approved", "released", "verified", "closed"} <= set(codes)
    added = client.post("/api/v1/esign/meanings", headers=headers, json={
        "code": "witnessed", "label_zh": "见证", "label_en": "Witnessed"})
    assert added.status_code == 200, added.text
    bad = client.post("/api/v1/esign/meanings", headers=headers, json={
        "code": "Bad Code", "label_zh": "x", "label_en": "x"})
    assert bad.status_code == 422 and bad.json()["code"] == "MT-COMMON-VALIDATION"
