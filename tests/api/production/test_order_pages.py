"""The work order pages and the handheld issue page through real HTTP, in Chinese and English:
a work order planned on its form, released, fed by scans on the issue page (the group separator
typed as <GS>, ^] or \\x1d), its operations recorded with a signature, its output reported,
completed and closed, each by a form post with its CSRF token; refusals shown at their field in
the user's language (never the service's English phrase); a failed check decided; a substitute
approved; material returned; the permissions of the routes."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from html import unescape

import pytest

from medtrace.modules import production
from medtrace.modules.production.web.common import MESSAGES
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import translate
from tests.factories.auth import PASSWORD, csrf_from, web_login
from tests.factories.clock import plant_today
from tests.factories.production import lot_udi, make_line, udi, who

FAR = plant_today() + dt.timedelta(days=400)
GS = "\x1d"


@pytest.fixture
def line(db):  # type: ignore[no-untyped-def]
    return make_line(db)


def _login(client, username: str, lang: str | None = None) -> str:  # type: ignore[no-untyped-def]
    """Sign in (a fresh session) and answer the session's CSRF token."""
    client.cookies.clear()
    if lang:
        client.cookies.set("medtrace_lang", lang)
    assert web_login(client, username).status_code == 303
    return csrf_from(client.get("/production/work-orders").text)


def _planned(db, quantity: str = "1", *, release: bool = True) -> str:  # type: ignore[no-untyped-def]
    planner = who(db, "prod.planner")
    with UnitOfWork(db) as uow:
        order = production.create_work_order(uow, data=production.WorkOrderCreate(
            item="PUMP-X", quantity=Decimal(quantity)), actor=planner)
        number = order.number
    if release:
        with UnitOfWork(db) as uow:
            production.release_work_order(uow, ref=number, actor=planner)
    return number


def _field_error(html: str, name: str) -> str | None:
    found = re.search(rf'data-field-error="{re.escape(name)}">([^<]*)<', html)
    return unescape(found.group(1)) if found else None


def _input_value(html: str, name: str) -> str | None:
    found = re.search(rf'<input name="{re.escape(name)}"[^>]*?value="([^"]*)"', html)
    return unescape(found.group(1)) if found else None


def _status_of(html: str, number: str) -> str:
    found = re.search(rf'data-testid="status-{re.escape(number)}">([^<]*)<', html)
    assert found, "no status badge"
    return unescape(found.group(1))


def _no_service_english(html: str) -> None:
    """No field message is the service's own English phrase (the keys of MESSAGES)."""
    shown = {unescape(m) for m in re.findall(r'data-field-error="[^"]*">([^<]*)<', html)}
    shown |= {s.split(" (")[0] for s in shown}
    english = {key for key, text in MESSAGES.items() if key != text}
    assert not shown & english, shown & english


def _issue(client, token: str, number: str, scan: str, **fields: str):  # type: ignore[no-untyped-def]
    return client.post("/production/issue", data={
        "csrf_token": token, "work_order": number, "scan": scan, "quantity": "1", **fields})


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_the_pages_render_in_both_languages(client, db, line, lang):
    released = _planned(db)
    planned = _planned(db, release=False)
    _login(client, "prod.planner", lang)
    listed = client.get("/production/work-orders")
    assert listed.status_code == 200
    assert f'lang="{"zh-CN" if lang == "zh_CN" else "en"}"' in listed.text
    assert _status_of(listed.text, released) == translate("released", lang)
    assert _status_of(listed.text, planned) == translate("planned", lang)
    if lang == "zh_CN":
        assert _status_of(listed.text, released) == "已放行"
    assert 'href="/production/work-orders/new"' in listed.text
    only = client.get("/production/work-orders?status=planned")
    assert planned in only.text and released not in only.text
    opened = client.get("/production/work-orders?open=1&item=PUMP-X")
    assert planned in opened.text and released in opened.text
    assert released not in client.get("/production/work-orders?item=NOPE").text
    detail = client.get(f"/production/work-orders/{released}")
    assert detail.status_code == 200
    assert 'data-testid="work-order-status">' + translate("released", lang) in detail.text
    assert re.search(r'href="/production/boms/\d+"', detail.text)
    assert 'href="/production/dhr/' in detail.text
    assert 'data-testid="requirement-DRIVE-X"' in detail.text
    assert 'data-testid="record-operation-10"' in detail.text
    assert 'data-testid="output-form"' in detail.text
    assert f'/production/work-orders/{planned}/release' in client.get(
        f"/production/work-orders/{planned}").text
    assert client.get("/production/work-orders/new").status_code == 200
    handheld = client.get(f"/production/issue?order={released}")
    assert handheld.status_code == 200
    assert _input_value(handheld.text, "work_order") == released
    assert 'data-testid="progress-BOARD"' in handheld.text
    assert client.get("/production/work-orders/WO-NOPE").status_code == 404


