"""Numbering rules through the API (define, change, list, preview, refusals in problem+json,
permission) and lots and units created over HTTP without a number; the CLI."""

from __future__ import annotations

from typer.testing import CliRunner

from medtrace import settings as settings_module
from medtrace.modules.traceability.permissions import TRACE_RECORD
from medtrace.platform.db import migrate
from medtrace.platform.db.session import Database, make_engine
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.numbering import save_rule
from medtrace.platform.numbering.api import ADMIN_NUMBERING
from medtrace.platform.numbering.cli import app as numbering_cli
from tests.factories.auth import api_token, make_user
from tests.factories.clock import plant_today
from tests.factories.trace import make_item

LOT_RULE = {"scope": "traceability.lot", "pattern": "L{YYMMDD}{SEQ:3}", "reset": "daily",
            "description": "Lots, by day of manufacture"}


def _headers(client, db, username: str, permissions: list[str]) -> dict[str, str]:  # type: ignore[no-untyped-def]
    make_user(db, username, permissions=permissions)
    return {"Authorization": f"Bearer {api_token(client, username)}"}


def test_rules_are_defined_listed_and_previewed_without_issuing(client, db):
    admin = _headers(client, db, "num.admin", [ADMIN_NUMBERING])
    created = client.post("/api/v1/numbering/rules", json=LOT_RULE, headers=admin)
    assert created.status_code == 200, created.text
    rule = created.json()
    assert {k: rule[k] for k in LOT_RULE} == LOT_RULE
    assert rule["check"] == "none" and rule["active"] is True

    changed = client.post("/api/v1/numbering/rules", headers=admin, json={
        **LOT_RULE, "pattern": "LT{YYMMDD}{SEQ:4}", "check": "iso7064_mod37_36"})
    assert changed.status_code == 200 and changed.json()["id"] == rule["id"]
    client.post("/api/v1/numbering/rules", headers=admin, json={
        "scope": "traceability.serial:item:9", "pattern": "SN{SEQ:8}"})

    listed = client.get("/api/v1/numbering/rules?kind=traceability.lot", headers=admin).json()
    assert listed["total"] == 1 and listed["items"][0]["pattern"] == "LT{YYMMDD}{SEQ:4}"
    assert client.get("/api/v1/numbering/rules?q=SN", headers=admin).json()["total"] == 1
    one = client.get(f"/api/v1/numbering/rules/{rule['id']}", headers=admin)
    assert one.status_code == 200 and one.json()["scope"] == "traceability.lot"
    missing = client.get("/api/v1/numbering/rules/999999", headers=admin)
    assert missing.status_code == 404 and missing.json()["code"] == "MT-NUMBERING-NOT-FOUND"
    kinds = client.get("/api/v1/numbering/kinds", headers=admin).json()
    assert {"traceability.lot", "traceability.serial"} <= set(kinds)

    for _ in range(2):  # previews issue nothing
        shown = client.post("/api/v1/numbering/preview", headers=admin, json={
            "scope": "traceability.lot", "count": 2, "date": "2026-11-22"})
        assert shown.status_code == 200, shown.text
        numbers = shown.json()["numbers"]
        assert [n[:-1] for n in numbers] == ["LT2611220001", "LT2611220002"]
        assert shown.json()["period"] == "2026-11-22"
    draft = client.post("/api/v1/numbering/preview", headers=admin, json={
        "pattern": "{YYDDD}{SEQ:1}", "reset": "daily", "count": 12, "date": "2026-02-01"})
    assert draft.json()["numbers"][:2] == ["260321", "260322"] and draft.json()["exhausted"]


def test_bad_rules_are_refused_with_every_problem_named(client, db):
    admin = _headers(client, db, "num.admin", [ADMIN_NUMBERING])
    response = client.post("/api/v1/numbering/rules", headers={**admin, "Accept-Language": "en"},
                           json={"scope": "traceability.lot", "pattern": "批号-{MM}{SEQ:19}",
                                 "reset": "yearly"})
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "MT-NUMBERING-RULE-INVALID"
    messages = " | ".join(e["message"] for e in problem["errors"])
    assert "GS1 character set 82" in messages and "1 to 12 digits" in messages
    assert "must show" in messages and "at most 20" in messages
    chinese = client.post("/api/v1/numbering/rules", headers={**admin, "Accept-Language": "zh-CN"},
                          json={"scope": "nowhere.thing", "pattern": "{SEQ:3}"})
    assert chinese.status_code == 422 and chinese.json()["title"] == "编号规则无效。"
    unknown = client.post("/api/v1/numbering/rules", headers=admin,
                          json={**LOT_RULE, "reset": "weekly"})
    assert unknown.status_code == 422 and unknown.json()["code"] == "MT-COMMON-VALIDATION"
    assert client.get("/api/v1/numbering/rules", headers=admin).json()["total"] == 0


