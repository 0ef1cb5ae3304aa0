"""Deny by default: every route of the app declares what it needs."""

from __future__ import annotations

from starlette.routing import Mount

from medtrace.app import create_app
from medtrace.platform.auth.permissions import is_declared, route_declaration
from medtrace.platform.web import iter_routes

#: the only routes that may be reached without signing in
PUBLIC = {
    "/healthz", "/readyz", "/metrics", "/login", "/logout", "/lang/{locale}",
    "/api/v1/auth/token", "/api/v1/errors", "/api/v1/errors/{code}", "/api/v1/docs",
    "/api/v1/openapi.json",
}
PUBLIC_MOUNTS = {"/static", "/api/v1/docs-assets"}


def test_every_route_declares_its_permission(settings):
    app = create_app(settings)
    undeclared, wrongly_public, unknown = [], [], []
    seen = 0
    for path, methods, route in iter_routes(app):
        seen += 1
        if isinstance(route, Mount):
            assert path in PUBLIC_MOUNTS, f"unexpected mount {path}"
            continue
        dependant = getattr(route, "dependant", None)
        if dependant is None:  # framework routes (the OpenAPI document)
            assert path in PUBLIC, f"{path} has no dependency tree and is not on the public list"
            continue
        declaration = route_declaration(dependant)
        label = f"{sorted(methods or [])} {path}"
        if declaration is None:
            undeclared.append(label)
        elif declaration[0] == "public" and path not in PUBLIC:
            wrongly_public.append(label)
        elif declaration[0] == "permission" and not is_declared(declaration[1]):
            unknown.append(label)
    assert seen > 20
    assert not undeclared, f"routes without a permission declaration: {undeclared}"
    assert not wrongly_public, f"public routes not on the public list: {wrongly_public}"
    assert not unknown, f"routes requiring undeclared permissions: {unknown}"
