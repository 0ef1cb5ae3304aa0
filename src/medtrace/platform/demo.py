"""Demo data: each module's descriptor names its steps (``Demo`` in ``module.py``); ``medtrace
demo load`` runs them in order, in one transaction, once. The platform's own step writes the
company profile."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import func, inspect, select, table

from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.policy import (
    COMPANY_NAME_EN,
    COMPANY_NAME_ZH,
    DEMO_LOADED_AT,
    get_setting,
    set_setting,
)


@dataclass(frozen=True)
class DemoStep:
    name: str
    order: int
    run: Callable[[UnitOfWork], None]


def database_is_empty(uow: UnitOfWork) -> bool:
    """No row in any application table. Migration bookkeeping and reference data that the
    migrations seed (tables whose ``info`` says ``reference_data``) do not count."""
    from medtrace.platform.db.base import Base

    reference = {t.name for t in Base.metadata.tables.values() if t.info.get("reference_data")}
    connection = uow.session.connection()
    for name in inspect(connection).get_table_names():
        if name == "alembic_version" or name in reference:
            continue
        if uow.session.scalar(select(func.count()).select_from(table(name))):
            return False
    return True


@dataclass
class DemoResult:
    loaded: bool
    reason: str
    steps: list[str]


def load_demo(uow: UnitOfWork, steps: Iterable[DemoStep], *, only_if_empty: bool = False
              ) -> DemoResult:
    loaded_at = get_setting(uow, DEMO_LOADED_AT)
    if loaded_at is not None:
        return DemoResult(False, f"demo data already loaded at {loaded_at.isoformat()}", [])
    if only_if_empty and not database_is_empty(uow):
        return DemoResult(False, "the database holds data already; demo data not loaded", [])
    names = []
    for step in sorted(steps, key=lambda s: (s.order, s.name)):
        step.run(uow)
        names.append(step.name)
    set_setting(uow, DEMO_LOADED_AT, uow.now())
    return DemoResult(True, "demo data loaded", names)


def company_profile(uow: UnitOfWork) -> None:
    set_setting(uow, COMPANY_NAME_ZH, "华康医疗器械有限公司")
    set_setting(uow, COMPANY_NAME_EN, "Huakang Medical Devices Co., Ltd.")

