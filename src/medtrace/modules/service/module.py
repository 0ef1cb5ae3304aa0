"""Service and the installed base: installations, service orders with parts replaced in the
genealogy, warranty, software and firmware versions, preventive maintenance, follow-up
visits."""

from medtrace.platform.modules import N_, Command, Demo, Menu, Module, RecordPanel, Tile

MODULE = Module(
    name="service",
    package="medtrace.modules.service",
    summary="Installed base, service orders, part replacements, warranty, follow-up visits.",
    models=("medtrace.modules.service.models",),
    api=("medtrace.modules.service.api:router",
         "medtrace.modules.service.documents.api:router"),
    pages=("medtrace.modules.service.web:router",
           "medtrace.modules.service.documents.web:router"),
    commands=(Command("service", "medtrace.modules.service.cli:app",
                      "Service: installed base, orders, preventive maintenance falling due."),),
    menu=(Menu("service", N_("Installed base"), "/service/installed-base", 800,
               "service.order.view"),
          Menu("service.orders", N_("Service orders"), "/service/orders", 810,
               "service.order.view"),
          Menu("service.visits", N_("Follow-up visits"), "/service/visits", 820,
               "service.order.view")),
    tiles=(Tile("service.orders", N_("Service"), 800,
                "medtrace.modules.service.queries:service_figures", "service.order.view",
                section="waiting"),),
    record_panels=(RecordPanel("traceability.object", "service.unit", N_("Service"), 800,
                               "medtrace.modules.service.queries:unit_panel",
                               "service.order.view"),),
    jobs=("medtrace.modules.service.service.schedule:PREVENTIVE_MAINTENANCE",),
    demo=(Demo("modules.service", 80, "medtrace.modules.service.demo:load"),),
)
