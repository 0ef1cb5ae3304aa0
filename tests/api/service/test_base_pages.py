"""The installed-base pages through real HTTP, in Chinese and English: an installation recorded
on its form (scan, versions, the signed acceptance form) and listed in the installed base, the
filters, the CSV and XLSX exports, the unit's service page and the download of its acceptance
form; warranty terms and a maintenance interval set on the set-up page, and the preventive
maintenance orders opened by its button; a form installing in the future refused at its field
in the user's language without writing anything; the permissions of the routes."""

from __future__ import annotations

import datetime as dt
import io
import re
from html import unescape

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from medtrace.modules.service.models import Installation, ServiceOrder
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import translate
from tests.factories.auth import csrf_from, make_user, web_login
from tests.factories.clock import plant_today
from tests.factories.service import make_field

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def field(db):  # type: ignore[no-untyped-def]
    return make_field(db)


def _login(client, username: str, lang: str | None = None) -> str:  # type: ignore[no-untyped-def]
    """Sign in (a fresh session) and answer the session's CSRF token."""
    client.cookies.clear()
    if lang:
        client.cookies.set("medtrace_lang", lang)
    assert web_login(client, username).status_code == 303
    return csrf_from(client.get("/").text)


def _field_error(html: str, name: str) -> str | None:
    found = re.search(rf'data-field-error="{re.escape(name)}">([^<]*)<', html)
    return unescape(found.group(1)) if found else None


def _testid(html: str, testid: str) -> str | None:
    """The text of the element with this test id (tags removed)."""
    found = re.search(rf'data-testid="{re.escape(testid)}"[^>]*>(.*?)</(?:span|td|dd|div|'
                      r'section|p)>', html, re.S)
    return unescape(re.sub(r"<[^>]+>", "", found.group(1))).strip() if found else None


def _row(html: str, testid: str) -> str | None:
    """The text of the table row with this test id."""
    found = re.search(rf'<tr data-testid="{re.escape(testid)}">(.*?)</tr>', html, re.S)
    return unescape(re.sub(r"<[^>]+>", " ", found.group(1))) if found else None


def _install(client, token: str, *, on: dt.date | None = None, file: bool = True,  # type: ignore[no-untyped-def]
             **extra: str):
    day = (on or plant_today()).isoformat()
    data = {"csrf_token": token, "unit": "SN-1", "item": "PUMP", "site": "第一医院",
            "department": "ICU", "address": "上海市黄浦区", "installed_on": day,
            "accepted_by": "张护士长", "accepted_on": day, "software": "2.1.0",
            "firmware": "F1.4"} | extra
    files = {"acceptance_file": ("验收单.pdf", PDF, "application/pdf")} if file else None
    return client.post("/service/installations/new", data=data, files=files,
                       follow_redirects=False)


def _installations(db) -> int:  # type: ignore[no-untyped-def]
    with UnitOfWork(db, write=False) as uow:
        return int(uow.session.scalar(select(func.count(Installation.id))) or 0)


