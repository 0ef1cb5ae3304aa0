"""Idempotency keys of API writes."""

from medtrace.platform.modules import Module

MODULE = Module(
    name="idempotency",
    package="medtrace.platform.idempotency",
    summary="Idempotency keys: a retried write replays its stored answer.",
    models=("medtrace.platform.idempotency.models",),
    jobs=("medtrace.platform.idempotency.service:PURGE_EXPIRED",),
)
