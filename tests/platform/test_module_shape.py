"""Every business module has the shape of the recipe (docs/new-module.md), and the registry,
the descriptors and the package folders agree.

- A module has every standard file; a standard file that grew may be a package of the same
  name (``web/``), whose inner files are its own business.
- A module has no file the recipe does not know: a sub-feature is a sub-package with the same
  file names (``inventory/counts/``), optional ``cli.py`` and ``demo.py`` aside.
- The package root is the public face: an explicit ``__all__`` whose names all resolve, and no
  ORM class among them.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from medtrace import registry
from medtrace.platform.db.base import Base
from medtrace.platform.modules import Module, resolve

MODULES_DIR = Path(importlib.import_module("medtrace.modules").__file__).parent  # type: ignore[arg-type]

REQUIRED = {"__init__", "module", "models", "schemas", "rules", "service", "queries", "events",
            "errors", "permissions", "api", "web"}
OPTIONAL = {"cli", "demo"}
#: what a sub-package may hold (none of it required but its __init__)
SUB_PACKAGE = REQUIRED - {"module"} | OPTIONAL
FOLDERS = {"templates", "__pycache__"}


def _entries(folder: Path) -> dict[str, Path]:
    return {(p.stem if p.suffix == ".py" else p.name): p for p in folder.iterdir()
            if p.suffix == ".py" or (p.is_dir() and p.name not in FOLDERS)}


def _standard_packages(folder: Path) -> set[str]:
    return {name for name, path in _entries(folder).items()
            if path.is_dir() and name in REQUIRED | OPTIONAL}


def _shape_problems(folder: Path, *, sub: bool) -> list[str]:
    known = SUB_PACKAGE if sub else REQUIRED | OPTIONAL
    entries = _entries(folder)
    problems = []
    for name, path in sorted(entries.items()):
        if name in known:
            if path.is_dir() and not (path / "__init__.py").exists():
                problems.append(f"{path.name}/ has no __init__.py")
            continue
        if path.is_dir() and (path / "__init__.py").exists() and not sub:
            problems.extend(_shape_problems(path, sub=True))  # a sub-feature
            continue
        problems.append(f"{folder.name}/{path.name} is not a file the recipe knows")
    if not sub:
        missing = sorted(REQUIRED - set(entries))
        problems.extend(f"{folder.name} lacks {name}.py" for name in missing)
    elif "__init__" not in entries:
        problems.append(f"{folder.name}/ has no __init__.py")
    return problems


def _module_names() -> list[str]:
    return [name for layer in registry.module_layers() for name in layer]


def test_the_registry_lists_every_module_folder_once():
    folders = {p.name for p in MODULES_DIR.iterdir()
               if p.is_dir() and (p / "__init__.py").exists()}
    names = _module_names()
    assert len(names) == len(set(names))
    assert set(names) == folders


@pytest.mark.parametrize("name", _module_names())
def test_a_module_has_the_recipes_files_and_no_other(name):
    assert _shape_problems(MODULES_DIR / name, sub=False) == []


@pytest.mark.parametrize("name", _module_names())
def test_a_modules_root_exports_its_public_face_and_no_orm_class(name):
    package = importlib.import_module(f"medtrace.modules.{name}")
    exported = package.__all__
    assert exported == sorted(set(exported), key=exported.index), "duplicates in __all__"
    for export in exported:
        value = getattr(package, export)
        assert not (isinstance(value, type) and issubclass(value, Base)), \
            f"{name} exports the ORM class {export}"


def test_every_descriptor_resolves():
    for part in registry.parts():
        assert isinstance(part, Module)
        for ref in (*part.models, *part.api, *part.pages,
                    *(c.app for c in part.commands), *(d.run for d in part.demo),
                    *(t.provider for t in part.tiles), *part.jobs):
            assert resolve(ref) is not None, ref
    names = [c.name for c in registry.commands()]
    assert len(names) == len(set(names)), "two parts claim one command group"


def test_the_shape_check_refuses_a_stray_file_and_a_missing_one(tmp_path):
    folder = tmp_path / "widgets"
    folder.mkdir()
    for name in REQUIRED - {"events"}:
        (folder / f"{name}.py").write_text("")
    (folder / "helpers.py").write_text("")
    sub = folder / "things"
    sub.mkdir()
    (sub / "__init__.py").write_text("")
    (sub / "service.py").write_text("")
    (sub / "misc.py").write_text("")
    assert _shape_problems(folder, sub=False) == [
        "widgets/helpers.py is not a file the recipe knows",
        "things/misc.py is not a file the recipe knows",
        "widgets lacks events.py",
    ]
