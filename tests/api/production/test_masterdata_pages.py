"""The production master data pages and the DHR page through real HTTP, in Chinese and
English: BOM versions (list, the draft form refused at its row, a new version pre-filled from
the one it changes and sent through change review), work centres and equipment (a calibration
recorded moves the due date; overdue equipment is not fit), re-planning, the device history
record of a produced unit and QA's batch release on it."""

from __future__ import annotations

import datetime as dt
from html.parser import HTMLParser
from typing import Any

import pytest

from medtrace.modules.production.models import Bom
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.auth import PASSWORD, csrf_from, make_user, web_login
from tests.factories.clock import plant_today
from tests.factories.production import make_line, produce_order

EVERYTHING = ["production.order.view", "production.bom.edit", "production.equipment.edit",
              "production.order.plan", "production.batch.release"]


@pytest.fixture
def line(db):  # type: ignore[no-untyped-def]
    return make_line(db)


class FormFields(HTMLParser):
    """What a browser posts from the form with the given ``data-testid``: its named inputs
    (checked boxes only), selected options and text areas."""

    def __init__(self, testid: str) -> None:
        super().__init__()
        self.testid, self.inside = testid, False
        self.fields: dict[str, str] = {}
        self.select: str | None = None
        self.first: str | None = None
        self.chosen: str | None = None
        self.textarea: str | None = None
        self.text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and a.get("data-testid") == self.testid:
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            if a.get("type") == "checkbox" and "checked" not in a:
                return
            self.fields[name] = a.get("value") or ""
        elif tag == "select" and name:
            self.select, self.first, self.chosen = name, None, None
        elif tag == "option" and self.select:
            value = a.get("value") or ""
            self.first = value if self.first is None else self.first
            self.chosen = value if "selected" in a else self.chosen
        elif tag == "textarea" and name:
            self.textarea, self.text = name, ""

    def handle_data(self, data: str) -> None:
        if self.textarea:
            self.text += data

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        if tag == "select" and self.select:
            self.fields[self.select] = self.chosen if self.chosen is not None else self.first or ""
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.fields[self.textarea] = self.text
            self.textarea = None
        elif tag == "form":
            self.inside = False


def form_of(html: str, testid: str) -> dict[str, str]:
    parser = FormFields(testid)
    parser.feed(html)
    assert parser.fields, f"no form {testid}"
    return parser.fields


def login(client, username: str, locale: str = "zh_CN") -> None:  # type: ignore[no-untyped-def]
    client.cookies.clear()
    assert web_login(client, username).status_code == 303
    client.cookies.set("medtrace_lang", locale)


def post(client, path: str, data: dict[str, Any], *, token_from: str):  # type: ignore[no-untyped-def]
    token = csrf_from(client.get(token_from).text)
    return client.post(path, data={**data, "csrf_token": token}, follow_redirects=False)


def bom_id(db, version: str = "A") -> int:  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    with UnitOfWork(db, write=False) as uow:
        return uow.session.scalar(select(Bom.id).where(Bom.version == version))


@pytest.mark.parametrize("locale", ["zh_CN", "en"])
def test_every_page_renders_in_both_languages(client, db, line, locale):
    number = produce_order(db, line, ["PX-1"])
    make_user(db, "prod.all", permissions=EVERYTHING)
    login(client, "prod.all", locale)
    first = bom_id(db)
    lang = 'lang="zh-CN"' if locale == "zh_CN" else 'lang="en"'
    pages = ["/production/boms", "/production/boms?item=PUMP-X", "/production/boms/new",
             f"/production/boms/new?from={first}", f"/production/boms/{first}",
             "/production/equipment", "/production/equipment?edit=EQ-TORQUE&center=WC-ASSY",
             "/production/equipment/EQ-TORQUE", "/production/replanning",
             "/production/dhr/PX-1"]
    for path in pages:
        page = client.get(path)
        assert page.status_code == 200, (path, page.text[-2000:])
        assert lang in page.text and 'data-testid="production-nav"' in page.text
    boms = client.get("/production/boms").text
    assert 'data-testid="in-effect"' in boms and ("已放行" in boms) == (locale == "zh_CN")
    version = client.get(f"/production/boms/{first}").text
    assert "BATT-ALT" in version and "Flow accuracy" in version
    assert 'data-testid="workflow"' in version and number in version
    equipment = client.get("/production/equipment").text
    assert 'data-testid="equipment-EQ-TORQUE"' in equipment and 'data-unfit' not in equipment
    assert 'data-testid="work-center-WC-ASSY"' in equipment and "LINE-1" in equipment
    detail = client.get("/production/equipment/EQ-TORQUE").text
    assert 'data-testid="record-form"' in detail
    filled = client.get("/production/equipment?edit=EQ-TORQUE&center=WC-ASSY").text
    assert 'name="calibration_interval_days" value="180"' in filled
    assert 'name="line_location" value="LINE-1"' in filled


