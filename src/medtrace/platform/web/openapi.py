"""The OpenAPI document says what the API answers, in one place for every route.

- **Operation ids** are readable camelCase names (``traceBackward``, ``listItems``): a route's
  explicit ``operation_id=`` if it has one, else its function name in camelCase. Generated
  clients name their methods after them, so they are part of the contract: a test keeps them
  unique and pins the important ones.
- **Problem answers** (RFC 9457, ``application/problem+json``, the shared ``Problem`` schema)
  are added to every operation by rule, from what the route is: signed-in routes can answer
  401 and 403, routes with input 404 and 422, writes 400 (Idempotency-Key), 409 and 413. A
  route declares the rarer ones itself with ``responses=problems(423, 429)``; this module gives
  them the problem content. FastAPI's own 422 schema (``HTTPValidationError``), which is never
  what the API sends, is replaced.
- **Security**: signed-in routes declare the bearer token (``bearerAuth``), so the docs page
  can authorise; ``x-permission`` names the permission a route requires.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field

from medtrace.platform.auth.permissions import route_declaration
from medtrace.platform.web.problems import PROBLEM_CONTENT_TYPE

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
BEARER = "bearerAuth"

#: what each problem status means, as the document's response descriptions
PROBLEM_DESCRIPTIONS: dict[int, str] = {
    400: "The request could not be carried out (e.g. an invalid Idempotency-Key).",
    401: "Sign-in required, or the token is invalid or expired.",
    403: "The credentials lack the permission this operation needs.",
    404: "The address or a record it names does not exist.",
    409: "A conflict: the record exists, was changed meanwhile, or the request is in progress.",
    413: "The request body is larger than the server accepts.",
    422: "The input is not valid, or a business rule refused it; `errors` lists the fields.",
    423: "The account or signing is locked.",
    429: "Too many attempts; wait `retry_after` seconds (also in `Retry-After`).",
    503: "The service is not ready.",
}


class ProblemField(BaseModel):
    """One refused field of a validation problem."""

    model_config = ConfigDict(extra="allow")

    field: str = Field(description="Where: `body.quantity`, `query.offset`...")
    message: str
    type: str | None = None


class Problem(BaseModel):
    """An RFC 9457 problem, as every failure of the API answers. Some codes carry more members
    (``retry_after``, ``limit``, ``lines``...): see ``GET /api/v1/errors/{code}``."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(description="`/api/v1/errors/<code>`, which describes the code")
    title: str = Field(description="The code's short title, in the request's language")
    status: int
    detail: str | None = None
    code: str = Field(description="The stable error code, e.g. `MT-COMMON-NOT-FOUND`")
    request_id: str | None = Field(None, description="Also in the X-Request-ID header")
    instance: str | None = Field(None, description="The path that was requested")
    errors: list[ProblemField] | None = Field(None, description="Validation failures only")


_WORD = re.compile(r"[^0-9A-Za-z]+")


def camel_case(name: str) -> str:
    head, *rest = [w for w in _WORD.split(name) if w]
    return head[:1].lower() + head[1:] + "".join(w[:1].upper() + w[1:] for w in rest)


def operation_id(route: Any) -> str:
    """FastAPI's ``generate_unique_id_function``: the function name in camelCase (a route's
    explicit ``operation_id`` takes precedence, FastAPI does not call this then)."""
    return camel_case(route.name)


def problems(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route's rarer problem answers (the content is added centrally)."""
    return {status: {"description": PROBLEM_DESCRIPTIONS.get(status, "A problem.")}
            for status in statuses}


def json_answer(status: int, properties: dict[str, Any],
                media_type: str = "application/json") -> dict[int | str, dict[str, Any]]:
    """``responses=`` for a route that answers a small JSON object without a model."""
    return {status: {"content": {media_type: {"schema": {
        "type": "object", "properties": properties, "additionalProperties": True}}}}}


def _problem_statuses(route: Any, method: str) -> set[int]:
    declaration = route_declaration(route.dependant)
    statuses: set[int] = set()
    if declaration is None or declaration[0] != "public":
        statuses |= {401, 403}
    has_input = bool(route.dependant.path_params or route.dependant.query_params
                     or route.dependant.header_params or route.body_field is not None)
    if has_input:
        statuses |= {404, 422}
    if method in WRITE_METHODS and route.path.startswith("/api/"):
        statuses |= {400, 409, 422}
    if route.body_field is not None:
        statuses.add(413)
    return statuses


def _problem_response(status: int, existing: dict[str, Any] | None) -> dict[str, Any]:
    response = dict(existing or {})
    if not response.get("description") or response.get("description") == "Validation Error":
        response["description"] = PROBLEM_DESCRIPTIONS.get(status, "A problem.")
    response["content"] = {PROBLEM_CONTENT_TYPE: {
        "schema": {"$ref": "#/components/schemas/Problem"}}}
    return response


def _api_routes(app: FastAPI) -> Iterator[Any]:
    """Every API route as FastAPI sees it once included (prefix, dependencies and responses of
    its router merged in), whatever way the installed FastAPI stores included routers."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # older FastAPI: included routes are flattened into app.routes
        yield from (route for route in app.routes if isinstance(route, APIRoute))
        return
    for context in iter_route_contexts(app.routes):
        if isinstance(context.original_route, APIRoute):
            yield context


def describe_answers(app: FastAPI, document: dict[str, Any]) -> dict[str, Any]:
    """Complete ``document`` (built from ``app``): every operation's problem answers and
    security, the success answers' content types, the ``Problem`` schema."""
    components = document.setdefault("components", {})
    components.setdefault("securitySchemes", {})[BEARER] = {
        "type": "http", "scheme": "bearer", "bearerFormat": "JWT",
        "description": "An access token from `POST /api/v1/auth/token`"}
    schemas = components.setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    problem_schema = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    schemas.update(problem_schema.pop("$defs", {}))
    schemas["Problem"] = problem_schema
    for route in _api_routes(app):
        if not route.include_in_schema:
            continue
        for method in route.methods:
            operation = document["paths"].get(route.path_format, {}).get(method.lower())
            if operation is None:
                continue
            responses = operation.setdefault("responses", {})
            for code, response in responses.items():  # FastAPI's `{}` beside a declared type
                content = response.get("content", {})
                if code.startswith("2") and any(v.get("schema") for v in content.values()):
                    response["content"] = {k: v for k, v in content.items() if v.get("schema")}
            declared = {int(code) for code in responses if code.isdigit() and int(code) >= 400}
            for status in sorted(_problem_statuses(route, method) | declared):
                responses[str(status)] = _problem_response(status, responses.get(str(status)))
            operation["responses"] = dict(sorted(responses.items()))
            declaration = route_declaration(route.dependant)
            if declaration is None or declaration[0] != "public":
                operation["security"] = [{BEARER: []}]
            if declaration and declaration[0] == "permission":
                operation["x-permission"] = declaration[1]
    return document


def install_openapi(app: FastAPI) -> None:
    """Serve the completed document from ``app.openapi_url`` (built once, then cached)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title, version=app.version, openapi_version=app.openapi_version,
                description=app.description, routes=app.routes, tags=app.openapi_tags,
                servers=app.servers)
            app.openapi_schema = describe_answers(app, document)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
