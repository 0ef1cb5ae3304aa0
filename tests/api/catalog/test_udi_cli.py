"""`medtrace udi parse CODE|-` answers what `POST /api/v1/udi/parse` answers, one JSON object per
line for standard input, and answers a line as soon as it arrives."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import threading

import pytest
from fastapi.testclient import TestClient

from medtrace.app import create_app
from medtrace.modules.catalog.cli import _blocks
from medtrace.modules.catalog.permissions import ITEM_EDIT, ITEM_VIEW
from medtrace.platform.db import migrate
from medtrace.platform.db.session import Database, make_engine
from medtrace.settings import Settings
from tests.api.catalog.test_items_api import PUMP
from tests.factories.auth import api_token, make_user
from tests.platform.test_cli_startup import PROBE, run_cli, split_output

GS = "\x1d"
SCANS = [
    "]d2011697123456001517280229" + "10LOT-7" + GS + "21SN0042",  # the case of PUMP
    "(01)06971234560018(17)290630(21)SN0042",  # its unit, human-readable
    "https://id.gs1.org/01/06971234560018/21/SN0043?17=290630",  # Digital Link
    "(01)16971234560016(17)291301",  # wrong check digit, month 13
    "(01)09506000134352(10)ABC",  # a GTIN the catalog does not know
    "+A123BJC5D6E71X",  # HIBCC with a wrong check character
    "=/A9999XYZ100T0944=,000025",  # ISBT 128
    "no UDI at all",
]


@pytest.fixture
def catalog_database(scratch, tmp_path):
    """A committed SQLite database with PUMP in its catalog (a separate process must see it),
    and an API client on it."""
    url = scratch.new_url("sqlite")
    engine = make_engine(url)
    migrate.upgrade(engine)
    db = Database(engine)
    settings = Settings(_env_file=None, database_url=url, var_dir=tmp_path / "var",  # type: ignore[call-arg]
                        log_format="json")
    with TestClient(create_app(settings, db=db), raise_server_exceptions=False) as client:
        make_user(db, "scanner", permissions=[ITEM_VIEW, ITEM_EDIT])
        headers = {"Authorization": f"Bearer {api_token(client, 'scanner')}"}
        assert client.post("/api/v1/items", json=PUMP, headers=headers).status_code == 201
        yield url, client, headers
    engine.dispose()


@pytest.mark.parametrize(("lang", "accept"), [("zh_CN.UTF-8", "zh-CN"), ("en_US.UTF-8", "en")])
def test_the_cli_answers_what_the_api_answers(catalog_database, tmp_path, lang, accept):
    url, client, headers = catalog_database
    api = [client.post("/api/v1/udi/parse", json={"code": code},
                       headers={**headers, "Accept-Language": accept}).json() for code in SCANS]
    done = run_cli(["udi", "parse", "-"], tmp_path, database_url=url, lang=lang,
                   stdin="".join(code + "\n" for code in SCANS))
    output, _modules = split_output(done)
    assert done.returncode == 1, done.stderr  # some of the scans have errors
    assert [json.loads(line) for line in output.splitlines()] == api
    assert api[0]["item"]["packaging_level"] == 1 and api[1]["item"]["packaging_level"] == 0
    assert api[0]["item"]["name"] == ("输液泵" if accept == "zh-CN" else "Infusion pump")
    one = run_cli(["udi", "parse", SCANS[1]], tmp_path, database_url=url, lang=lang)
    assert one.returncode == 0 and json.loads(split_output(one)[0]) == api[1]


def test_stdin_gives_one_object_per_non_blank_line_and_exit_1(tmp_path):
    lines = ["(01)09506000134352(17)261231(10)ABC(21)123", "", "   ",
             "]d201095060001343521726123110ABC\\x1d21123",  # GS typed as an escape
             "bad!", "(01)09506000134352\r", "=/A9999XYZ100T0944"]
    done = run_cli(["udi", "parse", "-"], tmp_path, stdin="\n".join(lines))  # no final newline
    output, _modules = split_output(done)
    answers = [json.loads(line) for line in output.splitlines()]
    assert done.returncode == 1
    assert [a["agency"] for a in answers] == ["GS1", "GS1", None, "GS1", "ICCBBA"]
    assert answers[1]["serial"] == "123" and answers[1]["errors"] == []
    assert answers[2]["errors"][0]["code"] == "UDI-UNKNOWN-FORMAT"
    valid = run_cli(["udi", "parse", "-"], tmp_path, stdin=lines[0] + "\r\n" + lines[5] + "\r")
    assert valid.returncode == 0 and len(split_output(valid)[0].splitlines()) == 2


def test_a_line_is_answered_before_the_input_ends(tmp_path):
    """An integration writes one code and waits for its answer with standard input open."""
    process = subprocess.Popen([sys.executable, "-c", PROBE, "udi", "parse", "-"], cwd=tmp_path,
                               env=_env(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               text=True, encoding="utf-8")
    assert process.stdin is not None and process.stdout is not None
    answers: list[str] = []
    try:
        for code in ("(01)09506000134352", "+A123BJC5D6E71X"):
            process.stdin.write(code + "\n")
            process.stdin.flush()
            reader = threading.Thread(target=lambda: answers.append(process.stdout.readline()))
            reader.start()
            reader.join(timeout=120)  # a hang guard, not a timing: the answer comes or never
            assert not reader.is_alive(), "no answer while standard input stays open"
    finally:
        process.stdin.close()
        process.wait(timeout=120)
    assert [json.loads(line)["agency"] for line in answers] == ["GS1", "HIBCC"]
    assert process.returncode == 1  # the HIBCC check character is wrong


def _env() -> dict[str, str]:
    import os

    from tests.platform.test_cli_startup import SOURCE

    env = {key: value for key, value in os.environ.items() if not key.startswith("MEDTRACE_")}
    env["PYTHONPATH"] = str(SOURCE)
    return env


class _Pipe(io.RawIOBase):
    """A pipe that hands out the given chunks one read at a time."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:  # type: ignore[no-untyped-def]
        if not self.chunks:
            return 0
        chunk = self.chunks.pop(0)
        buffer[: len(chunk)] = chunk
        return len(chunk)


def test_blocks_follow_the_reads_and_keep_lines_whole():
    chunks = [b"A1\nB2", b"2\r", "\nC3 中".encode()[:-1], "中".encode()[-1:]]
    stream = io.TextIOWrapper(io.BufferedReader(_Pipe(chunks)), encoding="utf-8")
    blocks = list(_blocks(stream))
    assert blocks == [["A1", ""], ["B22", ""], ["", ""], ["C3 中"]]
