"""Health, readiness and metrics endpoints."""

from medtrace.platform.modules import Module

MODULE = Module(
    name="observability",
    package="medtrace.platform.observability",
    summary="Health, readiness, Prometheus metrics.",
    api=("medtrace.platform.observability.routes:router",),
)
