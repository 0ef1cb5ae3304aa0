"""Demo service story on top of sales': the pumps at Renji and Huadong in the installed base
with their acceptance and versions; a service van holding a spare drive module and a battery
pack; a repair at Renji East that replaced the drive module (back to quarantine) and the
battery (scrapped) and updated the software, signed by the technician (liu.yang) and waiting
to be closed; a follow-up visit that raised a complaint, another that went well; a pump at
Huadong waiting for parts; preventive maintenance orders generated for the units falling due.
The password of every demo user is the platform's demo password."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from medtrace.modules import catalog, inventory, partners, traceability
from medtrace.modules.service import service
from medtrace.modules.service.models import FollowUpVisit, Installation
from medtrace.modules.service.permissions import ROLE_GRANTS
from medtrace.modules.service.schemas import (
    CompleteIn,
    InstallationCreate,
    MaintenancePlanWrite,
    ReplacementIn,
    ServiceOrderCreate,
    StatusIn,
    VersionUpdate,
    VisitRecord,
    WarrantyTermWrite,
)
from medtrace.platform.auth import roles
from medtrace.platform.auth import service as auth_service
from medtrace.platform.auth.demo import DEMO_PASSWORD
from medtrace.platform.db.uow import UnitOfWork

VAN = "VAN-SJ01"


def _actor(uow: UnitOfWork, username: str) -> Any:
    user = auth_service.get_user(uow, username)
    return auth_service.actor_for_user(user) if user else None


def _unit(uow: UnitOfWork, serial: str) -> Any:
    item = catalog.get_item_by_code(uow, "IP-200")
    return traceability.find(uow, "unit", serial, item.id) if item else None


def _journal_day(uow: UnitOfWork, unit: Any, step: str) -> dt.date | None:
    for event in reversed(traceability.timeline(uow, unit)["events"]):
        if event["step"] == step:
            moment = dt.datetime.fromisoformat(event["utc"].replace("Z", "+00:00"))
            return moment.astimezone(uow.timezone).date()
    return None


def _van(uow: UnitOfWork, tech: Any) -> None:
    """The technician's van, stocked from the line: a spare drive module, a battery pack."""
    inventory.create_location(uow, code=VAN, name_zh="售后服务车 沪A·S0921",
                              name_en="Service van SH-A S0921", kind="warehouse",
                              parent="SITE-SJ", stock_status="available")
    drive = catalog.get_item_by_code(uow, "DRV-200")
    battery = catalog.get_item_by_code(uow, "BAT-LI")
    spare_drive = traceability.find(uow, "unit", "DRV-P0006", drive.id)
    spare_battery = traceability.find(uow, "lot", "BAT-P01", battery.id)
    for item, lot, unit in ((drive, spare_drive.lot_id, spare_drive.id),
                            (battery, spare_battery.id, None)):
        inventory.post_move(uow, actor=tech, move=inventory.MoveCreate(
            item_id=item.id, quantity=Decimal(1), from_location="WH-SJ-LINE",
            to_location=VAN, purpose="transfer", lot_id=lot, unit_id=unit,
            note="售后备件 / service spares"))


def _install(uow: UnitOfWork, tech: Any, serial: str, *, site: str, department: str,
             on: dt.date, accepted_by: str, software: str, customer: str | None = None
             ) -> Installation:
    return service.record_installation(uow, actor=tech, data=InstallationCreate(
        unit=serial, item="IP-200", customer=customer, site=site, department=department,
        address="上海市", installed_on=on, installer="刘洋", accepted_by=accepted_by,
        accepted_on=on, versions=[{"kind": "software", "version": software},
                                  {"kind": "firmware", "version": "F1.4"}]))


def _visit_after(uow: UnitOfWork, installation: Installation) -> str:
    return uow.session.scalar(select(FollowUpVisit.number).where(
        FollowUpVisit.origin_installation_id == installation.id))


