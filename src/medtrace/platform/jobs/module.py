"""Periodic jobs and the worker that runs them."""

from medtrace.platform.modules import Command, Module

MODULE = Module(
    name="jobs",
    package="medtrace.platform.jobs",
    summary="Registered periodic jobs, claimed under a lease by `medtrace worker`.",
    models=("medtrace.platform.jobs.models",),
    # the command is built by the composition root, which knows every module's jobs
    commands=(Command("worker", "medtrace.jobs:worker",
                      "Run the periodic jobs (expiry alerts, audit checkpoints...)."),),
)
