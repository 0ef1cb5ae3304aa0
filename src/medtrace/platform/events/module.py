"""Domain events and the outbox they wait in."""

from medtrace.platform.modules import Module

MODULE = Module(
    name="events",
    package="medtrace.platform.events",
    summary="Events published in the action's transaction (outbox), handlers after commit.",
    models=("medtrace.platform.events.models",),
)
