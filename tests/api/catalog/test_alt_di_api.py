"""HIBCC and ICCBBA DIs of packaging levels through real HTTP: validation, uniqueness, edits
that rearrange packaging, and scans of those labels resolved to their item."""

from __future__ import annotations

from medtrace.modules.catalog.permissions import ITEM_EDIT, ITEM_STATUS, ITEM_VIEW
from tests.api.catalog.test_items_api import PUMP
from tests.factories.auth import api_token, make_user
from tests.unit.catalog.udi_support import GS, hibc

HIBCC_DI = "A123BJC5D6E71"  # LIC A123, product BJC5D6E7, unit of measure 1
ISBT_DI = "A9999XYZ100T0944"
ISBT_EXAMPLE = "=/A9999XYZ100T0944=,000025=A99971312345600=>014032=}013032&,1000000000000XYZ123"
OTHER_GTINS = ("06971234560032", "16971234560039")  # valid, unused by PUMP


def _headers(client, db):
    make_user(db, "alt.editor", permissions=[ITEM_VIEW, ITEM_EDIT, ITEM_STATUS])
    return {"Authorization": f"Bearer {api_token(client, 'alt.editor')}"}


def _with_alt(body: dict, level: int, agency: str | None, di: str | None) -> dict:
    packaging = [dict(p) for p in body["packaging"]]
    packaging[level] |= {"alt_agency": agency, "alt_di": di}
    return {**body, "packaging": packaging}


def _pump(**alts: tuple[str, str]) -> dict:
    body = PUMP
    for level, (agency, di) in alts.items():
        body = _with_alt(body, int(level[1:]), agency, di)
    return body


def _update(body: dict) -> dict:
    return {k: v for k, v in body.items() if k != "code"}


def test_packaging_levels_carry_hibcc_and_iccbba_dis(client, db):
    headers = _headers(client, db)
    body = _pump(l0=("hibcc", "a123 bjc5d6e71"), l1=("ICCBBA", "=/" + ISBT_DI))
    created = client.post("/api/v1/items", json=body, headers=headers)
    assert created.status_code == 201, created.text
    levels = created.json()["packaging"]
    assert (levels[0]["alt_agency"], levels[0]["alt_di"]) == ("HIBCC", HIBCC_DI)
    assert (levels[1]["alt_agency"], levels[1]["alt_di"]) == ("ICCBBA", ISBT_DI)
    cleared = client.put(f"/api/v1/items/{created.json()['id']}", headers=headers,
                         json=_update(_with_alt(body, 1, None, None)))
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["packaging"][1]["alt_di"] is None


def test_a_bad_hibcc_di_is_refused_with_the_field_named(client, db):
    headers = _headers(client, db)
    for di in ("1123BJC5D6E71", "A12", "A123BJC5D6E7X", "A123" + "P" * 19 + "1"):
        response = client.post("/api/v1/items", json=_pump(l0=("HIBCC", di)), headers=headers)
        assert response.status_code == 422, di
        problem = response.json()
        assert problem["code"] == "MT-CAT-ALT-DI-INVALID"
        assert problem["errors"][0]["field"] == "packaging.alt_di"
        assert "labeler code" in problem["errors"][0]["message"]
    for agency, di, field in (("GS1", HIBCC_DI, "packaging.alt_agency"),
                              ("HIBCC", None, "packaging.alt_di"),
                              (None, HIBCC_DI, "packaging.alt_agency"),
                              ("ICCBBA", "A9999XYZ100T094", "packaging.alt_di")):
        response = client.post("/api/v1/items", json=_pump(l0=(agency, di)), headers=headers)
        assert response.status_code == 422 and response.json()["errors"][0]["field"] == field
    assert client.get("/api/v1/items", headers=headers).json()["total"] == 0


def test_an_alt_di_belongs_to_one_item_and_one_level(client, db):
    headers = _headers(client, db)
    twice = _pump(l0=("HIBCC", HIBCC_DI), l1=("HIBCC", HIBCC_DI))
    response = client.post("/api/v1/items", json=twice, headers=headers)
    assert response.status_code == 409 and response.json()["code"] == "MT-CAT-ALT-DI-TAKEN"
    first = client.post("/api/v1/items", json=_pump(l0=("HIBCC", HIBCC_DI)), headers=headers)
    assert first.status_code == 201, first.text
    other = {**_pump(l0=("HIBCC", HIBCC_DI.lower())), "code": "IP-300", "packaging": [
        {**_pump(l0=("HIBCC", HIBCC_DI))["packaging"][0], "gtin": OTHER_GTINS[0]}]}
    response = client.post("/api/v1/items", json=other, headers=headers)
    assert response.status_code == 409, response.text
    assert response.json()["code"] == "MT-CAT-ALT-DI-TAKEN"
    assert "IP-200" in response.json()["detail"]
    # the same DI under the other agency is another DI
    other["packaging"][0] |= {"alt_agency": "ICCBBA", "alt_di": ISBT_DI}
    assert client.post("/api/v1/items", json=other, headers=headers).status_code == 201


