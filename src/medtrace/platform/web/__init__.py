"""The web shell: middleware, problem+json, templates, navigation and the home dashboard."""

from collections.abc import Iterator
from typing import Any


def iter_routes(app: Any) -> Iterator[tuple[str | None, set[str] | None, Any]]:
    """(path, methods, route) for every route of the app, routers included, whatever way the
    installed FastAPI stores included routers (flattened, or lazily as in recent releases)."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: included routes are flattened into app.routes
        for route in app.routes:
            yield getattr(route, "path", None), getattr(route, "methods", None), route
        return
    for context in iter_route_contexts(app.routes):
        yield context.path, context.methods, context.original_route
