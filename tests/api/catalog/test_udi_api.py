"""UDI over HTTP: parse a raw scan and resolve it to the item; render and read back a label."""

from __future__ import annotations

import zxingcpp
from PIL import Image

from medtrace.modules.catalog.permissions import ITEM_EDIT, ITEM_VIEW
from tests.api.catalog.test_items_api import PUMP
from tests.factories.auth import api_token, make_user


def _headers(client, db):
    make_user(db, "scanner", permissions=[ITEM_VIEW, ITEM_EDIT])
    return {"Authorization": f"Bearer {api_token(client, 'scanner')}"}


def test_a_raw_scan_is_parsed_and_resolved_to_its_item(client, db):
    headers = _headers(client, db)
    item_id = client.post("/api/v1/items", json=PUMP, headers=headers).json()["id"]
    scan = "]d2011697123456001517280229" + "10LOT-7\x1d21SN0042"  # 2028: a leap year
    body = client.post("/api/v1/udi/parse", json={"code": scan}, headers=headers).json()
    assert body["errors"] == [] and body["agency"] == "GS1"
    assert body["gtin"] == "16971234560015" and body["lot"] == "LOT-7"
    assert body["serial"] == "SN0042" and body["expiry"] == "2028-02-29"
    assert body["item"]["id"] == item_id and body["item"]["packaging_level"] == 1
    bad = client.post("/api/v1/udi/parse", json={"code": "(01)16971234560016(17)291301"},
                      headers=headers).json()
    assert {e["code"] for e in bad["errors"]} >= {"GS1-CHECK-DIGIT", "GS1-INVALID-DATE"}


def test_a_label_decodes_back_to_the_same_udi(client, db, tmp_path):
    headers = _headers(client, db)
    item_id = client.post("/api/v1/items", json=PUMP, headers=headers).json()["id"]
    missing = client.get(f"/api/v1/items/{item_id}/label", headers=headers)
    assert missing.status_code == 422  # a serialized item needs its serial
    png = client.get(f"/api/v1/items/{item_id}/label?serial=SN0042&expiry=2029-06-30",
                     headers=headers)
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    path = tmp_path / "label.png"
    path.write_bytes(png.content)
    found = zxingcpp.read_barcodes(Image.open(path))
    assert found and found[0].text == "(01)06971234560018(17)290630(21)SN0042"  # GS1 HRI form
    assert found[0].symbology_identifier == "]d2"
    svg = client.get(f"/api/v1/items/{item_id}/label?serial=SN0042&format=svg", headers=headers)
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert "(01)06971234560018" in svg.text and "(21)SN0042" in svg.text
