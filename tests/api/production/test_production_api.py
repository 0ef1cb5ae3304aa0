"""Production through real HTTP, in the shapes an MES codes against: a work order planned,
released, fed by raw scans (GS separators), its output reported, completed; every write retried
with the same Idempotency-Key answers the same without writing twice; refusals as problem+json
with their stable codes; the device history record as JSON and PDF; the batch released by QA."""

from __future__ import annotations

import pytest

from tests.factories.auth import PASSWORD, api_token
from tests.factories.production import make_line, udi


@pytest.fixture
def line(db):  # type: ignore[no-untyped-def]
    return make_line(db)


def _headers(client, name, key=None):  # type: ignore[no-untyped-def]
    headers = {"Authorization": f"Bearer {api_token(client, name)}"}
    if key:
        headers["Idempotency-Key"] = key
    return headers


def test_the_work_order_contract_with_retries(client, db, line):
    mes = _headers(client, "prod.planner")
    body = {"item": "PUMP-X", "quantity": "2", "uom": "EA", "bom_version": "A"}
    made = client.post("/api/v1/work-orders", json=body, headers={**mes, "Idempotency-Key": "wo-1"})
    assert made.status_code == 201, made.text
    order = made.json()
    assert {"number", "status", "output"} <= set(order)
    assert order["status"] == "planned" and order["number"].startswith("WO-")
    assert order["output"] == {"item": "PUMP-X", "lot": None, "serials": []}
    again = client.post("/api/v1/work-orders", json=body,
                        headers={**mes, "Idempotency-Key": "wo-1"})
    assert again.status_code == 201 and again.json()["number"] == order["number"]
    listed = client.get("/api/v1/work-orders", headers=mes).json()
    assert listed["total"] == 1 and listed["items"][0]["number"] == order["number"]
    number = order["number"]
    released = client.post(f"/api/v1/work-orders/{number}/release",
                           headers={**mes, "Idempotency-Key": "rel-1"})
    assert released.status_code == 200, released.text
    lot = released.json()["output"]["lot"]
    assert lot and released.json()["status"] == "released"
    g = line["gtins"]
    scans = [({"scan": udi(g["DRIVE-X"], serial="DRV-1"), "output_serial": "SN-A"}, "i-1"),
             ({"scan": udi(g["DRIVE-X"], serial="DRV-2").replace("\x1d", "<GS>"),
               "output_serial": "SN-B"}, "i-2"),
             ({"scan": udi(g["BOARD"], lot="BRD-1"), "quantity": "4"}, "i-3"),
             ({"scan": udi(g["TUBE"], lot="TB-1"), "quantity": "300", "uom": "CM"}, "i-4"),
             ({"scan": "BAT-1", "quantity": "2"}, "i-5")]
    for payload, key in scans:
        answer = client.post(f"/api/v1/work-orders/{number}/issues", json=payload,
                             headers={**mes, "Idempotency-Key": key})
        assert answer.status_code in (201, 422), answer.text
        if payload.get("uom") == "CM":  # TUBE has no centimetres: refused at the field
            assert answer.json()["code"] == "MT-PRODUCTION-ISSUE-INVALID"
            answer = client.post(f"/api/v1/work-orders/{number}/issues",
                                 json={**payload, "quantity": "3", "uom": "M"},
                                 headers={**mes, "Idempotency-Key": key + "b"})
            assert answer.status_code == 201, answer.text
    retried = client.post(f"/api/v1/work-orders/{number}/issues", json=scans[2][0],
                          headers={**mes, "Idempotency-Key": "i-3"})
    assert retried.status_code == 201 and retried.json()["lot"] == "BRD-1"
    issues = client.get(f"/api/v1/work-orders/{number}", headers=mes).json()
    assert issues["status"] == "in_progress"
    output = client.post(f"/api/v1/work-orders/{number}/outputs", json={"serials": ["SN-A",
                                                                                    "SN-B"]},
                         headers={**mes, "Idempotency-Key": "out-1"})
    assert output.status_code == 201, output.text
    assert output.json()["serials"] == ["SN-A", "SN-B"] and output.json()["lot"] == lot
    repeat = client.post(f"/api/v1/work-orders/{number}/outputs", json={"serials": ["SN-A",
                                                                                    "SN-B"]},
                         headers={**mes, "Idempotency-Key": "out-1"})
    assert repeat.status_code == 201 and repeat.json()["produced"] == "2"
    done = client.post(f"/api/v1/work-orders/{number}/complete",
                       headers={**mes, "Idempotency-Key": "done-1"})
    assert done.status_code == 200 and done.json()["status"] == "completed"
    assert sorted(done.json()["output"]["serials"]) == ["SN-A", "SN-B"]

    record = client.get("/api/v1/dhr/SN-A", headers=mes)
    assert record.status_code == 200, record.text
    dhr = record.json()
    assert dhr["serial"] == "SN-A" and dhr["lot"] == lot
    assert {c["lot"] for c in dhr["components"] if c["lot"]} >= {"BRD-1", "TB-1", "BAT-1"}
    assert [c["serial"] for c in dhr["components"] if c["serial"]] == ["DRV-1"]

    qa = _headers(client, "qa.one")
    lot_id = issues["output_lot_id"]
    mine = client.post(f"/api/v1/lots/{lot_id}/release", headers=mes, json={
        "signature": {"username": "prod.planner", "password": PASSWORD}})
    assert mine.status_code == 403  # no batch release permission
    released_lot = client.post(f"/api/v1/lots/{lot_id}/release",
                               headers={**qa, "Idempotency-Key": "batch-1"},
                               json={"signature": {"username": "qa.one", "password": PASSWORD},
                                     "comment": "DHR reviewed"})
    assert released_lot.status_code == 200, released_lot.text
    assert released_lot.json()["status"] == "released"
    trace = client.get(f"/api/v1/trace/{lot}/forward", headers=mes)
    assert trace.status_code in (200, 404)


