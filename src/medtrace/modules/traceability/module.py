"""Traceability: lots, serial units, containers, genealogy, the event journal, traces, EPCIS."""

from medtrace.platform.modules import N_, Command, Demo, Menu, Module, Tile

MODULE = Module(
    name="traceability",
    package="medtrace.modules.traceability",
    summary="Lots, units, containers, genealogy, the EPCIS-shaped journal, traces.",
    models=("medtrace.modules.traceability.models",
            "medtrace.modules.traceability.stats.models"),
    api=("medtrace.modules.traceability.api:router",
         "medtrace.modules.traceability.epcis.api:router"),
    pages=("medtrace.modules.traceability.web:router",),
    commands=(Command("trace", "medtrace.modules.traceability.cli:app",
                      "Traceability: bulk import, backward and forward traces, timelines."),),
    menu=(Menu("traceability", N_("Traceability"), "/trace", 300, "traceability.trace.view"),),
    tiles=(Tile("traceability.release", N_("Quality release"), 300,
                "medtrace.modules.traceability.stats.queries:release_figures",
                "traceability.lot.release", section="waiting"),
           Tile("traceability.traces", N_("Traces"), 300,
                "medtrace.modules.traceability.stats.queries:trace_figures",
                "traceability.trace.view", section="figures")),
    demo=(Demo("modules.traceability", 25, "medtrace.modules.traceability.demo:load"),),
)
