"""An integrator's view of the OpenAPI document: generate a Python client from the live
document with openapi-python-client, then sign in, record a small genealogy and trace it
backward through the generated client against the real server, getting typed objects.

openapi-python-client pins older typer and httpx than the app uses, so it is installed (an
exact version, from the package index) into a virtual environment of its own, kept in the
user's cache directory between runs; the generated code itself runs in the test's interpreter
(it needs only httpx and attrs, which the app's environment has)."""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import sys
import venv
from pathlib import Path
from typing import Any

import httpx
import pytest

from medtrace.platform.auth.demo import DEMO_PASSWORD

GENERATOR = "openapi-python-client==0.29.1"


def _generator() -> Path:
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    home = cache / "medtrace-tests" / GENERATOR.replace("==", "-")
    binary = home / "bin" / "openapi-python-client"
    if not binary.exists():
        venv.create(home, with_pip=True, clear=True)
        subprocess.run([str(home / "bin" / "python"), "-m", "pip", "install", "-q", GENERATOR],
                       check=True, timeout=600)
    return home / "bin"


@pytest.fixture(scope="module")
def client_package(live_server: str, tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("client")
    spec = folder / "openapi.json"
    spec.write_text(json.dumps(httpx.get(f"{live_server}/api/v1/openapi.json").json()))
    tools = _generator()
    env = dict(os.environ, PATH=f"{tools}{os.pathsep}{os.environ.get('PATH', '')}")
    done = subprocess.run(
        [str(tools / "openapi-python-client"), "generate", "--path", str(spec),
         "--output-path", str(folder / "medtrace_client"), "--meta", "none"],
        capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    sys.path.insert(0, str(folder))
    try:
        yield importlib.import_module("medtrace_client")
    finally:
        sys.path.remove(str(folder))
        for name in [n for n in sys.modules if n.split(".")[0] == "medtrace_client"]:
            del sys.modules[name]


def test_a_trace_through_the_generated_client_is_typed(client_package, live_server):
    def load(name: str) -> Any:
        return importlib.import_module(f"medtrace_client.{name}")

    client_module, models = load("client"), load("models")
    issue_token = load("api.auth.issue_token")
    token = issue_token.sync(client=client_module.Client(base_url=live_server),
                             body=models.BodyIssueToken(grant_type="password", username="admin",
                                                        password=DEMO_PASSWORD))
    assert isinstance(token, models.TokenResponse), token
    client = client_module.AuthenticatedClient(base_url=live_server, token=token.access_token)

    items = load("api.catalog.list_items").sync(client=client, q="PCB-MAIN")
    assert isinstance(items, models.ItemPage)
    pcb = next(item for item in items.items if item.code == "PCB-MAIN")
    create_lot = load("api.traceability.create_lot")
    component = create_lot.sync(client=client, body=models.LotCreate(item_id=pcb.id,
                                                                     number="GC-P0"))
    batch = create_lot.sync(client=client, body=models.LotCreate(item_id=pcb.id, number="GC-P1"))
    load("api.traceability.create_link").sync(client=client, body=models.LinkIn(
        child_id=component["id"], parent_id=batch["id"], kind=models.LinkInKind.SPLIT))

    answer = load("api.traceability.trace_backward").sync(client=client, code="GC-P1",
                                                           item="PCB-MAIN")
    assert isinstance(answer, models.TraceBackward), answer
    assert isinstance(answer.root, models.TraceRoot)
    assert answer.root.lot == "GC-P1"
    assert [type(lot) for lot in answer.lots] == [models.BackwardLot]
    assert answer.lots[0].lot == "GC-P0" and answer.lots[0].item == "PCB-MAIN"

    refused = load("api.traceability.trace_backward").sync(client=client, code="NO-SUCH-LOT")
    assert isinstance(refused, models.Problem)
    assert refused.status == 404 and refused.code.startswith("MT-")
