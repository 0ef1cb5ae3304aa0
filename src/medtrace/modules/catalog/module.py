"""Catalog: items, units, packaging levels and their UDI-DIs, labels, the scan tester."""

from medtrace.platform.modules import N_, Command, Demo, Menu, Module

MODULE = Module(
    name="catalog",
    package="medtrace.modules.catalog",
    summary="Device master data: items, units and conversions, packaging levels, UDI-DIs.",
    models=("medtrace.modules.catalog.models",),
    api=("medtrace.modules.catalog.api:router",),
    pages=("medtrace.modules.catalog.web:router",),
    commands=(Command("udi", "medtrace.modules.catalog.cli:app", "UDI: parse scanner strings."),),
    menu=(Menu("catalog", N_("Catalog"), "/catalog/items", 100, "catalog.item.view"),
          Menu("catalog.scan", N_("Scan tester"), "/catalog/scan", 110, "catalog.item.view")),
    demo=(Demo("modules.catalog", 15, "medtrace.modules.catalog.demo:load"),),
)
