"""One command path per action: a stock move gets the same answer from the service, the API, the
pages and the CLI, because all four build the one input schema (``MoveCreate``) and call the one
service function, which checks permission, reasons, purposes and stock.

The database is a migrated SQLite file with committed data, so that the CLI (a real
subprocess) and the app see the same rows."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from medtrace.app import create_app
from medtrace.modules import inventory
from medtrace.modules.inventory import MoveCreate, queries
from medtrace.platform.auth import service as auth_service
from medtrace.platform.db import migrate
from medtrace.platform.db.session import Database, make_engine
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import DomainError
from medtrace.settings import Settings
from tests.factories.auth import api_token, csrf_from, make_user, web_login
from tests.factories.stock import make_store, receive

MOVER = "one.mover"  # may move stock, not adjust it
ADJUSTER = "one.adjuster"  # may do both

#: (name, who, the move in domain words, the expected answer: None = posted, else the code and
#: the field it names)
CASES: list[tuple[str, str, dict[str, Any], tuple[str, str | None] | None]] = [
    ("transfer", MOVER, {"purpose": "transfer", "quantity": "1", "from": "A-01", "to": "A-02"},
     None),
    ("zero quantity", MOVER,
     {"purpose": "transfer", "quantity": "0", "from": "A-01", "to": "A-02"},
     ("MT-INV-MOVE-INVALID", "quantity")),
    ("more than on hand", MOVER,
     {"purpose": "transfer", "quantity": "100000", "from": "A-01", "to": "A-02"},
     ("MT-INV-INSUFFICIENT", None)),
    ("adjustment without its permission", MOVER,
     {"purpose": "adjustment", "quantity": "1", "from": "A-01", "to": "V-ADJ",
      "reason_code": "lost"}, ("MT-AUTH-FORBIDDEN", None)),
    ("adjustment without a reason", ADJUSTER,
     {"purpose": "adjustment", "quantity": "1", "from": "A-01", "to": "V-ADJ"},
     ("MT-INV-MOVE-INVALID", "reason_code")),
    ("adjustment with an unknown reason", ADJUSTER,
     {"purpose": "adjustment", "quantity": "1", "from": "A-01", "to": "V-ADJ",
      "reason_code": "bogus"}, ("MT-INV-MOVE-INVALID", "reason_code")),
    ("adjustment with a reason", ADJUSTER,
     {"purpose": "adjustment", "quantity": "1", "from": "A-01", "to": "V-ADJ",
      "reason_code": "damaged"}, None),
]


@pytest.fixture(scope="module")
def plant(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("one-path")
    url = f"sqlite:///{folder / 'plant.db'}"
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    db = Database.from_url(url)
    store = make_store(db)
    receive(db, store["cath"], 100, "A-01", lot_id=store["C-1"])
    make_user(db, MOVER, permissions=["inventory.stock.move", "inventory.stock.view"])
    make_user(db, ADJUSTER, permissions=["inventory.stock.move", "inventory.stock.adjust",
                                          "inventory.stock.view"])
    settings = Settings(_env_file=None, database_url=url,  # type: ignore[call-arg]
                        var_dir=folder / "var", log_format="json")
    client = TestClient(create_app(settings, db=db))
    yield {"url": url, "db": db, "store": store, "client": client, "folder": folder}
    client.close()
    db.dispose()


def _schema_fields(plant: Any, move: dict[str, Any]) -> dict[str, Any]:
    fields = {"item_id": plant["store"]["cath"], "lot_id": plant["store"]["C-1"],
              "quantity": move["quantity"], "from_location": move["from"],
              "to_location": move["to"], "purpose": move["purpose"]}
    if "reason_code" in move:
        fields["reason_code"] = move["reason_code"]
    return fields


def _by_service(plant: Any, who: str, move: dict[str, Any]) -> tuple[str, str | None] | None:
    db = plant["db"]
    with UnitOfWork(db, write=False) as uow:
        actor = auth_service.actor_for_user(auth_service.get_user(uow, who))
    try:
        with UnitOfWork(db, context={"actor": actor}) as uow:
            inventory.post_move(uow, move=MoveCreate(**_schema_fields(plant, move)), actor=actor)
    except DomainError as exc:
        fields = [e.get("field") for e in exc.errors or []]
        return exc.code, fields[0] if fields else None
    return None


def _by_api(plant: Any, who: str, move: dict[str, Any]) -> tuple[str, str | None] | None:
    client = plant["client"]
    client.cookies.clear()
    token = api_token(client, who)
    response = client.post("/api/v1/inventory/moves", json=_schema_fields(plant, move),
                           headers={"Authorization": f"Bearer {token}"})
    if response.status_code == 201:
        return None
    body = response.json()
    fields = [e.get("field") for e in body.get("errors") or []]
    return body["code"], fields[0].split(".")[-1] if fields else None


def _by_page(plant: Any, who: str, move: dict[str, Any]) -> tuple[str, str | None] | None:
    client = plant["client"]
    client.cookies.clear()
    assert web_login(client, who).status_code == 303
    adjust = move["purpose"] == "adjustment"
    path = "/inventory/adjust" if adjust else "/inventory/transfer"
    form = {"item": "CATH", "lot": "C-1", "quantity": move["quantity"],
            "csrf_token": csrf_from(client.get("/inventory/transfer").text)}
    if adjust:
        form.update(location=move["from"], direction="out",
                    reason_code=move.get("reason_code", ""))
    else:
        form.update(from_location=move["from"], to_location=move["to"],
                    purpose=move["purpose"])
    response = client.post(path, data=form, follow_redirects=False,
                           headers={"Accept": "text/html"})
    if response.status_code == 303:
        return None
    if response.status_code == 403:
        return "MT-AUTH-FORBIDDEN", None
    page = response.text
    code = next(c for c in ("MT-INV-MOVE-INVALID", "MT-INV-INSUFFICIENT") if c in page)
    marked = [f for f in ("quantity", "reason_code") if f'data-field-error="{f}"' in page]
    return code, marked[0] if marked else None


def _by_cli(plant: Any, who: str, move: dict[str, Any]) -> tuple[str, str | None] | None:
    args = [sys.executable, "-m", "medtrace.cli", "inventory", "move", "--user", who,
            "--item-id", str(plant["store"]["cath"]), "--lot-id", str(plant["store"]["C-1"]),
            "--quantity", move["quantity"], "--from", move["from"], "--to", move["to"],
            "--purpose", move["purpose"]]
    if "reason_code" in move:
        args += ["--reason-code", move["reason_code"]]
    env = {**os.environ, "MEDTRACE_DATABASE_URL": plant["url"],
           "MEDTRACE_VAR_DIR": str(Path(plant["folder"]) / "var"), "MEDTRACE_LOG_LEVEL": "ERROR"}
    done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=120,
                          check=False)
    if done.returncode == 0:
        assert json.loads(done.stdout.strip().splitlines()[-1])["purpose"] == move["purpose"]
        return None
    assert done.returncode == 1, done.stderr
    body = json.loads(done.stderr.strip().splitlines()[-1])
    fields = [e.get("field") for e in body.get("errors") or []]
    return body["code"], fields[0].split(".")[-1] if fields else None


def _on_hand(plant: Any, location: str) -> Decimal:
    with UnitOfWork(plant["db"], write=False) as uow:
        rows, _ = queries.balances(uow, queries.BalanceFilter(
            location=inventory.get_location_or_raise(uow, location),
            lot_id=plant["store"]["C-1"]), limit=10, offset=0)
    return sum((Decimal(str(r["quantity"])) for r in rows), Decimal(0))


@pytest.mark.parametrize(("name", "who", "move", "expected"), CASES,
                         ids=[case[0] for case in CASES])
def test_service_api_pages_and_cli_answer_a_move_alike(plant, name, who, move, expected):
    before = _on_hand(plant, "A-01")
    answers = {path: ask(plant, who, move) for path, ask in (
        ("service", _by_service), ("api", _by_api), ("pages", _by_page), ("cli", _by_cli))}
    if expected is not None and expected[1] is None:  # only the code is compared
        answers = {path: (answer[0], None) if answer else None
                   for path, answer in answers.items()}
    assert answers == dict.fromkeys(answers, expected), name
    moved = Decimal(move["quantity"]) * (4 if expected is None else 0)
    assert _on_hand(plant, "A-01") == before - moved
