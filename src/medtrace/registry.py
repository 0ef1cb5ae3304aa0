"""The one ordered list of MedTrace's parts.

``PLATFORM`` are the mechanisms that know no business noun; ``MODULES`` are the business
modules, lowest layer first (a tuple is one layer of siblings that may not import each other).
Everything else reads these lists: the app mounts routers and menus in this order, the metadata
collects every model, the CLI lists every command group, the demo loader runs every step, the
worker every job, and the import-linter layers contract (``tests/import_contracts.py``) checks
the module layers in this order. Adding a module is one line in ``MODULES``.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from medtrace.platform.modules import Command, Module, load_descriptors, resolve

if TYPE_CHECKING:
    from medtrace.platform.db.uow import UnitOfWork
    from medtrace.platform.demo import DemoResult, DemoStep

PLATFORM: tuple[str, ...] = (
    "medtrace.platform.observability",
    "medtrace.platform.web",
    "medtrace.platform.db",
    "medtrace.platform.policy",
    "medtrace.platform.auth",
    "medtrace.platform.audit",
    "medtrace.platform.esign",
    "medtrace.platform.idempotency",
    "medtrace.platform.events",
    "medtrace.platform.jobs",
    "medtrace.platform.customfields",
    "medtrace.platform.numbering",
    "medtrace.platform.workflows",
)

MODULES: tuple[str | tuple[str, ...], ...] = (
    "catalog",
    "partners",
    "traceability",
    "inventory",
    "quality",
    ("procurement", "production", "sales"),
    "service",
)


def module_layers() -> list[tuple[str, ...]]:
    """The business modules' layers, lowest first, as tuples of names."""
    return [entry if isinstance(entry, tuple) else (entry,) for entry in MODULES]


def module_packages() -> list[str]:
    return [f"medtrace.modules.{name}" for layer in module_layers() for name in layer]


@cache
def parts() -> tuple[Module, ...]:
    """Every descriptor: the platform's first, then the modules', lowest first."""
    return tuple(load_descriptors([*PLATFORM, *module_packages()]))


def import_models() -> None:
    """Import every model module, so that the metadata is complete and every mapper known."""
    for part in parts():
        for ref in part.models:
            resolve(ref)


def register_jobs() -> None:
    """Import every part's jobs (a ``JobSpec`` registers itself when its module loads)."""
    for part in parts():
        for ref in part.jobs:
            resolve(ref)


def routers() -> list[Any]:
    """Every router: all ``api`` routers first, then all ``pages`` routers, in list order."""
    return [resolve(ref) for kind in ("api", "pages") for part in parts()
            for ref in getattr(part, kind)]


def commands() -> list[Command]:
    return [command for part in parts() for command in part.commands]


def demo_steps() -> list[DemoStep]:
    from medtrace.platform.demo import DemoStep

    return [DemoStep(step.name, step.order, resolve(step.run))
            for part in parts() for step in part.demo]


def load_demo(uow: UnitOfWork, *, only_if_empty: bool = False) -> DemoResult:
    """``medtrace demo load``: every module's demo steps, in one transaction, once."""
    from medtrace.platform import demo

    import_models()
    return demo.load_demo(uow, demo_steps(), only_if_empty=only_if_empty)


def role_grants() -> list[dict[str, list[str]]]:
    """Every part's share of the built-in job roles (``ROLE_GRANTS`` in its
    ``permissions.py``), the platform's first, then the modules' lowest first."""
    import importlib
    import importlib.util

    found = []
    for package in [*PLATFORM, *module_packages()]:
        if importlib.util.find_spec(f"{package}.permissions") is None:
            continue
        grants = getattr(importlib.import_module(f"{package}.permissions"), "ROLE_GRANTS", None)
        if grants:
            found.append(grants)
    return found


def init_roles(uow: UnitOfWork) -> list[str]:
    """``medtrace roles init``: the built-in job roles a new plant starts from, with every
    module's permissions; roles that exist are left as they are. The codes created."""
    from medtrace.platform.auth import roles

    return roles.ensure_job_roles(uow, role_grants())


def register_menus_and_tiles() -> None:
    """Put every module's menu entries, dashboard tiles and record-page panels where the layout
    finds them."""
    from medtrace.platform.web.dashboard import (
        Panel,
        RecordPanelEntry,
        register_panel,
        register_record_panel,
    )
    from medtrace.platform.web.nav import NavEntry, register_nav

    for part in parts():
        for menu in part.menu:
            register_nav(NavEntry(menu.key, menu.label, menu.path, menu.order, menu.permission))
        for tile in part.tiles:
            register_panel(Panel(tile.key, tile.title, tile.order, resolve(tile.provider),
                                 tile.permission, tile.section, tile.personal))
        for panel in part.record_panels:
            register_record_panel(RecordPanelEntry(panel.page, panel.key, panel.title,
                                                   panel.order, resolve(panel.provider),
                                                   panel.permission))
