"""The workflow administration pages over HTTP: the admin permission, importing a BPMN file
through the page (a valid one, and one whose problems are listed in the user's language), saving
from the designer's route, downloading the XML, submitting, and publishing with an e-signature
(refused without a password, with a wrong one, with another's user name, and by the
submitter)."""

from __future__ import annotations

from pathlib import Path

from medtrace.platform import workflows as wf
from medtrace.platform.auth.permissions import declare
from medtrace.platform.workflows.permissions import ADMIN_WORKFLOWS, PUBLISH_WORKFLOWS
from tests.factories.auth import PASSWORD, csrf_from, make_user, web_login

BPMN = Path(__file__).parents[2] / "integration" / "platform" / "bpmn"
declare("wf.po.approve", "测试订单审批")  # test data: no English on Chinese pages
declare("wf.po.finance", "测试订单财务审批")
wf.register_record_type(wf.RecordType(
    "test.designer_order", "Test order", lambda _uow, rid: wf.RecordFacts(f"PO-{rid}", {})))
ZH = {"Accept-Language": "zh-CN"}


def _users(db):
    make_user(db, "wf.designer", permissions=[ADMIN_WORKFLOWS, PUBLISH_WORKFLOWS])
    make_user(db, "wf.approver", permissions=[ADMIN_WORKFLOWS, PUBLISH_WORKFLOWS])
    make_user(db, "wf.nobody", permissions=[])


def _import(client, xml: str, record_type: str = "test.designer_order", **extra):
    page = client.get("/admin/workflows")
    return client.post("/admin/workflows", data={
        "csrf_token": csrf_from(page.text), "record_type": record_type, **extra},
        files={"file": ("po.bpmn", xml.encode(), "application/xml")}, follow_redirects=False)


def _version_status(client, number: int) -> str:
    page = client.get("/admin/workflows/po_approval").text
    marker = f'data-version="{number}" data-status="'
    return page.split(marker)[1].split('"')[0]


def test_the_pages_need_the_admin_permission(client, db):
    _users(db)
    assert client.get("/admin/workflows", follow_redirects=False).status_code in (303, 401)
    web_login(client, "wf.nobody")
    assert client.get("/admin/workflows").status_code == 403
    assert client.get("/admin/workflows/po_approval/designer").status_code == 403
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").text)})
    web_login(client, "wf.designer")
    page = client.get("/admin/workflows", headers=ZH)
    assert page.status_code == 200 and 'data-testid="import-form"' in page.text
    assert 'href="/admin/workflows"' in page.text  # the menu entry


def test_import_a_valid_and_an_invalid_file_through_the_page(client, db):
    _users(db)
    web_login(client, "wf.designer")
    xml = (BPMN / "po_approval.bpmn").read_text()
    done = _import(client, xml, name_zh="采购订单审批", name_en="PO approval")
    assert done.status_code == 303, done.text
    assert done.headers["location"] == "/admin/workflows/po_approval?imported=1"
    listed = client.get("/admin/workflows", headers=ZH).text
    assert 'data-key="po_approval"' in listed and "采购订单审批" in listed
    dead_end = xml.replace('<bpmn:sequenceFlow id="f3" sourceRef="finance_ok" targetRef="end"/>',
                           "").replace('mt:permission="wf.po.approve" mt:roles="wf_buyer" ', "")
    refused = _import(client, dead_end)
    assert refused.status_code == 422
    assert 'data-testid="problems"' in refused.text
    assert "MT-WORKFLOW-INVALID" in refused.text
    problems = refused.text.split('data-testid="problems"')[1].split("</ul>")[0]
    assert "<code>finance_ok</code>" in problems and "<code>buyer_ok</code>" in problems
    assert "只有结束事件" in problems  # the dead end, in Chinese (the user's language)
    english = client.get("/lang/en", follow_redirects=False)
    assert english.status_code in (302, 303, 307)
    again = _import(client, dead_end)
    assert "leads nowhere: only end events may end a path" in again.text
    assert "needs a permission" in again.text
    empty = client.post("/admin/workflows", data={
        "csrf_token": csrf_from(client.get("/admin/workflows").text)})
    assert empty.status_code == 422 and 'data-field-error="file"' in empty.text
    new_without_type = _import(client, xml.replace('id="po_approval"', 'id="po_other"'),
                               record_type="")
    assert new_without_type.status_code == 422
    assert 'data-field-error="record_type"' in new_without_type.text