def test_a_refused_bom_form_shows_each_message_at_its_row(client, db, line):
    login(client, "eng.one")
    today = plant_today().isoformat()
    refused = post(client, "/production/boms/new", {
        "item": "CATH-X", "change_reason": "new product", "effective_from": today,
        "lines.0.item": "BOARD", "lines.0.quantity": "1", "lines.0.critical": "1",
        "lines.1.item": "", "lines.1.quantity": "", "lines.2.item": "NOPE",
        "lines.2.quantity": "2"}, token_from="/production/boms/new")
    assert refused.status_code == 422
    # the empty row is left out: the unknown component is the second line of the version
    assert 'data-field-error="lines.1.item"' in refused.text and "未知物料" in refused.text
    assert 'value="NOPE"' in refused.text
    missing = post(client, "/production/boms/new", {
        "item": "CATH-X", "change_reason": "new product", "effective_from": today,
        "lines.0.item": "BOARD", "operations.0.sequence": "10",
        "operations.0.name_zh": "装配", "operations.0.name_en": "Assembly",
        "operations.0.work_center": "WC-ASSY", "operations.0.signature": "none",
        "operations.0.checks.0.characteristic": "Length", "operations.0.checks.0.kind": "numeric"},
        token_from="/production/boms/new")
    assert missing.status_code == 422
    assert 'data-field-error="lines.0.quantity"' in missing.text
    unchecked = post(client, "/production/boms/new", {
        "item": "CATH-X", "change_reason": "new product", "effective_from": today,
        "lines.0.item": "BOARD", "lines.0.quantity": "1", "operations.0.sequence": "10",
        "operations.0.name_zh": "装配", "operations.0.name_en": "Assembly",
        "operations.0.work_center": "WC-NOPE", "operations.0.signature": "none",
        "operations.1.sequence": "20", "operations.1.name_zh": "测量",
        "operations.1.name_en": "Measure", "operations.1.work_center": "WC-ASSY",
        "operations.1.checks.0.characteristic": "Length", "operations.1.checks.0.kind": "numeric"},
        token_from="/production/boms/new")
    assert unchecked.status_code == 422
    assert 'data-field-error="operations.0.work_center"' in unchecked.text
    assert 'data-field-error="operations.1.checks.0.lower"' in unchecked.text


def test_a_new_version_from_the_form_goes_through_change_review(client, db, line):
    login(client, "eng.one")
    first = bom_id(db)
    form = client.get(f"/production/boms/new?from={first}")
    assert form.status_code == 200
    fields = form_of(form.text, "bom-form")
    assert fields["lines.3.item"] == "BATT" and fields["lines.3.substitutes.0.item"] == "BATT-ALT"
    assert fields["operations.1.checks.0.characteristic"] == "Flow accuracy"
    assert fields["based_on"] == str(first) and "lines.0.critical" in fields
    fields["change_reason"] = "longer tubing"
    fields["lines.2.quantity"] = "1.8"
    made = client.post("/production/boms/new", data=fields, follow_redirects=False)
    assert made.status_code == 303, made.text
    where = made.headers["location"]
    version = client.get(where)
    assert version.status_code == 200 and "PUMP-X/B" in version.text and "草稿" in version.text
    assert "1.8 M" in version.text and "BATT-ALT" in version.text
    assert "Flow accuracy" in version.text and f'href="/production/boms/{first}"' in version.text
    assert 'data-testid="workflow"' not in version.text
    submitted = client.post(f"{where}/submit", data={"csrf_token": csrf_from(version.text)},
                            follow_redirects=True)
    assert submitted.status_code == 200
    assert 'data-testid="workflow-open"' in submitted.text and "等待中" in submitted.text
    assert 'data-testid="bom-submit"' not in submitted.text
    again = client.post(f"{where}/submit", data={"csrf_token": csrf_from(submitted.text)})
    assert again.status_code == 422 and 'data-testid="form-error"' in again.text