def test_plan_release_issue_output_complete_and_close_through_the_forms(client, db, line):
    g = line["gtins"]
    token = _login(client, "prod.planner")
    made = client.post("/production/work-orders/new", data={
        "csrf_token": token, "item": "PUMP-X", "quantity": "1", "uom": "", "bom_version": "A",
        "planned_start": str(plant_today()), "note": "first pump"}, follow_redirects=False)
    assert made.status_code == 303, made.text
    where = made.headers["location"].split("?")[0]
    number = where.rsplit("/", 1)[1]
    assert number.startswith("WO-")
    page = client.get(made.headers["location"])
    assert 'data-testid="done"' in page.text and "first pump" in page.text

    released = client.post(f"{where}/release", data={"csrf_token": token},
                           follow_redirects=False)
    assert released.status_code == 303 and released.headers["location"].endswith("done=released")

    scans = [
        (udi(g["DRIVE-X"], serial="DRV-1"), {"output_serial": "SN-A", "per_unit": "1"}),
        (lot_udi(g["BOARD"], lot="BRD-1", expiry=FAR).replace(GS, "<GS>"), {"quantity": "2"}),
        (lot_udi(g["TUBE"], lot="TB-1", expiry=FAR).replace(GS, "^]"),
         {"quantity": "1.5", "uom": "M"}),
        (lot_udi(g["BATT"], lot="BAT-1", expiry=FAR).replace(GS, "\\x1d"), {}),
    ]
    for scan, fields in scans:
        answer = _issue(client, token, number, scan, **fields)
        assert answer.status_code == 200, _field_error(answer.text, "scan") or answer.text
        assert 'data-testid="issue-done"' in answer.text
        assert _input_value(answer.text, "work_order") == number
        assert _input_value(answer.text, "scan") == ""
        if fields.get("per_unit"):  # unit by unit: the output serial stays for the next scan
            assert _input_value(answer.text, "output_serial") == "SN-A"
            assert 'data-testid="issue-output-serial">SN-A<' in answer.text
    assert re.search(r'data-testid="progress-BOARD"><td>BOARD</td><td class="num">2</td>',
                     answer.text)
    assert _input_value(answer.text, "output_serial") == ""

    detail = client.get(where).text
    assert translate("in progress", "zh_CN") in detail
    signed = client.post(f"{where}/operations", data={
        "csrf_token": token, "operation": "10", "password": PASSWORD, "note": "torqued"},
        follow_redirects=False)
    assert signed.status_code == 303, signed.text
    check = re.search(r'name="check\.(\d+)"', client.get(where).text)
    assert check
    tested = client.post(f"{where}/operations", data={
        "csrf_token": token, "operation": "20", f"check.{check.group(1)}": "1.5"},
        follow_redirects=False)
    assert tested.status_code == 303, tested.text
    output = client.post(f"{where}/outputs", data={"csrf_token": token, "serials": "SN-A\n"},
                         follow_redirects=False)
    assert output.status_code == 303, output.text
    detail = client.get(output.headers["location"]).text
    assert 'data-testid="work-order-serials"' in detail and "SN-A" in detail
    assert 'data-testid="operation-records"' in detail
    completed = client.post(f"{where}/complete", data={"csrf_token": token},
                            follow_redirects=False)
    assert completed.status_code == 303, completed.text
    assert 'data-testid="work-order-status">已完成' in client.get(where).text
    closed = client.post(f"{where}/close", data={"csrf_token": token}, follow_redirects=False)
    assert closed.status_code == 303
    listed = client.get("/production/work-orders?status=closed")
    assert _status_of(listed.text, number) == "已关闭"


