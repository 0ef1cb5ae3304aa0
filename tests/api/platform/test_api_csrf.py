"""A browser sends the session cookie with any request, also one a foreign site makes it
send: so an API write authenticated by the cookie needs the session's CSRF token or this site's
Origin. Bearer tokens are exempt (a browser never adds them by itself)."""

from __future__ import annotations

import re

from medtrace.modules import partners
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.auth import api_token, make_user, web_login

UPLOAD = {"file": ("licence.pdf", b"%PDF-1.4 demo", "application/pdf")}
FIELDS = {"doc_type": "business_licence", "number": "91310000X", "scope_classes": ""}


def _partner(db) -> int:  # type: ignore[no-untyped-def]
    with UnitOfWork(db) as uow:
        return partners.create_partner(uow, partners.PartnerCreate(
            code="CSRF-SUP", name_zh="供应商", name_en="Supplier", is_supplier=True)).id


def test_a_cookie_write_needs_the_token_or_this_sites_origin(client, db):
    partner_id = _partner(db)
    make_user(db, "csrf.user", admin=True)
    assert web_login(client, "csrf.user").status_code == 303
    url = f"/api/v1/partners/{partner_id}/documents"
    foreign = client.post(url, data=FIELDS, files=UPLOAD,
                          headers={"Origin": "https://evil.example"})
    assert foreign.status_code == 403 and foreign.json()["code"] == "MT-AUTH-CSRF"
    bare = client.post(url, data=FIELDS, files=UPLOAD)
    assert bare.status_code == 403 and bare.json()["code"] == "MT-AUTH-CSRF"
    page = client.get("/partners")
    token = re.search(r'name="csrf-token" content="([^"]+)"', page.text).group(1)
    with_token = client.post(url, data=FIELDS, files=UPLOAD, headers={"X-CSRF-Token": token})
    assert with_token.status_code not in (401, 403), with_token.text
    same_site = client.post("/api/v1/udi/parse", json={"code": "(01)09506000134352"},
                            headers={"Origin": "http://testserver"})
    assert same_site.status_code == 200
    assert client.get(f"/api/v1/partners/{partner_id}").status_code == 200  # reads are free


def test_bearer_tokens_need_no_csrf_token(client, db):
    make_user(db, "csrf.bearer", admin=True)
    token = api_token(client, "csrf.bearer")
    response = client.post("/api/v1/udi/parse", json={"code": "(01)09506000134352"},
                           headers={"Authorization": f"Bearer {token}",
                                    "Origin": "https://elsewhere.example"})
    assert response.status_code == 200
