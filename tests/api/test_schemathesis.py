"""Schemathesis over every operation of the OpenAPI document, signed in as the demo
administrator on a demo database: whatever the document allows, and whatever it does not, the
API answers without a 5xx. Derandomised (the same examples every run) and bounded, so that it
belongs in ``make test``; a fresh exploration is ``SCHEMATHESIS_EXAMPLES=200``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from medtrace.app import create_app
from medtrace.platform.auth.demo import DEMO_PASSWORD
from medtrace.platform.db import migrate
from medtrace.platform.db.session import Database, make_engine
from medtrace.platform.db.uow import UnitOfWork
from medtrace.registry import load_demo
from medtrace.settings import Settings

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "25"))
#: every answer is one the document declares: its status, its content type, its schema
CONFORMANCE = [status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="module")
def demo_app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder: Path = tmp_path_factory.mktemp("schemathesis")
    url = f"sqlite:///{folder / 'demo.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    db = Database.from_url(url)
    with UnitOfWork(db) as uow:
        load_demo(uow)
    app = create_app(Settings(_env_file=None, database_url=url,  # type: ignore[call-arg]
                              var_dir=folder / "var", log_format="json", log_level="ERROR"),
                     db=db)
    yield app
    db.dispose()


@pytest.fixture(scope="module")
def admin_headers(demo_app: Any) -> dict[str, str]:
    token = TestClient(demo_app).post("/api/v1/auth/token", data={
        "grant_type": "password", "username": "admin", "password": DEMO_PASSWORD}).json()
    return {"Authorization": f"Bearer {token['access_token']}"}


@pytest.mark.parametrize("path", [
    "/api/v1/items/99999999999999999999999",
    "/api/v1/items?offset=99999999999999999999999",
    "/api/v1/inventory/fefo?item_id=1&quantity=1e30",
    "/api/v1/inventory/balances?item_id=-1",
    "/api/v1/approved-suppliers?offset=91897445373476208640",
])
def test_out_of_range_numbers_are_422_problems(demo_app, admin_headers, path):
    response = TestClient(demo_app).get(path, headers=admin_headers)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert response.json()["code"] == "MT-COMMON-VALIDATION"


def test_no_operation_answers_5xx(demo_app, admin_headers):
    """Runs last in this file: its examples change the demo data (even the roles). Every answer
    also conforms to the document: a declared status, content type and schema."""
    headers = admin_headers
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", demo_app)
    failures: dict[str, str] = {}
    nonconforming: dict[str, str] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 50

    def explorer(operation: Any) -> Any:
        name = f"{operation.method.upper()} {operation.path}"

        @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=None,
                             derandomize=True, suppress_health_check=list(HealthCheck),
                             phases=[Phase.explicit, Phase.generate])
        @given(case=operation.as_strategy())
        def explore(case: Any) -> None:
            response = case.call(headers=headers)
            if response.status_code >= 500:
                failures.setdefault(name, f"{response.status_code} {case.path_parameters} "
                                          f"{case.query} {str(case.body)[:200]}")
                return
            try:
                case.validate_response(response, checks=CONFORMANCE)
            except FailureGroup as failure:  # names each broken check
                nonconforming.setdefault(name, f"{response.status_code}: {str(failure)[:400]}")

        return explore

    for operation in operations:
        explorer(operation)()
    assert failures == {}
    assert nonconforming == {}

