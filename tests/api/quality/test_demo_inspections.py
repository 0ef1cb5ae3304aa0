"""The demo inspections: one released, one rejected with its nonconformance, one waiting; the
demo QA user sees them in the API."""

from __future__ import annotations

from medtrace.modules import quality
from medtrace.modules.inventory import queries as stock
from medtrace.platform.auth.demo import DEMO_PASSWORD
from medtrace.platform.db.uow import UnitOfWork
from medtrace.registry import load_demo
from tests.factories.auth import api_token


def test_the_demo_has_inspections_of_both_verdicts(client, db):  # type: ignore[no-untyped-def]
    with UnitOfWork(db) as uow:
        assert "modules.quality" in load_demo(uow).steps
    with UnitOfWork(db, write=False) as uow:
        rows, total = quality.list_inspections(uow)
        assert stock.reconcile(uow) == []
        ncs, nc_total = quality.list_nonconformances(uow)
    assert total >= 3  # the quality demo's three, and the purchasing demo's receipts
    assert {r.status for r in rows} == {"released", "rejected", "open"}
    assert nc_total == 1 and ncs[0].lot == "PCB-IQC02"
    token = api_token(client, "li.na", DEMO_PASSWORD)
    answer = client.get("/api/v1/inspections", params={"lot": "CV-IQC01", "item": "CVC-7F"},
                        headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text
    (found,) = answer.json()["items"]
    assert found["verdict"] == "accepted" and found["status"] == "released"
