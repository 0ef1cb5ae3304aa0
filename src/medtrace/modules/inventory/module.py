"""Inventory: locations, the stock ledger, balances, FEFO, counts, minimum stock, alerts."""

from medtrace.platform.modules import N_, Command, Demo, Menu, Module, Tile

MODULE = Module(
    name="inventory",
    package="medtrace.modules.inventory",
    summary="Locations, the append-only stock ledger, balances, FEFO, counts and alerts.",
    models=("medtrace.modules.inventory.models", "medtrace.modules.inventory.counts.models",
            "medtrace.modules.inventory.alerts.models"),
    api=("medtrace.modules.inventory.api:router", "medtrace.modules.inventory.counts.api:router"),
    pages=("medtrace.modules.inventory.web:router",
           "medtrace.modules.inventory.web.counts:router"),
    commands=(Command("inventory", "medtrace.modules.inventory.cli:app",
                      "Inventory: reconcile balances with the stock ledger; stock alerts."),),
    menu=(Menu("inventory", N_("Inventory"), "/inventory/stock", 400, "inventory.stock.view"),
          Menu("inventory.counts", N_("Cycle counts"), "/inventory/counts", 410,
               "inventory.count.perform")),
    tiles=(Tile("inventory.count_approval", N_("Counts"), 400,
                "medtrace.modules.inventory.counts.queries:approval_figures",
                "inventory.stock.adjust", section="waiting"),
           Tile("inventory.counting", N_("Counting"), 410,
                "medtrace.modules.inventory.counts.queries:counting_figures",
                "inventory.count.perform", section="waiting"),
           Tile("inventory.alerts", N_("Stock alerts"), 400,
                "medtrace.modules.inventory.alerts.queries:alert_figures",
                "inventory.stock.view", section="alerts"),
           Tile("inventory.moves", N_("Stock moves"), 400,
                "medtrace.modules.inventory.queries:move_figures",
                "inventory.stock.view", section="figures")),
    jobs=("medtrace.modules.inventory.alerts.service:EXPIRY_ALERTS",),
    demo=(Demo("modules.inventory", 30, "medtrace.modules.inventory.demo:load"),),
)
