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
from collections.abc import Iterable
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class Tile:
    """A home-dashboard panel: ``provider(uow) -> list[Figure]``; ``title`` is a msgid."""

    key: str
    title: str
    order: int
    provider: str
    permission: str | None = None


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
    jobs: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


def load_descriptors(packages: Iterable[str]) -> list[Module]:
    """The ``MODULE`` of each package's ``module.py``, in the order given."""
    found = []
    for package in packages:
        module = importlib.import_module(f"{package}.module").MODULE
        if not isinstance(module, Module) or module.package != package:
            raise TypeError(f"{package}.module.MODULE must be a Module for {package}")
        found.append(module)
    return found