def test_save_from_the_designer_download_submit_and_publish_with_a_signature(client, db):
    _users(db)
    web_login(client, "wf.designer")
    xml = (BPMN / "po_approval.bpmn").read_text()
    assert _import(client, xml).status_code == 303
    designer = client.get("/admin/workflows/po_approval/designer")
    assert designer.status_code == 200
    token = csrf_from(designer.text) if 'name="csrf_token"' in designer.text else \
        designer.text.split('name="csrf-token" content="')[1].split('"')[0]
    headers = {"X-CSRF-Token": token}
    drawn = client.get("/admin/workflows/po_approval/designer/diagram?number=1")
    assert drawn.status_code == 200 and "BPMNDiagram" in drawn.text  # a drawing was added
    edited = drawn.text.replace('name="Finance approves"', 'name="Finance signs"')
    check = client.post("/admin/workflows/po_approval/designer/check", headers=headers,
                        json={"xml": edited})
    assert check.status_code == 200 and check.json() == {"ok": True, "problems": []}
    bad = edited.replace('mt:permission="wf.po.finance" mt:roles="wf_finance"', "")
    refused = client.post("/admin/workflows/po_approval/designer", headers=headers,
                          json={"xml": bad, "change_note": "x"})
    assert refused.status_code == 422 and refused.json()["ok"] is False
    assert [p["element"] for p in refused.json()["problems"]] == ["finance_ok"]
    other_key = client.post("/admin/workflows/po_approval/designer", headers=headers,
                            json={"xml": edited.replace('id="po_approval"', 'id="renamed"')})
    assert other_key.status_code == 422 and "po_approval" in other_key.json()["problems"][0][
        "message"]
    no_token = client.post("/admin/workflows/po_approval/designer", json={"xml": edited})
    assert no_token.status_code == 403
    saved = client.post("/admin/workflows/po_approval/designer", headers=headers,
                        json={"xml": edited, "change_note": "finance signs"})
    assert saved.status_code == 200 and saved.json()["version"] == 2, saved.text
    download = client.get("/admin/workflows/po_approval/versions/2/download")
    assert download.status_code == 200 and download.text == edited
    assert download.headers["content-type"].startswith("application/xml")
    assert 'filename="po_approval-v2.bpmn"' in download.headers["content-disposition"]

    page = client.get("/admin/workflows/po_approval")
    submitted = client.post("/admin/workflows/po_approval/versions/2/submit",
                            data={"csrf_token": csrf_from(page.text)}, follow_redirects=False)
    assert submitted.status_code == 303 and _version_status(client, 2) == "submitted"
    own = client.post("/admin/workflows/po_approval/versions/2/publish", data={
        "csrf_token": csrf_from(page.text), "username": "wf.designer", "password": PASSWORD},
        headers=ZH)
    assert own.status_code == 422 and "MT-" in own.text  # the submitter may not publish
    assert _version_status(client, 2) == "submitted"

    client.post("/logout", data={"csrf_token": csrf_from(page.text)})
    web_login(client, "wf.approver")
    page = client.get("/admin/workflows/po_approval", headers=ZH)
    assert 'data-testid="publish-form"' in page.text
    token = csrf_from(page.text)
    url = "/admin/workflows/po_approval/versions/2/publish"
    without = client.post(url, data={"csrf_token": token, "username": "wf.approver"},
                          headers=ZH)
    assert without.status_code == 422 and 'data-field-error="password"' in without.text
    wrong = client.post(url, data={"csrf_token": token, "username": "wf.approver",
                                   "password": "wrong"}, headers=ZH)
    assert wrong.status_code == 422 and "MT-ESIGN" in wrong.text
    someone_else = client.post(url, data={"csrf_token": token, "username": "wf.designer",
                                          "password": PASSWORD}, headers=ZH)
    assert someone_else.status_code == 422 and 'data-field-error="username"' in someone_else.text
    assert _version_status(client, 2) == "submitted"
    done = client.post(url, data={"csrf_token": token, "username": "wf.approver",
                                  "password": PASSWORD, "comment": "ok"},
                       follow_redirects=False)
    assert done.status_code == 303, done.text
    assert _version_status(client, 2) == "published"
    listed = client.get("/api/v1/workflows/po_approval/versions", headers={
        "X-CSRF-Token": token})
    if listed.status_code == 200:
        assert [v["status"] for v in listed.json()] == ["draft", "published"]


def test_without_the_bpmn_js_assets_the_designer_says_how_to_install_them(client, db,
                                                                          monkeypatch):
    from medtrace.platform.workflows.web import designer

    _users(db)
    web_login(client, "wf.designer")
    assert _import(client, (BPMN / "po_approval.bpmn").read_text()).status_code == 303
    monkeypatch.setattr(designer, "ASSETS", ("vendor/bpmn-js/not-installed.js",))
    page = client.get("/admin/workflows/po_approval/designer", headers=ZH)
    assert page.status_code == 200
    assert 'data-testid="assets-missing"' in page.text and "make designer-assets" in page.text
    assert "本服务器尚未安装设计器的绘图组件" in page.text
    assert "bpmn-modeler" not in page.text
    assert client.get("/admin/workflows/po_approval").status_code == 200  # the rest works