@pytest.mark.parametrize(("scan", "code", "status"), [
    ("SCR-1", "MT-PRODUCTION-WRONG-COMPONENT", 422),
    ("BRD-QZ", "MT-PRODUCTION-COMPONENT-NOT-ISSUABLE", 422),
    ("BRD-OLD", "MT-PRODUCTION-COMPONENT-NOT-ISSUABLE", 422),
    ("ALT-1", "MT-PRODUCTION-SUBSTITUTE-NOT-APPROVED", 422),
    ("NOTHING-9", "MT-PRODUCTION-ISSUE-INVALID", 422),
])
def test_refused_scans_answer_problem_json_with_their_codes(client, db, line, scan, code,
                                                            status):
    mes = _headers(client, "prod.planner")
    number = client.post("/api/v1/work-orders", headers=mes, json={
        "item": "PUMP-X", "quantity": "1"}).json()["number"]
    assert client.post(f"/api/v1/work-orders/{number}/release", headers=mes).status_code == 200
    answer = client.post(f"/api/v1/work-orders/{number}/issues", headers=mes,
                         json={"scan": scan, "quantity": "1"})
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["code"] == code


def test_a_double_consumed_serial_and_bad_input_are_refused(client, db, line):
    mes = _headers(client, "prod.planner")
    number = client.post("/api/v1/work-orders", headers=mes, json={
        "item": "PUMP-X", "quantity": "2"}).json()["number"]
    client.post(f"/api/v1/work-orders/{number}/release", headers=mes)
    scan = udi(line["gtins"]["DRIVE-X"], serial="DRV-5")
    first = client.post(f"/api/v1/work-orders/{number}/issues", headers=mes,
                        json={"scan": scan, "output_serial": "SN-1"})
    assert first.status_code == 201
    second = client.post(f"/api/v1/work-orders/{number}/issues", headers=mes,
                         json={"scan": scan, "output_serial": "SN-2"})
    assert second.status_code == 409 and second.json()["code"] == "MT-PRODUCTION-SERIAL-CONSUMED"
    for bad in ({"scan": "", "quantity": "1"}, {"scan": "x" * 401},
                {"scan": "BRD-1", "quantity": "-1"}, {"scan": "BRD-1", "quantity": "1e30"}):
        refused = client.post(f"/api/v1/work-orders/{number}/issues", headers=mes, json=bad)
        assert refused.status_code == 422, bad
    unknown = client.post("/api/v1/work-orders/WO-NOPE/release", headers=mes)
    assert unknown.status_code == 404
    assert unknown.json()["code"] == "MT-PRODUCTION-ORDER-NOT-FOUND"
    planned = client.post("/api/v1/work-orders", headers=mes, json={
        "item": "PUMP-X", "quantity": "50"}).json()["number"]
    short = client.post(f"/api/v1/work-orders/{planned}/release", headers=mes)
    assert short.status_code == 422 and short.json()["code"] == "MT-PRODUCTION-RELEASE-REFUSED"
    assert any(e.get("item") == "DRIVE-X" for e in short.json()["errors"])


