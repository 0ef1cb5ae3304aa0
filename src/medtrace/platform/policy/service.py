from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from medtrace.platform.db.uow import UnitOfWork
from medtrace.platform.errors import DomainError
from medtrace.platform.i18n import N_
from medtrace.platform.policy.models import Setting


class InvalidSetting(DomainError):
    code = "MT-SETTING-INVALID"
    status = 422
    title = N_("The setting value is not valid.")
    help = "The value does not have the type the setting declares, or the setting is unknown."


@dataclass(frozen=True)
class SettingDef:
    key: str
    kind: type
    default: Any
    label: str

    def check(self, value: Any) -> Any:
        if value is None:
            return None
        if self.kind is dt.datetime:
            if isinstance(value, str):
                value = dt.datetime.fromisoformat(value)
            if not isinstance(value, dt.datetime) or value.tzinfo is None:
                raise InvalidSetting(f"{self.key}: a timezone-aware date and time is expected")
            return value
        if self.kind is int and isinstance(value, bool):
            raise InvalidSetting(f"{self.key}: a whole number is expected")
        if not isinstance(value, self.kind):
            raise InvalidSetting(f"{self.key}: a value of type {self.kind.__name__} is expected")
        return value

    def dump(self, value: Any) -> Any:
        return value.isoformat() if isinstance(value, dt.datetime) else value


_DEFINITIONS: dict[str, SettingDef] = {}


def define(key: str, kind: type, default: Any, label: str) -> SettingDef:
    definition = SettingDef(key, kind, default, label)
    existing = _DEFINITIONS.get(key)
    if existing is not None and existing != definition:
        raise ValueError(f"setting {key} defined twice, differently")
    _DEFINITIONS[key] = definition
    return definition


COMPANY_NAME_ZH = define("company.name_zh", str, "", N_("Company name (Chinese)"))
COMPANY_NAME_EN = define("company.name_en", str, "", N_("Company name (English)"))
DEMO_LOADED_AT = define("demo.loaded_at", dt.datetime, None, N_("Demo data loaded at"))


def _definition(key: str) -> SettingDef:
    try:
        return _DEFINITIONS[key]
    except KeyError:
        raise InvalidSetting(f"unknown setting {key!r}") from None


def get_setting(uow: UnitOfWork, definition: SettingDef | str) -> Any:
    spec = _definition(definition if isinstance(definition, str) else definition.key)
    row = uow.session.get(Setting, spec.key)
    if row is None or row.value is None:
        return spec.default
    return spec.check(row.value)


def set_setting(uow: UnitOfWork, definition: SettingDef | str, value: Any) -> None:
    spec = _definition(definition if isinstance(definition, str) else definition.key)
    stored = spec.dump(spec.check(value))
    row = uow.session.get(Setting, spec.key)
    if row is None:
        uow.session.add(Setting(key=spec.key, value=stored))
    else:
        row.value = stored
    uow.flush()


def list_settings(uow: UnitOfWork) -> dict[str, Any]:
    stored = {row.key: row for row in uow.session.scalars(select(Setting))}
    values = {}
    for key, spec in sorted(_DEFINITIONS.items()):
        row = stored.get(key)
        values[key] = spec.default if row is None or row.value is None else spec.check(row.value)
    return values