@pytest.mark.parametrize("lang", ["zh_CN", "en"])
def test_an_installation_recorded_on_the_form_is_in_the_installed_base(client, db, field,
                                                                        lang):
    token = _login(client, "svc.tech", lang)
    form = client.get("/service/installations/new?unit=SN-1")
    assert form.status_code == 200
    assert 'name="unit"' in form.text and "autofocus" in form.text
    assert 'enctype="multipart/form-data"' in form.text
    done = _install(client, token)
    assert done.status_code == 303, done.text
    assert done.headers["location"] == f"/service/installed-base/{field['pump_unit']}" \
                                       "?done=installed"

    listed = client.get("/service/installed-base")
    assert listed.status_code == 200
    assert f'lang="{"zh-CN" if lang == "zh_CN" else "en"}"' in listed.text
    assert f'href="/service/installed-base/{field["pump_unit"]}"' in listed.text
    assert 'href="/service/installations/new"' in listed.text  # may record
    row = _row(listed.text, "unit-SN-1")
    assert row is not None and "PUMP" in row and "HSP-1" in row and "2.1.0" in row
    assert "F1.4" in row and "第一医院 / ICU" in row
    assert _testid(listed.text, "warranty-SN-1") == translate("no warranty terms", lang)
    for query in ("customer=HSP-1", "site=ICU", "item=PUMP", "version=2.1.0",
                  "warranty=none", "serial=SN-1"):
        assert "unit-SN-1" in client.get(f"/service/installed-base?{query}").text, query
    for query in ("customer=HSP-2", "site=手术室", "item=BOARD", "version=9.9",
                  "warranty=covered", "serial=SN-2"):
        assert "unit-SN-1" not in client.get(f"/service/installed-base?{query}").text, query
    assert client.get("/service/installed-base?page=0").status_code == 422

    unit = client.get(done.headers["location"])
    assert unit.status_code == 200
    assert _testid(unit.text, "done") == translate("The installation is recorded.", lang)
    assert _testid(unit.text, "current-software") == "2.1.0"
    assert _testid(unit.text, "current-firmware") == "F1.4"
    assert 'data-testid="version-software-2.1.0"' in unit.text
    assert 'data-testid="version-firmware-F1.4"' in unit.text
    assert "张护士长" in (_testid(unit.text, "accepted-by") or "")
    number = _testid(unit.text, "installation-number")
    assert number and number.startswith("INS")
    assert "/trace?code=SN-1" in unit.text
    assert "/service/orders/new?unit=SN-1" in unit.text
    assert _testid(unit.text, "warranty-state") == translate("no warranty terms", lang)
    assert 'data-testid="visit-FU' in unit.text  # the follow-up visit scheduled
    download = client.get(f"/service/installations/{number}/acceptance-form")
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-type"].startswith("application/pdf")
    assert download.headers["content-disposition"].startswith("attachment")


