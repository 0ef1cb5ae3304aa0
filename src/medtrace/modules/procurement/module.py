"""Purchasing: requisitions, purchase orders approved through the workflow engine behind the
supplier qualification gate, scan-first receiving into quarantine, returns to the supplier,
supplier performance."""

from medtrace.platform.modules import N_, Demo, Menu, Module, RecordPanel, Tile

MODULE = Module(
    name="procurement",
    package="medtrace.modules.procurement",
    summary="Requisitions, purchase orders, receiving by UDI scan, returns to the supplier.",
    models=("medtrace.modules.procurement.models",),
    api=("medtrace.modules.procurement.api:router",
         "medtrace.modules.procurement.receipts.api:router"),
    pages=("medtrace.modules.procurement.web:router",
           "medtrace.modules.procurement.receipts.web:router"),
    menu=(Menu("procurement", N_("Purchasing"), "/procurement/orders", 500,
               "procurement.order.view"),
          Menu("procurement.receive", N_("Receiving"), "/procurement/receive", 510,
               "procurement.receipt.post")),
    tiles=(Tile("procurement.orders", N_("Purchase orders"), 500,
                "medtrace.modules.procurement.queries:order_figures",
                "procurement.order.view", section="waiting"),
           Tile("procurement.suppliers", N_("Supplier performance"), 500,
                "medtrace.modules.procurement.receipts.queries:performance_figures",
                "procurement.order.view", section="figures")),
    record_panels=(RecordPanel("partners.partner", "procurement.supplier_performance",
                               N_("Supplier performance"), 500,
                               "medtrace.modules.procurement.receipts.queries:partner_panel",
                               "procurement.order.view"),),
    demo=(Demo("modules.procurement", 50, "medtrace.modules.procurement.demo:load"),),
)
