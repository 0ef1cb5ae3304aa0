"""Traceability: lots, serial units, containers, genealogy, the event journal, traces, EPCIS."""

from medtrace.platform.modules import N_, Command, Menu, Module

MODULE = Module(
    name="traceability",
    package="medtrace.modules.traceability",
    summary="Lots, units, containers, genealogy, the EPCIS-shaped journal, traces.",
    models=("medtrace.modules.traceability.models",),
    api=("medtrace.modules.traceability.api:router",
         "medtrace.modules.traceability.epcis.api:router"),
    pages=("medtrace.modules.traceability.web:router",),
    commands=(Command("trace", "medtrace.modules.traceability.cli:app",
                      "Traceability: bulk import, backward and forward traces, timelines."),),
    menu=(Menu("traceability", N_("Traceability"), "/trace", 300, "traceability.trace.view"),),
)