def test_editing_packaging_keeps_every_di_unique(client, db):
    headers = _headers(client, db)
    pump = _pump(l0=("HIBCC", HIBCC_DI))
    pump_id = client.post("/api/v1/items", json=pump, headers=headers).json()["id"]
    other = {**PUMP, "code": "IP-300", "packaging": [
        {"level": 0, "name": "unit", "gtin": OTHER_GTINS[0], "quantity": "1"},
        {"level": 1, "name": "case", "gtin": OTHER_GTINS[1], "quantity": "4", "uom": "CS"}]}
    other_id = client.post("/api/v1/items", json=other, headers=headers).json()["id"]

    stolen = _update(pump) | {"packaging": [pump["packaging"][0],
                                            {**pump["packaging"][1], "gtin": OTHER_GTINS[1]}]}
    response = client.put(f"/api/v1/items/{pump_id}", json=stolen, headers=headers)
    assert response.status_code == 409 and response.json()["code"] == "MT-CAT-GTIN-TAKEN"
    taken = _update(other) | {"packaging": [
        {**other["packaging"][0], "alt_agency": "HIBCC", "alt_di": HIBCC_DI}]}
    response = client.put(f"/api/v1/items/{other_id}", json=taken, headers=headers)
    assert response.status_code == 409 and response.json()["code"] == "MT-CAT-ALT-DI-TAKEN"

    # swapping the GTINs and the HIBCC DI between the two levels of one item is fine
    unit, case = pump["packaging"]
    swapped = _update(pump) | {"packaging": [
        {**unit, "gtin": case["gtin"], "alt_agency": None, "alt_di": None},
        {**case, "gtin": unit["gtin"], "alt_agency": "HIBCC", "alt_di": HIBCC_DI}]}
    response = client.put(f"/api/v1/items/{pump_id}", json=swapped, headers=headers)
    assert response.status_code == 200, response.text
    levels = response.json()["packaging"]
    assert [(p["level"], p["gtin"], p["alt_di"]) for p in levels] == [
        (0, case["gtin"], None), (1, unit["gtin"], HIBCC_DI)]
    # dropping level 1 frees its GTIN for the other item
    single = _update(pump) | {"packaging": [{**unit, "gtin": case["gtin"]}]}
    assert client.put(f"/api/v1/items/{pump_id}", json=single, headers=headers).status_code == 200
    moved = _update(other) | {"packaging": [other["packaging"][0],
                                            {**other["packaging"][1], "gtin": unit["gtin"]}]}
    response = client.put(f"/api/v1/items/{other_id}", json=moved, headers=headers)
    assert response.status_code == 200, response.text


def _scan(client, headers, code):
    response = client.post("/api/v1/udi/parse", json={"code": code}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_hibcc_and_isbt_128_scans_resolve_to_their_item(client, db):
    headers = _headers(client, db)
    body = _pump(l0=("HIBCC", HIBCC_DI), l1=("ICCBBA", ISBT_DI))
    item_id = client.post("/api/v1/items", json=body, headers=headers).json()["id"]

    primary = hibc("+" + HIBCC_DI)
    found = _scan(client, headers, primary)
    assert found["errors"] == [] and found["agency"] == "HIBCC" and found["di"] == HIBCC_DI
    assert found["item"]["id"] == item_id and found["item"]["packaging_level"] == 0

    link = primary[-1]  # a secondary symbol links to the primary's check character
    secondary = hibc("+$$3280229LOT7" + link)
    for code in (primary + secondary,  # two symbols read one after the other
                 hibc("+" + HIBCC_DI + "/$$3280229LOT7")):  # one concatenated symbol
        found = _scan(client, headers, code)
        assert found["errors"] == [], found
        assert (found["lot"], found["expiry"]) == ("LOT7", "2028-02-29")
        assert found["item"]["id"] == item_id and found["item"]["packaging_level"] == 0

    found = _scan(client, headers, ISBT_EXAMPLE)
    assert found["errors"] == [] and found["agency"] == "ICCBBA" and found["di"] == ISBT_DI
    assert (found["serial"], found["lot"]) == ("000025", "000000000000XYZ123")
    assert found["item"]["id"] == item_id and found["item"]["packaging_level"] == 1

    unknown = _scan(client, headers, hibc("+A123BJC5D6E72"))  # another unit of measure
    assert unknown["errors"] == [] and unknown["item"] is None
    gs1 = _scan(client, headers, "]d201" + PUMP["packaging"][0]["gtin"] + "10L1" + GS + "21S1")
    assert gs1["item"]["id"] == item_id and gs1["serial"] == "S1"