@pytest.mark.parametrize(("scan", "key", "code"), [
    ("SCR-1", "not a component", "MT-PRODUCTION-WRONG-COMPONENT"),
    ("BRD-QZ", "quarantine", "MT-PRODUCTION-COMPONENT-NOT-ISSUABLE"),
    ("BRD-OLD", "expired", "MT-PRODUCTION-COMPONENT-NOT-ISSUABLE"),
    ("ALT-1", "substitute not approved", "MT-PRODUCTION-SUBSTITUTE-NOT-APPROVED"),
    ("NOTHING-9", "unknown lot or serial", "MT-PRODUCTION-ISSUE-INVALID"),
])
def test_a_refused_scan_is_shown_at_the_scan_field_in_chinese(client, db, line, scan, key,
                                                                code):
    number = _planned(db)
    token = _login(client, "prod.operator")
    refused = _issue(client, token, number, scan, output_serial="SN-9", per_unit="1",
                     location="LINE-1")
    assert refused.status_code == 422
    assert _field_error(refused.text, "scan") == translate(MESSAGES[key], "zh_CN")
    alert = re.search(r'role="alert"[^>]*>(.*?)</div>', refused.text, re.S)
    assert alert and code in alert.group(1)
    assert _input_value(refused.text, "scan") == ""
    assert _input_value(refused.text, "work_order") == number
    assert _input_value(refused.text, "output_serial") == "SN-9"
    assert _input_value(refused.text, "location") == "LINE-1"
    assert 'name="per_unit" value="1" checked' in refused.text
    assert 'data-testid="progress-DRIVE-X"' in refused.text
    _no_service_english(refused.text)


def test_a_consumed_serial_and_bad_input_on_the_issue_page(client, db, line):
    number = _planned(db, "2")
    token = _login(client, "prod.operator", "en")
    scan = udi(line["gtins"]["DRIVE-X"], serial="DRV-3")
    assert _issue(client, token, number, scan, output_serial="SN-1").status_code == 200
    again = _issue(client, token, number, scan, output_serial="SN-2")
    assert again.status_code == 422 and "MT-PRODUCTION-SERIAL-CONSUMED" in again.text
    assert _input_value(again.text, "scan") == ""
    many = _issue(client, token, number, "BRD-1", quantity="-1")
    assert many.status_code == 422
    assert _field_error(many.text, "quantity")
    unit = _issue(client, token, number, "BRD-1", uom="XX")
    assert _field_error(unit.text, "uom") == translate(MESSAGES["not a unit of the item"], "en")
    missing = _issue(client, token, "", "BRD-1")
    assert missing.status_code == 422 and _field_error(missing.text, "work_order")
    unknown = _issue(client, token, "WO-NOPE", "BRD-1")
    assert unknown.status_code == 422
    assert _field_error(unknown.text, "work_order") == translate("Work order not found.", "en")
    planned = _planned(db, release=False)
    not_running = _issue(client, token, planned, "BRD-1")
    assert not_running.status_code == 422 and "MT-PRODUCTION-ORDER-STATE" in not_running.text


