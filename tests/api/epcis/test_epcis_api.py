"""EPCIS 2.0 through HTTP with a bearer token: capture (JSON-LD, refusals as problem+json,
idempotency), export of a trace or a time window (validating against the official schema,
paged with a Link header, a query count that does not grow with the events), permissions, and
the 503 answer when the schema is not configured."""

from __future__ import annotations

import copy
import json
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event

import medtrace.settings as settings_module
from medtrace.modules.traceability.epcis import rules as ids
from medtrace.modules.traceability.permissions import EPCIS_CAPTURE, TRACE_VIEW
from tests.factories import epcis as ex
from tests.factories.auth import api_token, make_user

LD = {"Content-Type": "application/ld+json"}
WINDOW = "/api/v1/epcis/events?from=1990-01-01T00:00:00Z&to=2100-01-01T00:00:00%2B08:00"


def _bearer(client, db, name, permissions):  # type: ignore[no-untyped-def]
    make_user(db, name, permissions=permissions)
    return {"Authorization": f"Bearer {api_token(client, name)}"}


@pytest.fixture
def clerk(client, db):  # type: ignore[no-untyped-def]
    ex.schema_path()  # skips without the reference folder
    return _bearer(client, db, "epcis.clerk", [EPCIS_CAPTURE, TRACE_VIEW])


def _post(client, headers, document, **extra):  # type: ignore[no-untyped-def]
    return client.post("/api/v1/epcis/capture", content=json.dumps(document),
                       headers={**headers, **LD, **extra})


