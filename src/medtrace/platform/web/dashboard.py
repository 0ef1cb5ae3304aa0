"""The home dashboard: panels of figures read from the database, in sections.

Each module names its panels in its descriptor (``Tile``, with a section: what waits for the
user, alerts, figures, system); ``registry.register_menus_and_tiles`` registers them here. A
provider gets a read-only unit of work and returns figures computed by its own module's
queries; the home page only assembles the panels the user's permissions allow, section by
section. One failing provider is shown as unavailable instead of breaking the home page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import func, inspect, select, text

from medtrace.platform.actor import Actor
from medtrace.platform.db.migrate import current_revisions, head_revisions
from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.i18n import N_
from medtrace.platform.modules import DASHBOARD_SECTIONS
from medtrace.platform.observability.logging import get_logger
from medtrace.platform.policy import DEMO_LOADED_AT, get_setting
from medtrace.platform.policy.models import Setting

log = get_logger(__name__)


@dataclass
class Figure:
    label: str  # msgid, translated by the template (with ``params``)
    value: object
    kind: str = "text"  # text | label (a msgid) | number | datetime | bytes | ms | chart
    link: str | None = None
    params: dict[str, object] = field(default_factory=dict)
    alert: bool = False  # shown as needing attention (a count of things waiting, an alert)


def count(label: str, value: int, link: str | None = None, **params: object) -> Figure:
    """A count of things waiting or alerting: it asks for attention when it is not zero."""
    return Figure(label, value, "number", link, params, alert=value > 0)


@dataclass
class Panel:
    key: str
    title: str  # msgid
    order: int
    provider: Callable[..., list[Figure]]  # (uow) or, when personal, (uow, actor)
    permission: str | None = None  # who may see the panel (None: every signed-in user)
    section: str = "figures"
    personal: bool = False


@dataclass
class PanelView:
    key: str
    title: str
    figures: list[Figure] = field(default_factory=list)
    failed: bool = False


@dataclass
class SectionView:
    key: str
    title: str  # msgid
    panels: list[PanelView]


SECTION_TITLES = {"waiting": N_("Waiting for you"), "alerts": N_("Alerts"),
                  "figures": N_("Activity"), "system": N_("System and access")}


_panels: dict[str, Panel] = {}


def register_panel(panel: Panel) -> None:
    _panels[panel.key] = panel


def build_dashboard(uow: UnitOfWork, actor: Actor | None) -> list[SectionView]:
    """The sections that hold at least one panel the actor may see, in order."""
    sections: dict[str, list[PanelView]] = {key: [] for key in DASHBOARD_SECTIONS}
    for panel in sorted(_panels.values(), key=lambda p: (p.order, p.key)):
        if panel.permission and (actor is None or not actor.can(panel.permission)):
            continue
        if panel.personal and actor is None:
            continue
        views = sections[panel.section]
        try:
            with uow.session.begin_nested():
                figures = panel.provider(uow, actor) if panel.personal else panel.provider(uow)
                views.append(PanelView(panel.key, panel.title, figures))
        except Exception as exc:  # one broken panel must not take the home page down
            log.error("dashboard.panel_failed", panel=panel.key, error=repr(exc))
            views.append(PanelView(panel.key, panel.title, failed=True))
    return [SectionView(key, SECTION_TITLES[key], views)
            for key, views in sections.items() if views]


@dataclass
class RecordPanelEntry:
    page: str
    key: str
    title: str  # msgid
    order: int
    provider: Callable[..., list[Figure]]  # (uow, record_id)
    permission: str | None = None


_record_panels: dict[tuple[str, str], RecordPanelEntry] = {}


def register_record_panel(panel: RecordPanelEntry) -> None:
    _record_panels[(panel.page, panel.key)] = panel


def record_panels(uow: UnitOfWork, actor: Actor | None, page: str,
                  record_id: int) -> list[PanelView]:
    """The panels other modules add to a record's page (``RecordPanel`` in their descriptors)
    that the actor may see, in order. A panel with no figures for this record is left out; one
    whose provider fails is shown as unavailable, as on the home page."""
    views = []
    for panel in sorted((p for p in _record_panels.values() if p.page == page),
                        key=lambda p: (p.order, p.key)):
        if panel.permission and (actor is None or not actor.can(panel.permission)):
            continue
        try:
            with uow.session.begin_nested():
                figures = panel.provider(uow, record_id)
        except Exception as exc:  # another module's panel must not take the page down
            log.error("record_panel.failed", panel=panel.key, error=repr(exc))
            views.append(PanelView(panel.key, panel.title, failed=True))
            continue
        if figures:
            views.append(PanelView(panel.key, panel.title, figures))
    return views


def database_size(uow: UnitOfWork) -> int:
    session = uow.session
    if uow.db.dialect == "sqlite":
        pages = session.execute(text("PRAGMA page_count")).scalar_one()
        page_size = session.execute(text("PRAGMA page_size")).scalar_one()
        return int(pages) * int(page_size)
    return int(session.execute(text("SELECT pg_database_size(current_database())")).scalar_one())


def database_version(uow: UnitOfWork) -> str:
    session = uow.session
    if uow.db.dialect == "sqlite":
        return "SQLite " + session.execute(text("SELECT sqlite_version()")).scalar_one()
    return "PostgreSQL " + str(session.execute(text("SHOW server_version")).scalar_one())


def system_figures(uow: UnitOfWork) -> list[Figure]:
    connection = uow.session.connection()
    tables = [t for t in inspect(connection).get_table_names() if t != "alembic_version"]
    current = sorted(current_revisions(connection))
    at_head = set(current) == head_revisions()
    settings_count = uow.session.scalar(select(func.count()).select_from(Setting)) or 0
    return [
        Figure(N_("Database"), database_version(uow)),
        Figure(N_("Schema revision"), ", ".join(current) or "—"),
        Figure(N_("Schema at latest migration"), N_("yes") if at_head else N_("no"), "label"),
        Figure(N_("Tables"), len(tables), "number"),
        Figure(N_("Database size"), database_size(uow), "bytes"),
        Figure(N_("Policy settings stored"), settings_count, "number"),
        Figure(N_("Demo data loaded"), get_setting(uow, DEMO_LOADED_AT), "datetime"),
    ]

