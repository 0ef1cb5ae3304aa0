"""The item edit form, the label preview, the scan tester and the scan fields' JSON endpoint
through real HTTP with a browser session: CSRF, refusals in the user's language, one unit of
work per save."""

from __future__ import annotations

import re
from decimal import Decimal

from medtrace.modules.catalog import get_item_by_code
from medtrace.modules.catalog.permissions import ITEM_VIEW
from medtrace.platform.db.uow import UnitOfWork
from tests.api.catalog.test_items_api import PUMP
from tests.factories.auth import csrf_from, make_user, web_login
from tests.unit.catalog.udi_support import GS, hibc

HIBCC_DI = "A123BJC5D6E71"


def _create(client) -> str:
    token = csrf_from(client.get("/catalog/items/new").text)
    created = client.post("/catalog/items/new", data={
        "csrf_token": token, "code": "IP-200", "name_zh": "输液泵", "name_en": "Infusion pump",
        "base_uom": "EA", "tracking": "lot_serial", "class_cn": "II",
        "packaging-0-level": "0", "packaging-0-name": "unit",
        "packaging-0-gtin": PUMP["packaging"][0]["gtin"], "packaging-0-quantity": "1",
    }, follow_redirects=False)
    assert created.status_code == 303, created.text
    return created.headers["location"].split("?")[0]


def _edit_form(client, url: str) -> dict[str, str]:
    """The edit form's fields as the browser would post them unchanged."""
    page = client.get(f"{url}/edit")
    assert page.status_code == 200 and 'data-testid="item-form"' in page.text
    fields = dict(re.findall(r'<input name="([^"]+)"[^>]*?value="([^"]*)"', page.text))
    fields |= dict(re.findall(r'<select name="([^"]+)"[^>]*>(?:(?!</select>).)*?<option '
                              r'value="([^"]*)" selected', page.text, re.S))
    fields["csrf_token"] = csrf_from(page.text)
    return fields


