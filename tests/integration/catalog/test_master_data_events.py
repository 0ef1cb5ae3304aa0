"""Master data publishes its events in the action's transaction: an item created and
activated, a partner created (the outbox rows carry the payload the integrations will get)."""

from __future__ import annotations

from sqlalchemy import select

from medtrace.modules import catalog, partners
from medtrace.modules.catalog import ItemCreate
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.events import OutboxMessage
from tests.factories.trace import gtin


def _outbox(db, type_: str) -> list[dict]:
    with UnitOfWork(db, write=False) as uow:
        return [row.payload for row in uow.session.scalars(
            select(OutboxMessage).where(OutboxMessage.type == type_).order_by(OutboxMessage.id))]


def test_items_and_partners_publish_what_integrations_mirror(db):
    with UnitOfWork(db) as uow:
        item = catalog.create_item(uow, ItemCreate(
            code="EV-1", name_zh="事件", name_en="Event", tracking="lot", base_uom="EA",
            packaging=[{"level": 0, "name": "unit", "gtin": gtin(), "quantity": "1"}]))
        catalog.set_status(uow, item.id, "active")
        partner = partners.create_partner(uow, partners.PartnerCreate(
            code="EV-SUP", name_zh="供应商", name_en="Supplier", is_supplier=True))
    created = _outbox(db, "catalog.item.created")[-1]
    assert (created["item_id"], created["code"], created["tracking"]) == (item.id, "EV-1", "lot")
    changed = _outbox(db, "catalog.item.status_changed")[-1]
    assert (changed["old_status"], changed["new_status"]) == ("draft", "active")
    made = _outbox(db, "partners.partner.created")[-1]
    assert (made["partner_id"], made["is_supplier"], made["is_customer"]) == (
        partner.id, True, False)


def test_a_refused_action_publishes_nothing(db):
    before = len(_outbox(db, "catalog.item.created"))
    try:
        with UnitOfWork(db) as uow:
            catalog.create_item(uow, ItemCreate(
                code="EV-2", name_zh="事件", name_en="Event", tracking="lot", base_uom="EA",
                packaging=[{"level": 0, "name": "unit", "gtin": gtin(), "quantity": "1"}]))
            raise RuntimeError("refused later in the same action")
    except RuntimeError:
        pass
    assert len(_outbox(db, "catalog.item.created")) == before
