"""Production: versioned BOMs and routings under engineering change control, work centres and
equipment with calibration, work orders with FEFO allocation, scan-first material issue into
the genealogy, output and serialization, in-process checks, the device history record and
e-signed batch release."""

from medtrace.platform.modules import N_, Demo, Menu, Module, RecordPanel, Tile

MODULE = Module(
    name="production",
    package="medtrace.modules.production",
    summary="BOMs, routings, equipment, work orders, material issue, output, DHR, batch release.",
    models=("medtrace.modules.production.models",),
    api=("medtrace.modules.production.api:router",
         "medtrace.modules.production.dhr.api:router"),
    pages=("medtrace.modules.production.web:router",
           "medtrace.modules.production.web.masterdata:router",
           "medtrace.modules.production.dhr.web:router"),
    menu=(Menu("production", N_("Production"), "/production/work-orders", 600,
               "production.order.view"),
          Menu("production.issue", N_("Material issue"), "/production/issue", 610,
               "production.order.execute")),
    tiles=(Tile("production.orders", N_("Production"), 600,
                "medtrace.modules.production.queries:order_figures", "production.order.view",
                section="waiting"),),
    record_panels=(RecordPanel("traceability.object", "production.dhr",
                               N_("Device history record"), 600,
                               "medtrace.modules.production.dhr.queries:trace_panel",
                               "production.order.view"),),
    demo=(Demo("modules.production", 60, "medtrace.modules.production.demo:load"),),
)
