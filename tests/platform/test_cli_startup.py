"""The ``medtrace`` command imports only what the invoked command needs: the overview and
``udi parse`` run without SQLAlchemy, FastAPI or the label libraries (no timing here: the
figures are in bench/udi_parse.py and docs/performance.md)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer

import medtrace
from medtrace.cli import GROUPS, app, load_group
from medtrace.standards.udi.ai_table import check_digit

SOURCE = Path(medtrace.__file__).resolve().parents[1]
HEAVY = ("sqlalchemy", "fastapi", "starlette", "PIL", "zxingcpp", "uvicorn", "alembic")
PROBE = """
import json, sys
from medtrace.cli import main
status = 0
try:
    main()
except SystemExit as exc:
    status = exc.code
print("\\nMODULES " + json.dumps(sorted(sys.modules)))
sys.exit(status)
"""
CODE = "(01)09506000134352(17)261231(10)ABC(21)123"


def run_cli(args: list[str], cwd: Path, *, database_url: str | None = None,
            stdin: str = "", lang: str = "C.UTF-8") -> subprocess.CompletedProcess[str]:
    """``medtrace ARGS`` in a new interpreter on this source tree, in ``cwd``."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("MEDTRACE_")}
    env["PYTHONPATH"] = os.pathsep.join([str(SOURCE), *filter(None, [env.get("PYTHONPATH")])])
    env["LANG"] = lang
    env.pop("LC_ALL", None)
    if database_url is not None:
        env["MEDTRACE_DATABASE_URL"] = database_url
    return subprocess.run([sys.executable, "-c", PROBE, *args], cwd=cwd, env=env, input=stdin,
                          capture_output=True, text=True, encoding="utf-8", timeout=300,
                          check=False)


def split_output(done: subprocess.CompletedProcess[str]) -> tuple[str, set[str]]:
    output, _, modules = done.stdout.rpartition("\nMODULES ")
    return output, set(json.loads(modules))


def heavy_in(modules: set[str]) -> set[str]:
    return {name for name in modules if name.split(".")[0] in HEAVY}


def test_the_overview_lists_every_group_without_importing_them(tmp_path):
    done = run_cli(["--help"], tmp_path)
    output, modules = split_output(done)
    assert done.returncode == 0, done.stderr
    for name, _reference, help_text in GROUPS:
        assert f" {name} " in output and help_text.split()[0] in output, name
    for name in ("version", "serve", "demo", "errors"):
        assert f" {name} " in output
    assert heavy_in(modules) == set()
    # only the descriptors (module.py) are read, not the parts' packages
    loaded = {m for m in modules if m.startswith(("medtrace.modules.", "medtrace.platform."))}
    assert loaded and all(m.endswith(".module") or m == "medtrace.platform.modules"
                          for m in loaded), loaded
    assert "medtrace.settings" not in modules  # set-up runs for commands, not for --help


def test_udi_parse_of_one_code_imports_the_parser_only(tmp_path):
    done = run_cli(["udi", "parse", CODE], tmp_path)
    output, modules = split_output(done)
    assert done.returncode == 0, done.stderr
    assert json.loads(output)["gtin"] == "09506000134352"
    assert heavy_in(modules) == set()
    # the catalog's package root is lazy: its service and models are not loaded
    assert "medtrace.modules.catalog.service" not in modules
    assert "medtrace.modules.catalog.models" not in modules
    assert "medtrace.platform.db" not in modules
    assert not (tmp_path / "var").exists()  # no empty database file is created any more


def test_udi_parse_resolves_against_a_database_with_the_catalog(scratch, tmp_path):
    from medtrace.platform.db import migrate
    from medtrace.platform.db.session import make_engine

    url = scratch.new_url("sqlite")
    engine = make_engine(url)
    migrate.upgrade(engine)
    engine.dispose()
    done = run_cli(["udi", "parse", CODE], tmp_path, database_url=url)
    output, modules = split_output(done)
    assert done.returncode == 0, done.stderr
    assert json.loads(output)["item"] is None  # the catalog is there, the GTIN is not
    # looking in the catalog needs the database layer, never the web or the label libraries
    assert heavy_in(modules) == {m for m in modules if m.split(".")[0] == "sqlalchemy"} != set()
    assert "medtrace.modules.catalog.service" in modules
    no_resolve = run_cli(["udi", "parse", "--no-resolve", CODE], tmp_path, database_url=url)
    assert heavy_in(split_output(no_resolve)[1]) == set()


def test_a_database_file_without_the_catalog_is_not_opened_with_the_database_layer(tmp_path):
    import sqlite3

    sqlite3.connect(tmp_path / "empty.db").close()  # what earlier versions left behind
    done = run_cli(["udi", "parse", CODE], tmp_path, database_url="sqlite:///empty.db")
    output, modules = split_output(done)
    assert done.returncode == 0 and json.loads(output)["item"] is None
    assert heavy_in(modules) == set()


def test_the_table_help_is_each_groups_own_help():
    names = [name for name, _reference, _help in GROUPS]
    assert len(names) == len(set(names))
    for name, reference, help_text in GROUPS:
        group = load_group(name, reference)
        own = (group.help or "").split("\n\n")[0].split(" until ")[0]
        assert group.name == name and help_text.startswith(own.rstrip(".")), name
        if hasattr(group, "list_commands"):
            assert group.list_commands(None), name  # type: ignore[arg-type]


def test_groups_load_on_use_and_run_as_before(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["udi", "parse", "--no-resolve", "(01)09506000134352"])
    assert result.exit_code == 0 and json.loads(result.output)["gtin"] == "09506000134352"
    missing = CliRunner().invoke(app, ["nonsense"])
    assert missing.exit_code == 2 and "nonsense" in missing.output
    assert CliRunner().invoke(app, ["version"]).output.strip() == medtrace.__version__


def test_a_table_entry_may_name_a_typer_app_or_a_click_command(monkeypatch):
    single = typer.Typer(help="Run the background jobs.", invoke_without_command=True)

    @single.callback()
    def _run() -> None:
        """Run the background jobs."""

    module = type(sys)("medtrace_fake_jobs")
    module.app = single  # type: ignore[attr-defined]
    module.command = typer.main.get_command(single)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "medtrace_fake_jobs", module)
    assert load_group("worker", "medtrace_fake_jobs:app").name == "worker"
    assert load_group("worker", "medtrace_fake_jobs:command").name == "worker"


@pytest.mark.parametrize(("data", "digit"), [
    ("950110153100", 0), ("9501234", 6), ("0950600013435", 2), ("1697123456001", 5),
])
def test_the_gs1_check_digit(data, digit):
    assert check_digit(data) == digit


def test_the_gs1_check_digit_refuses_what_is_not_digits():
    with pytest.raises(ValueError):
        check_digit("12A4")
    with pytest.raises(ValueError):
        check_digit("")
