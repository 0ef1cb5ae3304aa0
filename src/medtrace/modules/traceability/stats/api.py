"""The entry points' side of the trace counters: the trace API and the trace page call
``count_trace`` once a trace was answered."""

from __future__ import annotations

import time

from fastapi import Request

from medtrace.modules.traceability.stats.service import record_trace_query
from medtrace.platform.observability.logging import get_logger
from medtrace.platform.web.deps import new_uow

log = get_logger(__name__)


def count_trace(request: Request, started: float) -> None:
    """Count a trace answered since ``started`` (``time.perf_counter()``), in a short write of
    its own after the read; a failure to count is logged and never fails the trace."""
    seconds = time.perf_counter() - started
    try:
        with new_uow(request) as uow:
            record_trace_query(uow, seconds=seconds)
    except Exception as exc:  # the figures are a convenience, the answer is not
        log.warning("traceability.trace_count_failed", error=repr(exc))
