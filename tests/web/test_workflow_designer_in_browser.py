"""The workflow designer in a real browser (Debian's chromium): import a definition through the
page, open it in the bpmn-js designer, add a user task, give it a role and a permission in the
side form, save it as a new draft, submit it, and publish it with a signature as a second user;
the published version holds the new task."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from medtrace.platform import workflows as wf
from medtrace.platform.auth.permissions import declare
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.workflows import queries
from medtrace.platform.workflows.permissions import ADMIN_WORKFLOWS, PUBLISH_WORKFLOWS
from medtrace.platform.workflows.web.designer import assets_installed
from tests.factories.auth import PASSWORD, make_user
from tests.web.conftest import serve_demo
from tests.web.test_shell_in_browser import sign_in

pytestmark = pytest.mark.browser

BPMN = Path(__file__).parents[1] / "integration" / "platform" / "bpmn" / "po_approval.bpmn"
declare("wf.po.approve", "测试订单审批")  # test data: no English on Chinese pages
declare("wf.po.finance", "测试订单财务审批")
wf.register_record_type(wf.RecordType(
    "test.browser_order", "测试订单", lambda _uow, rid: wf.RecordFacts(f"PO-{rid}", {})))

#: in the page: a user task between the start event and the first step, through bpmn-js's API
ADD_TASK = """() => {
  const modeler = window.medtraceDesigner.modeler;
  const registry = modeler.get('elementRegistry');
  const modeling = modeler.get('modeling');
  const start = registry.get('start');
  const first = start.outgoing[0];
  const next = first.target;
  const task = modeling.appendShape(start, {type: 'bpmn:UserTask'},
                                    {x: start.x + 18, y: start.y + 160});
  modeling.updateProperties(task, {id: 'quality_check', name: 'QA check'});
  modeling.connect(task, next);
  modeling.removeElements([first]);
  modeler.get('selection').select(task);
  return task.id;
}"""


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Database]]:
    folder = tmp_path_factory.mktemp("designer")
    serving = serve_demo(folder)
    base = next(serving)
    db = Database.from_url(f"sqlite:///{folder / 'medtrace.db'}")
    make_user(db, "wf.publisher", permissions=[ADMIN_WORKFLOWS, PUBLISH_WORKFLOWS],
              printed_name="发布人")
    yield base, db
    db.dispose()
    next(serving, None)


def test_design_a_step_and_publish_it_with_a_signature(browser, server):
    if not assets_installed():
        pytest.skip("the designer's bpmn-js assets are not installed (make designer-assets)")
    base, db = server
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    sign_in(page, base, "admin")

    page.goto(base + "/admin/workflows")
    form = page.get_by_test_id("import-form")
    form.locator("input[name=file]").set_input_files(str(BPMN))
    form.locator("select[name=record_type]").select_option("test.browser_order")
    form.locator("input[name=name_zh]").fill("设计器测试流程")
    with page.expect_navigation():
        form.locator("button[type=submit]").click()
    assert page.get_by_test_id("imported").is_visible()

    page.get_by_test_id("open-designer").click()
    page.wait_for_selector("#designer[data-ready=true]", timeout=20_000)
    assert page.locator("#canvas .djs-container").count() == 1
    assert page.locator("#canvas [data-element-id=buyer_ok]").count() == 1  # drawn
    assert page.evaluate(ADD_TASK) == "quality_check"
    page.get_by_test_id("designer-check").click()  # the new task has nobody to do it yet
    problems = page.get_by_test_id("problems")
    problems.locator("li").first.wait_for()
    assert "quality_check" in problems.inner_text() and "用户任务需要权限" in problems.inner_text()
    assert page.locator("#canvas [data-element-id=quality_check]").count() == 1  # kept
    side = page.get_by_test_id("element-form")
    assert page.get_by_test_id("element-id").inner_text() == "quality_check"
    side.get_by_test_id("prop-roles").fill("qa")
    side.get_by_test_id("prop-roles").press("Tab")
    side.get_by_test_id("prop-permission").fill("wf.po.approve")
    side.get_by_test_id("prop-permission").press("Tab")
    side.get_by_test_id("prop-signature").select_option("approved")
    page.get_by_test_id("change-note").fill("质量检查")
    page.get_by_test_id("designer-check").click()
    page.wait_for_selector("#designer-status.notice")
    assert problems.is_hidden()
    page.get_by_test_id("designer-save").click()
    page.wait_for_selector("[data-testid=saved-version]")
    with page.expect_navigation():
        page.get_by_test_id("saved-version").click()
    version = page.locator("[data-testid=version][data-version='2']")
    assert version.get_attribute("data-status") == "draft"
    with page.expect_navigation():
        version.get_by_role("button").click()  # submit for approval
    assert page.locator("[data-version='2']").get_attribute("data-status") == "submitted"
    context.close()

    second = browser.new_context(locale="zh-CN", viewport={"width": 360, "height": 740})
    page = second.new_page()
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(base + "/")
    page.fill("input[name=username]", "wf.publisher")
    page.fill("input[name=password]", PASSWORD)
    page.click("form[data-testid=login-form] button[type=submit]")
    page.wait_for_load_state()
    page.goto(base + "/admin/workflows/po_approval")
    publish = page.locator("[data-version='2'] [data-testid=publish-form]")
    assert "签名含义" in page.get_by_test_id("meaning").inner_text()
    publish.locator("input[name=username]").fill("wf.publisher")
    publish.locator("input[name=password]").fill("wrong")
    with page.expect_navigation():
        publish.locator("button[type=submit]").click()
    assert page.locator("[data-version='2']").get_attribute("data-status") == "submitted"
    publish = page.locator("[data-version='2'] [data-testid=publish-form]")
    publish.locator("input[name=username]").fill("wf.publisher")
    publish.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        publish.locator("button[type=submit]").click()
    assert page.locator("[data-version='2']").get_attribute("data-status") == "published"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    second.close()
    assert errors == []

    with UnitOfWork(db) as uow:
        published = wf.published_version(uow, "po_approval")
        assert published.version == 2
        task = published.meta["user_tasks"]["quality_check"]
        assert task["roles"] == ["qa"] and task["permission"] == "wf.po.approve"
        assert task["signatures"]["meaning"] == "approved"
        assert 'mt:roles="qa"' in published.xml and "BPMNShape" in published.xml
        # what the file held before round-trips through bpmn-js and the moddle extension
        for kept in ('mt:escalateTo="wf_manager"', 'mt:action="notify"', 'mt:role="wf_manager"',
                     'mt:notAuthor="true"', "record.amount &gt; 50000", 'default="f_small"'):
            assert kept in published.xml, kept
        assert published.meta["timers"]["late"]["escalate_to"] == "wf_manager"
        assert [v.status for v in queries.versions_of(uow, "po_approval")] == [
            "draft", "published"]
