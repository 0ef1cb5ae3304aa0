"""Sales and distribution: customers' sales terms and ship-tos, the price list, licence-checked
quotations and orders with credit and price approval, FEFO allocation with customers'
shelf-life minimums, scan-first picking on the handheld, SSCC packing, shipping with the
journal's events, delivery note, certificates of conformity and advance ship notice, proof of
delivery, customer returns into quarantine."""

from medtrace.platform.modules import N_, Command, Demo, Menu, Module, RecordPanel, Tile

MODULE = Module(
    name="sales",
    package="medtrace.modules.sales",
    summary="Customers, prices, sales orders, FEFO picking, SSCC packing, shipping, returns.",
    models=("medtrace.modules.sales.models",),
    api=("medtrace.modules.sales.api:router",
         "medtrace.modules.sales.documents.api:router"),
    pages=("medtrace.modules.sales.web:router",),
    commands=(Command("sales", "medtrace.modules.sales.cli:app",
                      "Sales: orders, shipments, advance ship notices (read only)."),),
    menu=(Menu("sales", N_("Sales"), "/sales/orders", 700, "sales.order.view"),
          Menu("sales.pick", N_("Picking"), "/sales/pick", 710, "sales.order.pick")),
    tiles=(Tile("sales.orders", N_("Sales and shipping"), 700,
                "medtrace.modules.sales.queries:order_figures", "sales.order.view",
                section="waiting"),),
    record_panels=(RecordPanel("partners.partner", "sales.customer", N_("Sales"), 700,
                               "medtrace.modules.sales.queries:partner_panel",
                               "sales.order.view"),),
    demo=(Demo("modules.sales", 70, "medtrace.modules.sales.demo:load"),),
)
