"""Periodic jobs and the worker that runs them."""

from medtrace.platform.modules import Module

MODULE = Module(
    name="jobs",
    package="medtrace.platform.jobs",
    summary="Registered periodic jobs, claimed under a lease by `medtrace worker`.",
    models=("medtrace.platform.jobs.models",),
)
