"""Workflows over HTTP and the CLI: definitions and versions, import and export, publishing
with a signature, the inbox, completing a task from the API and from its page."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from medtrace import settings as settings_module
from medtrace.platform import workflows as wf
from medtrace.platform.auth.permissions import declare
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.workflows.cli import app as workflows_cli
from medtrace.platform.workflows.permissions import ADMIN_WORKFLOWS, PUBLISH_WORKFLOWS
from tests.factories.auth import PASSWORD, api_token, csrf_from, make_role, make_user, web_login

BPMN = Path(__file__).parents[2] / "integration" / "platform" / "bpmn"
declare("wf.po.approve", "测试订单审批")  # test data: no English on Chinese pages
declare("wf.po.finance", "测试订单财务审批")
ORDERS: dict[str, Decimal] = {}
wf.register_record_type(wf.RecordType(
    "test.http_order", "Test order",
    lambda _uow, rid: wf.RecordFacts(f"PO-{rid}", {"amount": ORDERS[rid]}) if rid in ORDERS
    else None))


def _bearer(client, username):
    return {"Authorization": f"Bearer {api_token(client, username)}"}


def _setup(client, db):
    make_role(db, "wf_buyer", ["wf.po.approve"])
    make_role(db, "wf_finance", ["wf.po.finance"])
    make_role(db, "wf_manager", ["wf.po.approve"])
    make_user(db, "designer", permissions=[ADMIN_WORKFLOWS])
    make_user(db, "approver", permissions=[PUBLISH_WORKFLOWS])
    make_user(db, "buyer", roles=["wf_buyer"], printed_name="采购员")
    make_user(db, "finance", roles=["wf_finance"])
    return _bearer(client, "designer"), _bearer(client, "approver")


def _publish(client, designer, approver):
    xml = (BPMN / "po_approval.bpmn").read_text()
    made = client.post("/api/v1/workflows/po_approval/versions", headers=designer, json={
        "xml": xml, "record_type": "test.http_order", "name_zh": "采购订单审批",
        "name_en": "PO approval"})
    assert made.status_code == 201, made.text
    assert made.json()["status"] == "draft" and made.json()["tasks"] == ["buyer_ok",
                                                                          "finance_ok"]
    number = made.json()["version"]
    assert client.post(f"/api/v1/workflows/po_approval/versions/{number}/submit",
                       headers=designer).json()["status"] == "submitted"
    wrong = client.post(f"/api/v1/workflows/po_approval/versions/{number}/publish",
                        headers=approver, json={"password": "nope"})
    assert wrong.status_code in (401, 403, 422) and wrong.json()["code"].startswith("MT-ESIGN")
    done = client.post(f"/api/v1/workflows/po_approval/versions/{number}/publish",
                       headers=approver, json={"password": PASSWORD, "comment": "ok"})
    assert done.status_code == 200 and done.json()["status"] == "published", done.text
    return xml, number


def test_definitions_versions_import_export_and_publish(client, db):
    designer, approver = _setup(client, db)
    xml, number = _publish(client, designer, approver)
    listed = client.get("/api/v1/workflows", headers=designer).json()
    assert [(d["key"], d["record_type"], [v["status"] for v in d["versions"]])
            for d in listed] == [("po_approval", "test.http_order", ["published"])]
    exported = client.get(f"/api/v1/workflows/po_approval/versions/{number}/xml",
                          headers=designer)
    assert exported.status_code == 200 and exported.text == xml
    assert exported.headers["content-type"].startswith("application/xml")
    other = client.post("/api/v1/workflows/other_key/versions", headers=designer,
                        json={"xml": xml, "record_type": "test.http_order"})
    assert other.status_code == 422 and other.json()["code"] == "MT-WORKFLOW-INVALID"
    evil = xml.replace('<bpmn:endEvent id="end"/>', '<bpmn:scriptTask id="evil"><bpmn:script>'
                       'import os</bpmn:script></bpmn:scriptTask><bpmn:endEvent id="end"/>')
    refused = client.post("/api/v1/workflows/po_approval/versions", headers=designer,
                          json={"xml": evil})
    assert refused.status_code == 422
    assert any(e["field"] == "evil" for e in refused.json()["errors"])
    forbidden = client.get("/api/v1/workflows", headers=_bearer(client, "buyer"))
    assert forbidden.status_code == 403


def test_the_inbox_and_completing_a_task_through_the_api(client, db):
    designer, approver = _setup(client, db)
    _publish(client, designer, approver)
    ORDERS["7"] = Decimal("60000.00")
    with UnitOfWork(db) as uow:
        wf.start_instance(uow, key="po_approval", record_id="7", actor=_system())
    buyer = _bearer(client, "buyer")
    tasks = client.get("/api/v1/tasks", headers=buyer).json()
    assert [(t["step"], t["record"], t["signature"]["meaning"]) for t in tasks] == [
        ("buyer_ok", "PO-7", "approved")]
    assert client.get("/api/v1/tasks", headers=_bearer(client, "finance")).json() == []
    task_id = tasks[0]["id"]
    not_yours = client.post(f"/api/v1/tasks/{task_id}/complete",
                            headers=_bearer(client, "finance"),
                            json={"decision": "approve", "password": PASSWORD})
    assert not_yours.status_code == 403 and not_yours.json()["code"] == "MT-WORKFLOW-NOT-YOUR-TASK"
    bad = client.post(f"/api/v1/tasks/{task_id}/complete", headers=buyer,
                      json={"decision": "maybe", "password": PASSWORD})
    assert bad.status_code == 422 and bad.json()["code"] == "MT-WORKFLOW-TASK-INPUT"
    done = client.post(f"/api/v1/tasks/{task_id}/complete", headers=buyer,
                       json={"decision": "approve", "password": PASSWORD})
    assert done.status_code == 200 and done.json()["status"] == "completed", done.text
    finance = client.get("/api/v1/tasks", headers=_bearer(client, "finance")).json()
    assert [t["step"] for t in finance] == ["finance_ok"]


def _system():
    from medtrace.platform.actor import SYSTEM

    return SYSTEM


def test_the_task_page_asks_for_the_signature_in_chinese(client, db):
    designer, approver = _setup(client, db)
    _publish(client, designer, approver)
    ORDERS["8"] = Decimal("100")
    with UnitOfWork(db) as uow:
        wf.start_instance(uow, key="po_approval", record_id="8", actor=_system())
    web_login(client, "buyer")
    inbox = client.get("/tasks", headers={"Accept-Language": "zh-CN"})
    assert inbox.status_code == 200 and "PO-8" in inbox.text and "我的任务" in inbox.text
    task_url = "/tasks/" + inbox.text.split('href="/tasks/')[1].split('"')[0]
    page = client.get(task_url)
    assert 'data-testid="signature"' in page.text and 'name="password"' in page.text
    token = csrf_from(page.text)
    wrong = client.post(task_url, data={"csrf_token": token, "decision": "approve",
                                        "password": "wrong"})
    assert wrong.status_code == 422 and "MT-ESIGN" in wrong.text
    done = client.post(task_url, data={"csrf_token": token, "decision": "approve",
                                       "password": PASSWORD}, follow_redirects=False)
    assert done.status_code == 303
    shown = client.get(task_url).text
    assert 'data-testid="workflow-done"' in shown and "采购员" in shown  # the signer by name


def test_the_cli_imports_exports_and_refuses_with_reasons(scratch, tmp_path, monkeypatch):
    from medtrace.platform.db import migrate
    from medtrace.platform.db.session import make_engine

    url = scratch.new_url("sqlite")
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    monkeypatch.setenv("MEDTRACE_DATABASE_URL", url)
    settings_module.get_settings.cache_clear()
    try:
        runner = CliRunner()
        source = BPMN / "po_approval.bpmn"
        new = runner.invoke(workflows_cli, ["import", str(source)])
        assert new.exit_code == 1 and "--record-type" in new.output
        made = runner.invoke(workflows_cli, ["import", str(source),
                                             "--record-type", "test.http_order"])
        assert made.exit_code == 0 and "po_approval v1 imported as a draft" in made.output
        exported = runner.invoke(workflows_cli, ["export", "po_approval"])
        assert exported.exit_code == 0 and exported.output == source.read_text()
        bad = tmp_path / "bad.bpmn"
        bad.write_text(source.read_text().replace(' default="f_small"', ""))
        refused = runner.invoke(workflows_cli, ["import", str(bad)])
        assert refused.exit_code == 1
        assert "gw: a flow out of an exclusive gateway without a condition" in refused.output
        assert "v1 draft" in runner.invoke(workflows_cli, ["list"]).output
        missing = runner.invoke(workflows_cli, ["export", "nothing"])
        assert missing.exit_code == 1 and "MT-WORKFLOW-NOT-FOUND" in missing.output
    finally:
        settings_module.get_settings.cache_clear()
