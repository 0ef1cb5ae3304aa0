"""The OpenAPI document says what the API answers: readable unique operation ids, a schema for
every success answer, and the problem+json answers (shared ``Problem`` schema) of every
operation. Read from the document itself, so a new route is checked without anyone
remembering to."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from medtrace.app import create_app
from medtrace.settings import Settings

PROBLEM = "application/problem+json"
CAMEL = re.compile(r"^[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*)*$")
#: the names clients are generated with: renaming one breaks every integrator's code
PINNED = {
    ("get", "/api/v1/trace/backward"): "traceBackward",
    ("get", "/api/v1/trace/forward"): "traceForward",
    ("get", "/api/v1/trace/timeline"): "traceTimeline",
    ("post", "/api/v1/auth/token"): "issueToken",
    ("get", "/api/v1/items"): "listItems",
    ("post", "/api/v1/items"): "createItem",
    ("get", "/api/v1/items/{item_id}"): "getItem",
    ("post", "/api/v1/items/{item_id}/status"): "changeItemStatus",
    ("get", "/api/v1/partners"): "listPartners",
    ("post", "/api/v1/partners"): "createPartner",
    ("post", "/api/v1/lots"): "createLot",
    ("post", "/api/v1/trace/objects/{object_id}/status"): "changeTraceObjectStatus",
    ("post", "/api/v1/inventory/moves"): "postMove",
    ("post", "/api/v1/inventory/moves/{move_id}/reverse"): "reverseMove",
    ("post", "/api/v1/inventory/counts/{sheet_id}/approve"): "approveCount",
    ("post", "/api/v1/first-approvals/{approval_id}/approve"): "approveFirstApproval",
    ("get", "/api/v1/epcis/events"): "exportEpcisEvents",
    ("post", "/api/v1/epcis/capture"): "captureEpcisDocument",
}


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("openapi")
    app = create_app(Settings(_env_file=None, database_url=f"sqlite:///{folder / 'x.db'}",  # type: ignore[call-arg]
                              var_dir=folder))
    served = TestClient(app).get("/api/v1/openapi.json")
    assert served.status_code == 200
    return served.json()


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(method, path, operation) for path, methods in document["paths"].items()
            for method, operation in methods.items()]


def test_operation_ids_are_unique_camel_case_and_pinned(document):
    operations = _operations(document)
    ids = [operation["operationId"] for _, _, operation in operations]
    assert len(ids) > 80
    assert len(set(ids)) == len(ids), sorted(i for i in ids if ids.count(i) > 1)
    assert [i for i in ids if not CAMEL.match(i)] == []
    found = {(method, path): operation["operationId"] for method, path, operation in operations}
    assert {key: found.get(key) for key in PINNED} == PINNED


def test_every_success_answer_has_a_schema(document):
    missing = []
    for method, path, operation in _operations(document):
        for status, response in operation["responses"].items():
            if not status.startswith("2") or status == "204":
                continue
            content = response.get("content", {})
            if not content or any(not media.get("schema") for media in content.values()):
                missing.append(f"{method.upper()} {path} {status}")
    assert missing == []


def test_trace_answers_are_described(document):
    schemas = document["components"]["schemas"]
    for name, lists in (("TraceBackward", {"lots", "units", "containers", "suppliers"}),
                        ("TraceForward", {"lots", "units", "subassemblies", "containers"}),
                        ("TraceTimeline", {"events"})):
        schema = schemas[name]
        assert {"root", *lists} <= set(schema["required"])
        assert schema["additionalProperties"] is True  # fields are only ever added
    assert {"totals", "page"} <= set(schemas["TraceForward"]["properties"])
    assert schemas["ForwardTotals"]["additionalProperties"] is True


def test_every_operation_declares_its_problem_answers(document):
    problem = document["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "code", "request_id", "instance",
            "errors"} <= set(problem["properties"])
    assert "HTTPValidationError" not in document["components"]["schemas"]
    wrong = []
    for method, path, operation in _operations(document):
        responses = operation["responses"]
        expected = set()
        if path.startswith("/api/v1/") and path not in ("/api/v1/auth/token", "/api/v1/errors",
                                                         "/api/v1/errors/{code}"):
            expected |= {"401", "403"}
        if operation.get("parameters") or "requestBody" in operation:
            expected |= {"404", "422"}
        if method != "get":
            expected |= {"400", "409", "422"}
        if "requestBody" in operation:
            expected.add("413")
        if ("401" in expected) != ("security" in operation):
            wrong.append(f"{method.upper()} {path}: security does not match sign-in")
        if not expected <= set(responses):
            wrong.append(f"{method.upper()} {path}: missing {sorted(expected - set(responses))}")
        for status, response in responses.items():
            if int(status) >= 400 and list(response.get("content", {})) != [PROBLEM]:
                wrong.append(f"{method.upper()} {path} {status}: not problem+json")
    assert wrong == []
    token = document["paths"]["/api/v1/auth/token"]["post"]["responses"]
    assert {"401", "423", "429"} <= set(token)
    assert document["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    items = document["paths"]["/api/v1/items"]["get"]
    assert items["x-permission"] == "catalog.item.view"
