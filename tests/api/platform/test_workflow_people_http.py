"""Delegation and reassignment over HTTP (the API and the inbox's forms, in Chinese), and the
home page's "My tasks" panel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from medtrace.platform import workflows as wf
from medtrace.platform.actor import SYSTEM
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.workflows.permissions import DELEGATE_TASKS, REASSIGN_TASKS
from tests.api.platform.test_workflows_http import ORDERS, _bearer, _publish, _setup
from tests.factories.auth import csrf_from, make_role, make_user, web_login

ZH = {"Accept-Language": "zh-CN"}


def _start(client, db, record_id: str) -> None:
    designer, approver = _setup(client, db)
    _publish(client, designer, approver)
    ORDERS[record_id] = Decimal("100")
    with UnitOfWork(db) as uow:
        wf.start_instance(uow, key="po_approval", record_id=record_id, actor=SYSTEM)


def test_delegations_through_the_api(client, db):
    _start(client, db, "21")
    make_role(db, "wf_delegator", [DELEGATE_TASKS])
    make_user(db, "buyer_away", roles=["wf_buyer", "wf_delegator"])
    make_user(db, "helper")
    away, helper = _bearer(client, "buyer_away"), _bearer(client, "helper")
    assert client.get("/api/v1/tasks", headers=helper).json() == []
    now = dt.datetime.now(dt.UTC)
    box = {"to_user": "helper", "starts_at": (now - dt.timedelta(minutes=1)).isoformat(),
           "ends_at": (now + dt.timedelta(days=1)).isoformat(), "reason": "trade fair"}
    refused = client.post("/api/v1/tasks/delegations", headers=away,
                          json={**box, "ends_at": (now + dt.timedelta(days=100)).isoformat()})
    assert refused.status_code == 422 and refused.json()["code"] == "MT-WORKFLOW-DELEGATION"
    not_admin = client.post("/api/v1/tasks/delegations", headers=away,
                            json={**box, "from_user": "buyer"})
    assert not_admin.status_code == 403
    made = client.post("/api/v1/tasks/delegations", headers=away, json=box)
    assert made.status_code == 201, made.text
    assert made.json()["from_user"] == "buyer_away" and made.json()["to_user"] == "helper"
    listed = client.get("/api/v1/tasks/delegations", headers=helper).json()
    assert [d["id"] for d in listed] == [made.json()["id"]]
    tasks = client.get("/api/v1/tasks", headers=helper).json()
    assert [(t["record"], t["on_behalf_of"]) for t in tasks] == [("PO-21", "buyer_away")]
    ended = client.post(f"/api/v1/tasks/delegations/{made.json()['id']}/end", headers=away)
    assert ended.status_code == 200 and ended.json()["revoked"] is True
    assert client.get("/api/v1/tasks", headers=helper).json() == []
    again = client.post(f"/api/v1/tasks/delegations/{made.json()['id']}/end", headers=away)
    assert again.status_code == 409


def test_the_inbox_delegation_form_answers_in_chinese(client, db):
    _start(client, db, "22")
    make_role(db, "wf_delegator", [DELEGATE_TASKS])
    make_user(db, "buyer_zh", roles=["wf_buyer", "wf_delegator"])
    make_user(db, "deputy")
    web_login(client, "buyer_zh")
    page = client.get("/tasks", headers=ZH)
    assert 'data-testid="delegation-form"' in page.text
    token = csrf_from(page.text)
    bad = client.post("/tasks/delegations", headers=ZH, data={
        "csrf_token": token, "to_user": "nobody", "starts_at": "2030-01-01T08:00",
        "ends_at": "2030-01-02T08:00", "reason": "出差"})
    assert bad.status_code == 422 and 'data-field-error="to_user"' in bad.text
    assert "委托无效" in bad.text or "MT-WORKFLOW-DELEGATION" in bad.text
    garbled = client.post("/tasks/delegations", headers=ZH, data={
        "csrf_token": token, "to_user": "deputy", "starts_at": "not a time",
        "ends_at": "2030-01-02T08:00", "reason": "出差"})
    assert garbled.status_code == 422 and 'data-field-error="starts_at"' in garbled.text
    made = client.post("/tasks/delegations", headers=ZH, follow_redirects=False, data={
        "csrf_token": token, "to_user": "deputy", "starts_at": "2030-01-01T08:00",
        "ends_at": "2030-01-02T08:00", "reason": "出差"})
    assert made.status_code == 303
    shown = client.get("/tasks", headers=ZH).text
    assert 'data-testid="delegation"' in shown and "deputy" in shown and "出差" in shown
    # 08:00 in the plant's zone (Asia/Shanghai) is 00:00 UTC
    with UnitOfWork(db, write=False) as uow:
        from medtrace.platform.workflows.models import WorkflowDelegation

        row = uow.session.query(WorkflowDelegation).one()
        assert row.starts_at.replace(tzinfo=dt.UTC) == dt.datetime(2030, 1, 1, tzinfo=dt.UTC)


def test_an_admin_reassigns_a_task_from_its_page(client, db):
    _start(client, db, "23")
    make_user(db, "boss", roles=["wf_buyer"], permissions=[REASSIGN_TASKS])
    make_user(db, "buyer2", roles=["wf_buyer"])
    buyer_tasks = client.get("/api/v1/tasks", headers=_bearer(client, "buyer")).json()
    task_url = f"/tasks/{buyer_tasks[0]['id']}"
    web_login(client, "buyer")
    assert 'data-testid="reassign-form"' not in client.get(task_url, headers=ZH).text
    client.cookies.clear()
    web_login(client, "boss")
    page = client.get(task_url, headers=ZH)
    assert 'data-testid="reassign-form"' in page.text
    token = csrf_from(page.text)
    bad = client.post(task_url + "/reassign", headers=ZH,
                      data={"csrf_token": token, "username": "ghost", "reason": "病假"})
    assert bad.status_code == 422 and 'data-field-error="username"' in bad.text
    done = client.post(task_url + "/reassign", headers=ZH, follow_redirects=False,
                       data={"csrf_token": token, "username": "buyer2", "reason": "病假"})
    assert done.status_code == 303
    assert client.get("/api/v1/tasks", headers=_bearer(client, "buyer")).json() == []
    assert len(client.get("/api/v1/tasks", headers=_bearer(client, "buyer2")).json()) == 1


def test_the_home_page_shows_my_tasks(client, db):
    _start(client, db, "24")
    web_login(client, "buyer")
    home = client.get("/", headers=ZH)
    assert home.status_code == 200
    assert "等待我处理的任务" in home.text and 'href="/tasks"' in home.text
