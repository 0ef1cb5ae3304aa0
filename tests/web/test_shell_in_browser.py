"""The web shell in a real headless Chromium: both languages and the header switch."""

from __future__ import annotations

import pytest

from medtrace.platform.auth.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page, base: str, username: str = "admin") -> None:
    page.goto(base + "/")  # redirected to the sign-in page
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("form[data-testid=login-form] button[type=submit]")
    page.wait_for_load_state()


def test_home_page_in_both_languages_with_the_header_switch(browser, live_server):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    sign_in(page, live_server)
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.get_by_test_id("welcome").inner_text() == "欢迎使用 MedTrace"
    assert page.get_by_test_id("company").inner_text() == "华康医疗器械有限公司"
    assert page.locator("[data-panel=system] h3").inner_text() == "系统"
    assert page.locator("[data-panel=access] h3").inner_text() == "访问与审计"

    page.get_by_test_id("language-switch").get_by_role("link", name="English").click()
    page.wait_for_load_state()
    assert page.url.rstrip("/") == live_server
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_test_id("welcome").inner_text() == "Welcome to MedTrace"
    assert page.get_by_test_id("company").inner_text() == "Huakang Medical Devices Co., Ltd."

    page.goto(live_server + "/system")  # the choice sticks across pages (cookie)
    assert page.locator("h1").inner_text() == "System status"

    page.get_by_test_id("language-switch").get_by_role("link", name="简体中文").click()
    page.wait_for_load_state()
    assert page.url == live_server + "/system"
    assert page.locator("h1").inner_text() == "系统状态"
    context.close()


def test_english_browser_gets_english_first(browser, live_server):
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    page.goto(live_server + "/")
    assert "/login" in page.url
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Sign in"
    sign_in(page, live_server, "liu.yang")  # a demo user whose language is English
    assert page.get_by_test_id("welcome").inner_text() == "Welcome to MedTrace"
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live_server + "/no-such-page")
    assert "404" in page.locator("h1").inner_text()
    context.close()


def test_admin_creates_a_user_and_sees_refusals_in_chinese(browser, live_server):
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    sign_in(page, live_server)
    page.goto(live_server + "/admin/users/new")
    page.fill("input[name=username]", "zhou.qiang")
    page.fill("input[name=printed_name]", "周强")
    page.fill("input[name=password]", "short")
    page.check("input[name=roles][value=qa]")
    page.click("form.form button[type=submit]")
    message = page.get_by_test_id("form-error").inner_text()
    assert "密码不符合密码策略" in message or "至少" in message
    assert page.input_value("input[name=username]") == "zhou.qiang"
    page.fill("input[name=password]", "Zhou-Passw0rd-1")
    page.click("form.form button[type=submit]")
    page.wait_for_load_state()
    assert page.get_by_test_id("saved").is_visible()
    assert "周强" in page.content()
    assert page.get_by_test_id("history").is_visible()
    context.close()