def test_labels_are_the_catalog_udi_of_each_unit_and_are_recorded(client, db, line):
    mes = _headers(client, "prod.planner")
    number = client.post("/api/v1/work-orders", headers=mes, json={
        "item": "PUMP-X", "quantity": "2"}).json()["number"]
    client.post(f"/api/v1/work-orders/{number}/release", headers=mes)
    assert client.post(f"/api/v1/work-orders/{number}/outputs", headers=mes,
                       json={"quantity": "2"}).status_code == 201  # numbered by the rule
    labels = client.post(f"/api/v1/work-orders/{number}/labels", headers=mes, json={})
    assert labels.status_code == 201, labels.text
    printed = labels.json()
    assert len(printed) == 2 and all(p["udi"].startswith(f"(01){line['gtins']['PUMP-X']}")
                                     for p in printed)
    assert all("(21)" in p["udi"] and "(10)" in p["udi"] for p in printed)
    image = client.get(printed[0]["image"] + "&format=svg", headers=mes)
    assert image.status_code in (200, 403)
    unknown = client.post(f"/api/v1/work-orders/{number}/labels", headers=mes,
                          json={"serials": ["NOT-MINE"]})
    assert unknown.status_code == 422
    dhr = client.get(f"/api/v1/dhr/{printed[0]['serial']}", headers=mes).json()
    assert [x["udi"] for x in dhr["labels"]] == [printed[0]["udi"]]


def test_a_batch_of_scans_is_issued_all_or_none(client, db, line):
    mes = _headers(client, "prod.planner")
    number = client.post("/api/v1/work-orders", headers=mes, json={
        "item": "PUMP-X", "quantity": "3"}).json()["number"]
    client.post(f"/api/v1/work-orders/{number}/release", headers=mes)
    g = line["gtins"]
    scans = [{"scan": udi(g["DRIVE-X"], serial=f"DRV-{n}")} for n in (6, 7)]
    twice = client.post(f"/api/v1/work-orders/{number}/issues/batch", headers=mes,
                        json={"scans": [*scans, scans[0]]})
    assert twice.status_code == 409 and twice.json()["code"] == "MT-PRODUCTION-SERIAL-CONSUMED"
    assert twice.json()["errors"][0]["field"] == "scans.2.scan"
    wrong = client.post(f"/api/v1/work-orders/{number}/issues/batch", headers=mes,
                        json={"scans": [*scans, {"scan": "SCR-1"}]})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "scans.2.scan"
    assert client.get(f"/api/v1/work-orders/{number}", headers=mes).json()["status"] == "released"
    done = client.post(f"/api/v1/work-orders/{number}/issues/batch",
                       headers={**mes, "Idempotency-Key": "batch-a"},
                       json={"scans": [*scans, {"scan": "BRD-1", "quantity": "4"}]})
    assert done.status_code == 201 and done.json()["issued"] == 3
    again = client.post(f"/api/v1/work-orders/{number}/issues/batch",
                        headers={**mes, "Idempotency-Key": "batch-a"},
                        json={"scans": [*scans, {"scan": "BRD-1", "quantity": "4"}]})
    assert again.status_code == 201 and again.json() == done.json()
    record = client.get(f"/api/v1/work-orders/{number}", headers=mes).json()
    assert record["status"] == "in_progress"


def test_the_dhr_pdf_is_served_in_both_languages(client, db, line):
    from medtrace.modules.production.dhr.web import pdf

    try:
        pdf.locate_cjk_font()
    except RuntimeError as exc:  # pragma: no cover - a machine without the CJK font
        pytest.skip(str(exc))
    mes = _headers(client, "prod.planner")
    number = client.post("/api/v1/work-orders", headers=mes, json={
        "item": "PUMP-X", "quantity": "1"}).json()["number"]
    client.post(f"/api/v1/work-orders/{number}/release", headers=mes)
    client.post(f"/api/v1/work-orders/{number}/issues", headers=mes, json={
        "scan": udi(line["gtins"]["DRIVE-X"], serial="DRV-8"), "output_serial": "SN-P"})
    for lang in ("zh_CN", "en"):
        answer = client.get(f"/api/v1/dhr/SN-P?format=pdf&lang={lang}", headers=mes)
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"] == "application/pdf"
        assert answer.content.startswith(b"%PDF")
    missing = client.get("/api/v1/dhr/BRD-1", headers=mes)
    assert missing.status_code == 404


def test_the_dhr_pdf_without_a_chinese_font_is_a_clear_503(client, db, line, monkeypatch):
    """A server where the font was never installed answers problem+json, not a crash."""
    monkeypatch.setenv("MEDTRACE_DHR_FONT", "/nonexistent/font.ttf")
    mes = _headers(client, "prod.planner")
    number = client.post("/api/v1/work-orders", headers=mes, json={
        "item": "PUMP-X", "quantity": "1"}).json()["number"]
    client.post(f"/api/v1/work-orders/{number}/release", headers=mes)
    client.post(f"/api/v1/work-orders/{number}/outputs", headers=mes, json={"serials": ["SN-Z"]})
    answer = client.get("/api/v1/dhr/SN-Z?format=pdf", headers=mes)
    assert answer.status_code == 503, answer.text
    assert answer.json()["code"] == "MT-PRODUCTION-DHR-PDF-UNAVAILABLE"
    assert client.get("/api/v1/dhr/SN-Z", headers=mes).status_code == 200
