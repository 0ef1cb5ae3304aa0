"""Module descriptors: what each part of MedTrace contributes to the application.

Every business module (and every platform part that has routes, tables or commands) has a
``module.py`` holding one ``MODULE = Module(...)``. The ordered list in ``medtrace.registry``
names them; the app (routers, menu, dashboard tiles), the metadata (models), the CLI (command
groups), the demo loader (steps), the worker (jobs) and the import-linter layers all read that
list, so adding a module is one line there.

A descriptor holds *references* ("package.module:attribute"), not objects: reading every
descriptor imports nothing but this file, so ``medtrace --help`` lists every command group
without importing a single router, model or service. ``resolve`` imports a reference when the
thing is needed.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


def N_(message: str) -> str:
    """Marks a msgid for extraction (as ``medtrace.platform.i18n.N_`` does) without importing
    the translation machinery: descriptors must stay cheap to read."""
    return message


def resolve(ref: str) -> Any:
    """``"package.module:attribute"`` -> the attribute (``"package.module"`` -> the module)."""
    module_name, _, attribute = ref.partition(":")
    module = importlib.import_module(module_name)
    return getattr(module, attribute) if attribute else module


@dataclass(frozen=True)
class Command:
    """A command group of ``medtrace`` (``medtrace <name> ...``), a Typer app by reference."""

    name: str
    app: str
    help: str


@dataclass(frozen=True)
class Menu:
    """A navigation entry; ``label`` is a msgid, translated when the menu is drawn."""

    key: str
    label: str
    path: str
    order: int
    permission: str | None = None


@dataclass(frozen=True)
class Demo:
    """A step of ``medtrace demo load``: ``run(uow)``, in ``order`` (lowest first)."""

    name: str
    order: int
    run: str


#: the home dashboard's sections, in the order they are shown
DASHBOARD_SECTIONS = ("waiting", "alerts", "figures", "system")


@dataclass(frozen=True)
class Tile:
    """A home-dashboard panel: ``provider(uow) -> list[Figure]``; ``title`` is a msgid.

    Each module contributes its own panels, computed by its own queries; the home page only
    assembles them. ``section`` places the panel: ``waiting`` (what waits for the user: counts
    to approve, lots to release, licences to renew), ``alerts`` (expiring lots, stock below
    minimum, licences expiring), ``figures`` (activity, with charts for trends) or
    ``system``. ``permission`` decides who sees it, so each role sees its own dashboard. A
    ``personal`` panel is about the user (their tasks): its provider is ``provider(uow,
    actor)``."""

    key: str
    title: str
    order: int
    provider: str
    permission: str | None = None
    section: str = "figures"
    personal: bool = False

    def __post_init__(self) -> None:
        if self.section not in DASHBOARD_SECTIONS:
            raise ValueError(f"tile {self.key}: unknown section {self.section!r}")


@dataclass(frozen=True)
class RecordPanel:
    """A panel of figures that a module adds to another module's record page, such as
    purchasing's supplier performance on a partner's page: ``provider(uow, record_id) ->
    list[Figure]``. ``page`` names the record page (``RECORD_PAGES``); the page's own module
    knows nothing of the panels it shows, which keeps the layering (a lower module never
    imports a higher one). ``title`` is a msgid; ``permission`` decides who sees it."""

    page: str
    key: str
    title: str
    order: int
    provider: str
    permission: str | None = None

    def __post_init__(self) -> None:
        if self.page not in RECORD_PAGES:
            raise ValueError(f"record panel {self.key}: unknown page {self.page!r}")


#: the record pages that show other modules' panels
RECORD_PAGES = ("partners.partner", "traceability.object")


@dataclass(frozen=True)
class Module:
    """One part of MedTrace. ``api`` routers are mounted before every ``pages`` router."""

    name: str
    package: str
    summary: str
    models: tuple[str, ...] = ()
    api: tuple[str, ...] = ()
    pages: tuple[str, ...] = ()
    commands: tuple[Command, ...] = ()
    menu: tuple[Menu, ...] = ()
    demo: tuple[Demo, ...] = ()
    tiles: tuple[Tile, ...] = ()
    record_panels: tuple[RecordPanel, ...] = ()
    jobs: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


def load_descriptors(packages: Iterable[str]) -> list[Module]:
    """The ``MODULE`` of each package's ``module.py``, in the order given.

    A descriptor is read without running its package's ``__init__`` (which may import models
    and services), so that listing every part (``medtrace --help``) stays cheap."""
    found = []
    for package in packages:
        module = _descriptor_module(f"{package}.module").MODULE
        if not isinstance(module, Module) or module.package != package:
            raise TypeError(f"{package}.module.MODULE must be a Module for {package}")
        found.append(module)
    return found


def _descriptor_module(name: str) -> Any:
    if name in sys.modules:
        return sys.modules[name]
    package = importlib.util.find_spec(name.rpartition(".")[0])  # the parent is not run
    if package is None or not package.submodule_search_locations:
        raise ModuleNotFoundError(name)
    path = Path(next(iter(package.submodule_search_locations))) / "module.py"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(name)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def public_face(package: str, exports: dict[str, list[str]]) -> tuple[list[str], Any, Any]:
    """A package root whose names are imported when first used (PEP 562).

    ``exports`` maps each submodule to the names it provides. Returns ``(__all__, __getattr__,
    __dir__)`` for the package's ``__init__``: importing ``medtrace.modules.catalog.cli`` (or
    its descriptor) then costs nothing of the catalog's models and services, which keeps the
    command line fast, while ``catalog.create_item`` works as an ordinary attribute."""
    where = {name: module for module, names in exports.items() for name in names}
    if len(where) != sum(len(names) for names in exports.values()):
        raise ValueError(f"{package}: a name is exported twice")

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        setattr(importlib.import_module(package), name, value)
        return value

    def __dir__() -> list[str]:
        return sorted(where)

    return sorted(where), __getattr__, __dir__
