"""The service order and follow-up visit pages through real HTTP, in Chinese and English: a
technician opens an order on its form, replaces the pump's battery by two scans on the order
page (the first scan kept while the page waits for the second; a quarantined spare refused at
its field in the user's language, with nothing written), records a firmware update, is refused
with a wrong signature password and completes the order with the right one; the service lead
closes it; a follow-up visit records a complaint, whose number the visit then shows. Each form
is posted with its CSRF token; the routes' permissions hold."""

from __future__ import annotations

import re
from html import unescape

import pytest
from sqlalchemy import func, select

from medtrace.modules import catalog
from medtrace.modules.service import service
from medtrace.modules.service.models import FollowUpVisit, Replacement
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.esign.service import SignaturePasswordWrong
from medtrace.platform.i18n import translate
from tests.factories.auth import PASSWORD, csrf_from, web_login
from tests.factories.service import make_field
from tests.integration.service.test_installed_base import install

QUARANTINED = "not released for use (quarantine, on hold, rejected or recalled)"


@pytest.fixture
def field(db):  # type: ignore[no-untyped-def]
    ids = make_field(db)
    install(db)
    return ids


def _login(client, username: str, lang: str | None = None) -> str:  # type: ignore[no-untyped-def]
    """Sign in (a fresh session) and answer the session's CSRF token."""
    client.cookies.clear()
    if lang:
        client.cookies.set("medtrace_lang", lang)
    assert web_login(client, username).status_code == 303
    return csrf_from(client.get("/service/orders").text)


def _field_error(html: str, name: str) -> str | None:
    found = re.search(rf'data-field-error="{re.escape(name)}">([^<]*)<', html)
    return unescape(found.group(1)) if found else None


def _testid(html: str, testid: str) -> str | None:
    """The text of the element with this test id (tags removed)."""
    found = re.search(rf'data-testid="{re.escape(testid)}"[^>]*>(.*?)</(?:span|td|dd|div|ul|'
                      r'strong|section|li|tr|p|a)>', html, re.S)
    return unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip() if found else None


def _section(html: str, testid: str) -> str:
    """The text of the whole section with this test id."""
    found = re.search(rf'<section [^>]*data-testid="{re.escape(testid)}"[^>]*>(.*?)</section>',
                      html, re.S)
    assert found, testid
    return unescape(re.sub(r"<[^>]+>", " ", found.group(1)))


def _input(html: str, name: str) -> str:
    """The whole ``<input>`` tag of the field ``name``."""
    found = re.search(rf'<input name="{re.escape(name)}"[^>]*>', html)
    assert found, name
    return found.group(0)


def _value(html: str, name: str) -> str | None:
    found = re.search(r'value="([^"]*)"', _input(html, name))
    return unescape(found.group(1)) if found else None


def _lot_scan(db, item_id: int, lot: str) -> str:  # type: ignore[no-untyped-def]
    """The GS1 element string a scanner reads from the lot's label."""
    with UnitOfWork(db, write=False) as uow:
        return catalog.label_for(uow, item_id, lot=lot).element_string


def _open(client, token: str, **fields: str):  # type: ignore[no-untyped-def]
    form = {"csrf_token": token, "type": "corrective", "unit": "SN-1", "item": "PUMP",
            "problem": "无法开机 / won't start", "technician": "svc.tech",
            "parts_location": "VAN-1"} | fields
    return client.post("/service/orders/new", data=form, follow_redirects=False)


