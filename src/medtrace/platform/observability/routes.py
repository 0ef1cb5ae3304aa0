"""/healthz, /readyz and /metrics: public, cheap, never cached."""

from __future__ import annotations

import hmac
import ipaddress

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.responses import Response

from medtrace import __version__
from medtrace.platform.auth.errors import Forbidden
from medtrace.platform.auth.permissions import public
from medtrace.platform.errors import NotReady
from medtrace.platform.observability.health import check_readiness
from medtrace.platform.observability.metrics import CONTENT_TYPE
from medtrace.platform.web.openapi import json_answer, problems

router = APIRouter(tags=["operations"])


def _may_scrape(request: Request) -> bool:
    settings = request.app.state.settings
    token = settings.metrics_token.get_secret_value() if settings.metrics_token else ""
    scheme, _sep, given = request.headers.get("authorization", "").partition(" ")
    if token and scheme.lower() == "bearer" and hmac.compare_digest(given.strip(), token):
        return True
    peer = request.client.host if request.client else ""
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    for allowed in settings.metrics_networks():
        try:
            if address in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False

NO_STORE = {"Cache-Control": "no-store"}


@router.get("/healthz", summary="The process is alive", dependencies=[public()],
            responses=json_answer(200, {"status": {"const": "ok"}, "version": {"type": "string"}}))
def healthz() -> JSONResponse:
    return JSONResponse({"status": "ok", "version": __version__}, headers=NO_STORE)


@router.get(
    "/readyz",
    dependencies=[public()],
    summary="The database answers and its schema is at the latest migration",
    responses={503: {"description": "Not ready (problem+json with the reason)"}} | json_answer(
        200, {"status": {"const": "ready"}, "database": {"type": "string"},
              "dialect": {"type": "string"}, "schema": {"type": "string"},
              "revision": {"type": "array", "items": {"type": "string"}},
              "version": {"type": "string"}}),
)
def readyz(request: Request) -> JSONResponse:
    result = check_readiness(request.app.state.db)
    if not result.ready:
        raise NotReady("; ".join(result.problems), database=result.database, schema=result.schema)
    return JSONResponse(
        {
            "status": "ready",
            "database": result.database,
            "dialect": request.app.state.db.dialect,
            "schema": result.schema,
            "revision": result.current,
            "version": __version__,
        },
        headers=NO_STORE,
    )


@router.get("/metrics", summary="Prometheus metrics", response_class=Response,
            dependencies=[public()], responses=problems(403) | {
                200: {"content": {"text/plain": {"schema": {"type": "string"}}},
                      "description": "The Prometheus text exposition format"}})
def metrics(request: Request) -> Response:
    """Allowed to the addresses of ``MEDTRACE_METRICS_ALLOW`` (loopback by default) and to a
    scraper that sends ``Authorization: Bearer <MEDTRACE_METRICS_TOKEN>``."""
    if not _may_scrape(request):
        raise Forbidden("metrics are for the configured scrapers "
                        "(MEDTRACE_METRICS_TOKEN or MEDTRACE_METRICS_ALLOW)")
    return Response(
        request.app.state.metrics.render(), media_type=CONTENT_TYPE, headers=NO_STORE
    )