def test_equipment_saved_calibrated_and_overdue_on_the_pages(client, db, line):
    login(client, "eng.one", "en")
    today = plant_today()
    saved = post(client, "/production/equipment", {
        "code": "EQ-GAUGE", "name_zh": "流量计", "name_en": "Flow gauge",
        "work_center": "WC-ASSY", "calibration_interval_days": "90",
        "calibration_due": (today - dt.timedelta(days=2)).isoformat()},
        token_from="/production/equipment")
    assert saved.status_code == 303
    assert saved.headers["location"] == "/production/equipment/EQ-GAUGE"
    listed = client.get("/production/equipment").text
    row = listed.split('data-testid="equipment-EQ-GAUGE"')[1].split("</tr>")[0]
    assert 'data-unfit="1"' in row and "calibration overdue" in row
    assert 'data-testid="unfit-EQ-GAUGE"' in client.get("/production/replanning").text
    refused = post(client, "/production/equipment/EQ-GAUGE/records", {
        "kind": "calibration", "result": "passed",
        "performed_on": (today + dt.timedelta(days=1)).isoformat()},
        token_from="/production/equipment/EQ-GAUGE")
    assert refused.status_code == 422 and 'data-field-error="performed_on"' in refused.text
    done = post(client, "/production/equipment/EQ-GAUGE/records", {
        "kind": "calibration", "result": "passed", "performed_on": today.isoformat(),
        "certificate": "CAL-77"}, token_from="/production/equipment/EQ-GAUGE")
    assert done.status_code == 303
    detail = client.get("/production/equipment/EQ-GAUGE").text
    due = (today + dt.timedelta(days=90)).isoformat()
    assert f'data-testid="calibration-due">{due}<' in detail and "CAL-77" in detail
    row = client.get("/production/equipment").text.split(
        'data-testid="equipment-EQ-GAUGE"')[1].split("</tr>")[0]
    assert "data-unfit" not in row
    bad = post(client, "/production/equipment/work-centers", {
        "code": "WC-PACK", "name_zh": "包装", "name_en": "Packing", "line_location": "NOPE"},
        token_from="/production/equipment")
    assert bad.status_code == 422 and 'data-field-error="line_location"' in bad.text
    login(client, "eng.one")
    chinese = post(client, "/production/equipment", {
        "code": "EQ-X", "name_zh": "", "name_en": "X"}, token_from="/production/equipment")
    assert chinese.status_code == 422 and 'data-field-error="name_zh"' in chinese.text


def test_replanning_moves_a_work_order_in_the_sequence(client, db, line):
    from medtrace.modules import production
    from tests.factories.production import who

    with UnitOfWork(db) as uow:
        number = production.create_work_order(uow, data=production.WorkOrderCreate(
            item="PUMP-X", quantity="100"), actor=who(db, "prod.planner")).number
    login(client, "prod.planner")
    page = client.get("/production/replanning")
    assert page.status_code == 200
    shortages = page.text.split(f'data-testid="shortages-{number}">')[1].split("</td>")[0]
    assert "DRIVE-X" in shortages  # ten drives in stock for a hundred pumps
    assert f'href="/production/work-orders/{number}"' in client.get(
        "/production/equipment/EQ-TORQUE").text  # the open order's routing uses it
    with UnitOfWork(db) as uow:
        production.save_equipment(uow, data=production.EquipmentWrite(
            code="EQ-TORQUE", name_zh="扭力扳手", name_en="Torque wrench", work_center="WC-ASSY",
            calibration_due=plant_today() - dt.timedelta(days=1)), actor=who(db, "eng.one"))
    unfit = client.get("/production/replanning").text.split(
        'data-testid="unfit-EQ-TORQUE"')[1].split("</tr>")[0]
    assert number in unfit
    refused = post(client, f"/production/replanning/{number}", {"sequence": "5", "reason": ""},
                   token_from="/production/replanning")
    assert refused.status_code == 422 and 'data-field-error="reason"' in refused.text
    moved = post(client, f"/production/replanning/{number}",
                 {"sequence": "5", "reason": "urgent order"}, token_from="/production/replanning")
    assert moved.status_code == 303
    with UnitOfWork(db, write=False) as uow:
        assert production.get_work_order_or_raise(uow, number).sequence == 5


