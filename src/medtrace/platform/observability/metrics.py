"""Prometheus metrics through prometheus-client, one registry per application instance.

- ``medtrace_http_requests_total{method, route, status}``: route is the route *template*
  (``/api/v1/lots/{lot_id}``), never the raw path, so the label set stays small.
- ``medtrace_http_request_duration_seconds{method, route}``: latency histogram.
- ``medtrace_db_pool_connections{state}``: the SQLAlchemy pool, read at scrape time.

With several server processes each process answers for itself; scrape each one (or run
behind a load balancer that pins /metrics per instance).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram, Info, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from medtrace import __version__

LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"


class _PoolCollector(Collector):
    def __init__(self, read_pool: Callable[[], dict[str, int]]) -> None:
        self._read_pool = read_pool

    def collect(self) -> Iterator[GaugeMetricFamily]:
        family = GaugeMetricFamily(
            "medtrace_db_pool_connections",
            "Database connections of this process's pool, by state.",
            labels=["state"],
        )
        for state, value in self._read_pool().items():
            family.add_metric([state], value)
        yield family


class Metrics:
    def __init__(self, read_pool: Callable[[], dict[str, int]]) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "medtrace_http_requests",
            "HTTP requests answered, by method, route template and status.",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "medtrace_http_request_duration_seconds",
            "Time to answer an HTTP request, by method and route template.",
            ["method", "route"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        Info("medtrace_build", "MedTrace build information.", registry=self.registry).info(
            {"version": __version__}
        )
        self.registry.register(_PoolCollector(read_pool))

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        self.requests.labels(method=method, route=route, status=str(status)).inc()
        self.latency.labels(method=method, route=route).observe(seconds)

    def render(self) -> bytes:
        return generate_latest(self.registry)
