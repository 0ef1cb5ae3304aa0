"""The quality pages through real HTTP: list with filters, an inspection's page with its
sampling plan, the results form, the signed decision, the plan editor, the calculator, the
nonconformances and supplier quality; refusals shown at the field, in Chinese."""

from __future__ import annotations

import pytest

from tests.factories.auth import PASSWORD, csrf_from, web_login
from tests.factories.quality import Plant, make_plant


@pytest.fixture
def plant(db) -> Plant:  # type: ignore[no-untyped-def]
    return make_plant(db)


def _signed_in(client, username: str):  # type: ignore[no-untyped-def]
    assert web_login(client, username).status_code == 303
    client.headers["origin"] = "http://testserver"
    return client


def test_inspect_and_release_through_the_pages(client, plant: Plant) -> None:  # type: ignore[no-untyped-def]
    number = plant.receive(500)
    web = _signed_in(client, "qa.one")
    listing = web.get("/quality/inspections", params={"lot": "L-1"})
    assert listing.status_code == 200 and number in listing.text
    page = web.get(f"/quality/inspections/{number}")
    assert page.status_code == 200 and 'data-testid="sampling-plans"' in page.text
    assert "样本量字码" in page.text or "Code letter" in page.text
    token = csrf_from(page.text)
    refused = web.post(f"/quality/inspections/{number}/results", data={
        "csrf_token": token, "c1_inspected": "五十"})
    assert refused.status_code == 422 and 'data-field-error="c1_inspected"' in refused.text
    saved = web.post(f"/quality/inspections/{number}/results", data={
        "csrf_token": token, "c1_inspected": "50", "c1_failed": "7"}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    page = web.get(f"/quality/inspections/{number}")
    assert 'data-testid="release-form"' in page.text
    wrong = web.post(f"/quality/inspections/{number}/decide", data={
        "csrf_token": token, "action": "release", "password": "not-it"})
    assert wrong.status_code == 422 and "MT-ESIGN" in wrong.text
    done = web.post(f"/quality/inspections/{number}/decide", data={
        "csrf_token": token, "action": "release", "password": PASSWORD},
        follow_redirects=False)
    assert done.status_code == 303, done.text
    assert 'data-testid="status"' in web.get(f"/quality/inspections/{number}").text


def test_the_other_pages(client, plant: Plant) -> None:  # type: ignore[no-untyped-def]
    number = plant.receive(500)
    plant.results(number, fail={1: 3})
    web = _signed_in(client, "qa.two")
    token = csrf_from(web.get(f"/quality/inspections/{number}").text)
    rejected = web.post(f"/quality/inspections/{number}/decide", data={
        "csrf_token": token, "action": "reject", "password": PASSWORD},
        follow_redirects=False)
    assert rejected.status_code == 303, rejected.text
    assert "NC" in web.get("/quality/nonconformances").text
    calc = web.get("/quality/sampling", params={"lot_size": "2000", "aql": "1.0",
                                                 "inspection_level": "II"})
    assert calc.status_code == 200 and 'data-testid="sampling-result"' in calc.text
    assert "125" in calc.text
    bad = web.get("/quality/sampling", params={"lot_size": "1", "aql": "1.0"})
    assert bad.status_code == 422 and 'data-field-error="lot_size"' in bad.text
    plan = web.get("/quality/plans/CATH")
    assert plan.status_code == 200
    saved = web.post("/quality/plans/CATH", data={
        "csrf_token": csrf_from(plan.text), "rows": "1", "kind_0": "dimensional",
        "name_zh_0": "长度", "name_en_0": "Length", "aql_0": "0.65",
        "inspection_level_0": "II"})
    assert saved.status_code == 422 and "data-field-error" in saved.text
    assert "尺寸检验需要界限" in saved.text or "needs a limit" in saved.text
    supplier = web.get("/quality/suppliers", params={"partner": "SUP-1"})
    assert supplier.status_code == 200 and 'data-testid="supplier-result"' in supplier.text


def test_concession_and_switching_through_the_pages(client, plant: Plant) -> None:  # type: ignore[no-untyped-def]
    number = plant.receive(500)
    plant.results(number, fail={1: 2})
    first = _signed_in(client, "qa.one")
    page = first.get(f"/quality/inspections/{number}")
    assert 'data-testid="concession-form"' in page.text
    token = csrf_from(page.text)
    signed = first.post(f"/quality/inspections/{number}/decide", data={
        "csrf_token": token, "action": "concession", "password": PASSWORD,
        "reason": "外观划痕，不影响功能"}, follow_redirects=False)
    assert signed.status_code == 303, signed.text
    again = first.post(f"/quality/inspections/{number}/decide", data={
        "csrf_token": token, "action": "concession2", "password": PASSWORD,
        "reason": "外观划痕，不影响功能"})
    assert again.status_code == 422 and "MT-ESIGN-SAME-PERSON" in again.text
    first.cookies.clear()
    second = _signed_in(client, "qa.two")
    page = second.get(f"/quality/inspections/{number}")
    done = second.post(f"/quality/inspections/{number}/decide", data={
        "csrf_token": csrf_from(page.text), "action": "concession2", "password": PASSWORD,
        "reason": "外观划痕，不影响功能"}, follow_redirects=False)
    assert done.status_code == 303, done.text
    plan = second.get("/quality/plans/CATH")
    form = f'data-testid="switching-form-{plant.ids["supplier"]}"'
    assert form in plan.text
    changed = second.post(f"/quality/switching/{plant.ids['supplier']}/CATH", data={
        "csrf_token": csrf_from(plan.text), "change": "withdraw_reduced",
        "reason": "新供应商"}, follow_redirects=False)
    assert changed.status_code == 303, changed.text
    refused = second.post(f"/quality/switching/{plant.ids['supplier']}/CATH", data={
        "csrf_token": csrf_from(plan.text), "change": "resume", "reason": "x"})
    assert refused.status_code == 422 and "MT-QUALITY-INSPECTION-STATE" in refused.text
