"""The HTTP shell through the real app: health, readiness, problems, request ids, metrics,
languages."""

from __future__ import annotations

import logging

import pytest
from fastapi import APIRouter
from fastapi.testclient import TestClient
from pydantic import BaseModel, Field

from medtrace.app import create_app
from medtrace.platform.db.session import Database
from medtrace.platform.db.uow import UnitOfWork
from medtrace.registry import load_demo
from medtrace.settings import Settings

PROBLEM = "application/problem+json"


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"/api/v1/errors/{code}"
    assert body["title"] and body["detail"]
    assert body["request_id"] == response.headers["x-request-id"]
    return body


def test_healthz_answers_without_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_readyz_is_200_when_the_schema_is_at_head(client):
    response = client.get("/readyz")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ready" and body["schema"] == "at head"


def test_readyz_is_503_problem_when_the_schema_is_not_migrated(tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    settings = Settings(_env_file=None, database_url=url, var_dir=tmp_path)
    with TestClient(create_app(settings)) as client:
        body = assert_problem(client.get("/readyz"), 503, "MT-COMMON-NOT-READY")
    assert "medtrace db upgrade" in body["detail"]
    assert body["schema"] == "behind"


def test_readyz_is_503_problem_when_postgresql_is_down(tmp_path):
    # Nothing listens on port 1: the connection is refused at once.
    settings = Settings(
        _env_file=None,
        database_url="postgresql://postgres@127.0.0.1:1/medtrace",
        var_dir=tmp_path,
        db_connect_timeout=2,
    )
    with TestClient(create_app(settings)) as client:
        body = assert_problem(client.get("/readyz"), 503, "MT-COMMON-NOT-READY")
        assert body["database"] == "unreachable"
        assert "127.0.0.1" not in body["detail"]
        assert client.get("/healthz").status_code == 200


def test_unknown_api_path_is_a_404_problem(client):
    body = assert_problem(client.get("/api/v1/no-such-thing"), 404, "MT-COMMON-NOT-FOUND")
    assert body["instance"] == "/api/v1/no-such-thing"


def test_wrong_method_is_a_405_problem(client):
    assert_problem(client.post("/healthz"), 405, "MT-COMMON-METHOD-NOT-ALLOWED")


def test_problem_titles_follow_the_language(client):
    zh = client.get("/api/v1/nothing", headers={"Accept-Language": "zh-CN"}).json()
    en = client.get("/api/v1/nothing", headers={"Accept-Language": "en"}).json()
    assert zh["title"] == "未找到。"
    assert en["title"] == "Not found."
    assert zh["code"] == en["code"] == "MT-COMMON-NOT-FOUND"


def test_a_browser_gets_an_error_page_in_its_language(client):
    response = client.get("/nowhere", headers={"Accept": "text/html", "Accept-Language": "en"})
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "MT-COMMON-NOT-FOUND" in response.text
    assert "Not found." in response.text


def test_error_type_points_at_a_description(client):
    body = client.get("/api/v1/errors/MT-COMMON-NOT-FOUND", headers={"Accept-Language": "en"})
    assert body.status_code == 200
    assert body.json()["status"] == 404
    codes = [e["code"] for e in client.get("/api/v1/errors").json()]
    assert "MT-COMMON-VALIDATION" in codes and codes == sorted(codes)


class _Body(BaseModel):
    quantity: int = Field(gt=0)
    lot: str


@pytest.fixture
def probe_client(settings: Settings, db: Database):
    """The real app plus two probe routes that exercise the error handlers."""
    app = create_app(settings, db=db)
    router = APIRouter(prefix="/api/v1/test-probe")

    @router.post("/validate")
    def validate(body: _Body) -> dict:
        return {"ok": True}

    @router.get("/crash")
    def crash() -> dict:
        raise RuntimeError("secret connection string postgres://user:pw@db")

    app.include_router(router)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client


def test_validation_errors_are_problems_with_one_entry_per_field(probe_client):
    response = probe_client.post("/api/v1/test-probe/validate", json={"quantity": 0})
    body = assert_problem(response, 422, "MT-COMMON-VALIDATION")
    fields = {e["field"]: e for e in body["errors"]}
    assert set(fields) == {"body.quantity", "body.lot"}
    assert all(e["message"] and e["type"] for e in body["errors"])


def test_malformed_json_is_a_validation_problem(probe_client):
    response = probe_client.post(
        "/api/v1/test-probe/validate",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert_problem(response, 422, "MT-COMMON-VALIDATION")


def test_an_unexpected_failure_reveals_no_internals(probe_client):
    response = probe_client.get("/api/v1/test-probe/crash", headers={"X-Request-ID": "req-42"})
    body = assert_problem(response, 500, "MT-COMMON-INTERNAL")
    assert body["request_id"] == "req-42"
    assert "secret" not in response.text and "Traceback" not in response.text
    assert "RuntimeError" not in response.text


def test_request_id_is_echoed_or_generated(client):
    given = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert given.headers["x-request-id"] == "abc-123"
    generated = client.get("/healthz")
    assert len(generated.headers["x-request-id"]) == 32
    hostile = client.get("/healthz", headers={"X-Request-ID": "a b\r\nSet-Cookie: x=y"})
    assert hostile.headers["x-request-id"] != "a b\r\nSet-Cookie: x=y"


def _metric(text: str, name: str, **labels: str) -> float:
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    for line in text.splitlines():
        if line.startswith(f"{name}{{") and all(
            f'{k}="{v}"' in line for k, v in labels.items()
        ):
            return float(line.rsplit(" ", 1)[1])
    raise AssertionError(f"{name}{{{wanted}}} not found")


def test_metrics_count_requests_by_route_template(settings, db):
    from pydantic import SecretStr

    from medtrace.app import create_app

    scraping = settings.model_copy(update={"metrics_token": SecretStr("scrape-me-0123456789")})
    client = TestClient(create_app(scraping, db=db))
    assert client.get("/metrics").status_code == 403  # neither the token nor an allowed address
    scraper = {"Authorization": "Bearer scrape-me-0123456789"}
    client.get("/healthz")
    before = _metric(client.get("/metrics", headers=scraper).text,
                     "medtrace_http_requests_total", route="/healthz", status="200")
    for _ in range(3):
        client.get("/healthz")
    client.get("/api/v1/errors/MT-COMMON-NOT-FOUND")
    text = client.get("/metrics", headers=scraper).text
    assert _metric(text, "medtrace_http_requests_total", route="/healthz", status="200") == (
        before + 3
    )
    assert _metric(text, "medtrace_http_requests_total", route="/api/v1/errors/{code}",
                   status="200") >= 1
    assert _metric(text, "medtrace_http_request_duration_seconds_count", route="/healthz") >= 4
    assert "medtrace_db_pool_connections" in text


def test_every_request_is_logged_with_its_id_and_route(client, caplog):
    caplog.set_level(logging.INFO, logger="medtrace.access")
    client.get("/healthz", headers={"X-Request-ID": "log-me"})
    events = [r.msg for r in caplog.records if r.name == "medtrace.access"]
    entry = next(e for e in events if isinstance(e, dict) and e.get("request_id") == "log-me")
    assert entry["route"] == "/healthz" and entry["status"] == 200
    assert entry["duration_ms"] >= 0 and entry["method"] == "GET"


def test_openapi_and_docs_are_served(client):
    spec = client.get("/api/v1/openapi.json")
    assert spec.status_code == 200
    assert spec.json()["info"]["title"] == "MedTrace API"
    assert client.get("/api/v1/docs").status_code == 200


def test_pages_speak_chinese_by_default_and_english_on_request(client):
    zh = client.get("/login", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert zh.status_code == 200
    assert '<html lang="zh-CN">' in zh.text and "登录" in zh.text
    en = client.get("/login", headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="en">' in en.text and "Sign in" in en.text
    default = client.get("/login")
    assert '<html lang="zh-CN">' in default.text


def test_signed_in_home_page_follows_the_language_switch(admin_client):
    client = admin_client
    zh = client.get("/")
    assert "欢迎使用 MedTrace" in zh.text  # the user's stored language (zh_CN) after sign-in
    client.get("/lang/en")
    en = client.get("/", headers={"Accept-Language": "zh-CN"})
    assert '<html lang="en">' in en.text and "Welcome to MedTrace" in en.text


def test_language_cookie_beats_the_browser(admin_client):
    client = admin_client
    switched = client.get("/lang/en?next=/system", follow_redirects=False)
    assert switched.status_code == 303
    assert switched.headers["location"] == "/system"
    assert "medtrace_lang=en" in switched.headers["set-cookie"]
    page = client.get("/", headers={"Accept-Language": "zh-CN"})
    assert "Welcome to MedTrace" in page.text
    assert_problem(client.get("/lang/klingon", headers={"Accept": "*/*"}), 404,
                   "MT-COMMON-NOT-FOUND")


def test_home_page_shows_figures_from_the_database(admin_client, db):
    client = admin_client
    with UnitOfWork(db) as uow:
        result = load_demo(uow)
    assert result.loaded
    client.get("/lang/en")
    page = client.get("/")
    assert "Huakang Medical Devices Co., Ltd." in page.text
    assert 'data-panel="system"' in page.text
    dialect = "SQLite" if db.dialect == "sqlite" else "PostgreSQL"
    assert dialect in page.text
    client.get("/lang/zh_CN")
    zh = client.get("/")
    assert "华康医疗器械有限公司" in zh.text


def test_system_page_reports_readiness(admin_client):
    client = admin_client
    client.get("/lang/en")
    page = client.get("/system")
    assert page.status_code == 200
    assert "System status" in page.text
    assert "Ready" in page.text


def test_static_assets_are_served_by_the_app(admin_client):
    client = admin_client
    css = client.get("/static/css/medtrace.css")
    assert css.status_code == 200 and "text/css" in css.headers["content-type"]
    home = client.get("/").text
    assert "http://" not in home.split("<body>")[0].replace('http://www.w3.org', '')


def test_x_forwarded_for_is_believed_only_from_a_configured_proxy(settings, db):
    from sqlalchemy import select

    from medtrace.app import create_app
    from medtrace.platform.auth.models import LoginEvent
    from medtrace.platform.db.uow import UnitOfWork

    def address_of_a_failed_sign_in(app_settings, name):  # type: ignore[no-untyped-def]
        client = TestClient(create_app(app_settings, db=db))
        client.post("/api/v1/auth/token", headers={"X-Forwarded-For": "203.0.113.7"},
                    data={"grant_type": "password", "username": name, "password": "x"})
        with UnitOfWork(db, write=False) as uow:
            return uow.session.scalar(select(LoginEvent.ip).where(LoginEvent.username == name))

    assert address_of_a_failed_sign_in(settings, "spoofer") == "testclient"
    behind_proxy = settings.model_copy(update={"trusted_proxies": "testclient"})
    assert address_of_a_failed_sign_in(behind_proxy, "proxied") == "203.0.113.7"


def test_authenticated_answers_are_not_cached_and_assets_are(admin_client):
    page = admin_client.get("/")
    assert page.headers["cache-control"] == "no-store"
    assert "camera=(self)" in page.headers["permissions-policy"]
    api = admin_client.get("/api/v1/auth/me")
    assert api.headers["cache-control"] == "no-store"
    asset = admin_client.get("/static/css/medtrace.css")
    assert asset.status_code == 200 and "no-store" not in asset.headers.get("cache-control", "")


def test_the_language_choice_is_kept_on_the_user_across_sign_ins(client, db):
    from tests.factories.auth import make_user, web_login

    make_user(db, "english.user")
    assert web_login(client, "english.user").status_code == 303
    client.get("/lang/en", follow_redirects=False)
    client.post("/logout")
    client.cookies.clear()  # another browser
    assert web_login(client, "english.user").status_code == 303
    home = client.get("/")
    assert '<html lang="en"' in home.text
