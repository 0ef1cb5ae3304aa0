"""A small plant for the trace pages, built through the services: pumps (finished, serial)
made of boards (subassembly, serial) made of a received PCB lot, and of housing sublots split
from a received housing lot; two pumps packed in a case shipped to one hospital, a third pump
shipped to another and installed there. ``X-1`` is a lot number of two items (ambiguous)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from medtrace.modules import traceability as tr
from medtrace.modules.traceability import Part, Party
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.auth import make_user, web_login
from tests.factories.trace import lot, make_item, make_partner, sscc, unit

SH = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, tzinfo=SH)


@pytest.fixture
def plant(db):  # type: ignore[no-untyped-def]
    ids = {
        "pump": make_item(db, "PUMP", kind="finished", tracking="serial"),
        "board": make_item(db, "BOARD", kind="subassembly", tracking="serial"),
        "pcb": make_item(db, "PCB", kind="component", tracking="lot"),
        "housing": make_item(db, "HOUSING", kind="component", tracking="lot"),
        "sup_pcb": make_partner(db, "SUP-PCB", supplier=True),
        "sup_house": make_partner(db, "SUP-HOUSE", supplier=True),
        "hsp1": make_partner(db, "HSP-1", customer=True),
        "hsp2": make_partner(db, "HSP-2", customer=True),
    }
    with UnitOfWork(db) as uow:
        pcb = lot(uow, ids["pcb"], "P-1", supplier_id=ids["sup_pcb"], quantity="100",
                  origin="received")
        tr.record_event(uow, step="received", what=[Part(pcb, Decimal("100"))], at=at(1),
                        doc="RC-1", sources=[Party("owning_party", ids["sup_pcb"])],
                        biz_location="WH-1", extra={"inspection": "accepted"})
        housing = lot(uow, ids["housing"], "H-1", supplier_id=ids["sup_house"],
                      quantity="10", origin="received")
        tr.record_event(uow, step="received", what=[housing], at=at(1), doc="RC-2",
                        sources=[Party("owning_party", ids["sup_house"])])
        h1a = lot(uow, ids["housing"], "H-1A", origin="split")
        h1b = lot(uow, ids["housing"], "H-1B", origin="split")
        tr.record_event(uow, step="split", inputs=[housing], outputs=[h1a, h1b], at=at(2),
                        doc="SP-1", edge_kind="split")
        lot(uow, ids["pcb"], "X-1")
        lot(uow, ids["housing"], "X-1")
        pumps = []
        for n in (1, 2, 3):
            board = unit(uow, ids["board"], f"SA-{n}")
            tr.record_event(uow, step="produced", inputs=[Part(pcb, Decimal("2"))],
                            outputs=[board], at=at(3), doc="WO-B", edge_kind="production",
                            biz_location="LINE-1")
            pump = unit(uow, ids["pump"], f"SN-{n}")
            tr.record_event(uow, step="produced", inputs=[board, h1a if n < 3 else h1b],
                            outputs=[pump], at=at(4), doc="WO-P", edge_kind="production",
                            biz_location="FG-1")
            pumps.append(pump)
        case = tr.create_container(uow, sscc=sscc(1))
        tr.record_event(uow, step="packed", parent=case, what=pumps[:2], at=at(5), doc="PK-1")
        tr.record_event(uow, step="shipped", what=[case], at=at(6), doc="SH-1",
                        destinations=[Party("owning_party", ids["hsp1"])])
        tr.record_event(uow, step="shipped", what=[pumps[2]], at=at(6), doc="SH-2",
                        destinations=[Party("owning_party", ids["hsp2"])])
        tr.record_event(uow, step="installed", what=[pumps[2]], at=at(8, 15),
                        biz_location="HSP-2 ICU")
        ids |= {"pcb_lot": pcb.id, "case": case.id, "case_sscc": case.code,
                "pumps": [p.id for p in pumps]}
    return ids


@pytest.fixture
def tracer(client, db):  # type: ignore[no-untyped-def]
    """The HTTP client signed in as someone who may view traces (and nothing else)."""
    make_user(db, "qa.tracer", permissions=["traceability.trace.view"])
    assert web_login(client, "qa.tracer").status_code == 303
    return client