def _stories(uow: UnitOfWork) -> None:
    tech, lead = _actor(uow, "liu.yang"), _actor(uow, "he.jing")
    today = uow.today()
    service.save_warranty_term(uow, actor=lead, data=WarrantyTermWrite(
        item="IP-200", months=24, basis="installation"))
    service.save_maintenance_plan(uow, actor=lead, data=MaintenancePlanWrite(
        item="IP-200", interval_months=2,
        description="流速校准与电气安全检查 / flow-rate calibration and electrical safety check"))
    _van(uow, tech)
    d1, d2 = _unit(uow, "IP2-D0001"), _unit(uow, "IP2-D0002")
    east = _install(uow, tech, "IP2-D0001", site="仁济医院东院", department="重症医学科 ICU",
                    on=_journal_day(uow, d1, "installed") or today, accepted_by="张护士长",
                    software="2.0.3")
    west = _install(uow, tech, "IP2-D0002", site="仁济医院西院", department="急诊科",
                    on=min(today, (_journal_day(uow, d2, "shipped") or today)
                           + dt.timedelta(days=8)), accepted_by="王主任", software="2.1.0")
    for serial in ("IP2-W0001", "IP2-W0003"):
        _install(uow, tech, serial, site="仁济医院西院", department="心内科", on=today,
                 accepted_by="李护士长", software="2.1.0")
    # the visit after the first installation: the customer complains
    service.record_visit(uow, number=_visit_after(uow, east), actor=tech, data=VisitRecord(
        outcome="complaint", contact="张护士长",
        notes="电话回访 / follow-up call",
        complaint="夜间报警音量偏低，护士站听不到 / alarm too quiet at night, not heard at "
                  "the nurses' station"))
    service.record_visit(uow, number=_visit_after(uow, west), actor=tech, data=VisitRecord(
        outcome="satisfied", contact="王主任", notes="使用正常 / working well"))
    # the repair at Renji East: drive module and battery replaced, software updated
    repair = service.create_order(uow, actor=tech, data=ServiceOrderCreate(
        type="corrective", unit="IP2-D0001", item="IP-200", technician="liu.yang",
        scheduled_for=today, parts_location=VAN,
        problem="频繁堵塞报警，电池续航不足 / frequent occlusion alarms, battery runs down"))
    service.replace_part(uow, number=repair.number, actor=tech, data=ReplacementIn(
        removed="DRV-0001", fitted="DRV-P0006", removed_to="quarantine"))
    service.replace_part(uow, number=repair.number, actor=tech, data=ReplacementIn(
        removed="BAT-H01", fitted="BAT-P01", removed_to="scrap"))
    service.update_version(uow, number=repair.number, actor=tech, data=VersionUpdate(
        kind="software", version="2.1.0"))
    service.complete_order(uow, number=repair.number, actor=tech, data=CompleteIn(
        report="更换泵送模块与电池组，升级软件至 2.1.0，流速校准合格 / replaced the drive module "
               "and the battery pack, software updated to 2.1.0, flow rate within tolerance",
        minutes=95, ack_name="张护士长", signature={"password": DEMO_PASSWORD}))
    # Huadong: a pump waiting for a display board
    huadong = partners.get_partner_by_code(uow, "CUS-HUADONG")
    d3 = _unit(uow, "IP2-D0003")
    if huadong is not None and d3 is not None and d3.state == "shipped":
        _install(uow, tech, "IP2-D0003", site="杭州市第一人民医院", department="肿瘤科",
                 on=min(today, (_journal_day(uow, d3, "shipped") or today)
                        + dt.timedelta(days=10)), accepted_by="陈护士长", software="2.1.0",
                 customer="CUS-HUADONG")
        waiting = service.create_order(uow, actor=tech, data=ServiceOrderCreate(
            type="corrective", unit="IP2-D0003", item="IP-200", technician="liu.yang",
            scheduled_for=today + dt.timedelta(days=3),
            problem="屏幕闪烁 / display flickers"))
        service.change_status(uow, number=waiting.number, actor=tech,
                              data=StatusIn(status="in_progress"))
        service.change_status(uow, number=waiting.number, actor=tech,
                              data=StatusIn(status="awaiting_parts",
                                            reason="等待显示板 / waiting for a display board"))
    service.generate_preventive_orders(uow, actor=tech)


def load(uow: UnitOfWork) -> None:
    roles.add_grants(uow, ROLE_GRANTS)
    if _actor(uow, "liu.yang") is None or _unit(uow, "IP2-D0001") is None \
            or not inventory.locations_with_status(uow, "quarantine") \
            or _unit(uow, "IP2-W0001") is None:
        return
    _stories(uow)
