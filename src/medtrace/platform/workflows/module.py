"""Workflows: approvals as versioned BPMN 2.0 processes."""

from medtrace.platform.modules import N_, Command, Menu, Module, Tile

MODULE = Module(
    name="workflows",
    package="medtrace.platform.workflows",
    summary="Approvals as versioned BPMN 2.0 processes: tasks, signatures, timers.",
    models=("medtrace.platform.workflows.models",),
    api=("medtrace.platform.workflows.api:router",),
    pages=("medtrace.platform.workflows.web.inbox:router",
           "medtrace.platform.workflows.web.designer:router"),
    menu=(Menu("tasks", N_("My tasks"), "/tasks", 50, None),
          Menu("workflows", N_("Workflows"), "/admin/workflows", 4950,
               "platform.admin.workflows")),
    commands=(Command("workflows", "medtrace.platform.workflows.cli:app",
                      "Workflows: BPMN 2.0 definitions and their versions."),),
    jobs=("medtrace.platform.workflows.jobs:TIMERS",),
    tiles=(Tile("my_tasks", N_("My tasks"), 5, "medtrace.platform.workflows.queries:my_tasks_tile",
                section="waiting", personal=True),),
)