def test_the_dhr_page_lists_components_and_qa_releases_the_batch(client, db, line):
    from medtrace.modules import production, traceability

    number = produce_order(db, line, ["PX-1", "PX-2"])
    with UnitOfWork(db) as uow:
        order = production.work_order_view(uow, production.get_work_order_or_raise(uow, number))
        lot = order["output"]["lot"]
        # each item numbers its lots by its own rule: a component lot with the same number
        traceability.create_lot(uow, item_id=line["SCREW"], number=lot, status="released")
    login(client, "qa.line", "en")  # QA who also tested on the line may not release
    unit = client.get("/production/dhr/PX-1")
    assert unit.status_code == 200 and "DRV-1" in unit.text and "BRD-1" in unit.text
    assert "DRV-2" not in unit.text  # the drive of the other unit
    assert f'href="/production/work-orders/{number}"' in unit.text
    assert "/api/v1/dhr/PX-1?format=pdf&amp;lang=zh_CN" in unit.text
    assert "/api/v1/dhr/PX-1?format=pdf&amp;lang=en" in unit.text
    assert 'data-testid="release-form"' in unit.text  # the unit's lot waits for release
    refused = post(client, f"/production/dhr/{lot}/release?item=PUMP-X",
                   {"password": PASSWORD}, token_from="/production/dhr/PX-1")
    assert refused.status_code == 422 and "performed production steps" in refused.text
    login(client, "qa.one")
    doubtful = client.get(f"/production/dhr/{lot}", headers={"accept": "text/html"})
    assert doubtful.status_code == 409  # two items use the number
    page = client.get(f"/production/dhr/{lot}?item=PUMP-X")
    assert page.status_code == 200 and 'data-testid="release-form"' in page.text
    assert "待验" in page.text and "DRV-2" in page.text and "TB-1" in page.text
    wrong = client.post(f"/production/dhr/{lot}/release?item=PUMP-X",
                        data={"password": "wrong", "csrf_token": csrf_from(page.text)})
    assert wrong.status_code == 422 and 'data-testid="form-error"' in wrong.text
    fields = form_of(page.text, "release-form")
    released = client.post(f"/production/dhr/{lot}/release?item=PUMP-X", data={
        **fields, "password": PASSWORD, "comment": "DHR complete"}, follow_redirects=False)
    assert released.status_code == 303, released.text
    after = client.get(released.headers["location"])
    assert after.status_code == 200 and 'data-testid="release-form"' not in after.text
    assert "已放行" in after.text and "DHR complete" in after.text
    with UnitOfWork(db, write=False) as uow:
        assert traceability.resolve(uow, "PX-2").status == "released"
    missing = client.get("/production/dhr/NO-SUCH-LOT", headers={"accept": "text/html"})
    assert missing.status_code == 404 and "<html" in missing.text
    bought = client.get("/production/dhr/BRD-1", headers={"accept": "text/html"})
    assert bought.status_code == 404 and "MT-PRODUCTION-ORDER-NOT-FOUND" in bought.text


def test_without_bom_edit_the_form_post_is_forbidden(client, db, line):
    login(client, "prod.planner")
    forbidden = post(client, "/production/boms/new", {
        "item": "PUMP-X", "change_reason": "x", "effective_from": plant_today().isoformat(),
        "lines.0.item": "BOARD", "lines.0.quantity": "1"}, token_from="/production/boms")
    assert forbidden.status_code == 403
    assert client.get("/production/boms/new").status_code == 403
    assert client.get("/production/boms").status_code == 200
