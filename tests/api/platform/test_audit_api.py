"""The audit trail over HTTP: search API, CSV export, search page, history on a record."""

from __future__ import annotations

import csv
import io

from medtrace.platform.auth.permissions import ADMIN_USERS, AUDIT_VIEW
from tests.factories.auth import api_token, make_user


def _headers(client, db, name, permissions):
    make_user(db, name, permissions=permissions)
    return {"Authorization": f"Bearer {api_token(client, name)}"}


def test_api_lists_changes_of_one_record_with_old_and_new_values(client, db):
    admin = _headers(client, db, "aud.admin", [ADMIN_USERS])
    created = client.post("/api/v1/admin/users", headers=admin, json={
        "username": "audited.one", "printed_name": "Before", "password": "Audit-Passw0rd-1"})
    user_id = created.json()["id"]
    client.patch(f"/api/v1/admin/users/{user_id}", headers={
        **admin, "X-Change-Reason": "%E6%9B%B4%E6%AD%A3%E5%A7%93%E5%90%8D"},
        json={"printed_name": "After"})
    viewer = _headers(client, db, "aud.viewer", [AUDIT_VIEW])
    page = client.get(f"/api/v1/audit?entity=auth_user&id={user_id}", headers=viewer)
    assert page.status_code == 200, page.text
    body = page.json()
    actions = [e["action"] for e in body["items"]]
    assert actions[0].endswith(".update") and actions[-1].endswith(".create")
    update = body["items"][0]
    assert update["changes"]["printed_name"] == {"old": "Before", "new": "After"}
    assert update["actor_name"] == "aud.admin" and update["reason"] == "更正姓名"
    assert update["request_id"]
    create = body["items"][-1]
    assert create["changes"]["password_hash"]["new"] != created.json().get("password_hash")
    assert "argon2" not in page.text
    assert body["total"] == len(body["items"])
    forbidden = client.get("/api/v1/audit", headers=admin)
    assert forbidden.status_code == 403


def test_csv_export_and_search_page(admin_client, db):
    make_user(db, "csv.subject")
    export = admin_client.get("/audit/export.csv?entity=auth_user")
    assert export.status_code == 200 and export.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(export.text)))
    assert rows[0][0] == "id" and len(rows) >= 3
    assert any("csv.subject" in cell for row in rows for cell in row)
    page = admin_client.get("/audit?entity=auth_user&user=")
    assert page.status_code == 200 and 'data-testid="audit-entries"' in page.text
    assert "csv.subject" in page.text


def test_a_user_record_shows_its_history(admin_client, db):
    user_id = make_user(db, "with.history")
    page = admin_client.get(f"/admin/users/{user_id}")
    assert page.status_code == 200 and 'data-testid="history"' in page.text
    assert "创建" in page.text and "用户名" in page.text  # the action and the field in words
