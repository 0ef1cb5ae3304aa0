"""Workflows: approvals as versioned BPMN 2.0 processes."""

from medtrace.platform.modules import Module

MODULE = Module(
    name="workflows",
    package="medtrace.platform.workflows",
    summary="Approvals as versioned BPMN 2.0 processes: tasks, signatures, timers.",
    models=("medtrace.platform.workflows.models",),
    jobs=("medtrace.platform.workflows.jobs:TIMERS",),
)