@contextmanager
def _counting(db):  # type: ignore[no-untyped-def]
    statements: list[str] = []

    def count(_conn, _cursor, statement, *_args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(db.bind, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.bind, "before_cursor_execute", count)


def test_capture_then_export_through_http(client, db, clerk):
    document = ex.example("Example_9.6.1")
    ex.make_items_for(db, document)
    answer = _post(client, clerk, document)
    assert answer.status_code == 201, answer.text
    assert answer.json()["captured"] == [e["eventID"] for e in ex.events_of(document)]
    assert answer.json()["created"] == {"lots": 0, "units": 2, "containers": 0}
    exported = client.get(WINDOW, headers=clerk)
    assert exported.status_code == 200, exported.text
    assert exported.headers["content-type"].startswith("application/ld+json")
    assert exported.headers["GS1-EPCIS-Version"] == "2.0.0"
    body = exported.json()
    ex.assert_valid(body)
    ex.assert_same_events(document, body)
    unit = ids.sgtin_dl("10614141073464", "2018")
    timeline = client.get("/api/v1/epcis/events", params={"code": unit}, headers=clerk).json()
    ex.assert_valid(timeline)
    assert [e["bizStep"] for e in ex.events_of(timeline)] == ["shipping", "receiving"]
    # A second capture of the same events records nothing and says so.
    again = _post(client, clerk, document)
    assert again.status_code == 200
    assert again.json()["captured"] == [] and len(again.json()["skipped"]) == 2


def test_every_official_example_goes_through_http(client, db, clerk):
    for path in ex.EXAMPLES:
        document = ex.load(path)
        ex.make_items_for(db, document)
        assert _post(client, clerk, document).status_code == 201, path.name
    body = client.get(WINDOW, headers=clerk).json()
    ex.assert_valid(body)
    for path in ex.EXAMPLES:
        ex.assert_same_events(ex.load(path), body)


def test_a_schema_error_is_a_problem_listing_every_error_and_records_nothing(client, db, clerk):
    document = ex.example("Example_9.6.1")
    ex.make_items_for(db, document)
    broken = copy.deepcopy(document)
    broken["epcisBody"]["eventList"][0]["eventTime"] = "yesterday"
    broken["epcisBody"]["eventList"][1]["action"] = "MOVE"
    answer = _post(client, clerk, broken)
    assert answer.status_code == 422
    assert answer.headers["content-type"].startswith("application/problem+json")
    problem = answer.json()
    assert problem["code"] == "MT-TRACE-EVENT-INVALID"
    fields = {e["field"] for e in problem["errors"]}
    assert {"epcisBody.eventList.0.eventTime", "epcisBody.eventList.1.action"} <= fields
    assert ex.events_of(client.get(WINDOW, headers=clerk).json()) == []


def test_an_unknown_gtin_is_refused_with_the_field_that_names_it(client, db, clerk):
    document = ex.example("Example_9.6.2")  # no item made for its GTIN
    answer = _post(client, clerk, document)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "epcisBody.eventList.0.quantityList.0.epcClass"
    assert "70614141123451" in answer.json()["errors"][0]["message"]


def test_the_idempotency_key_replays_the_first_answer(client, db, clerk):
    document = ex.example("Example_9.6.3")
    ex.make_items_for(db, document)
    key = {"Idempotency-Key": "epcis-capture-0001"}
    first = _post(client, clerk, document, **key)
    second = _post(client, clerk, document, **key)
    assert first.status_code == second.status_code == 201
    assert second.headers.get("Idempotent-Replayed") == "true"
    assert second.json() == first.json()


def test_permissions(client, db, clerk):
    viewer = _bearer(client, db, "epcis.viewer", [TRACE_VIEW])
    nobody = _bearer(client, db, "epcis.nobody", [])
    document = ex.example("Example_9.6.1")
    assert _post(client, viewer, document).status_code == 403
    assert client.get(WINDOW, headers=nobody).status_code == 403
    assert client.get(WINDOW).status_code == 401
    assert client.get(WINDOW, headers=viewer).status_code == 200


def test_without_schema_capture_answers_503_and_export_still_works(client, db, clerk,
                                                                    monkeypatch, tmp_path):
    monkeypatch.setattr(settings_module, "EPCIS_SCHEMA_FALLBACK", Path("no-such-schema.json"))
    client.app.state.settings = client.app.state.settings.model_copy(
        update={"epcis_schema_path": tmp_path / "missing.json"})
    answer = _post(client, clerk, ex.example("Example_9.6.1"))
    assert answer.status_code == 503
    assert answer.json()["code"] == "MT-TRACE-EPCIS-SCHEMA-MISSING"
    assert "MEDTRACE_EPCIS_SCHEMA_PATH" in answer.json()["detail"]
    assert client.get(WINDOW, headers=clerk).status_code == 200


def test_pages_follow_the_link_header_and_queries_do_not_grow(client, db, clerk):
    document = ex.example("Example_9.6.1")
    ex.make_items_for(db, document)
    _post(client, clerk, document)
    first = client.get(WINDOW + "&limit=1", headers=clerk)
    assert len(ex.events_of(first.json())) == 1
    link = first.headers["Link"]
    assert link.endswith('>; rel="next"') and "offset=1" in link
    following = client.get(link[1:link.index(">")], headers=clerk)
    assert len(ex.events_of(following.json())) == 1 and "Link" not in following.headers
    with _counting(db) as few:
        client.get(WINDOW, headers=clerk)
    more = copy.deepcopy(document)
    for n, original in enumerate(ex.events_of(more) * 10):
        copy_ = copy.deepcopy(original) | {"eventID": f"urn:uuid:00000000-0000-4000-8000-{n:012d}"}
        more["epcisBody"]["eventList"].append(copy_)
    assert _post(client, clerk, more).status_code == 201
    with _counting(db) as many:
        body = client.get(WINDOW, headers=clerk).json()
    assert len(ex.events_of(body)) == 22
    assert len(many) == len(few) <= 20


def test_bad_queries_are_refused(client, db, clerk):
    naive = client.get("/api/v1/epcis/events?from=2026-01-01T00:00:00", headers=clerk)
    assert naive.status_code == 422 and naive.json()["code"] == "MT-TRACE-INVALID"
    nothing = client.get("/api/v1/epcis/events", headers=clerk)
    assert nothing.status_code == 422
    direction = client.get("/api/v1/epcis/events?code=X&direction=sideways", headers=clerk)
    assert direction.status_code == 422
    unknown = client.get("/api/v1/epcis/events?code=NOPE-1", headers=clerk)
    assert unknown.status_code == 404 and unknown.json()["code"] == "MT-TRACE-NOT-FOUND"
    not_json = client.post("/api/v1/epcis/capture", content=b"[1, 2]",
                           headers={**clerk, "Content-Type": "application/json"})
    assert not_json.status_code == 422 and not_json.json()["code"] == "MT-TRACE-EVENT-INVALID"
