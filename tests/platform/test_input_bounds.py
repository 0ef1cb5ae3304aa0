"""Every field a client can send is bounded: each text has a maximum length (or is an enum, a
date or a pattern-checked number), each number a maximum, each list a maximum number of items
and each object a maximum number of keys. Read from the OpenAPI document, so a new schema is
checked without anyone remembering to."""

from __future__ import annotations

from typing import Any

import pytest

from medtrace.app import create_app
from medtrace.settings import Settings

BOUNDLESS_FORMATS = {"date", "date-time", "binary", "uuid", "time"}
#: form bodies whose fields FastAPI builds (the OAuth2 token form, the multipart document upload):
#: the body limit (MEDTRACE_MAX_BODY_BYTES, MEDTRACE_MAX_UPLOAD_BYTES) bounds them as a whole
EXEMPT = {"Body_issueToken",
          "Body_addPartnerDocument", "Body_attachAcceptanceForm"}


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("openapi")
    app = create_app(Settings(_env_file=None, database_url=f"sqlite:///{folder / 'x.db'}",  # type: ignore[call-arg]
                              var_dir=folder))
    return app.openapi()


def _problems(schemas: dict[str, Any], name: str, seen: set[str]) -> list[str]:
    if name in seen or name in EXEMPT:
        return []
    seen.add(name)
    found = []
    for field, spec in schemas[name].get("properties", {}).items():
        alternatives = [spec, *spec.get("anyOf", []), *spec.get("allOf", [])]
        numeric = any(a.get("type") == "number" for a in alternatives)
        for alt in alternatives:
            if numeric and alt.get("type") == "string":
                continue  # a decimal's text form: the number alternative carries the bounds
            ref = alt.get("$ref") or alt.get("items", {}).get("$ref")
            if ref:
                found += _problems(schemas, ref.split("/")[-1], seen)
            kind = alt.get("type")
            where = f"{name}.{field}"
            if kind == "string" and not ({"maxLength", "enum", "pattern", "const"} & set(alt)) \
                    and alt.get("format") not in BOUNDLESS_FORMATS:
                found.append(f"{where}: text without maxLength")
            if kind in ("integer", "number") and not ({"maximum", "exclusiveMaximum"} & set(alt)):
                found.append(f"{where}: number without maximum")
            if kind == "array":
                if "maxItems" not in alt:
                    found.append(f"{where}: list without maxItems")
                items = alt.get("items", {})
                if items.get("type") == "string" and not (
                        {"maxLength", "enum", "pattern"} & set(items)):
                    found.append(f"{where}: list of texts without maxLength")
            if kind == "object" and "maxProperties" not in alt and "properties" not in alt:
                found.append(f"{where}: object without maxProperties")
    return found


def test_every_request_field_is_bounded(document):
    schemas = document["components"]["schemas"]
    bodies = set()
    for operations in document["paths"].values():
        for operation in operations.values():
            for content in operation.get("requestBody", {}).get("content", {}).values():
                ref = content["schema"].get("$ref")
                if ref:
                    bodies.add(ref.split("/")[-1])
    seen: set[str] = set()
    problems = [p for body in sorted(bodies) for p in _problems(schemas, body, seen)]
    assert problems == []
