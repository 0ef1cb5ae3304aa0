"""Quality: incoming inspection by ISO 2859-1 sampling, the switching rules per supplier and
item, QA's signed release and rejection, nonconformances."""

from medtrace.platform.modules import N_, Demo, Menu, Module, Tile

MODULE = Module(
    name="quality",
    package="medtrace.modules.quality",
    summary="Inspection plans, ISO 2859-1 sampling and switching, signed release/rejection, NCs.",
    models=("medtrace.modules.quality.models", "medtrace.modules.quality.complaints.models"),
    api=("medtrace.modules.quality.api:router",
         "medtrace.modules.quality.complaints.api:router"),
    pages=("medtrace.modules.quality.web:router", "medtrace.modules.quality.web.setup:router",
           "medtrace.modules.quality.complaints.web:router"),
    menu=(Menu("quality", N_("Incoming inspection"), "/quality/inspections", 450,
               "quality.inspection.view"),
          Menu("quality.nonconformances", N_("Nonconformances"), "/quality/nonconformances",
               460, "quality.inspection.view"),
          Menu("quality.complaints", N_("Complaints"), "/quality/complaints", 470,
               "quality.complaint.view")),
    tiles=(Tile("quality.open", N_("Inspections"), 450,
                "medtrace.modules.quality.queries:open_figures",
                "quality.inspection.view", section="waiting"),),
    demo=(Demo("modules.quality", 40, "medtrace.modules.quality.demo:load"),),
)
