"""A small plant for inspection tests, built through the real services: a warehouse with a
quarantine, an available and a rejected zone, a lot-tracked and a serial-tracked item, a
supplier, a receiver and two QA people; ``receive`` brings goods into quarantine and opens
their inspection in the same transaction, as the receipt does."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import medtrace.modules.inventory.permissions
import medtrace.modules.quality.permissions
import medtrace.modules.traceability.permissions  # noqa: F401 - declares the permissions
from medtrace.modules import inventory, quality, traceability
from medtrace.modules.inventory import MoveCreate
from medtrace.platform.actor import SYSTEM, Actor
from medtrace.platform.auth import service as auth_service
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.auth import PASSWORD, make_user
from tests.factories.trace import make_item, make_partner

QA_PERMISSIONS = ["quality.inspection.view", "quality.inspection.perform",
                  "quality.inspection.decide", "quality.plan.edit", "quality.switching.edit",
                  "traceability.lot.release", "inventory.stock.move"]


@dataclass
class Plant:
    db: Database
    ids: dict[str, int] = field(default_factory=dict)

    def actor(self, username: str) -> Actor:
        with UnitOfWork(self.db) as uow:
            user = auth_service.get_user(uow, username)
            assert user is not None
            return auth_service.actor_for_user(user)

    def signature(self, username: str, meaning: str, password: str = PASSWORD) -> dict[str, str]:
        return {"username": username, "password": password, "meaning": meaning}

    def receive(self, quantity: int | str = 500, *, number: str = "L-1",
                supplier: bool = True, item: str = "cath") -> str:
        """A lot received into quarantine, its inspection opened: the inspection number."""
        with UnitOfWork(self.db) as uow:
            lot = traceability.create_lot(uow, item_id=self.ids[item], number=number,
                                          status="quarantine")
            inventory.post_move(uow, actor=SYSTEM, move=MoveCreate(
                item_id=self.ids[item], quantity=Decimal(quantity), from_location="V-SUP",
                to_location="QZ", purpose="receipt", lot_id=lot.id))
            inspection = quality.open_inspection(
                uow, item_id=self.ids[item], lot_id=lot.id, unit_ids=[],
                quantity=Decimal(quantity), uom="EA", location_code="QZ",
                supplier_id=self.ids["supplier"] if supplier else None,
                source_document=f"RC-{number}", purchase_order="PO-1",
                received_by=self.ids["receiver"], actor=SYSTEM)
            self.ids[f"lot:{number}"] = lot.id
            return inspection.number

    def results(self, number: str, *, fail: dict[int, int] | None = None,
                user: str = "qa.one") -> None:
        """Every sample of every characteristic entered; ``fail`` {position: how many}."""
        fail = fail or {}
        with UnitOfWork(self.db) as uow:
            found = quality.get_inspection_or_raise(uow, number)
            from medtrace.modules.quality import queries

            plans = queries.inspection_read(uow, found).characteristics
        entries = []
        for plan in plans:
            for sample in range(1, plan.to_inspect + 1):
                bad = sample <= fail.get(plan.position, 0)
                if plan.kind == "dimensional":
                    value = (plan.upper or Decimal(0)) + (1 if bad else 0)
                    entries.append({"characteristic": plan.position, "sample": sample,
                                    "value": str(value)})
                else:
                    entries.append({"characteristic": plan.position, "sample": sample,
                                    "passed": not bad})
        with UnitOfWork(self.db) as uow:
            quality.record_results(uow, number=number,
                                   data=quality.ResultsEntry.model_validate({"results": entries}),
                                   actor=self.actor(user))


def make_plant(db: Database) -> Plant:
    plant = Plant(db)
    with UnitOfWork(db) as uow:
        loc = inventory.create_location
        loc(uow, code="SH", name_zh="上海", name_en="Shanghai", kind="site")
        loc(uow, code="WH1", name_zh="一号库", name_en="Store 1", kind="warehouse", parent="SH")
        loc(uow, code="QZ", name_zh="待验区", name_en="Quarantine", kind="zone", parent="WH1",
            stock_status="quarantine")
        loc(uow, code="AZ", name_zh="合格区", name_en="Available", kind="zone", parent="WH1",
            stock_status="available")
        loc(uow, code="RZ", name_zh="不合格区", name_en="Rejected", kind="zone", parent="WH1",
            stock_status="rejected")
        loc(uow, code="V-SUP", name_zh="供应商", name_en="Suppliers", kind="virtual",
            role="supplier")
    plant.ids["cath"] = make_item(db, "CATH", tracking="lot")
    plant.ids["pump"] = make_item(db, "PUMP", tracking="serial")
    plant.ids["supplier"] = make_partner(db, "SUP-1", supplier=True)
    plant.ids["receiver"] = make_user(db, "receiver", permissions=[
        "quality.inspection.view", "inventory.stock.move", *QA_PERMISSIONS])
    plant.ids["qa.one"] = make_user(db, "qa.one", permissions=QA_PERMISSIONS)
    plant.ids["qa.two"] = make_user(db, "qa.two", permissions=QA_PERMISSIONS)
    plant.ids["viewer"] = make_user(db, "viewer", permissions=["quality.inspection.view"])
    return plant
