"""No request can write megabytes into the append-only audit trail: bodies have a ceiling
(413 problem+json, declared or streamed), every text field a length (422), and each document
file type its own size."""

from __future__ import annotations

from fastapi.testclient import TestClient

from medtrace.app import create_app
from tests.factories.auth import api_token, make_user


def _headers(client, db) -> dict[str, str]:  # type: ignore[no-untyped-def]
    make_user(db, "limits.admin", admin=True)
    return {"Authorization": f"Bearer {api_token(client, 'limits.admin')}"}


def test_a_body_over_the_limit_is_413_declared_or_streamed(settings, db):
    small = settings.model_copy(update={"max_body_bytes": 2048, "max_upload_bytes": 4096})
    with TestClient(create_app(small, db=db), raise_server_exceptions=False) as client:
        headers = _headers(client, db)
        big = client.post("/api/v1/items", headers=headers,
                          json={"code": "BIG", "notes": "x" * 5000})
        assert big.status_code == 413
        assert big.headers["content-type"].startswith("application/problem+json")
        assert big.json()["code"] == "MT-COMMON-TOO-LARGE" and big.json()["limit"] == 2048

        def chunks():  # no Content-Length: counted as it arrives
            yield b'{"code": "BIG", "notes": "'
            for _ in range(10):
                yield b"y" * 1000
            yield b'"}'

        streamed = client.post("/api/v1/items", content=chunks(),
                               headers={**headers, "Content-Type": "application/json"})
        assert streamed.status_code == 413


def test_a_ten_megabyte_note_is_refused_by_its_length(client, db):
    response = client.post("/api/v1/items", headers=_headers(client, db), json={
        "code": "LONG", "name_zh": "长", "name_en": "Long", "notes": "n" * 5000})
    assert response.status_code == 422 and response.json()["code"] == "MT-COMMON-VALIDATION"
    assert any(e["field"].endswith("notes") for e in response.json()["errors"])
