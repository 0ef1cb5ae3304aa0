"""Every form, submitted with bad input on a Chinese page, answers in Chinese: no pydantic or
developer English in the messages, the field errors, the headings and the labels.

The forms are found, not listed: every page route without a path parameter and the demo's
detail pages are opened, and each of their POST forms that has a field to fill is submitted
twice, once with every field empty and once with every field full of junk (too long for a text,
not a number, not a date, a choice that does not exist). The browser's own checks are switched
off, so the server's refusals are what the page shows."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.web.conftest import serve_demo
from tests.web.test_every_page_on_a_handheld import _detail_paths, _page_paths
from tests.web.test_shell_in_browser import sign_in

pytestmark = pytest.mark.browser

#: three or more English words in a row
SENTENCE = re.compile(r"[A-Za-z]{2,}(?:[ ,;:'’()-]+[A-Za-z]{2,}){2,}")
#: codes in capitals are shown on purpose: error codes beside the message
#: (MT-AUTH-INVALID-CREDENTIALS), location codes, date formats (YYYY-MM-DD)
CODE = re.compile(r"\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\b")
#: proper names that stay in Latin letters on a Chinese page
NAMES = ("GS1 Digital Link", "Digital Link URI", "ISBT 128", "HIBC LIC", "Swagger UI")
#: forms that end the session or change the language
LEAVE_ALONE = re.compile(r"/(logout|lang|sign-out|signout)")
JUNK = "九" * 3000
#: what the user reads: messages, field errors, headings, labels, buttons
READ = "[role=alert], .alert, .field-error, .problem, h1, h2, h3, legend, label, button, th"

PREPARE = """([index, junk]) => {
  const form = Array.from(document.querySelectorAll('form[method=post]'))[index];
  form.noValidate = true;
  for (const field of form.querySelectorAll('input, textarea, select')) {
    const type = (field.getAttribute('type') || '').toLowerCase();
    if (['hidden', 'submit', 'button', 'checkbox', 'radio', 'file'].includes(type)) continue;
    if (field.tagName === 'SELECT') {
      const value = junk.slice(0, 8);
      field.add(new Option(value, value));
      field.value = value;
      continue;
    }
    if (field.tagName === 'INPUT') field.setAttribute('type', 'text');
    field.removeAttribute('maxlength');
    field.removeAttribute('pattern');
    field.removeAttribute('required');
    field.value = junk;
  }
  const button = form.querySelector('button[type=submit], button:not([type]), input[type=submit]');
  if (button) { button.click(); } else { form.requestSubmit(); }
}"""

FORMS = """() => Array.from(document.querySelectorAll('form[method=post]')).map((form, index) => ({
  index, action: form.getAttribute('action') || location.pathname,
  fields: Array.from(form.querySelectorAll('input, textarea, select')).filter(f =>
    !['hidden', 'submit', 'button', 'checkbox', 'radio', 'file'].includes(
      (f.getAttribute('type') || '').toLowerCase())).length }))"""


@pytest.fixture(scope="module")
def own_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of this test's own: a refusal that slipped through must not leave junk behind
    for the other browser tests."""
    folder: Path = tmp_path_factory.mktemp("forms")
    yield from serve_demo(folder)


def _english(page) -> list[str]:  # type: ignore[no-untyped-def]
    texts = page.evaluate(f"""() => Array.from(document.querySelectorAll({READ!r}))
        .filter(e => !e.closest('code, pre, nav, .topbar, header, table'))
        .map(e => e.innerText)""")
    found = []
    for text in texts:
        text = CODE.sub("", text)
        for name in NAMES:
            text = text.replace(name, "")
        found += [m.group(0) for m in SENTENCE.finditer(text)]
    return found


def test_every_form_refuses_bad_input_in_chinese(browser, own_server):
    from medtrace.app import create_app

    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    sign_in(page, own_server, "admin")
    paths = _page_paths(create_app()) + _detail_paths(page, own_server)
    english: dict[str, list[str]] = {}
    submitted = 0
    for path in paths:
        response = page.goto(own_server + path)
        if response is None or response.status >= 400:
            continue
        forms = [f for f in page.evaluate(FORMS)
                 if f["fields"] and not LEAVE_ALONE.search(f["action"])]
        for form in forms:
            for junk in ("", JUNK):
                page.goto(own_server + path)
                with page.expect_navigation():
                    page.evaluate(PREPARE, [form["index"], junk])
                submitted += 1
                assert page.locator("html").get_attribute("lang") == "zh-CN"
                found = _english(page)
                if found:
                    english[f"{path} -> {form['action']} ({'junk' if junk else 'empty'})"] = found
    context.close()
    assert submitted >= 20, submitted
    assert english == {}, "\n".join(f"{k}: {v}" for k, v in english.items())