def test_the_installed_base_exports_as_csv_and_xlsx(client, db, field):
    token = _login(client, "svc.tech", "zh_CN")
    assert _install(client, token, file=False).status_code == 303
    page = client.get("/service/installed-base").text
    assert "/service/installed-base?" in page and "format=csv" in page
    csv = client.get("/service/installed-base?customer=HSP-1&format=csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert csv.content.startswith("\ufeff".encode())
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(",")[0] == translate("Serial number", "zh_CN")
    assert len(lines) == 2 and lines[1].startswith("SN-1,PUMP,HSP-1,第一医院,ICU")
    assert "2.1.0" in lines[1] and translate("no warranty terms", "zh_CN") in lines[1]
    empty = client.get("/service/installed-base?customer=HSP-2&format=csv")
    assert len(empty.content.decode("utf-8-sig").splitlines()) == 1
    xlsx = client.get("/service/installed-base?format=xlsx")
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2 and rows[1][:3] == ("SN-1", "PUMP", "HSP-1")
    assert rows[1][6].date() == plant_today()  # a date cell, not text
    assert client.get("/service/installed-base?format=pdf").status_code == 422


def test_a_form_installing_in_the_future_is_refused_at_its_field(client, db, field):
    for lang in ("zh_CN", "en"):
        token = _login(client, "svc.tech", lang)
        refused = _install(client, token, on=plant_today() + dt.timedelta(days=3))
        assert refused.status_code == 422
        assert _field_error(refused.text, "installed_on") == translate("in the future", lang)
        assert 'data-testid="form-error"' in refused.text
        assert 'value="第一医院"' in refused.text  # what was typed is kept
        empty = _install(client, token, site="", software="x" * 41)
        assert empty.status_code == 422
        assert _field_error(empty.text, "site") and _field_error(empty.text, "software")
        stocked = _install(client, token, unit="SN-2")
        assert stocked.status_code == 422 and _field_error(stocked.text, "unit")
        bad_file = client.post("/service/installations/new", data={
            "csrf_token": token, "unit": "SN-1", "site": "第一医院",
            "installed_on": plant_today().isoformat(), "accepted_by": "张",
            "accepted_on": plant_today().isoformat()},
            files={"acceptance_file": ("x.pdf", b"not a pdf", "application/pdf")})
        assert bad_file.status_code == 422 and _field_error(bad_file.text, "acceptance_file")
    assert _installations(db) == 0


def test_the_setup_page_saves_warranty_and_maintenance_and_opens_orders(client, db, field):
    token = _login(client, "svc.tech")
    assert _install(client, token, on=plant_today() - dt.timedelta(days=20),
                    file=False).status_code == 303
    token = _login(client, "svc.lead", "en")
    page = client.get("/service/setup")
    assert page.status_code == 200 and 'data-testid="warranty-form"' in page.text
    saved = client.post("/service/setup", data={"csrf_token": token, "form": "warranty",
                                                "item": "PUMP", "months": "24",
                                                "basis": "installation"},
                        follow_redirects=False)
    assert saved.status_code == 303 and saved.headers["location"].endswith("done=warranty")
    shown = client.get(saved.headers["location"]).text
    assert _testid(shown, "done") == translate("The warranty terms are saved.", "en")
    assert "24" in (_row(shown, "term-PUMP") or "")
    unit = client.get(f"/service/installed-base/{field['pump_unit']}").text
    assert _testid(unit, "warranty-state") == translate("in warranty", "en")
    listed = client.get("/service/installed-base?warranty=covered").text
    assert "unit-SN-1" in listed
    assert 'href="/service/installations/new"' not in listed  # the lead records none

    too_long = client.post("/service/setup", data={"csrf_token": token, "form": "warranty",
                                                   "item": "PUMP", "months": "241"})
    assert too_long.status_code == 422 and _field_error(too_long.text, "months")
    not_serial = client.post("/service/setup", data={"csrf_token": token, "form": "warranty",
                                                     "item": "PCB", "months": "12"})
    assert not_serial.status_code == 422 and _field_error(not_serial.text, "item")

    plan = client.post("/service/setup", data={"csrf_token": token, "form": "maintenance",
                                               "item": "PUMP", "interval_months": "1",
                                               "description": "年度校准"},
                       follow_redirects=False)
    assert plan.status_code == 303
    due = client.get("/service/setup").text
    assert "年度校准" in (_row(due, "plan-PUMP") or "")
    assert "SN-1" in (_row(due, "due-SN-1") or "")
    opened = client.post("/service/setup/preventive", data={"csrf_token": token},
                         follow_redirects=False)
    assert opened.status_code == 303 and opened.headers["location"].endswith("opened=1")
    after = client.get(opened.headers["location"]).text
    assert _testid(after, "done") == translate("Preventive maintenance orders opened: %(n)s",
                                               "en", n=1)
    assert "/service/orders/SV" in (after.split('data-testid="due-SN-1"')[1])
    again = client.post("/service/setup/preventive", data={"csrf_token": token},
                        follow_redirects=False)
    assert again.headers["location"].endswith("opened=0")
    with UnitOfWork(db, write=False) as uow:
        assert uow.session.scalar(select(func.count(ServiceOrder.id))) == 1


def test_the_routes_need_their_permissions(client, db, field):
    make_user(db, "nobody", permissions=["traceability.trace.view"])
    token = _login(client, "nobody")
    for path in ("/service/installed-base", f"/service/installed-base/{field['pump_unit']}",
                 "/service/installations/new", "/service/setup",
                 "/service/installed-base?format=csv"):
        assert client.get(path).status_code == 403, path
    assert _install(client, token).status_code == 403
    token = _login(client, "svc.tech")
    assert client.post("/service/setup", data={"csrf_token": token, "form": "warranty",
                                               "item": "PUMP", "months": "12"}
                       ).status_code == 403
    assert 'data-testid="warranty-form"' not in client.get("/service/setup").text
    token = _login(client, "svc.lead")
    assert client.get("/service/installations/new").status_code == 403
    assert _install(client, token).status_code == 403
    assert _installations(db) == 0
    stocked = client.get(f"/service/installed-base/{field['stocked_unit']}")
    assert stocked.status_code == 200 and 'data-testid="installation-number"' not in stocked.text
    assert client.get(f"/service/installed-base/{field['pcb_lot']}").status_code == 404
    assert client.get("/service/installed-base/99999999").status_code == 404
    assert client.get("/service/installations/INS-NOPE/acceptance-form").status_code == 404
