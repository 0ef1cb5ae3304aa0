"""Catalog pages through real HTTP: list, create with a form (errors in the user's language),
detail with packaging and history, status change with a reason."""

from __future__ import annotations

from tests.api.catalog.test_items_api import PUMP
from tests.factories.auth import csrf_from


def test_item_pages(admin_client):
    client = admin_client
    client.get("/lang/en")
    form = client.get("/catalog/items/new")
    assert form.status_code == 200 and 'data-testid="item-form"' in form.text
    token = csrf_from(form.text)
    bad = client.post("/catalog/items/new", data={
        "csrf_token": token, "code": "IP-200", "name_zh": "输液泵", "name_en": "Infusion pump",
        "base_uom": "EA", "tracking": "serial", "gtin": "06971234560019"})
    assert bad.status_code == 422 and "The GTIN is not valid." in bad.text
    assert 'value="IP-200"' in bad.text  # what was typed stays in the form
    client.get("/lang/zh_CN")
    bad_zh = client.post("/catalog/items/new", data={
        "csrf_token": token, "code": "IP-200", "name_zh": "输液泵", "name_en": "Infusion pump",
        "base_uom": "EA", "tracking": "serial", "gtin": "06971234560019"})
    assert "GTIN 无效。" in bad_zh.text
    good = client.post("/catalog/items/new", data={
        "csrf_token": token, "code": "IP-200", "name_zh": "输液泵", "name_en": "Infusion pump",
        "base_uom": "EA", "tracking": "serial", "class_cn": "II",
        "gtin": PUMP["packaging"][0]["gtin"]}, follow_redirects=False)
    assert good.status_code == 303, good.text
    detail = client.get(good.headers["location"])
    assert "06971234560018" in detail.text and 'data-testid="history"' in detail.text
    listed = client.get("/catalog/items?q=IP-2")
    assert "IP-200" in listed.text
    item_url = good.headers["location"].split("?")[0]
    activated = client.post(f"{item_url}/status", data={
        "csrf_token": token, "status": "active"}, follow_redirects=False)
    assert activated.status_code == 303
    retire = client.post(f"{item_url}/status", data={"csrf_token": token, "status": "obsolete"})
    assert retire.status_code == 422 and "MT-AUDIT-REASON-REQUIRED" in retire.text
    retired = client.post(f"{item_url}/status", data={
        "csrf_token": token, "status": "obsolete", "reason": "replaced by IP-300"},
        follow_redirects=False)
    assert retired.status_code == 303
