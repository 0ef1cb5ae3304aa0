"""An administrator defines a custom field in the admin page; it appears on the partner form,
is checked there (the refusal in Chinese, next to the field) and shown on the partner."""

from __future__ import annotations

import pytest

from tests.web.test_shell_in_browser import sign_in

pytestmark = pytest.mark.browser


def test_a_field_defined_in_the_admin_page_appears_on_the_partner_form(browser, live_server):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    sign_in(page, live_server)
    page.goto(live_server + "/")
    page.locator("nav.sidenav").get_by_role("link", name="自定义字段").click()
    page.wait_for_load_state()
    page.get_by_test_id("new-field").click()
    page.wait_for_load_state()
    form = page.get_by_test_id("field-form")
    form.locator("select[name=entity]").select_option("partners.partner")
    form.locator("input[name=name]").fill("annual_volume")
    form.locator("select[name=kind]").select_option("number")
    form.locator("input[name=label_zh]").fill("年采购量")
    form.locator("input[name=label_en]").fill("Annual volume")
    form.locator("input[name=unit]").fill("件")
    form.locator("input[name=min_value]").fill("0")
    form.locator("input[name=max_value]").fill("1000")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("saved").is_visible()
    assert "annual_volume" in page.locator("h1").inner_text()

    page.goto(live_server + "/partners/new")
    field = page.locator("[data-custom-field=annual_volume]")
    assert "年采购量 (件)" in field.inner_text()
    partner = page.get_by_test_id("partner-form")
    partner.locator("input[name=code]").fill("SUP-BROWSER")
    partner.locator("input[name=name_zh]").fill("浏览器测试供应商")
    partner.locator("input[name=name_en]").fill("Browser test supplier")
    partner.locator("input[name=is_supplier]").check()
    field.locator("input").fill("5000")
    partner.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "自定义字段的值无效" in page.get_by_test_id("form-error").inner_text()
    assert "不大于 1000" in page.locator("[data-custom-field=annual_volume]").inner_text()
    assert page.input_value("input[name=code]") == "SUP-BROWSER"  # what was typed stays
    page.locator("[data-custom-field=annual_volume] input").fill("500")
    page.get_by_test_id("partner-form").locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.get_by_test_id("saved").is_visible()
    facts = page.get_by_test_id("partner-facts").inner_text()
    assert "年采购量" in facts and "500 件" in facts
    context.close()
