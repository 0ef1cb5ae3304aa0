"""Events of service (see ``medtrace.platform.events``): a CRM or field-service app follows
installations, service orders and parts replaced through them."""

from __future__ import annotations

from dataclasses import dataclass

from medtrace.platform.events import Event


@dataclass(frozen=True)
class UnitInstalled(Event):
    type = "service.unit.installed"
    version = 1

    installation: str
    item: str
    serial: str
    customer: str
    site: str
    installed_on: str


@dataclass(frozen=True)
class ServiceOrderStatusChanged(Event):
    type = "service.order.status_changed"
    version = 1

    number: str
    order_type: str
    serial: str
    previous: str | None
    status: str


@dataclass(frozen=True)
class PartReplaced(Event):
    type = "service.part.replaced"
    version = 1

    order: str
    item: str
    serial: str
    removed_item: str
    removed: str
    fitted_item: str
    fitted: str
    quantity: str | None
    removed_to: str


@dataclass(frozen=True)
class UnitVersionChanged(Event):
    type = "service.unit.version_changed"
    version = 1

    item: str
    serial: str
    kind: str
    previous: str | None
    new_version: str
    order: str | None


@dataclass(frozen=True)
class FollowUpRecorded(Event):
    type = "service.visit.recorded"
    version = 1

    number: str
    serial: str
    outcome: str
    complaint: str | None