def test_only_numbering_administrators_see_the_rules(client, db):
    clerk = _headers(client, db, "clerk", [TRACE_RECORD])
    assert client.get("/api/v1/numbering/rules", headers=clerk).status_code == 403
    assert client.post("/api/v1/numbering/preview", headers=clerk,
                       json={"scope": "traceability.lot"}).status_code == 403
    assert client.get("/api/v1/numbering/rules").status_code == 401


def test_lots_and_units_created_without_a_number_are_numbered(client, db):
    stent = make_item(db, "STENT", tracking="lot")
    pump = make_item(db, "PUMP", tracking="serial")
    with UnitOfWork(db) as uow:
        save_rule(uow, **LOT_RULE)
        save_rule(uow, scope=f"traceability.serial:item:{pump}", pattern="PU{YY}{SEQ:5}",
                  reset="yearly")
    clerk = _headers(client, db, "clerk", [TRACE_RECORD])
    today = plant_today()
    lots = [client.post("/api/v1/lots", headers=clerk, json={"item_id": stent})
            for _ in range(2)]
    assert [r.status_code for r in lots] == [201, 201], lots[0].text
    assert [r.json()["lot"] for r in lots] == [f"L{today:%y%m%d}001", f"L{today:%y%m%d}002"]
    typed = client.post("/api/v1/lots", headers=clerk, json={"item_id": stent, "number": "X-1"})
    assert typed.status_code == 201 and typed.json()["lot"] == "X-1"
    empty = client.post("/api/v1/lots", headers=clerk, json={"item_id": stent, "number": ""})
    assert empty.status_code == 422
    unit = client.post("/api/v1/units", headers=clerk, json={"item_id": pump})
    assert unit.status_code == 201 and unit.json()["serial"] == f"PU{today:%y}00001"
    other = make_item(db, "OTHER", tracking="serial")
    refused = client.post("/api/v1/units", headers=clerk, json={"item_id": other})
    assert refused.status_code == 422 and refused.json()["code"] == "MT-NUMBERING-NO-RULE"


def test_the_cli_defines_lists_and_previews_rules(scratch, monkeypatch):
    url = scratch.new_url("sqlite")
    engine = make_engine(url)
    migrate.upgrade(engine)
    monkeypatch.setenv("MEDTRACE_DATABASE_URL", url)
    settings_module.get_settings.cache_clear()
    try:
        runner = CliRunner()
        saved = runner.invoke(numbering_cli, ["set", "traceability.lot", "L{YYYY}{SEQ:3}",
                                              "--reset", "yearly"])
        assert saved.exit_code == 0, saved.output
        assert runner.invoke(numbering_cli, ["rules"]).output.split() == [
            "traceability.lot", "L{YYYY}{SEQ:3}", "yearly", "none", "active"]
        shown = runner.invoke(numbering_cli, ["preview", "traceability.lot", "--count", "2",
                                              "--date", "2026-03-01"])
        assert (shown.exit_code, shown.output.split()) == (0, ["L2026001", "L2026002"])
        bad = runner.invoke(numbering_cli, ["set", "traceability.lot", "L{SEQ:3}{SEQ:2}"])
        assert bad.exit_code == 1 and "MT-NUMBERING-RULE-INVALID" in bad.output
        missing = runner.invoke(numbering_cli, ["preview", "traceability.serial"])
        assert missing.exit_code == 1 and "MT-NUMBERING-NOT-FOUND" in missing.output
        with UnitOfWork(Database(engine), write=False) as uow:
            from medtrace.platform.numbering import list_rules
            assert list_rules(uow)[1] == 1
    finally:
        settings_module.get_settings.cache_clear()
        engine.dispose()
