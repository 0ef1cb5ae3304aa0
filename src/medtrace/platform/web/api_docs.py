"""Interactive API documentation (Swagger UI) from assets installed with the app
(``swagger-ui-bundle`` from PyPI), never from a CDN; no inline script, so the CSP holds."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from swagger_ui_bundle import swagger_ui_path

from medtrace.platform.auth.permissions import public
from medtrace.platform.web.templating import render

ASSETS_PATH = "/api/v1/docs-assets"
ASSETS_DIR = str(swagger_ui_path)

router = APIRouter(include_in_schema=False)


@router.get("/api/v1/docs", response_class=HTMLResponse, dependencies=[public()])
def swagger_ui(request: Request) -> HTMLResponse:
    return render(request.app.state.templates, request, "api_docs.html", assets=ASSETS_PATH,
                  spec_url=request.app.openapi_url)
