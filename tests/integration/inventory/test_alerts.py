"""Stock alerts on a real database: lots expiring within N days with where they lie, usable
stock below the minimum of an item at a site, and stock kept in a temperature zone that does
not fit the item."""

from __future__ import annotations

from decimal import Decimal

import pytest

from medtrace.modules.inventory.alerts import queries as alerts
from medtrace.modules.inventory.counts import errors as count_errors
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.stock import make_store, move, receive


@pytest.fixture
def store(db):  # type: ignore[no-untyped-def]
    return make_store(db)


def test_lots_expiring_within_n_days_with_their_quantities_and_locations(db, store):
    receive(db, store["cath"], 10, "A-01", lot_id=store["C-1"])  # 400 days left
    receive(db, store["cath"], 6, "A-01", lot_id=store["C-2"])  # 20 days left
    receive(db, store["cath"], 4, "QZ", lot_id=store["C-2"])
    receive(db, store["cath"], 2, "A-02", lot_id=store["C-X"])  # expired yesterday
    with UnitOfWork(db, write=False) as uow:
        soon = alerts.expiring(uow, days=30)
        later = alerts.expiring(uow, days=500)
    assert [(a["lot"], a["days_left"], a["expired"], a["quantity"]) for a in soon] == [
        ("C-X", -1, True, "2"), ("C-2", 20, False, "10")]
    assert {(x["location"], x["quantity"], x["issuable"]) for x in soon[1]["locations"]} == {
        ("A-01", "6", True), ("QZ", "4", False)}
    assert [a["lot"] for a in later] == ["C-X", "C-2", "C-1"]


def test_usable_stock_below_the_minimum_of_a_site(db, store):
    receive(db, store["gauze"], 40, "A-01")
    receive(db, store["gauze"], 20, "QZ")  # quarantined: on hand, not usable
    receive(db, store["gauze"], 100, "WH2")  # another site
    with UnitOfWork(db) as uow:
        alerts.set_min_stock(uow, item_id=store["gauze"], site="SH", quantity=Decimal(50))
        alerts.set_min_stock(uow, item_id=store["gauze"], site="WH2", quantity=Decimal(100))
    with UnitOfWork(db, write=False) as uow:
        below = alerts.below_minimum(uow)
    assert below == [{"item": "GAUZE", "item_id": store["gauze"], "site": "SH",
                      "site_id": below[0]["site_id"], "minimum": "50", "on_hand": "60",
                      "usable": "40", "short": "10", "uom": "EA"}]
    move(db, store["gauze"], 10, "QZ", "A-02", purpose="release")
    with UnitOfWork(db) as uow:
        assert alerts.below_minimum(uow) == []
        listed = alerts.list_min_stock(uow)
        assert [(m["site"], m["min_quantity"]) for m in listed] == [("SH", "50"), ("WH2", "100")]
        alerts.remove_min_stock(uow, listed[0]["id"])
        assert len(alerts.list_min_stock(uow)) == 1


@pytest.mark.parametrize(("site", "quantity"), [("A-01", "1"), ("WH1", "1"), ("SH", "-1"),
                                                ("SH", "0.5")])
def test_a_minimum_is_per_site_and_exact(db, store, site, quantity):
    with pytest.raises(count_errors.MinStockInvalid), UnitOfWork(db) as uow:
        alerts.set_min_stock(uow, item_id=store["gauze"], site=site, quantity=Decimal(quantity))


def test_stock_in_a_zone_that_does_not_fit_the_items_storage_range(db, store):
    receive(db, store["vacc"], 5, "C-01", lot_id=store["V-1"])  # 2-8 in 2~8℃: fits
    receive(db, store["vacc"], 2, "A-01", lot_id=store["V-1"])  # 2-8 in 15-25C (from AZ)
    receive(db, store["vacc"], 1, "QZ", lot_id=store["V-1"])  # no zone anywhere up the tree
    receive(db, store["cath"], 3, "UZ", lot_id=store["C-1"])  # "cool": unreadable
    receive(db, store["cath"], 3, "A-02", lot_id=store["C-1"])  # 10-30 in 15-25C: fits
    receive(db, store["gauze"], 3, "QZ")  # no storage range: never an alert
    with UnitOfWork(db, write=False) as uow:
        found = alerts.temperature_mismatches(uow)
    assert sorted((a["location"], a["item"], a["zone"], a["problem"], a["quantity"])
                  for a in found) == [
        ("A-01", "VACC", "15-25C", "outside", "2"),
        ("QZ", "VACC", None, "no_zone", "1"),
        ("UZ", "CATH", "cool", "zone_unreadable", "3"),
    ]
    assert {(a["storage_min_c"], a["storage_max_c"]) for a in found if a["item"] == "VACC"} \
        == {("2", "8")}


def test_all_alerts_together(db, store):
    receive(db, store["vacc"], 2, "A-01", lot_id=store["V-1"])
    with UnitOfWork(db) as uow:
        alerts.set_min_stock(uow, item_id=store["vacc"], site="SH", quantity=Decimal(10))
    with UnitOfWork(db, write=False) as uow:
        found = alerts.alerts(uow, days=365)
    assert found["counts"] == {"expiring": 1, "below_minimum": 1, "temperature": 1}
    assert found["days"] == 365 and found["expiring"][0]["lot"] == "V-1"