def test_the_forms_show_refusals_at_their_fields(client, db, line):
    token = _login(client, "prod.planner")
    unknown = client.post("/production/work-orders/new", data={
        "csrf_token": token, "item": "NOPE", "quantity": "1"})
    assert unknown.status_code == 422
    assert _field_error(unknown.text, "item") == "未知物料"
    assert _input_value(unknown.text, "item") == "NOPE"
    bad = client.post("/production/work-orders/new", data={
        "csrf_token": token, "item": "PUMP-X", "quantity": "many", "planned_start": "soon"})
    assert bad.status_code == 422
    assert _field_error(bad.text, "quantity") == translate("must be a number", "zh_CN")
    assert _field_error(bad.text, "planned_start") == translate("must be a date YYYY-MM-DD",
                                                                "zh_CN")
    empty = client.post("/production/work-orders/new", data={"csrf_token": token})
    assert _field_error(empty.text, "item") == "必填"
    version = client.post("/production/work-orders/new", data={
        "csrf_token": token, "item": "PUMP-X", "quantity": "1", "bom_version": "Z"})
    assert _field_error(version.text, "bom_version") == translate(MESSAGES["unknown version"],
                                                                  "zh_CN")
    _no_service_english(version.text)

    short = _planned(db, "50", release=False)
    where = f"/production/work-orders/{short}"
    refused = client.post(f"{where}/release", data={"csrf_token": token})
    assert refused.status_code == 422
    assert "MT-PRODUCTION-RELEASE-REFUSED" in refused.text
    problems = re.search(r'data-testid="problems">(.*?)</ul>', refused.text, re.S)
    assert problems and "DRIVE-X" in problems.group(1)
    assert translate(MESSAGES["short"], "zh_CN") in problems.group(1)
    assert 'data-testid="shortages"' in refused.text
    no_reason = client.post(f"{where}/cancel", data={"csrf_token": token, "reason": " "})
    assert no_reason.status_code == 422 and _field_error(no_reason.text, "reason") == "必填"
    sequence = client.post(f"{where}/sequence", data={"csrf_token": token, "sequence": "x",
                                                      "reason": "rush"})
    assert sequence.status_code == 422
    assert _field_error(sequence.text, "sequence") == translate("must be a whole number",
                                                                "zh_CN")
    moved = client.post(f"{where}/sequence", data={"csrf_token": token, "sequence": "5",
                                                   "reason": "rush order"},
                        follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"].endswith("done=sequenced")
    assert re.search(rf'data-testid="work-order-{short}">.*?<td class="num">5</td>',
                     client.get("/production/work-orders").text, re.S)
    cancelled = client.post(f"{where}/cancel", data={"csrf_token": token,
                                                      "reason": "customer withdrew"},
                            follow_redirects=False)
    assert cancelled.status_code == 303
    assert 'data-testid="work-order-status">已取消' in client.get(where).text
    assert client.post(f"{where}/release", data={"csrf_token": token}).status_code == 422
    nothing = client.post(f"/production/work-orders/{_planned(db)}/outputs",
                          data={"csrf_token": token})
    assert nothing.status_code == 422 and _field_error(nothing.text, "quantity") == "必填"


def test_substitute_return_and_a_failed_check_decided_on_the_page(client, db, line):
    number = _planned(db)
    where = f"/production/work-orders/{number}"
    token = _login(client, "qa.line", "en")  # QA who also works on the line
    page = client.get(where).text
    assert 'data-testid="substitute-form"' in page
    unsigned = client.post(f"{where}/substitutes", data={
        "csrf_token": token, "substitute": "4:BATT-ALT", "reason": "BATT short"})
    assert unsigned.status_code == 422 and _field_error(unsigned.text, "password")
    wrong = client.post(f"{where}/substitutes", data={
        "csrf_token": token, "substitute": "4:SCREW", "reason": "why not", "password": PASSWORD})
    assert wrong.status_code == 422
    assert _field_error(wrong.text, "substitute") == translate(
        MESSAGES["not an allowed substitute"], "en")
    approved = client.post(f"{where}/substitutes", data={
        "csrf_token": token, "substitute": "4:BATT-ALT", "reason": "BATT short",
        "password": PASSWORD}, follow_redirects=False)
    assert approved.status_code == 303, approved.text
    issued = _issue(client, token, number, "ALT-1")
    assert issued.status_code == 200 and 'data-testid="issue-substitute"' in issued.text

    assert _issue(client, token, number, "BRD-1", quantity="2").status_code == 200
    issue_id = re.findall(r'data-testid="return-(\d+)"', client.get(where).text)[-1]
    too_much = client.post(f"{where}/issues/{issue_id}/return", data={
        "csrf_token": token, "quantity": "5", "reason": "too many"})
    assert too_much.status_code == 422
    assert _field_error(too_much.text, "quantity") == translate(MESSAGES["more than issued"],
                                                                "en")
    returned = client.post(f"{where}/issues/{issue_id}/return", data={
        "csrf_token": token, "quantity": "1", "reason": "one too many"},
        follow_redirects=False)
    assert returned.status_code == 303, returned.text

    check = re.search(r'name="check\.(\d+)"', client.get(where).text).group(1)
    unreadable = client.post(f"{where}/operations", data={
        "csrf_token": token, "operation": "20", f"check.{check}": "fast"})
    assert unreadable.status_code == 422
    assert _field_error(unreadable.text, f"check.{check}") == translate(
        MESSAGES["unreadable"], "en")
    assert _input_value(unreadable.text, f"check.{check}") == "fast"
    failed = client.post(f"{where}/operations", data={
        "csrf_token": token, "operation": "20", f"check.{check}": "9"}, follow_redirects=False)
    assert failed.status_code == 303
    page = client.get(where).text
    result_id = re.search(r'data-testid="disposition-(\d+)"', page).group(1)
    blocked = client.post(f"{where}/operations", data={
        "csrf_token": token, "operation": "10", "password": PASSWORD})
    assert blocked.status_code == 422 and "MT-PRODUCTION-CHECK-BLOCKS" in blocked.text
    as_is = client.post(f"{where}/checks/{result_id}/disposition", data={
        "csrf_token": token, "disposition": "use_as_is", "reason": "within spec after review"})
    assert as_is.status_code == 422 and _field_error(as_is.text, "password")
    decided = client.post(f"{where}/checks/{result_id}/disposition", data={
        "csrf_token": token, "disposition": "rework", "reason": "re-test after adjustment"},
        follow_redirects=False)
    assert decided.status_code == 303, decided.text
    page = client.get(decided.headers["location"]).text
    assert 'data-testid="done"' in page and f'data-testid="disposition-{result_id}"' not in page
    assert client.post(f"{where}/operations", data={
        "csrf_token": token, "operation": "10", "password": PASSWORD},
        follow_redirects=False).status_code == 303


def test_the_routes_need_their_permissions(client, db, line):
    number = _planned(db)
    token = _login(client, "qa.one")  # views, approves, decides; does not execute or plan
    assert client.get("/production/work-orders").status_code == 200
    assert 'href="/production/work-orders/new"' not in client.get("/production/work-orders").text
    page = client.get(f"/production/work-orders/{number}").text
    assert 'data-testid="output-form"' not in page and "/release" not in page
    assert client.get("/production/issue").status_code == 403
    refused = client.post("/production/issue", data={
        "csrf_token": token, "work_order": number, "scan": "BRD-1", "quantity": "1"})
    assert refused.status_code == 403
    for path in ("/production/work-orders/new", f"/production/work-orders/{number}/complete",
                 f"/production/work-orders/{number}/outputs"):
        assert client.post(path, data={"csrf_token": token}).status_code == 403, path
    token = _login(client, "prod.operator")
    forged = client.post("/production/issue", data={
        "csrf_token": "forged", "work_order": number, "scan": "BRD-1", "quantity": "1"})
    assert forged.status_code in (400, 403)
    assert client.post(f"/production/work-orders/{number}/checks/1/disposition", data={
        "csrf_token": token, "disposition": "rework", "reason": "x"}).status_code == 403