def _number(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 303, response.text
    found = re.match(r"/service/orders/([^?]+)\?done=created$", response.headers["location"])
    assert found, response.headers["location"]
    return found.group(1)


def _replacements(db) -> int:  # type: ignore[no-untyped-def]
    with UnitOfWork(db, write=False) as uow:
        return int(uow.session.scalar(select(func.count(Replacement.id))) or 0)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_pages_render_in_both_languages(client, db, field, lang):
    token = _login(client, "svc.tech", lang)
    number = _number(_open(client, token))
    listed = client.get("/service/orders")
    assert listed.status_code == 200
    assert f'lang="{"zh-CN" if lang == "zh_CN" else "en"}"' in listed.text
    assert _testid(listed.text, f"status-{number}") == translate("open", lang)
    assert translate("corrective repair", lang) in listed.text
    assert number in client.get("/service/orders?open=1&type=corrective").text
    assert number in client.get("/service/orders?mine=1&customer=HSP-1&serial=SN-1").text
    assert number not in client.get("/service/orders?status=done").text
    assert number not in client.get("/service/orders?customer=HSP-2").text
    assert number not in client.get("/service/orders?type=fsca").text
    detail = client.get(f"/service/orders/{number}")
    assert detail.status_code == 200
    html = detail.text
    assert _testid(html, "order-status") == translate("open", lang)
    assert _testid(html, "order-type") == translate("corrective repair", lang)
    assert _testid(html, "order-warranty") == translate("no warranty terms", lang)
    assert ("PUMP中文" if lang == "zh_CN" else "PUMP") in _testid(html, "order-item")
    assert ("第一医院" if lang == "zh_CN" else "First Hospital") in _testid(html,
                                                                          "order-customer")
    assert "/service/installed-base/" in html and _testid(html, "order-serial") == "SN-1"
    assert _testid(html, "order-site") == "第一医院 / ICU"
    assert "autofocus" in _input(html, "removed")  # ready for the first scan
    assert f"/service/orders/{number}/report.pdf" not in html  # not done yet
    prefilled = client.get("/service/orders/new?unit=SN-1").text
    assert _value(prefilled, "unit") == "SN-1"
    visits = client.get("/service/visits")
    assert visits.status_code == 200
    assert _testid(visits.text, "visit-status-" + _visit(db)) == translate("scheduled", lang)
    assert _visit(db) not in client.get("/service/visits?due=1").text  # due in 14 days
    assert client.get(f"/service/visits/{_visit(db)}").status_code == 200
    assert client.get("/service/orders/SV-NOPE").status_code == 404
    assert client.get("/service/visits/FU-NOPE").status_code == 404


def _visit(db) -> str:  # type: ignore[no-untyped-def]
    with UnitOfWork(db, write=False) as uow:
        return uow.session.scalars(select(FollowUpVisit.number).order_by(
            FollowUpVisit.id)).first()


def test_a_new_order_refused_on_its_form_in_chinese(client, db, field):
    token = _login(client, "svc.tech", "zh_CN")
    wrong = _open(client, token, unit="SN-NOPE")
    assert wrong.status_code == 422
    assert _field_error(wrong.text, "unit") == translate(
        "no lot or serial unit carries this code", "zh_CN")
    assert _value(wrong.text, "unit") == "SN-NOPE"  # kept as typed
    nobody = _open(client, token, technician="nobody")
    assert _field_error(nobody.text, "technician") == translate(
        "no active user with this name", "zh_CN")
    too_long = _open(client, token, problem="九" * 4001)
    assert too_long.status_code == 422 and _field_error(too_long.text, "problem")
    bad_type = _open(client, token, type="nonsense")
    assert bad_type.status_code == 422 and _field_error(bad_type.text, "type")


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_battery_replaced_by_scan_and_the_order_completed(client, db, field, lang):
    token = _login(client, "svc.tech", lang)
    number = _number(_open(client, token))
    url = f"/service/orders/{number}"
    removed = _lot_scan(db, field["bat"], "BAT-1")

    # the first scan alone: kept, and the page waits for the spare's scan
    first = client.post(f"{url}/replace", data={"csrf_token": token, "removed": removed})
    assert first.status_code == 200
    assert _value(first.text, "removed") == removed
    assert "autofocus" in _input(first.text, "fitted")
    assert "autofocus" not in _input(first.text, "removed")
    assert _testid(first.text, "replace-next") == translate(
        "Now scan the spare that is fitted.", lang)
    assert _replacements(db) == 0

    # a quarantined spare: refused at its field in the user's language, nothing written
    held = client.post(f"{url}/replace", data={
        "csrf_token": token, "removed": removed, "fitted": _lot_scan(db, field["bat"],
                                                                     "BAT-QH")})
    assert held.status_code == 422
    assert _field_error(held.text, "fitted") == f"{translate(QUARANTINED, lang)} (BAT-QH)"
    assert "MT-SERVICE-REPLACEMENT-REFUSED" in held.text
    assert _value(held.text, "removed") == removed  # kept
    assert _value(held.text, "fitted") == ""  # emptied for the next scan
    assert "autofocus" in _input(held.text, "fitted")
    assert _replacements(db) == 0
    with UnitOfWork(db, write=False) as uow:
        assert service.get_order_or_raise(uow, number).status == "open"

    # the released spare from the van (its lot number as printed works as a scan too)
    done = client.post(f"{url}/replace", data={"csrf_token": token, "removed": removed,
                                               "fitted": "BAT-SP"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == f"{url}?done=replaced"
    page = client.get(done.headers["location"]).text
    assert _testid(page, "done") == translate("The part replacement is recorded.", lang)
    assert _testid(page, "order-status") == translate("in progress", lang)
    listed = _section(page, "replacements")
    assert "BAT-1" in listed and "BAT-SP" in listed
    assert translate("back to quarantine", lang) in listed
    assert _replacements(db) == 1
    assert "autofocus" in _input(page, "removed")  # ready for the next part

    # a firmware update
    updated = client.post(f"{url}/version", data={"csrf_token": token, "kind": "firmware",
                                                  "version": "F1.5"}, follow_redirects=False)
    assert updated.status_code == 303
    assert "F1.4" in _section(client.get(url).text, "versions")

    # the status moves: waiting for parts, then back to work
    waiting = client.post(f"{url}/status", data={"csrf_token": token,
                                                 "status": "awaiting_parts"},
                          follow_redirects=False)
    assert waiting.status_code == 303
    html = client.get(url).text
    assert _testid(html, "order-status") == translate("awaiting parts", lang)
    assert 'data-testid="move-in_progress"' in html
    assert 'data-testid="cancel-form"' not in html  # parts replaced: complete it
    assert client.post(f"{url}/status", data={"csrf_token": token, "status": "in_progress"},
                       follow_redirects=False).status_code == 303
    closed_early = client.post(f"{url}/status", data={"csrf_token": token,
                                                      "status": "closed"})
    assert closed_early.status_code == 422
    assert "MT-SERVICE-ORDER-STATE" in closed_early.text

    # completion: a wrong password is refused at the password field, nothing signed
    report = {"csrf_token": token, "report": "更换电池，功能测试通过", "minutes": "45",
              "ack_name": "张护士长", "follow_up_days": "7"}
    wrong = client.post(f"{url}/complete", data={**report, "password": "wrong-password"})
    assert wrong.status_code == 422
    assert _field_error(wrong.text, "password") == translate(SignaturePasswordWrong.title,
                                                             lang)
    assert "更换电池" in wrong.text  # the report kept
    assert "wrong-password" not in wrong.text  # the password never shown again
    with UnitOfWork(db, write=False) as uow:
        assert service.get_order_or_raise(uow, number).status == "in_progress"
    missing = client.post(f"{url}/complete", data={**report, "minutes": "0",
                                                   "password": PASSWORD})
    assert missing.status_code == 422 and _field_error(missing.text, "minutes")

    signed = client.post(f"{url}/complete", data={**report, "password": PASSWORD},
                         follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"] == f"{url}?done=completed"
    html = client.get(url).text
    assert _testid(html, "order-status") == translate("done", lang)
    assert "Tech One" in _testid(html, "signature")
    assert f"/service/orders/{number}/report.pdf" in html
    assert 'data-testid="replace-form"' not in html
    assert 'data-testid="complete-form"' not in html

    # the lead closes it; the technician's follow-up visit was scheduled after 7 days
    lead = _login(client, "svc.lead", lang)
    assert 'data-testid="close-form"' in client.get(url).text
    assert client.post(f"{url}/replace", data={"csrf_token": lead, "removed": "BAT-1",
                                                "fitted": "BAT-SP"}).status_code == 403
    closed = client.post(f"{url}/close", data={"csrf_token": lead, "note": "已复核"},
                         follow_redirects=False)
    assert closed.status_code == 303
    assert _testid(client.get(url).text, "order-status") == translate("closed", lang)
    with UnitOfWork(db, write=False) as uow:
        assert uow.session.scalar(select(func.count(FollowUpVisit.id)).where(
            FollowUpVisit.origin_order_id.is_not(None))) == 1


def test_schedule_and_cancel_on_the_order_page(client, db, field):
    token = _login(client, "svc.lead", "zh_CN")
    number = _number(_open(client, token, technician=""))
    url = f"/service/orders/{number}"
    html = client.get(url).text
    assert 'data-testid="replace-form"' not in html  # the lead does not work on orders
    assert 'data-testid="schedule-form"' in html
    wrong = client.post(f"{url}/schedule", data={"csrf_token": token, "technician": "nobody"})
    assert wrong.status_code == 422
    assert _field_error(wrong.text, "technician") == translate(
        "no active user with this name", "zh_CN")
    planned = client.post(f"{url}/schedule", data={
        "csrf_token": token, "technician": "svc.tech", "scheduled_for": "2030-01-02",
        "parts_location": "VAN-1"}, follow_redirects=False)
    assert planned.status_code == 303
    html = client.get(url).text
    assert _testid(html, "order-status") == translate("scheduled", "zh_CN")
    assert _testid(html, "order-technician") == "Tech One"
    assert _testid(html, "order-scheduled-for") == "2030-01-02"
    no_reason = client.post(f"{url}/cancel", data={"csrf_token": token, "reason": ""})
    assert no_reason.status_code == 422
    assert _field_error(no_reason.text, "reason") == translate("required", "zh_CN")
    cancelled = client.post(f"{url}/cancel", data={"csrf_token": token,
                                                   "reason": "客户取消"},
                            follow_redirects=False)
    assert cancelled.status_code == 303
    html = client.get(url).text
    assert _testid(html, "order-status") == translate("cancelled", "zh_CN")
    assert "客户取消" in html


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_a_follow_up_visit_raises_a_complaint(client, db, field, lang):
    token = _login(client, "svc.tech", lang)
    number = _visit(db)
    url = f"/service/visits/{number}"
    assert 'data-testid="visit-form"' in client.get(url).text
    bare = client.post(url, data={"csrf_token": token, "outcome": "complaint",
                                  "contact": "张护士长", "notes": "回访"})
    assert bare.status_code == 422
    assert _field_error(bare.text, "complaint") == translate(
        "required with the outcome complaint", lang)
    assert _value(bare.text, "contact") == "张护士长"  # kept
    odd = client.post(url, data={"csrf_token": token, "outcome": "angry"})
    assert odd.status_code == 422 and _field_error(odd.text, "outcome")
    recorded = client.post(url, data={"csrf_token": token, "outcome": "complaint",
                                      "contact": "张护士长", "complaint": "报警声音太小",
                                      "patient_involved": "1"}, follow_redirects=False)
    assert recorded.status_code == 303 and recorded.headers["location"] == f"{url}?done=recorded"
    html = client.get(url).text
    assert _testid(html, "visit-status") == translate("done", lang)
    assert _testid(html, "visit-outcome-label") == translate("complaint raised", lang)
    with UnitOfWork(db, write=False) as uow:
        complaint = service.get_visit_or_raise(uow, number).complaint_number
    assert complaint and f'href="/quality/complaints/{complaint}"' in html
    assert _testid(html, "visit-complaint") == complaint
    assert 'data-testid="visit-form"' not in html
    listed = client.get("/service/visits?status=done").text
    assert number in listed and complaint in listed
    again = client.post(url, data={"csrf_token": token, "outcome": "satisfied"})
    assert again.status_code == 422 and "MT-SERVICE-VISIT-STATE" in again.text


def test_a_visit_cancelled_with_a_reason(client, db, field):
    token = _login(client, "svc.tech", "zh_CN")
    url = f"/service/visits/{_visit(db)}"
    empty = client.post(f"{url}/cancel", data={"csrf_token": token, "reason": " "})
    assert empty.status_code == 422
    assert _field_error(empty.text, "reason") == translate("required", "zh_CN")
    done = client.post(f"{url}/cancel", data={"csrf_token": token, "reason": "设备已退回"},
                       follow_redirects=False)
    assert done.status_code == 303
    assert _testid(client.get(url).text, "visit-status") == translate("cancelled", "zh_CN")


def test_the_routes_need_their_permissions_and_the_token(client, db, field):
    from tests.factories.auth import make_user

    make_user(db, "svc.nobody", permissions=[])
    token = _login(client, "svc.tech")
    number = _number(_open(client, token))
    refused = client.post(f"/service/orders/{number}/replace",
                          data={"removed": "BAT-1", "fitted": "BAT-SP"})
    assert refused.status_code == 403  # no CSRF token
    assert _replacements(db) == 0
    client.cookies.clear()
    assert web_login(client, "svc.nobody").status_code == 303
    for path in ("/service/orders", "/service/orders/new", f"/service/orders/{number}",
                 "/service/visits", f"/service/visits/{_visit(db)}"):
        assert client.get(path).status_code == 403, path
    lead = _login(client, "svc.lead")
    assert client.post(f"/service/orders/{number}/complete", data={
        "csrf_token": lead, "report": "x", "minutes": "1", "ack_name": "x",
        "password": PASSWORD}).status_code == 403
    assert client.post(f"/service/orders/{number}/status", data={
        "csrf_token": lead, "status": "in_progress"}).status_code == 403
