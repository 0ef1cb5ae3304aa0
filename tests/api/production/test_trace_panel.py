"""The trace page of a unit made here links to its device history record and work order; a
purchased lot's page has no such panel."""

from __future__ import annotations

from decimal import Decimal

from medtrace.modules import production
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.auth import web_login
from tests.factories.production import make_line, udi, who


def test_the_trace_page_of_a_produced_unit_links_its_dhr(client, db):
    line = make_line(db)
    planner = who(db, "prod.planner")
    with UnitOfWork(db) as uow:
        number = production.create_work_order(uow, data=production.WorkOrderCreate(
            item="PUMP-X", quantity=Decimal(1)), actor=planner).number
    with UnitOfWork(db) as uow:
        production.release_work_order(uow, ref=number, actor=planner)
    with UnitOfWork(db) as uow:
        production.issue_material(uow, ref=number, data=production.IssueCreate(
            scan=udi(line["gtins"]["DRIVE-X"], serial="DRV-1"), output_serial="PX-9"),
            actor=planner)
    web_login(client, "prod.planner")
    page = client.get("/trace", params={"code": "PX-9", "direction": "backward"})
    assert page.status_code == 200
    assert 'data-panel="production.dhr"' in page.text
    assert "/production/dhr/PX-9?item=PUMP-X" in page.text
    assert f"/production/work-orders/{number}" in page.text
    bought = client.get("/trace", params={"code": "BRD-1", "direction": "forward"})
    assert bought.status_code == 200 and 'data-panel="production.dhr"' not in bought.text
