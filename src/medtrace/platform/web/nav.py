"""Navigation: modules register their entries; the layout renders them in order.

The planned modules of the architecture are listed too, greyed out until a module registers a
page for them, so users see where each capability will live.
"""

from __future__ import annotations

from dataclasses import dataclass

from medtrace.platform.i18n import N_


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str
    path: str | None
    order: int
    permission: str | None = None

    @property
    def available(self) -> bool:
        return self.path is not None


_PLANNED = [
    NavEntry("catalog", N_("Catalog"), None, 100),
    NavEntry("partners", N_("Partners"), None, 200),
    NavEntry("traceability", N_("Traceability"), None, 300),
    NavEntry("inventory", N_("Inventory"), None, 400),
    NavEntry("quality", N_("Quality"), None, 500),
    NavEntry("procurement", N_("Procurement"), None, 600),
    NavEntry("production", N_("Production"), None, 700),
    NavEntry("sales", N_("Sales"), None, 800),
    NavEntry("service", N_("Service"), None, 900),
    NavEntry("recall", N_("Recall"), None, 1000),
    NavEntry("reports", N_("Reports"), None, 1100),
]

_entries: dict[str, NavEntry] = {e.key: e for e in _PLANNED}
_entries["home"] = NavEntry("home", N_("Home"), "/", 0)
_entries["system"] = NavEntry("system", N_("System"), "/system", 5000)


def register_nav(entry: NavEntry) -> None:
    """Add or replace (a planned placeholder by the real page) a navigation entry."""
    _entries[entry.key] = entry


def nav_entries() -> list[NavEntry]:
    return sorted(_entries.values(), key=lambda e: (e.order, e.key))