def test_the_edit_form_changes_attributes_packaging_and_units(admin_client, db):
    client = admin_client
    client.get("/lang/en")
    url = _create(client)
    form = _edit_form(client, url)
    assert form["name_en"] == "Infusion pump" and form["packaging-0-gtin"] == "06971234560018"
    assert form["tracking"] == "lot_serial" and form["kind"] == "finished"
    assert "packaging-1-gtin" in form  # a blank row to add a level

    no_csrf = client.post(f"{url}/edit", data={**form, "csrf_token": "forged"})
    assert no_csrf.status_code == 403 and "MT-AUTH-CSRF" in no_csrf.text

    changed = {**form, "name_en": "Volumetric infusion pump", "kind": "subassembly",
               "class_us": "II", "packaging-0-alt_agency": "HIBCC",
               "packaging-0-alt_di": HIBCC_DI.lower(),
               "packaging-1-name": "case", "packaging-1-gtin": PUMP["packaging"][1]["gtin"],
               "packaging-1-quantity": "4", "packaging-1-uom": "CS",
               "conversions-0-uom": "CS", "conversions-0-factor": "4",
               "conversions-1-uom": "ML", "conversions-1-factor": "0.125"}
    saved = client.post(f"{url}/edit", data=changed, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    detail = client.get(saved.headers["location"])
    assert "Volumetric infusion pump" in detail.text and HIBCC_DI in detail.text
    assert "16971234560015" in detail.text and "subassembly" in detail.text
    with UnitOfWork(db, write=False) as uow:
        item = get_item_by_code(uow, "IP-200")
        assert item is not None and item.kind == "subassembly" and item.class_us == "II"
        assert {c.uom: c.factor for c in item.conversions} == {
            "CS": Decimal("4"), "ML": Decimal("0.125")}
        assert [(p.level, p.alt_di) for p in item.packaging] == [(0, HIBCC_DI), (1, None)]

    again = _edit_form(client, url)  # the stored values come back into the form
    assert again["packaging-0-alt_di"] == HIBCC_DI and again["conversions-1-factor"] == "0.125"
    emptied = {k: v for k, v in again.items() if not k.startswith("conversions-")}
    emptied |= {"packaging-1-name": "", "packaging-1-gtin": "", "packaging-1-quantity": ""}
    assert client.post(f"{url}/edit", data=emptied, follow_redirects=False).status_code == 303
    with UnitOfWork(db, write=False) as uow:
        item = get_item_by_code(uow, "IP-200")
        assert item is not None and item.conversions == [] and len(item.packaging) == 1


def test_refusals_show_in_the_users_language_and_keep_what_was_typed(admin_client):
    client = admin_client
    url = _create(client)
    form = _edit_form(client, url)
    bad = {**form, "packaging-0-alt_agency": "HIBCC", "packaging-0-alt_di": "1X"}
    client.get("/lang/en")
    refused = client.post(f"{url}/edit", data=bad)
    assert refused.status_code == 422
    assert "The HIBCC or ICCBBA DI is not valid." in refused.text
    assert "MT-CAT-ALT-DI-INVALID" in refused.text and "labeler code" in refused.text
    assert 'value="1X"' in refused.text  # what was typed stays in the form
    client.get("/lang/zh_CN")
    refused_zh = client.post(f"{url}/edit", data=bad)
    assert refused_zh.status_code == 422
    assert "HIBCC 或 ICCBBA DI 无效。" in refused_zh.text
    assert "标签商代码" in refused_zh.text  # the field hint, translated too
    empty_name = client.post(f"{url}/edit", data={**form, "name_zh": ""})
    assert empty_name.status_code == 422 and "部分字段无效。" in empty_name.text

    client.get("/lang/en")
    activated = client.post(f"{url}/status", data={"csrf_token": form["csrf_token"],
                                                  "status": "active"}, follow_redirects=False)
    assert activated.status_code == 303
    renamed = {**_edit_form(client, url), "name_en": "Infusion pump, volumetric"}
    no_reason = client.post(f"{url}/edit", data=renamed)
    assert no_reason.status_code == 422 and "MT-AUDIT-REASON-REQUIRED" in no_reason.text
    with_reason = client.post(f"{url}/edit", data={**renamed, "reason": "IFU rev B"},
                              follow_redirects=False)
    assert with_reason.status_code == 303


def test_editing_needs_the_edit_permission(client, db):
    make_user(db, "viewer", permissions=[ITEM_VIEW])
    web_login(client, "viewer")
    assert client.get("/catalog/items/new").status_code == 403
    assert client.get("/catalog/items/1/edit").status_code == 403
    assert client.get("/catalog/scan").status_code == 200  # the scan tester only reads


def test_label_preview_shows_the_image_or_the_refusal(admin_client):
    client = admin_client
    url = _create(client)
    client.get("/lang/zh_CN")
    missing = client.get(f"{url}?preview=1&level=0&lot=&serial=SN1&expiry=")
    assert 'data-testid="label-error"' in missing.text
    assert "该产品按批号追溯" in missing.text and 'data-testid="label-image"' not in missing.text
    bad_date = client.get(f"{url}?preview=1&level=0&lot=L1&serial=SN1&expiry=2026-02-30")
    assert 'data-testid="label-error"' in bad_date.text and "label-image" not in bad_date.text
    space = client.get(f"{url}?preview=1&level=0&lot=L%201&serial=SN1")
    assert "AI (10) 含有字符“ ”" in space.text  # the UDI error, translated by its code
    shown = client.get(f"{url}?preview=1&level=0&lot=L%2F1&serial=SN1&expiry=2029-06-30")
    src = re.search(r'<img src="([^"]+)"[^>]*data-testid="label-image"', shown.text)
    assert src, shown.text
    image = client.get(src.group(1).replace("&amp;", "&"))  # with the session cookie
    assert image.status_code == 200 and image.headers["content-type"].startswith("image/svg")
    assert "(10)L/1" in image.text and "(17)290630" in image.text


def test_scan_endpoint_and_scan_tester(admin_client):
    client = admin_client
    url = _create(client)
    item_id = int(url.rsplit("/", 1)[1])
    token = csrf_from(client.get("/catalog/scan").text)
    code = "]d201" + PUMP["packaging"][0]["gtin"] + "17290630" + "10LOT-7" + GS + "21SN9"
    refused = client.post("/catalog/scan/parse", json={"code": code})
    assert refused.status_code == 403  # the session alone is not enough: the CSRF token too
    client.get("/lang/en")
    answer = client.post("/catalog/scan/parse", json={"code": code},
                         headers={"X-CSRF-Token": token}).json()
    assert answer["errors"] == [] and answer["item"]["id"] == item_id
    assert answer["fill"] == {
        "agency": "GS1", "di": "06971234560018", "gtin": "06971234560018", "lot": "LOT-7",
        "serial": "SN9", "expiry": "2029-06-30", "item": str(item_id), "item_code": "IP-200",
        "packaging_level": "0"}
    client.get("/lang/zh_CN")
    bad = client.post("/catalog/scan/parse", json={"code": "(01)06971234560019(10)A"},
                      headers={"X-CSRF-Token": token}).json()
    assert bad["fill"] == {} and [e["code"] for e in bad["errors"]] == ["GS1-CHECK-DIGIT"]
    assert "校验位" in bad["errors"][0]["message"]
    # a lone lot may have its GTIN on another barcode: it is still filled in
    lone = client.post("/catalog/scan/parse", json={"code": "(10)LOT-9"},
                       headers={"X-CSRF-Token": token}).json()
    assert [e["code"] for e in lone["errors"]] == ["GS1-MISSING-PAIR"]
    assert lone["fill"] == {"agency": "GS1", "lot": "LOT-9"}

    page = client.get("/catalog/scan")
    assert 'href="/catalog/scan"' in page.text  # in the navigation
    shown = client.post("/catalog/scan", data={"csrf_token": token, "code": hibc("+" + HIBCC_DI)})
    assert shown.status_code == 200 and 'data-testid="scan-result"' in shown.text
    assert "LIC: A123" in shown.text and "发码机构" in shown.text
