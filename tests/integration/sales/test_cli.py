"""`medtrace sales orders|order|shipments|asn` read what the API reads, as JSON; an unknown
number exits 2 with the problem's code."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from medtrace import settings as settings_module
from medtrace.modules import sales
from medtrace.modules.sales.cli import app as sales_cli
from medtrace.platform.db import migrate
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from tests.factories.epcis import assert_valid
from tests.factories.sales import lot_scan, make_distributor, order, who


def test_the_cli_lists_orders_and_prints_the_advance_ship_notice(scratch, monkeypatch):
    url = scratch.new_url("sqlite")
    db = Database.from_url(url)
    migrate.upgrade(db.engine)
    ids = make_distributor(db)
    number = order(db, "DIST", [("S-CATH", "10", "20")])
    with UnitOfWork(db) as uow:
        shipment = sales.ship(uow, data=sales.ShipmentCreate(sales_order=number, lines=[
            {"scan": lot_scan(ids["cath_gtin"], "C-EARLY"), "quantity": "10"}]),
            actor=who(db, "sal.picker")).number
    db.dispose()
    monkeypatch.setenv("MEDTRACE_DATABASE_URL", url)
    settings_module.get_settings.cache_clear()
    try:
        runner = CliRunner()
        listed = runner.invoke(sales_cli, ["orders", "--status", "shipped"])
        assert listed.exit_code == 0, listed.output
        assert [o["number"] for o in json.loads(listed.output)["items"]] == [number]
        shown = json.loads(runner.invoke(sales_cli, ["order", number]).output)
        assert shown["shipments"][0]["number"] == shipment
        asn = runner.invoke(sales_cli, ["asn", shipment])
        assert asn.exit_code == 0, asn.output
        assert_valid(json.loads(asn.output))
        missing = runner.invoke(sales_cli, ["asn", "DN-0000-00000"])
        assert missing.exit_code == 2 and "MT-SALES-SHIPMENT-NOT-FOUND" in missing.output
    finally:
        settings_module.get_settings.cache_clear()
